//! The audit chain catches a changed record, a deleted record and a reordering; keyed hashes and signed
//! checkpoints catch a chain cut at its end or rewritten by someone without the key; repeated refusals
//! become a handful of records.

use app::permissions::Role;
use entities::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};

use app::audit::api::VerifyAuditChain;
use tests::both_backends;
use tests::{Backend, COUNTY, SmtpSink, TestApp, VILLAGE_A1, VILLAGE_B1};

/// Take away the database's protection, as someone with direct access to the files could.
async fn disable_protection(app: &TestApp) {
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"],
    };
    for sql in statements {
        app.db().execute_unprepared(sql).await.unwrap();
    }
}

/// `server audit verify` as the operator runs it: its exit code and what it prints.
async fn audit_verify(app: &TestApp) -> (std::process::ExitCode, String) {
    let mut out = Vec::new();
    let code = server::audit::verify_command(&app.settings, &mut out).await.unwrap();
    (code, String::from_utf8(out).unwrap())
}

/// The newest record's number.
async fn head(app: &TestApp) -> i64 {
    app::audit::service::head(app.db()).await.unwrap().unwrap().seq
}

/// A checkpoint of the chain as it is now, in the data directory's checkpoint file.
async fn checkpoint(app: &TestApp) -> i64 {
    let anchor = server::audit::Anchor::new(&app.settings, None);
    anchor.write(app.db(), app.clock_now()).await.unwrap().unwrap().seq
}

async fn busy_app(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("zhang", Role::VillageCadre, VILLAGE_A1).await;
    app.signed_in("zhang", &pw).await;
    let report = app::audit::service::verify(app.db(), &[]).await.unwrap();
    assert_eq!(report.first_broken, None, "an untouched chain verifies");
    assert!(report.checked >= 10);
    app
}

async fn a_valid_chain_verifies_against_its_checkpoints(backend: Backend) {
    let app = busy_app(backend).await;
    let first = checkpoint(&app).await;
    app.user("lisi", Role::VillageCadre, VILLAGE_A1).await;
    let second = checkpoint(&app).await;
    assert!(second > first);
    let lines = std::fs::read_to_string(app.settings.audit_checkpoints()).unwrap();
    assert_eq!(lines.lines().count(), 3, "the first start's checkpoint and two more, one line each:\n{lines}");
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{out}");
    assert_eq!(
        out,
        format!("审计链完整：共校验 {second} 条记录，与2026-03-02 09:00 的检查点（第 {second} 条）相符。\n")
    );
}
both_backends!(valid, a_valid_chain_verifies_against_its_checkpoints);

async fn a_changed_record_is_caught(backend: Backend) {
    let app = busy_app(backend).await;
    disable_protection(&app).await;
    app.db().execute_unprepared("UPDATE audit_log SET actor = '别人' WHERE seq = 5").await.unwrap();
    let report = app::audit::service::verify(app.db(), &[]).await.unwrap();
    let broken = report.first_broken.expect("tampering is detected");
    assert_eq!(broken.seq, 5);
    assert!(broken.reason.contains("篡改"), "{}", broken.reason);
    assert_eq!(report.checked, 4);
}
both_backends!(tampered, a_changed_record_is_caught);

async fn a_rewritten_chain_is_caught_at_the_changed_record(backend: Backend) {
    let app = busy_app(backend).await;
    let last = head(&app).await;
    disable_protection(&app).await;
    // Change record 5, then recompute its hash and every later one, as anyone can without the key.
    let records = audit_log::Entity::find()
        .filter(audit_log::Column::Seq.gte(5))
        .order_by_asc(audit_log::Column::Seq)
        .all(app.db())
        .await
        .unwrap();
    let mut prev_hash = None;
    for mut record in records {
        if record.seq == 5 {
            record.actor = "别人".into();
        }
        record.prev_hash = prev_hash.unwrap_or(record.prev_hash);
        record.hash = app::audit::service::unkeyed_hash(&record);
        prev_hash = Some(record.hash.clone());
        let mut active = record.clone().into_active_model();
        active.actor = Set(record.actor);
        active.prev_hash = Set(record.prev_hash);
        active.hash = Set(record.hash);
        active.update(app.db()).await.unwrap();
    }
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::from(3), "{out}");
    assert!(out.starts_with("审计链断裂：第 5 条记录 —— 记录内容与其哈希不符：记录被篡改"), "{out}");
    assert!(out.ends_with("（此前 4 条完好）。\n"), "{out}");
    assert!(last > 5);
}
both_backends!(rewritten, a_rewritten_chain_is_caught_at_the_changed_record);

