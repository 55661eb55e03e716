//! The demo county: a realistic, deterministic county built from a seed (townships, villages,
//! villager groups, households with members and incomes) and a user for every role in several
//! units. The same seed gives the same county; passwords are always fresh and random.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use app::audit::service::{self as audit, Actor, Entry};
use app::households::ResidentId;
use app::users::NewUser;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use entities::{household, household_income, household_member, org_unit};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;

use crate::config::Settings;

mod cases;

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

const DEPARTMENTS: [(&str, &str); 12] = [
    ("jiaoyu", "区教委"),
    ("weijian", "区卫生健康委"),
    ("yibao", "区医保局"),
    ("zhujian", "区住房城乡建委"),
    ("shuili", "区水利局"),
    ("minzheng", "区民政局"),
    ("renshe", "区人力社保局"),
    ("nongye", "区农业农村委"),
    ("yingji", "区应急管理局"),
    ("gongan", "区公安局"),
    ("tongji", "区统计局"),
    ("canlian", "区残联"),
];

const SURNAMES: &[&str] = &[
    "张", "李", "王", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "唐", "冯", "邓", "许", "曾", "彭", "吕", "苏", "蒋", "蔡", "魏", "叶", "余", "杜",
    "夏", "钟", "汪", "田", "任", "范", "石", "姚", "谭", "廖", "邹", "熊", "陆", "秦", "龙", "雷", "汤", "易", "黎",
    "文", "贺", "龚",
];
const GIVEN_MALE: &[&str] = &[
    "建", "国", "明", "华", "强", "军", "平", "伟", "刚", "勇", "志", "成", "文", "德", "福", "贵", "林", "海", "波",
    "龙", "俊", "杰", "涛", "兵", "斌", "洪", "春", "永", "光", "清", "学", "远", "世", "泽", "宇", "浩", "鑫", "磊",
    "超", "晨",
];
const GIVEN_FEMALE: &[&str] = &[
    "秀", "英", "兰", "芳", "珍", "玉", "梅", "琴", "丽", "萍", "红", "燕", "霞", "娟", "敏", "静", "婷", "雪", "春",
    "桂", "莲", "翠", "慧", "凤", "琳", "欣", "怡", "雨", "佳", "倩", "月", "云", "晓", "丹", "艳", "蓉", "素", "淑",
    "菊", "芬",
];

fn pick<'a>(rng: &mut ChaCha8Rng, list: &'a [&'a str]) -> &'a str {
    list.get(rng.random_range(0..list.len())).copied().unwrap_or_default()
}

fn given_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let list = if male { GIVEN_MALE } else { GIVEN_FEMALE };
    if rng.random_bool(0.35) { pick(rng, list).to_string() } else { format!("{}{}", pick(rng, list), pick(rng, list)) }
}

fn person_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let surname = pick(rng, SURNAMES);
    format!("{surname}{}", given_name(rng, male))
}

/// Hands out unique, checksum-valid resident ID numbers.
#[derive(Default)]
struct IdIssuer {
    next: HashMap<(NaiveDate, bool), u32>,
}

impl IdIssuer {
    fn issue(&mut self, birth: NaiveDate, male: bool) -> String {
        // Three-digit order code: odd for men, even for women; 500 of each a day per area code.
        let n = self.next.entry((birth, male)).or_insert(0);
        let index = *n;
        *n += 1;
        let areas = ["500152", "500223", "510921", "500382"];
        let area = areas.get((index / 500) as usize % areas.len()).copied().unwrap_or_default();
        let order = (index % 500) * 2 + u32::from(male);
        let first17 = format!("{area}{}{order:03}", birth.format("%Y%m%d"));
        let check = ResidentId::check_char(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }
}

struct Member {
    name: String,
    relation: &'static str,
    male: bool,
    age: i32,
}

fn birth_date(rng: &mut ChaCha8Rng, age: i32) -> NaiveDate {
    let year = REFERENCE_YEAR - age - 1;
    let day = rng.random_range(0..365);
    NaiveDate::from_yo_opt(year, day + 1).unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default())
}

