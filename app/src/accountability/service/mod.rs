//! 问责 in the database: the candidates computed from the record (`candidates`) and the accountability records
//! with their steps (`records`). Every change writes its audit record in the same transaction.

pub mod candidates;
pub mod records;
