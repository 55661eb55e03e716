//! Notices and e-mail: the outbox written with the change, the relay against a real SMTP listener
//! (down, then up: every message arrives once, even with two relays), people's e-mail settings, and
//! the daily deadline scan with a fixed clock (near, overdue, escalation; once per day per instance).

use app::cases::api::CreateCase;
use app::notify::api::{MyNotifications, SaveMailSettings};
use app::permissions::Role;
use app::policy::presets::Preset;
use chrono::TimeZone;
use entities::{job_run, mail_outbox, notification};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::mail::Relay;

use tests::both_backends;
use tests::{COUNTY, Client, SmtpSink, TOWNSHIP_A, TestApp, VILLAGE_A1};

async fn register(client: &Client, household: &str, owner: i64, red: bool) -> String {
    let owner = owner.to_string();
    let mut form = vec![
        ("form[household]", household),
        ("form[source]", "visit"),
        ("form[risk_type]", "illness"),
        ("form[description]", "户主突发脑梗住院"),
        ("form[owner_user_id]", owner.as_str()),
    ];
    if red {
        form.push(("form[red_alert]", "on"));
    }
    let response = client.server_fn::<CreateCase>(&form).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn inbox(client: &Client) -> serde_json::Value {
    client.server_fn::<MyNotifications>(&[]).await.json().await.unwrap()
}

async fn mail_waits_for_the_smtp_server(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    app.user("zhenzhang", Role::TownshipLeader, TOWNSHIP_A).await;
    app.email("lianxi", "lianxi@example.cn").await;
    app.email("zhenzhang", "zhenzhang@example.cn").await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let lianxi_id = app.user_id("lianxi").await;

    // The SMTP server is down: registering still works, and the messages wait in the outbox.
    let port = tests::closed_port().await;
    let url = format!("smtp://127.0.0.1:{port}");
    register(&shuji, &code, lianxi_id, false).await;
    register(&shuji, &code, lianxi_id, true).await;
    let outbox = mail_outbox::Entity::find().all(app.db()).await.unwrap();
    let addresses: Vec<&str> = outbox.iter().map(|m| m.to_address.as_str()).collect();
    assert_eq!(
        addresses,
        vec!["lianxi@example.cn", "lianxi@example.cn", "zhenzhang@example.cn"],
        "two assignments, one red alert"
    );
    assert!(outbox[2].subject.contains("红色预警"), "{}", outbox[2].subject);
    let relay_a = Relay::new(&url, "防返贫监测系统 <noreply@fanpin.test>", "a").unwrap();
    let relay_b = Relay::new(&url, "防返贫监测系统 <noreply@fanpin.test>", "b").unwrap();
    let round = relay_a.deliver_due(app.db(), app.clock_now()).await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 3));
    let waiting = mail_outbox::Entity::find().all(app.db()).await.unwrap();
    assert!(waiting.iter().all(|m| m.sent_at.is_none() && m.attempts == 1 && m.last_error.is_some()));
    // In the app the notices are there at once.
    let lianxi_inbox = app.signed_in("lianxi", &lianxi_pw).await;
    let notices = inbox(&lianxi_inbox).await;
    assert_eq!(notices["unread"], 2);
    assert!(notices["items"][0]["title"].as_str().unwrap().starts_with("新案件交您办理"));

    // The server comes up; before the backoff nothing is tried, after it two relays race.
    let sink = SmtpSink::start(port).await;
    assert_eq!(relay_a.deliver_due(app.db(), app.clock_now()).await.unwrap().sent, 0, "waits out the backoff");
    app.clock.advance(chrono::Duration::minutes(2));
    let now = app.clock_now();
    let (a, b) = tokio::join!(relay_a.deliver_due(app.db(), now), relay_b.deliver_due(app.db(), now));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 3);
    assert_eq!(relay_a.deliver_due(app.db(), now).await.unwrap(), server::mail::Round::default());
    let received = sink.messages();
    assert_eq!(received.len(), 3, "each message once");
    let mut ids: Vec<String> = received.iter().filter_map(|m| m.header("Message-ID")).collect();
    ids.sort();
    let mut expected: Vec<String> = outbox.iter().map(|m| m.message_id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected, "the Message-ID written with the change is the one sent");
    assert!(received.iter().any(|m| m.to == vec!["<zhenzhang@example.cn>"]));
    assert!(mail_outbox::Entity::find().all(app.db()).await.unwrap().iter().all(|m| m.sent_at == Some(now)));
}