fn family(rng: &mut ChaCha8Rng) -> Vec<Member> {
    let surname = pick(rng, SURNAMES).to_string();
    let head_male = rng.random_bool(0.82);
    let head_age = rng.random_range(28..80);
    let mut members = vec![Member {
        name: format!("{surname}{}", given_name(rng, head_male)),
        relation: "户主",
        male: head_male,
        age: head_age,
    }];
    if rng.random_bool(0.8) {
        let age = (head_age + rng.random_range(-5..4)).clamp(20, 90);
        members.push(Member { name: person_name(rng, !head_male), relation: "配偶", male: !head_male, age });
    }
    let children = if head_age < 70 { rng.random_range(0..4) } else { rng.random_range(0..2) };
    for _ in 0..children {
        let age = head_age - rng.random_range(22..36);
        if age < 0 {
            continue;
        }
        let male = rng.random_bool(0.52);
        members.push(Member {
            name: format!("{surname}{}", given_name(rng, male)),
            relation: if male { "子" } else { "女" },
            male,
            age,
        });
    }
    if head_age < 55 && rng.random_bool(0.3) {
        let age = (head_age + rng.random_range(22..32)).min(99);
        let male = rng.random_bool(0.4);
        members.push(Member {
            name: format!(
                "{}{}",
                if male { surname.clone() } else { pick(rng, SURNAMES).to_string() },
                given_name(rng, male)
            ),
            relation: if male { "父亲" } else { "母亲" },
            male,
            age,
        });
    }
    if head_age > 52 && rng.random_bool(0.35) {
        for _ in 0..rng.random_range(1..3) {
            let male = rng.random_bool(0.52);
            members.push(Member {
                name: format!("{surname}{}", given_name(rng, male)),
                relation: if male { "孙子" } else { "孙女" },
                male,
                age: rng.random_range(1..16),
            });
        }
    }
    members
}

fn health(rng: &mut ChaCha8Rng, age: i32) -> &'static str {
    let roll: f64 = rng.random();
    let chronic = if age > 60 { 0.25 } else { 0.06 };
    if roll < 0.02 {
        "大病"
    } else if roll < 0.05 {
        "残疾"
    } else if roll < 0.05 + chronic {
        "长期慢性病"
    } else {
        "健康"
    }
}

fn labour(age: i32, health: &str) -> &'static str {
    match (age, health) {
        (..16, _) => "无劳动力",
        (_, "大病" | "残疾") => "丧失劳动力",
        (16..=60, "长期慢性病") => "弱劳动力",
        (16..=60, _) => "普通劳动力",
        (61..=70, _) => "弱劳动力",
        _ => "无劳动力",
    }
}

fn schooling(rng: &mut ChaCha8Rng, age: i32) -> &'static str {
    match age {
        ..6 => "学龄前",
        6..=11 => "小学",
        12..=14 => "初中",
        15..=17 => {
            if rng.random_bool(0.55) {
                "高中"
            } else if rng.random_bool(0.7) {
                "中职"
            } else {
                "非在校"
            }
        }
        18..=21 if rng.random_bool(0.35) => "大专及以上",
        _ => "非在校",
    }
}

