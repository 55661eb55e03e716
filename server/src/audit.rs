//! The audit key and the checkpoints on the server. The key (`AUDIT_KEY`, or `<DATA_DIR>/audit.key`
//! generated on first start) never enters the database. Each day the head of the chain is signed and
//! appended to `<DATA_DIR>/audit-checkpoints.txt` and, with SMTP set, mailed to `AUDIT_MAIL_TO`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use app::audit::checkpoint::{self, Checkpoint, CheckpointError};
use app::audit::service as audit;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::mail::Relay;

/// The audit key: `AUDIT_KEY`, else the key file; when there is neither and `may_create`, a new key is
/// written to the key file (readable by its owner only).
fn load_key(settings: &Settings, may_create: bool) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = &settings.audit_key {
        return Ok(key.as_bytes().to_vec());
    }
    let path = settings.audit_key_file();
    let read = |path: &PathBuf| -> anyhow::Result<Vec<u8>> {
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取审计密钥文件 {}", path.display()))?;
        let key = text.trim();
        if key.len() < 32 {
            bail!("审计密钥文件 {} 中的密钥短于 32 个字符", path.display());
        }
        Ok(key.as_bytes().to_vec())
    };
    if path.exists() {
        return read(&path);
    }
    if !may_create {
        bail!(
            "找不到审计密钥：{} 不存在，也没有设置 AUDIT_KEY。审计链已启用密钥时，请从备份恢复密钥文件",
            path.display()
        );
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("无法创建数据目录 {}", settings.data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            writeln!(file, "{}", app::token::new_token())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("无法写入审计密钥文件 {}", path.display()))?;
            tracing::warn!(path = %path.display(), "generated the audit key: back it up with the checkpoint file");
            read(&path)
        }
        // Another process made it first.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(e).with_context(|| format!("无法创建审计密钥文件 {}", path.display())),
    }
}

/// Install the key for this process.
fn install(key: &[u8]) -> anyhow::Result<()> {
    audit::install_key(key).map_err(|_| anyhow::anyhow!("本进程已载入另一把审计密钥"))
}

/// Make the audit chain writable by this process: install the key and key the chain (once, on a new or
/// upgraded database, with a first checkpoint). A chain already keyed needs the key it was keyed with.
pub async fn open(settings: &Settings, db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let key = load_key(settings, !audit::is_keyed(db).await?)?;
    install(&key)?;
    if let Some(seq) = audit::ensure_keyed(db, now).await? {
        tracing::info!(seq, "the audit chain is keyed from this record on");
        Anchor { file: settings.audit_checkpoints(), mail: None }.write(db, now).await?;
    }
    Ok(())
}

/// Where checkpoints go: the file, and the county's audit mailbox when SMTP is set.
#[derive(Clone)]
pub struct Anchor {
    pub file: PathBuf,
    pub mail: Option<(Relay, String)>,
}

impl Anchor {
    pub fn new(settings: &Settings, relay: Option<&Relay>) -> Anchor {
        let mail = relay.zip(settings.audit_mail_to.as_ref()).map(|(relay, to)| (relay.clone(), to.clone()));
        Anchor { file: settings.audit_checkpoints(), mail }
    }

    /// Sign the head of the chain now: append it to the file, then mail it. None for an empty chain.
    pub async fn write(&self, db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<Option<Checkpoint>> {
        let Some(head) = audit::head(db).await? else { return Ok(None) };
        let checkpoint = Checkpoint::sign(&audit::key()?, head.seq, &head.hash, now);
        checkpoint::append(&self.file, &checkpoint)?;
        if let Some((relay, to)) = &self.mail {
            let subject = format!("【防返贫监测】审计检查点：第 {} 条记录", checkpoint.seq);
            let body = format!(
                "审计链检查点（请保存本邮件，用于日后核对审计日志是否被删改）：\n\n序号：{}\n哈希：{}\n时间：{}\n签名：{}\n\n\
                 检查点文件中的对应行：\n{}\n\n（本邮件由系统每天发送一次。）",
                checkpoint.seq,
                checkpoint.hash,
                app::time::beijing_time_of(&checkpoint.at),
                checkpoint.signature,
                checkpoint.line()
            );
            if let Err(e) = relay.send_text(to, &subject, &body, None).await {
                tracing::error!(error = %format!("{e:#}"), "the audit checkpoint is in the file but could not be mailed");
            }
        }
        Ok(Some(checkpoint))
    }

    /// Write a checkpoint unless the file already has one from today (Beijing time).
    pub async fn write_if_due(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Checkpoint>> {
        let today = app::time::beijing_date(now);
        let latest = checkpoint::read(&self.file, &audit::key()?)?.into_iter().map(|c| c.at).max();
        let written_today = latest
            .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
            .is_some_and(|at| app::time::beijing_date(at.with_timezone(&Utc)) >= today);
        if written_today { Ok(None) } else { self.write(db, now).await }
    }
}

/// `server audit verify`: check the chain against the checkpoint file; prints the verdict in Chinese.
/// Exit 0 when whole, 3 when broken or the checkpoint file was changed.
pub async fn verify_command(settings: &Settings, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let db = crate::database::connect(settings).await?;
    let key = load_key(settings, false)?;
    install(&key)?;
    let checkpoints = match checkpoint::read(&settings.audit_checkpoints(), &key) {
        Ok(checkpoints) => checkpoints,
        Err(forged @ CheckpointError::Forged { .. }) => {
            writeln!(out, "审计检查点不可信：{forged}。")?;
            return Ok(ExitCode::from(3));
        }
        Err(e) => return Err(e.into()),
    };
    let report = audit::verify(&db, &checkpoints).await?;
    match report.first_broken {
        None => {
            writeln!(out, "{}", app::audit::whole_chain(&report))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(link) => {
            writeln!(out, "审计链断裂：第 {} 条记录 —— {}（此前 {} 条完好）。", link.seq, link.reason, report.checked)?;
            Ok(ExitCode::from(3))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("fp-audit-key-{}-{:x}", std::process::id(), rand::random::<u64>()));
        let mut settings = Settings::from_env().unwrap();
        settings.audit_key = None;
        settings.data_dir = dir.clone();
        assert!(load_key(&settings, false).is_err(), "a keyed chain never gets a new key");
        let key = load_key(&settings, true).unwrap();
        assert!(key.len() >= 32);
        assert_eq!(load_key(&settings, false).unwrap(), key);
        assert_eq!(load_key(&settings, true).unwrap(), key, "an existing key is never replaced");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(settings.audit_key_file()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        settings.audit_key = Some("k".repeat(32));
        assert_eq!(load_key(&settings, false).unwrap(), "k".repeat(32).into_bytes());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