async fn a_deleted_tail_is_named_by_the_checkpoint(backend: Backend) {
    let app = busy_app(backend).await;
    let last = checkpoint(&app).await;
    disable_protection(&app).await;
    let cut = last - 3;
    app.db().execute_unprepared(&format!("DELETE FROM audit_log WHERE seq > {cut}")).await.unwrap();
    let report = app::audit::service::verify(app.db(), &[]).await.unwrap();
    assert_eq!(report.first_broken, None, "without the checkpoint a cut chain looks whole");
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::from(3), "{out}");
    let missing = cut + 1;
    assert_eq!(
        out,
        format!(
            "审计链断裂：第 {missing} 条记录 —— 缺少第 {missing} 至第 {last} 条记录：2026-03-02 09:00 的检查点\
             记录审计链已到第 {last} 条，末尾的记录被删除（此前 {cut} 条完好）。\n"
        )
    );
    // New records written after the cut take the deleted numbers: the checkpoint's hash no longer fits.
    app.user("lisi", Role::VillageCadre, VILLAGE_A1).await;
    app.user("wangwu", Role::VillageCadre, VILLAGE_A1).await;
    app.user("zhaoliu", Role::VillageCadre, VILLAGE_A1).await;
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::from(3), "{out}");
    assert!(
        out.contains(&format!("第 {last} 条记录 —— 与2026-03-02 09:00 的检查点（第 {last} 条）不符：审计链被改写")),
        "{out}"
    );
}
both_backends!(deleted_tail, a_deleted_tail_is_named_by_the_checkpoint);

async fn a_changed_checkpoint_file_is_refused(backend: Backend) {
    let app = busy_app(backend).await;
    checkpoint(&app).await;
    let path = app.settings.audit_checkpoints();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let forged = lines[1].replacen(char::is_numeric, "9", 1);
    lines[1] = &forged;
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::from(3), "{out}");
    assert!(out.contains("检查点文件第 2 行格式不对或签名不符"), "{out}");
    // The audit page's check says so too.
    let pw = app.user("admin", Role::Admin, COUNTY).await;
    let admin = app.signed_in("admin", &pw).await;
    let response = admin.server_fn::<VerifyAuditChain>(&[]).await;
    assert_ne!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("检查点文件第 2 行格式不对或签名不符"), "{body}");
}
both_backends!(forged_checkpoint, a_changed_checkpoint_file_is_refused);

async fn a_deleted_record_is_caught(backend: Backend) {
    let app = busy_app(backend).await;
    disable_protection(&app).await;
    app.db().execute_unprepared("DELETE FROM audit_log WHERE seq = 3").await.unwrap();
    let broken = app::audit::service::verify(app.db(), &[]).await.unwrap().first_broken.expect("deletion is detected");
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("缺少第 3 条"), "{}", broken.reason);
}
both_backends!(deleted, a_deleted_record_is_caught);

async fn a_reordering_is_caught(backend: Backend) {
    let app = busy_app(backend).await;
    disable_protection(&app).await;
    // Swap the sequence numbers of records 2 and 3.
    for sql in [
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -2",
    ] {
        app.db().execute_unprepared(sql).await.unwrap();
    }
    let broken =
        app::audit::service::verify(app.db(), &[]).await.unwrap().first_broken.expect("reordering is detected");
    assert_eq!(broken.seq, 2);
}
both_backends!(reordered, a_reordering_is_caught);

async fn the_daily_checkpoint_is_mailed_to_the_audit_mailbox(backend: Backend) {
    let sink = SmtpSink::start(0).await;
    let app = TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{}", sink.port));
        s.audit_mail_to = Some("审计 <audit@tongnan.example.cn>".into());
    })
    .await
    .with_county()
    .await;
    let relay =
        server::mail::Relay::new(app.settings.smtp_url.as_deref().unwrap(), &app.settings.mail_from, "test").unwrap();
    let anchor = server::audit::Anchor::new(&app.settings, Some(&relay));
    let written = anchor.write_if_due(app.db(), app.clock_now()).await.unwrap();
    assert!(written.is_none(), "the first start wrote today's checkpoint already");
    assert!(sink.messages().is_empty());

    app.clock.advance(chrono::Duration::days(1));
    let checkpoint = anchor.write_if_due(app.db(), app.clock_now()).await.unwrap().expect("a new day's checkpoint");
    assert_eq!(checkpoint.seq, head(&app).await);
    assert!(anchor.write_if_due(app.db(), app.clock_now()).await.unwrap().is_none(), "one a day");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, vec!["<audit@tongnan.example.cn>".to_string()]);
    let body = &messages[0].body_text();
    assert!(body.contains(&format!("序号：{}", checkpoint.seq)), "{body}");
    assert!(body.contains(&format!("哈希：{}", checkpoint.hash)), "{body}");
    assert!(body.contains(&checkpoint.line()), "{body}");
    let file = std::fs::read_to_string(app.settings.audit_checkpoints()).unwrap();
    assert_eq!(file.lines().last(), Some(checkpoint.line().as_str()));
}
both_backends!(mailed, the_daily_checkpoint_is_mailed_to_the_audit_mailbox);

