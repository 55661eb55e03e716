//! The demo county: a realistic, deterministic county built from a seed (townships, villages,
//! villager groups, households with members and incomes) and a user for every role in several
//! units. The same seed gives the same county; passwords are always fresh and random.

pub mod accounts;
mod households;
mod meetings;
mod people;
mod visits;

use accounts::{assign_cadres, load_users, print_logins, write_logins};
use anyhow::bail;
use app::audit::service::{self as audit, Actor, Entry};
use chrono::{DateTime, Utc};
use entities::{household, org_unit};
use households::load_households;
use meetings::load_meetings;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use visits::load_visits;

mod accountability;
mod cases;
mod crosscheck;
mod plans;
mod supervision;

pub struct DemoOptions {
    pub households: u64,
    pub seed: u64,
}

/// A demo account and its one-time password.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role_label: String,
    pub org_name: String,
}

const COUNTY_CODE: &str = "500152000000";

const COUNTY_NAME: &str = "潼南区";

/// The year the demo's ages and incomes refer to (fixed, so a seed always gives the same county).
const REFERENCE_YEAR: i32 = 2026;

const INCOME_YEAR: i32 = 2025;

const TOWNSHIPS: [(&str, &str, [&str; 5]); 4] = [
    ("001", "桂林街道", ["石桥村", "柏林村", "新胜村", "龙滩村", "花岩村"]),
    ("101", "双江镇", ["青龙村", "金龙村", "玉泉村", "红庙村", "白鹤村"]),
    ("102", "古溪镇", ["大佛村", "双河村", "太平村", "长春村", "五桂村"]),
    ("103", "米心镇", ["凉风村", "田坝村", "鱼溪村", "三元村", "桥亭村"]),
];