async fn settings_and_deadline_scan(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    app.email("lianxi", "lianxi@example.cn").await;
    app.email("jingfa", "jingfa@example.cn").await;
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let lianxi_id = app.user_id("lianxi").await;

    // The contact turns assignment e-mail off: the notice still shows in the app, no e-mail is queued.
    let saved = lianxi
        .server_fn::<SaveMailSettings>(&[("form[due_soon]", "on"), ("form[overdue]", "on"), ("form[escalation]", "on")])
        .await;
    assert_eq!(saved.status(), 200);
    let settings = inbox(&lianxi).await;
    assert_eq!(
        settings["email_off"],
        serde_json::json!(["Assignment", "RedAlert", "Digest", "VisitsDue", "MeetingDue"])
    );
    // Registered Monday 2 March 2026: initial review by Monday 9 March.
    let id = register(&shuji, &code, lianxi_id, false).await;
    assert_eq!(inbox(&lianxi).await["unread"], 1);
    assert_eq!(mail_outbox::Entity::find().count(app.db()).await.unwrap(), 0, "assignment e-mail is off");
    // The list "by unit": the case's village has it, the neighbouring village does not.
    for (unit, expected) in [(VILLAGE_A1, 1), (tests::VILLAGE_A2, 0)] {
        let page: serde_json::Value = shuji
            .server_fn::<app::cases::api::ListCases>(&[
                ("filter[view]", "all"),
                ("filter[within]", unit),
                ("page", "0"),
            ])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], expected, "cases within {unit}");
    }

    let at = |d: u32| chrono::Utc.with_ymd_and_hms(2026, 3, d, 1, 0, 0).single().unwrap();
    let db = app.db();
    // Wednesday 4 March: three working days left (5, 6, 9), more than the policy's two: nothing.
    assert_eq!(app::jobs::run_due(db, at(4), "a").await.unwrap(), app::jobs::Job::DAILY.to_vec());
    assert!(app::jobs::run_due(db, at(4), "b").await.unwrap().is_empty(), "once per day");
    let due_soon = || notification::Entity::find().filter(notification::Column::Category.eq("due_soon"));
    assert_eq!(due_soon().count(db).await.unwrap(), 0);
    // Thursday 5 March: two working days left (6 and 9): the owner is reminded, by e-mail too.
    app::jobs::run_due(db, at(5), "a").await.unwrap();
    assert_eq!(due_soon().count(db).await.unwrap(), 1);
    let mail = mail_outbox::Entity::find().all(db).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].subject.contains("案件期限将到"), "{}", mail[0].subject);
    // Tuesday 10 March: overdue. Two instances at once: one runs the scan; the township hears of it.
    let (a, b) = tokio::join!(app::jobs::run_due(db, at(10), "a"), app::jobs::run_due(db, at(10), "b"));
    let daily = app::jobs::Job::DAILY.len();
    assert_eq!(a.unwrap().len() + b.unwrap().len(), daily, "each job once across instances");
    assert_eq!(
        job_run::Entity::find().filter(job_run::Column::Slot.eq("2026-03-10")).count(db).await.unwrap(),
        daily as u64
    );
    let overdue =
        notification::Entity::find().filter(notification::Column::Category.eq("overdue")).all(db).await.unwrap();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].title.contains("已逾期 1 天"), "{}", overdue[0].title);
    assert_eq!(overdue[0].link, format!("/cases/{id}"));
    let escalated =
        notification::Entity::find().filter(notification::Column::Category.eq("escalation")).all(db).await.unwrap();
    assert_eq!(escalated.len(), 1);
    assert_eq!(escalated[0].user_id, app.user_id("jingfa").await);
    assert!(escalated[0].body.contains("测试lianxi"), "{}", escalated[0].body);
    // The scan itself is idempotent: run again, nobody is told twice.
    assert_eq!(app::cases::deadlines::deadline_scan(db, at(10)).await.unwrap(), 0);
    let to: Vec<String> =
        mail_outbox::Entity::find().all(db).await.unwrap().into_iter().map(|m| m.to_address).collect();
    assert_eq!(to, vec!["lianxi@example.cn", "lianxi@example.cn", "jingfa@example.cn"]);
    // Marking read.
    let marked = lianxi.server_fn::<app::notify::api::MarkNotificationsRead>(&[]).await;
    assert_eq!(marked.text().await.unwrap(), "3");
    assert_eq!(inbox(&lianxi).await["unread"], 0);

    // A case owned by township staff escalates to the county office, not to the owner's colleagues.
    app.user("xianban", Role::CountyOffice, COUNTY).await;
    let jingfa_id = app.user_id("jingfa").await;
    let township_case = register(&shuji, &code, jingfa_id, false).await;
    // Wednesday 11 March: an instance claimed the day's jobs at 23:00 and died; another takes over.
    let dead = job_run::ActiveModel {
        job: sea_orm::Set("deadline_scan".into()),
        slot: sea_orm::Set("2026-03-11".into()),
        instance: sea_orm::Set("dead".into()),
        started_at: sea_orm::Set(chrono::Utc.with_ymd_and_hms(2026, 3, 10, 15, 0, 0).single().unwrap()),
        ..Default::default()
    };
    sea_orm::ActiveModelTrait::insert(dead, db).await.unwrap();
    let ran = app::jobs::run_due(db, at(11), "b").await.unwrap();
    assert!(ran.contains(&app::jobs::Job::DeadlineScan), "a stale claim is taken over: {ran:?}");
    let escalated = notification::Entity::find()
        .filter(notification::Column::Category.eq("escalation"))
        .filter(notification::Column::Link.eq(format!("/cases/{township_case}")))
        .all(db)
        .await
        .unwrap();
    let to: Vec<i64> = escalated.iter().map(|n| n.user_id).collect();
    assert_eq!(to, vec![app.user_id("xianban").await]);
}

both_backends!(mail_waits_for_the_smtp_server, mail_waits_for_the_smtp_server);
both_backends!(settings_and_deadline_scan, settings_and_deadline_scan);
