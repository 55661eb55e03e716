//! How far the department imports this server is running have got (the report page polls it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Rows done so far by the imports this server is running (the report page polls it).
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<Mutex<HashMap<i64, usize>>>);

impl Progress {
    pub fn set(&self, batch_id: i64, done: usize) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(batch_id, done);
    }

    pub fn get(&self, batch_id: i64) -> Option<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&batch_id).copied()
    }

    pub fn finish(&self, batch_id: i64) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&batch_id);
    }
}