/// Refuse to load twice; return the generated logins. All or nothing: the whole county is loaded in
/// one transaction, so a load that is killed or fails leaves nothing behind and can simply be run
/// again; then this year's cross-check is made through the product's services (which keep their own
/// transactions). The accounts go to `logins_file` before the county is committed: a loaded county's
/// passwords are never lost.
pub async fn load(
    db: &DatabaseConnection,
    options: &DemoOptions,
    now: DateTime<Utc>,
    logins_file: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<Vec<DemoLogin>> {
    if app::org::service::find(db, COUNTY_CODE).await.map_err(|e| anyhow::anyhow!("{e}"))?.is_some() {
        bail!("演示县（{COUNTY_NAME} {COUNTY_CODE}）已存在，不再重复载入");
    }
    let started = std::time::Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let actor = Actor { user_id: None, name: "演示数据载入".into(), ip: None };
    writeln!(out, "演示数据在一个事务中载入：中途中断或出错不会留下半个县，可直接重新运行。")?;

    let tx = app::db::begin_write(db).await?;
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let (townships, villages) = load_org_tree(&tx, &actor, now, &mut rng).await?;
    load_policy(&tx, &actor, now).await?;
    writeln!(out, "已建立组织机构：{COUNTY_NAME}，{} 个镇街，{} 个村。", townships.len(), villages.len())?;

    let logins = load_users(&tx, &actor, now, &mut rng, &townships, &villages).await?;
    if let Some(path) = logins_file {
        write_logins(path, &logins)?;
    }
    writeln!(out, "已建立 {} 个用户。", logins.len())?;

    load_households(&tx, options, now, &mut rng, &villages, out).await?;
    assign_cadres(&tx, &villages).await?;
    let visits = load_visits(&tx, &mut rng, now).await?;
    writeln!(out, "已生成本年度走访记录 {visits} 条（年度集中排查、监测户每周联系和每月入户、挂钩干部季度走访）。")?;
    let meetings = load_meetings(&tx, &mut rng, now).await?;
    writeln!(out, "已生成本年度以前月份的研判会议记录 {meetings} 份（个别村有缺开，可在“研判会议”查看）。")?;
    let county = app::org::OrgCode::parse(COUNTY_CODE).map_err(fail)?;
    let loaded: Vec<i64> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(app::authz::code_prefix(household::Column::OrgCode, county.scope_prefix()))
        .into_tuple()
        .all(&tx)
        .await?;
    let flagged = app::households::service::evaluation::reevaluate(&tx, &loaded, now).await.map_err(fail)?;
    writeln!(out, "已按{}年政策完成风险研判（{flagged} 户有结果变化）。", REFERENCE_YEAR)?;
    let plans = plans::load(&tx, &mut rng, now).await?;
    writeln!(out, "已为 {plans} 户监测户建立一户一方案（帮扶措施落实中或已落实；少数尚未制定）。")?;
    let cases = cases::load(&tx, &mut rng, &actor, now).await?;
    writeln!(out, "已登记在办风险案件 {cases} 件（红色预警户全部登记，个别已逾期）。")?;
    let findings = supervision::load(&tx, &actor, now).await?;
    writeln!(
        out,
        "已生成县纪委专项督查一轮（整改中），发现问题 {findings} 个，处于待交办、立行立改、整改中、待复核、已销号等不同环节。"
    )?;

    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "demo.loaded",
            entity_type: "org_unit",
            entity_id: COUNTY_CODE.into(),
            org_code: Some(COUNTY_CODE.into()),
            changes: json!({ "households": options.households, "seed": options.seed, "users": logins.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    // The cross-check goes through the services, which keep their own transactions; the county stands without it.
    match crosscheck::load(db, app::time::beijing_year(now), now).await {
        Ok(checked) => writeln!(out, "{checked}")?,
        Err(e) => {
            tracing::error!(error = %e, "demo cross-check");
            writeln!(out, "交叉检查演示数据未能生成（{e}），演示县的其余数据已载入。")?;
        }
    }
    match accountability::load(db, now).await {
        Ok(done) => writeln!(out, "{done}")?,
        Err(e) => {
            tracing::error!(error = %e, "demo accountability");
            writeln!(out, "问责演示数据未能生成（{e}），演示县的其余数据已载入。")?;
        }
    }
    writeln!(out, "演示数据载入完成，用时 {:.1} 秒。", started.elapsed().as_secs_f64())?;
    print_logins(&logins, out)?;
    Ok(logins)
}

/// The request context of a demo account, as the services see a signed-in user (its one-time password is not in
/// the loader's way).
async fn as_user(
    db: &DatabaseConnection,
    username: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<app::request::RequestContext> {
    let user = entities::app_user::Entity::find()
        .filter(entities::app_user::Column::Username.eq(username))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("演示账号 {username} 不存在"))?;
    let mut caller = app::auth::session::caller_of(db, user, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    caller.must_change_password = false;
    Ok(app::request::RequestContext { caller: Some(std::sync::Arc::new(caller)), ..Default::default() })
}

/// A village with its villager groups and the name of its township.
type Village = (org_unit::Model, Vec<org_unit::Model>, String);

/// The county, its townships, their villages and each village's villager groups (four to eight).
async fn load_org_tree(
    tx: &DatabaseTransaction,
    actor: &Actor,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<(Vec<org_unit::Model>, Vec<Village>)> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    app::org::service::insert(tx, actor, now, None, COUNTY_CODE, COUNTY_NAME).await.map_err(fail)?;
    let mut villages: Vec<Village> = Vec::new();
    let mut townships = Vec::new();
    for (t_code, t_name, village_names) in TOWNSHIPS {
        let township_code = format!("500152{t_code}000");
        let township =
            app::org::service::insert(tx, actor, now, Some(COUNTY_CODE), &township_code, t_name).await.map_err(fail)?;
        for (i, v_name) in village_names.iter().enumerate() {
            let village_code = format!("500152{t_code}{:03}", 201 + i);
            let village = app::org::service::insert(tx, actor, now, Some(&township_code), &village_code, v_name)
                .await
                .map_err(fail)?;
            let mut groups = Vec::new();
            for g in 1..=rng.random_range(4..=8) {
                let group_code = format!("{village_code}{g:03}");
                let group_name = format!("{}组", chinese_number(g));
                groups.push(
                    app::org::service::insert(tx, actor, now, Some(&village_code), &group_code, &group_name)
                        .await
                        .map_err(fail)?,
                );
            }
            villages.push((village, groups, t_name.to_string()));
        }
        townships.push(township);
    }
    Ok((townships, villages))
}

/// The county works under Tongnan's own policy [T], for the income year and the current one.
async fn load_policy(tx: &DatabaseTransaction, actor: &Actor, now: DateTime<Utc>) -> anyhow::Result<()> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let policy = app::policy::presets::preset(app::policy::presets::Preset::Tongnan2020);
    for year in [INCOME_YEAR, REFERENCE_YEAR] {
        app::policy::service::store(
            tx,
            actor,
            now,
            COUNTY_CODE,
            year,
            Some(app::policy::presets::Preset::Tongnan2020),
            &policy,
        )
        .await
        .map_err(fail)?;
    }
    Ok(())
}

fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or_default();
    match n {
        0..=9 => digit(n).to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", digit(n % 10)),
        _ => n.to_string(),
    }
}