/// Refuse to load twice; return the generated logins. All or nothing: the whole county is loaded in
/// one transaction, so a load that is killed or fails leaves nothing behind and can simply be run
/// again. The accounts go to `logins_file` before the county is committed: a loaded county's
/// passwords are never lost.
pub async fn load(
    db: &DatabaseConnection,
    options: &DemoOptions,
    logins_file: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<Vec<DemoLogin>> {
    if app::org::service::find(db, COUNTY_CODE).await.map_err(|e| anyhow::anyhow!("{e}"))?.is_some() {
        bail!("演示县（{COUNTY_NAME} {COUNTY_CODE}）已存在，不再重复载入");
    }
    let started = std::time::Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let actor = Actor { user_id: None, name: "演示数据载入".into(), ip: None };
    let now = Utc::now();
    writeln!(out, "演示数据在一个事务中载入：中途中断或出错不会留下半个县，可直接重新运行。")?;

    // The organisation tree.
    let tx = app::db::begin_write(db).await?;
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    app::org::service::insert(&tx, &actor, now, None, COUNTY_CODE, COUNTY_NAME).await.map_err(fail)?;
    let mut villages: Vec<(org_unit::Model, Vec<org_unit::Model>, String)> = Vec::new();
    let mut townships = Vec::new();
    for (t_code, t_name, village_names) in TOWNSHIPS {
        let township_code = format!("500152{t_code}000");
        let township = app::org::service::insert(&tx, &actor, now, Some(COUNTY_CODE), &township_code, t_name)
            .await
            .map_err(fail)?;
        for (i, v_name) in village_names.iter().enumerate() {
            let village_code = format!("500152{t_code}{:03}", 201 + i);
            let village = app::org::service::insert(&tx, &actor, now, Some(&township_code), &village_code, v_name)
                .await
                .map_err(fail)?;
            let mut groups = Vec::new();
            for g in 1..=rng.random_range(4..=8) {
                let group_code = format!("{village_code}{g:03}");
                let group_name = format!("{}组", chinese_number(g));
                groups.push(
                    app::org::service::insert(&tx, &actor, now, Some(&village_code), &group_code, &group_name)
                        .await
                        .map_err(fail)?,
                );
            }
            villages.push((village, groups, t_name.to_string()));
        }
        townships.push(township);
    }
    // The county works under Tongnan's own policy [T], for the income year and the current one.
    let policy = app::policy::presets::preset(app::policy::presets::Preset::Tongnan2020);
    for year in [INCOME_YEAR, REFERENCE_YEAR] {
        app::policy::service::store(
            &tx,
            &actor,
            now,
            COUNTY_CODE,
            year,
            Some(app::policy::presets::Preset::Tongnan2020),
            &policy,
        )
        .await
        .map_err(fail)?;
    }
    writeln!(out, "已建立组织机构：{COUNTY_NAME}，{} 个镇街，{} 个村。", townships.len(), villages.len())?;

    let logins = load_users(&tx, &actor, &mut rng, &townships, &villages).await?;
    if let Some(path) = logins_file {
        write_logins(path, &logins)?;
    }
    writeln!(out, "已建立 {} 个用户。", logins.len())?;

    load_households(&tx, options, &mut rng, &villages, out).await?;
    assign_cadres(&tx, &villages).await?;
    let visits = load_visits(&tx, &mut rng, app::time::beijing_date(Utc::now())).await?;
    writeln!(out, "已生成本年度走访记录 {visits} 条（年度集中排查、监测户月度走访、挂钩干部季度走访）。")?;
    let meetings = load_meetings(&tx, &mut rng, app::time::beijing_date(Utc::now())).await?;
    writeln!(out, "已生成本年度以前月份的研判会议记录 {meetings} 份（个别村有缺开，可在“研判会议”查看）。")?;
    let county = app::org::OrgCode::parse(COUNTY_CODE).map_err(fail)?;
    let loaded: Vec<i64> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(app::authz::code_prefix(household::Column::OrgCode, county.scope_prefix()))
        .into_tuple()
        .all(&tx)
        .await?;
    let flagged = app::households::service::evaluation::reevaluate(&tx, &loaded, Utc::now()).await.map_err(fail)?;
    writeln!(out, "已按{}年政策完成风险研判（{flagged} 户有结果变化）。", REFERENCE_YEAR)?;
    let cases = cases::load(&tx, &mut rng, &actor).await?;
    writeln!(out, "已登记在办风险案件 {cases} 件（红色预警户全部登记，个别已逾期）。")?;

    audit::append(
        &tx,
        &actor,
        Utc::now(),
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
    writeln!(out, "演示数据载入完成，用时 {:.1} 秒。", started.elapsed().as_secs_f64())?;
    print_logins(&logins, out)?;
    Ok(logins)
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

async fn load_users(
    tx: &DatabaseTransaction,
    actor: &Actor,
    rng: &mut ChaCha8Rng,
    townships: &[org_unit::Model],
    villages: &[(org_unit::Model, Vec<org_unit::Model>, String)],
) -> anyhow::Result<Vec<DemoLogin>> {
    use app::permissions::Role;
    // (username, role, org code, department)
    let mut plan: Vec<(String, Role, String, Option<String>)> = vec![
        ("admin".into(), Role::Admin, COUNTY_CODE.into(), None),
        ("xian.fupin1".into(), Role::CountyOffice, COUNTY_CODE.into(), None),
        ("xian.fupin2".into(), Role::CountyOffice, COUNTY_CODE.into(), None),
        ("xian.jiwei".into(), Role::DisciplineTeam, COUNTY_CODE.into(), None),
    ];
    for (key, name) in DEPARTMENTS {
        plan.push((format!("bm.{key}"), Role::DepartmentUser, COUNTY_CODE.into(), Some(name.into())));
    }
    for township in townships {
        let t = township.code.get(6..9).unwrap_or_default();
        plan.push((format!("z{t}.lingdao"), Role::TownshipLeader, township.code.clone(), None));
        plan.push((format!("z{t}.jingfa"), Role::TownshipStaff, township.code.clone(), None));
        plan.push((format!("z{t}.jiwei"), Role::DisciplineTeam, township.code.clone(), None));
        plan.push((format!("z{t}.jiancha"), Role::CrossChecker, township.code.clone(), None));
    }
    for (village, groups, _) in villages {
        let v = village.code.get(6..12).unwrap_or_default();
        plan.push((format!("c{v}.shuji"), Role::VillageSecretary, village.code.clone(), None));
        plan.push((format!("c{v}.ganbu"), Role::VillageCadre, village.code.clone(), None));
        plan.push((format!("c{v}.zhucun"), Role::ResidentCadre, village.code.clone(), None));
        plan.push((format!("c{v}.xinxi"), Role::InfoOfficer, village.code.clone(), None));
        plan.push((format!("c{v}.lianxi"), Role::MonitoringContact, village.code.clone(), None));
        if let Some(group) = groups.first() {
            plan.push((format!("c{v}.zuzhang"), Role::MonitoringContact, group.code.clone(), None));
        }
    }

    let units: HashMap<String, String> =
        org_unit::Entity::find().all(tx).await?.into_iter().map(|u| (u.code, u.name)).collect();
    let mut logins = Vec::with_capacity(plan.len());
    let mut prepared = Vec::with_capacity(plan.len());
    for (username, role, org_code, department) in plan {
        let password = app::users::service::one_time_password();
        let hash = app::auth::service::hash_password(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let male = rng.random_bool(0.6);
        let display_name = person_name(rng, male);
        logins.push(DemoLogin {
            username: username.clone(),
            password,
            display_name: display_name.clone(),
            role_label: role.label().into(),
            org_name: units.get(&org_code).cloned().unwrap_or_default(),
        });
        prepared.push((
            NewUser {
                username,
                display_name,
                role: role.as_str().into(),
                org_code,
                department,
                phone: None,
                email: None,
            },
            hash,
        ));
    }
    let now = Utc::now();
    for (input, hash) in prepared {
        app::users::service::insert_user(tx, actor, now, &input, hash)
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", input.username))?;
    }
    Ok(logins)
}

/// Every monitored household gets its village's monitoring contact (c…lianxi) and, as 挂钩干部, its
/// township's leader (z…lingdao).
async fn assign_cadres(
    tx: &DatabaseTransaction,
    villages: &[(org_unit::Model, Vec<org_unit::Model>, String)],
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let users: HashMap<String, i64> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.username, u.id)).collect();
    for (village, _, _) in villages {
        let contact = users.get(&format!("c{}.lianxi", village.code.get(6..12).unwrap_or_default())).copied();
        let liaison = users.get(&format!("z{}.lingdao", village.code.get(6..9).unwrap_or_default())).copied();
        household::Entity::update_many()
            .col_expr(household::Column::ContactUserId, Expr::value(contact))
            .col_expr(household::Column::LiaisonUserId, Expr::value(liaison))
            .filter(household::Column::OrgCode.starts_with(&village.code))
            .filter(household::Column::MonitoringStatus.eq("monitored"))
            .exec(tx)
            .await?;
    }
    Ok(())
}

/// A day in `from..=to` (clamped to `to` when the range is empty).
fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + chrono::Duration::days(rng.random_range(0..=days))
}

/// This year's visits up to `today`, as a county that keeps up (mostly): the sweep of almost every
/// household by its deadline, most monthly visits of monitored households (a few by phone, which
/// Tongnan's policy does not count), and most quarterly visits of the 挂钩干部. Returns how many.
async fn load_visits(tx: &DatabaseTransaction, rng: &mut ChaCha8Rng, today: NaiveDate) -> anyhow::Result<u64> {
    use app::risk::{AssessmentStatus, SecurityItem};
    let users: HashMap<String, i64> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.username, u.id)).collect();
    let households = household::Entity::find().order_by_asc(household::Column::Id).all(tx).await?;
    let checklist = serde_json::to_string(
        &SecurityItem::ALL
            .iter()
            .map(|item| app::visits::ChecklistAnswer { item: *item, status: AssessmentStatus::Ok, note: String::new() })
            .collect::<Vec<_>>(),
    )?;
    let year = today.year();
    let day = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day).unwrap_or(today);
    let mut rows = Vec::new();
    for h in &households {
        let Some(contact) = users.get(&format!("c{}.lianxi", h.org_code.get(6..12).unwrap_or_default())).copied()
        else {
            continue;
        };
        let visit = |on: NaiveDate, visitor: i64, mode: &str, sweep: bool| entities::visit::ActiveModel {
            household_id: Set(h.id),
            org_code: Set(h.org_code.clone()),
            visited_on: Set(on),
            mode: Set(mode.into()),
            sweep: Set(sweep),
            visitor_user_id: Set(visitor),
            companions: Set(String::new()),
            checklist: Set(checklist.clone()),
            finance_note: Set(String::new()),
            income_year: Set(None),
            problems: Set("[]".into()),
            assistance: Set(String::new()),
            ledger_class: Set(if sweep { h.monitoring_class.clone() } else { None }),
            acknowledgement: Set(if mode == "in_person" { "signed" } else { "remote" }.into()),
            acknowledged_by: Set(h.head_name.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        if rng.random_bool(0.97) {
            let on = day_between(rng, day(1, 5), day(3, 28).min(today));
            rows.push(visit(on, contact, "in_person", true));
        }
        if h.monitoring_class.is_some() {
            for month in 1..=today.month() {
                let chance = if month == today.month() { 0.4 } else { 0.93 };
                let on = day(month, rng.random_range(3..=26));
                if on <= today && rng.random_bool(chance) {
                    let mode = if rng.random_bool(0.15) { "phone" } else { "in_person" };
                    rows.push(visit(on, contact, mode, false));
                }
            }
        }
        if let Some(liaison) = h.liaison_user_id {
            for quarter_start in [1, 4, 7, 10].into_iter().filter(|m| *m <= today.month()) {
                let on = day_between(rng, day(quarter_start, 1), day(quarter_start + 2, 28).min(today));
                if rng.random_bool(0.8) {
                    rows.push(visit(on, liaison, "in_person", false));
                }
            }
        }
    }
    let count = rows.len() as u64;
    for chunk in rows.chunks(1000) {
        entities::visit::Entity::insert_many(chunk.to_vec()).exec_without_returning(tx).await?;
    }
    Ok(count)
}

/// Signed judgment meetings of this year's past months for most villages and townships (a few months
/// missed and a few minutes signed late, so the overview shows gaps and 逾期补签): the unit's roster, one
/// item reporting the month's monitoring.
async fn load_meetings(tx: &DatabaseTransaction, rng: &mut ChaCha8Rng, today: NaiveDate) -> anyhow::Result<u64> {
    use app::permissions::Role;
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::Level.is_in(["village", "township"]))
        .order_by_asc(org_unit::Column::Code)
        .all(tx)
        .await?;
    let grants = entities::user_role::Entity::find().all(tx).await?;
    let users: HashMap<i64, String> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let mut count = 0;
    for unit in &units {
        let chair_role = if unit.level == "village" { Role::VillageSecretary } else { Role::TownshipLeader };
        let roster: Vec<(i64, Role)> = grants
            .iter()
            .filter(|g| g.org_unit_id == unit.id)
            .filter_map(|g| Role::parse(&g.role).map(|r| (g.user_id, r)))
            .collect();
        let chair = roster.iter().find(|(_, r)| *r == chair_role).map(|(id, _)| *id);
        let recorder = roster.iter().find(|(_, r)| *r != chair_role).map(|(id, _)| *id).or(chair);
        let Some(creator) = chair else { continue };
        for month in 1..today.month() {
            if !rng.random_bool(0.92) {
                continue;
            }
            let held_on = NaiveDate::from_ymd_opt(today.year(), month, rng.random_range(20..=28)).unwrap_or(today);
            let at = Utc.from_utc_datetime(&held_on.and_hms_opt(2, 0, 0).unwrap_or_default());
            // A few minutes were signed only the month after (逾期补签), as happens.
            let signed_at = if rng.random_bool(0.04) { (at + chrono::Duration::days(12)).min(Utc::now()) } else { at };
            let attendance: Vec<app::meetings::Attendee> = roster
                .iter()
                .map(|(id, role)| app::meetings::Attendee {
                    user_id: *id,
                    name: users.get(id).cloned().unwrap_or_default(),
                    role: role.label().into(),
                    present: rng.random_bool(0.9),
                    reason: String::new(),
                })
                .map(|a| app::meetings::Attendee {
                    reason: if a.present { String::new() } else { "入户走访".into() },
                    ..a
                })
                .collect();
            let meeting = entities::meeting::ActiveModel {
                org_code: Set(unit.code.clone()),
                month: Set(format!("{}-{month:02}", today.year())),
                status: Set("signed".into()),
                held_on: Set(Some(held_on)),
                place: Set(if unit.level == "village" { "村委会会议室" } else { "镇街会议室" }.into()),
                chair_user_id: Set(chair),
                recorder_user_id: Set(recorder),
                attendance: Set(serde_json::to_string(&attendance)?),
                guests: Set(String::new()),
                created_by: Set(creator),
                created_at: Set(at),
                finalised_at: Set(Some(at)),
                signed_at: Set(Some(signed_at)),
                sent_back_reason: Set(String::new()),
                ..Default::default()
            }
            .insert(tx)
            .await?;
            entities::meeting_item::ActiveModel {
                meeting_id: Set(meeting.id),
                position: Set(1),
                kind: Set("manual".into()),
                case_id: Set(None),
                household_id: Set(None),
                source_item_id: Set(None),
                title: Set("本月动态监测情况通报".into()),
                facts: Set(String::new()),
                dropped: Set(false),
                drop_reason: Set(String::new()),
                analysis: Set("本月监测户、预警户走访到位，未发现新增返贫致贫风险".into()),
                decision: Set("继续按月走访，落实“一户一方案”帮扶措施".into()),
                action: Set("note".into()),
                department: Set(String::new()),
                responsible_person: Set(String::new()),
                deadline: Set(None),
                owner_user_id: Set(None),
                result_case_id: Set(None),
                decided_at: Set(Some(at)),
                ..Default::default()
            }
            .insert(tx)
            .await?;
            count += 1;
        }
    }
    Ok(count)
}

