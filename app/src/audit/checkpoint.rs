//! Checkpoints: the head of the audit chain (sequence number and hash), signed with the audit key and
//! written where the database cannot change it, an append-only file under the data directory (and, where
//! SMTP is set, the county's audit mailbox). `verify` compares the chain with them, so a deleted tail or
//! a chain rewritten by someone holding the key is named too.
//!
//! One line per checkpoint: `<seq> <hash> <time, RFC 3339> <HMAC-SHA256 of the first three>`.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::token::keyed_digest;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("无法读写检查点文件 {path}：{source}")]
    Io { path: String, source: std::io::Error },
    #[error("检查点文件第 {line} 行格式不对或签名不符：文件被改动，或审计密钥不是写入时的那一把")]
    Forged { line: usize },
}

impl From<CheckpointError> for crate::error::AppError {
    /// A changed file is the reader's business (the audit page says so); a file that cannot be read is the
    /// operator's.
    fn from(e: CheckpointError) -> Self {
        match e {
            CheckpointError::Forged { .. } => crate::error::AppError::Conflict(e.to_string()),
            CheckpointError::Io { .. } => crate::error::AppError::internal(e),
        }
    }
}

fn signed_text(seq: i64, hash: &str, at: &str) -> String {
    format!("checkpoint {seq} {hash} {at}")
}

impl Checkpoint {
    /// A signed checkpoint of the record `seq` with hash `hash`.
    pub fn sign(key: &[u8], seq: i64, hash: &str, at: DateTime<Utc>) -> Checkpoint {
        let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let signature = keyed_digest(key, signed_text(seq, hash, &at).as_bytes());
        Checkpoint { seq, hash: hash.to_string(), at, signature }
    }

    pub fn line(&self) -> String {
        format!("{} {} {} {}", self.seq, self.hash, self.at, self.signature)
    }

    /// Parse a line and check its signature.
    fn parse(key: &[u8], line: &str) -> Option<Checkpoint> {
        let mut parts = line.split(' ');
        let (seq, hash, at, signature) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let seq: i64 = seq.parse().ok()?;
        let valid = parts.next().is_none() && keyed_digest(key, signed_text(seq, hash, at).as_bytes()) == signature;
        valid.then(|| Checkpoint { seq, hash: hash.into(), at: at.into(), signature: signature.into() })
    }

    /// When it was written, in Beijing time.
    pub fn time(&self) -> String {
        crate::time::beijing_time_of(&self.at)
    }

    /// "2026-03-02 09:00 的检查点（第 12 条）".
    pub fn describe(&self) -> String {
        format!("{} 的检查点（第 {} 条）", self.time(), self.seq)
    }
}

/// Every checkpoint in the file (none when it does not exist yet), each with a valid signature.
pub fn read(path: &Path, key: &[u8]) -> Result<Vec<Checkpoint>, CheckpointError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(CheckpointError::Io { path: path.display().to_string(), source }),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| Checkpoint::parse(key, line.trim()).ok_or(CheckpointError::Forged { line: i + 1 }))
        .collect()
}

/// Append a checkpoint to the file and flush it to disk.
pub fn append(path: &Path, checkpoint: &Checkpoint) -> Result<(), CheckpointError> {
    let io = |source| CheckpointError::Io { path: path.display().to_string(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
    writeln!(file, "{}", checkpoint.line()).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_a_changed_line_is_refused() {
        let dir =
            std::env::temp_dir().join(format!("fp-checkpoints-{}-{:x}", std::process::id(), rand::random::<u64>()));
        let path = dir.join("checkpoints.txt");
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 2, 1, 0, 0).unwrap();
        let first = Checkpoint::sign(b"key", 12, "ab12", at);
        append(&path, &first).unwrap();
        append(&path, &Checkpoint::sign(b"key", 20, "cd34", at)).unwrap();
        let read_back = read(&path, b"key").unwrap();
        assert_eq!(read_back.len(), 2);
        assert_eq!(read_back[0], first);
        assert_eq!(first.describe(), "2026-03-02 09:00 的检查点（第 12 条）");
        assert!(matches!(read(&path, b"other key"), Err(CheckpointError::Forged { line: 1 })));
        let text = std::fs::read_to_string(&path).unwrap().replace("20 cd34", "30 cd34");
        std::fs::write(&path, text).unwrap();
        assert!(matches!(read(&path, b"key"), Err(CheckpointError::Forged { line: 2 })));
        assert!(read(&dir.join("none.txt"), b"key").unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
