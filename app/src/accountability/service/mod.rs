//! 问责 in the database: the candidates computed from the record (`candidates`, with those of 返贫致贫 in
//! `relapses`) and the accountability records with their steps (`records`). Every change writes its audit record in the same transaction.

pub mod candidates;
pub mod records;
pub mod relapses;