async fn load_households(
    tx: &DatabaseTransaction,
    options: &DemoOptions,
    rng: &mut ChaCha8Rng,
    villages: &[(org_unit::Model, Vec<org_unit::Model>, String)],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    const BATCH: usize = 500;
    let total = options.households;
    let mut next_id = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .order_by_desc(household::Column::Id)
        .into_tuple::<i64>()
        .one(tx)
        .await?
        .unwrap_or(0)
        + 1;
    // Village sizes vary: draw a weight per village.
    let weights: Vec<f64> = villages.iter().map(|_| rng.random_range(0.6..1.4)).collect();
    let weight_sum: f64 = weights.iter().sum();
    let mut per_village: Vec<u64> = weights.iter().map(|w| (w / weight_sum * total as f64).floor() as u64).collect();
    let assigned: u64 = per_village.iter().sum();
    if let Some(first) = per_village.first_mut() {
        *first += total - assigned;
    }

    let mut ids = IdIssuer::default();
    let mut done: u64 = 0;
    let mut last_report = 0;
    let now = Utc::now();
    let registered = Utc.with_ymd_and_hms(INCOME_YEAR, 1, 1, 0, 0, 0).single().unwrap_or(now);
    for ((village, groups, township_name), count) in villages.iter().zip(per_village) {
        let mut seq = 0u64;
        while seq < count {
            let take = (count - seq).min(BATCH as u64);
            let mut households = Vec::with_capacity(take as usize);
            let mut members = Vec::with_capacity(take as usize * 4);
            let mut incomes = Vec::with_capacity(take as usize);
            for _ in 0..take {
                seq += 1;
                let id = next_id;
                next_id += 1;
                let Some(group) = groups.get(rng.random_range(0..groups.len())) else { continue };
                let family = family(rng);
                let size = family.len() as i64;
                // Per-capita net income: skewed towards the low end, a few households in hardship.
                let hardship = rng.random_bool(0.012);
                let per_capita_yuan: i64 = if hardship {
                    rng.random_range(2500..6500)
                } else {
                    6000 + (30000.0 * rng.random::<f64>().powf(0.8)) as i64
                };
                let total_fen = per_capita_yuan * size * 100;
                let transfer_share = rng.random_range(0.05..0.5);
                let property_share = rng.random_range(0.0..0.05);
                let business_share = rng.random_range(0.0..0.3);
                let transfer = (total_fen as f64 * transfer_share) as i64;
                let property = (total_fen as f64 * property_share) as i64;
                let business = (total_fen as f64 * business_share) as i64;
                let rigid = if rng.random_bool(0.08) {
                    rng.random_range(500_000..4_000_000)
                } else {
                    rng.random_range(0..200_000)
                };
                let wage = total_fen - transfer - property - business;
                let class = if hardship {
                    Some("突发严重困难户")
                } else if per_capita_yuan < 7000 {
                    Some("脱贫不稳定户")
                } else if per_capita_yuan < 9000 && rng.random_bool(0.5) {
                    Some("边缘易致贫户")
                } else {
                    None
                };
                let Some(head) = family.first() else { continue };
                households.push(household::ActiveModel {
                    id: Set(id),
                    code: Set(format!("{}{seq:05}", village.code)),
                    org_unit_id: Set(group.id),
                    org_code: Set(group.code.clone()),
                    head_name: Set(head.name.clone()),
                    address: Set(format!("重庆市{COUNTY_NAME}{township_name}{}{}{seq}号", village.name, group.name)),
                    phone: Set(rng.random_bool(0.7).then(|| {
                        format!(
                            "1{}{:09}",
                            pick(rng, &["3", "5", "7", "8", "9"]),
                            rng.random_range(0..1_000_000_000u64)
                        )
                    })),
                    monitoring_class: Set(class.map(str::to_string)),
                    red_alert: Set(false),
                    risk_monitored: Set(false),
                    evaluated_at: Set(None),
                    contact_user_id: Set(None),
                    liaison_user_id: Set(None),
                    house_type: Set(pick(rng, &["砖混", "砖混", "砖木", "钢混", "木结构"]).to_string()),
                    industry_failure: Set(None),
                    disaster_loss: Set(None),
                    other_hardship: Set(None),
                    dibao_status: Set(if class == Some("脱贫不稳定户") { "receiving" } else { "none" }.into()),
                    dibao_taper_until: Set(None),
                    monitoring_status: Set(if class.is_some() { "monitored" } else { "none" }.into()),
                    // Monitored, and looked after by a 挂钩干部, since they were registered.
                    class_since: Set(None),
                    liaison_since: Set(None),
                    // On the register since before the income year.
                    created_at: Set(registered),
                    updated_at: Set(now),
                });
                incomes.push(household_income::ActiveModel {
                    household_id: Set(id),
                    year: Set(INCOME_YEAR),
                    wage_fen: Set(wage),
                    business_fen: Set(business),
                    property_fen: Set(property),
                    transfer_fen: Set(transfer),
                    // A large bill is mostly medical (after reimbursement) with some schooling; small
                    // everyday ones are "other".
                    medical_fen: Set(if rigid >= 500_000 { rigid * 7 / 10 } else { 0 }),
                    schooling_fen: Set(if rigid >= 500_000 { rigid - rigid * 7 / 10 } else { 0 }),
                    disaster_fen: Set(0),
                    other_rigid_fen: Set(if rigid >= 500_000 { 0 } else { rigid }),
                    updated_at: Set(now),
                    ..Default::default()
                });
                for m in family {
                    let birth = birth_date(rng, m.age);
                    let health = health(rng, m.age);
                    let age = REFERENCE_YEAR - birth.year();
                    members.push(household_member::ActiveModel {
                        household_id: Set(id),
                        resident_id: Set(ids.issue(birth, m.male)),
                        name_initials: Set(app::households::initials::name_initials(&m.name)),
                        name: Set(m.name),
                        relation: Set(m.relation.into()),
                        sex: Set(if m.male { "M" } else { "F" }.into()),
                        birth_date: Set(birth),
                        labour_capacity: Set(labour(age, health).into()),
                        health: Set(health.into()),
                        schooling: Set(schooling(rng, age).into()),
                        co_residence_note: Set(None),
                        ..Default::default()
                    });
                }
            }
            household::Entity::insert_many(households).exec_without_returning(tx).await?;
            for chunk in members.chunks(1500) {
                household_member::Entity::insert_many(chunk.to_vec()).exec_without_returning(tx).await?;
            }
            household_income::Entity::insert_many(incomes).exec_without_returning(tx).await?;
            done += take;
            if total >= 20 && done * 20 / total > last_report {
                last_report = done * 20 / total;
                writeln!(out, "  农户 {done}/{total}（{}%）", done * 100 / total)?;
                out.flush()?;
            }
        }
    }
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        tx.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('household', 'id'), (SELECT COALESCE(MAX(id), 1) FROM household))",
        )
        .await
        .context("cannot move the household id sequence past the loaded rows")?;
    }
    Ok(())
}

