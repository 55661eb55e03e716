//! The annual assessment and the one-vote veto on the database: computing and publishing a county's assessment
//! (`compute`), reading it as the table, a unit's facts and the exports (`table`), and the vetoes (`vetoes`).

pub mod compute;
pub mod table;
pub mod vetoes;