async fn repeated_refusals_become_a_handful_of_records(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let far = app.household(VILLAGE_B1, 1, "刘志成").await;
    let pw = app.user("zhang", Role::VillageCadre, VILLAGE_A1).await;
    let prober = app.signed_in("zhang", &pw).await;
    let before = head(&app).await;
    for _ in 0..500 {
        assert_eq!(prober.get(&format!("/api/households/{far}")).await.status(), 404);
    }
    let refusals = || async {
        audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gt(before))
            .order_by_asc(audit_log::Column::Seq)
            .all(app.db())
            .await
            .unwrap()
    };
    let first = refusals().await;
    assert_eq!(first.len(), 1, "the first refusal is recorded at once, the rest counted");
    assert_eq!(first[0].action, "access.denied");

    let minutes = app::audit::denials::WINDOW_MINUTES;
    app.clock.advance(chrono::Duration::minutes(minutes));
    assert_eq!(app.app_state.denials.write_expired(app.db(), app.clock_now()).await.unwrap(), 1);
    let records = refusals().await;
    assert_eq!(records.len(), 2, "500 probes, two records");
    let view = app::audit::service::view_of(records[1].clone());
    assert_eq!(view.action_label, "访问被拒绝（同一人同类请求合计）");
    assert!(view.changes.contains("此后又被拒绝次数：499"), "{}", view.changes);
    assert!(view.changes.contains("请求的操作：查看农户"), "{}", view.changes);
    assert!(view.changes.contains(&format!("涉及单位：{VILLAGE_B1}")), "{}", view.changes);
    assert!(view.actor.contains("zhang"));

    // The next probe opens a new window with its own record.
    assert_eq!(prober.get(&format!("/api/households/{far}")).await.status(), 404);
    assert_eq!(refusals().await.len(), 3);
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{out}");
}
both_backends!(refusals, repeated_refusals_become_a_handful_of_records);

async fn a_database_from_before_the_key_is_keyed_once_and_stays_verifiable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Make the database look like one written by a version without the key: three plain SHA-256 records.
    disable_protection(&app).await;
    app.db().execute_unprepared("DELETE FROM audit_log").await.unwrap();
    std::fs::remove_file(app.settings.audit_checkpoints()).unwrap();
    let mut prev_hash = app::audit::service::GENESIS_HASH.to_string();
    for seq in 1..=3 {
        let mut record = audit_log::Model {
            seq,
            at: "2025-12-01T01:00:00.000000Z".into(),
            actor_user_id: None,
            actor: "命令行操作员（root）".into(),
            ip: None,
            action: "org.created".into(),
            entity_type: "org_unit".into(),
            entity_id: format!("50015200000{seq}"),
            org_code: None,
            changes: "{}".into(),
            prev_hash: prev_hash.clone(),
            hash: String::new(),
        };
        record.hash = app::audit::service::unkeyed_hash(&record);
        prev_hash = record.hash.clone();
        record.into_active_model().insert(app.db()).await.unwrap();
    }
    server::audit::open(&app.settings, app.db(), app.clock_now()).await.unwrap();
    server::audit::open(&app.settings, app.db(), app.clock_now()).await.unwrap();
    let keyed = app::audit::service::head(app.db()).await.unwrap().unwrap();
    assert_eq!((keyed.seq, keyed.action.as_str()), (4, "audit.keyed"), "keyed once, after the old records");
    assert!(app::audit::labels::describe_changes(&keyed.changes).contains("此前未加密钥的记录截至序号：3"));
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "审计链完整：共校验 4 条记录，与2026-03-02 09:00 的检查点（第 4 条）相符。\n");

    // An old record changed and the old records' hashes recomputed: the keyed record no longer fits.
    let old = audit_log::Entity::find().filter(audit_log::Column::Seq.eq(3)).one(app.db()).await.unwrap().unwrap();
    let mut changed = old.clone();
    changed.actor = "别人".into();
    changed.hash = app::audit::service::unkeyed_hash(&changed);
    let mut active = old.into_active_model();
    active.actor = Set(changed.actor);
    active.hash = Set(changed.hash);
    active.update(app.db()).await.unwrap();
    let (code, out) = audit_verify(&app).await;
    assert_eq!(code, std::process::ExitCode::from(3), "{out}");
    assert!(out.starts_with("审计链断裂：第 4 条记录 —— 前一条记录的哈希不符"), "{out}");
}
both_backends!(upgraded, a_database_from_before_the_key_is_keyed_once_and_stays_verifiable);