fn print_logins(logins: &[DemoLogin], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "\n演示账号（一次性密码，首次登录后请修改；完整名单另存于数据目录 demo-logins.txt）：")?;
    let mut shown_roles = std::collections::HashSet::new();
    for login in logins {
        if shown_roles.insert(login.role_label.clone()) {
            writeln!(
                out,
                "  {:<22} {:<16} {} · {}（{}）",
                login.username, login.password, login.org_name, login.role_label, login.display_name
            )?;
        }
    }
    Ok(())
}

/// Where the demo logins are written.
pub fn logins_path(settings: &Settings) -> PathBuf {
    settings.data_dir.join("demo-logins.txt")
}

/// Write every demo login to `path` (`logins_path`), readable by the owner only.
fn write_logins(path: &Path, logins: &[DemoLogin]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = String::from("# 演示账号与一次性密码（首次登录后须修改）\n# 用户名\t一次性密码\t单位\t角色\t姓名\n");
    for l in logins {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            l.username, l.password, l.org_name, l.role_label, l.display_name
        ));
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_ids_are_valid_and_unique() {
        let mut issuer = IdIssuer::default();
        let day = NaiveDate::from_ymd_opt(1970, 5, 1).unwrap();
        let mut seen = std::collections::HashSet::new();
        for i in 0..1200 {
            let id = issuer.issue(day, i % 2 == 0);
            assert!(ResidentId::parse(&id).is_ok(), "{id}");
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_families() {
        let mut r1 = ChaCha8Rng::seed_from_u64(7);
        let mut r2 = ChaCha8Rng::seed_from_u64(7);
        let f1: Vec<String> =
            (0..50).flat_map(|_| family(&mut r1)).map(|m| format!("{}{}{}", m.name, m.relation, m.age)).collect();
        let f2: Vec<String> =
            (0..50).flat_map(|_| family(&mut r2)).map(|m| format!("{}{}{}", m.name, m.relation, m.age)).collect();
        assert_eq!(f1, f2);
        assert!(f1.iter().any(|m| m.contains("户主")));
    }
}
