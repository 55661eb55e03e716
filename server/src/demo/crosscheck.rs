//! The demo county's cross-check of this year, made through the product's own services as the people
//! who do it would: the county office plans it (window from three days ago to ten days ahead) and forms a team of
//! each township's cross-checker, the pairing keeps every team out of its own township, the draw is made with the
//! seed "20261201"; two teams have checked a few households and a village, and each checked township has handed a
//! problem over as a case. This runs after the county is committed, since the services keep their own transactions.

use anyhow::Context;
use app::crosscheck::sheet::{AnswerForm, SheetForm};
use app::crosscheck::{HandOverForm, PlanForm, TeamForm};
use chrono::{DateTime, Duration, Utc};
use entities::{app_user, cross_check_draw, cross_check_team, cross_check_unit};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{COUNTY_CODE, TOWNSHIPS, as_user};

/// A datetime-local value in Beijing time.
fn local(at: DateTime<Utc>) -> String {
    app::time::in_beijing(at).format("%Y-%m-%dT%H:%M").to_string()
}

/// Answers to the household indicators: all 符合 but those given, (index, result, note).
fn answers(count: usize, changed: &[(usize, &str, &str)]) -> Vec<AnswerForm> {
    (0..count)
        .map(|i| match changed.iter().find(|(at, _, _)| *at == i) {
            Some((_, result, note)) => AnswerForm { result: (*result).into(), note: (*note).into() },
            None => AnswerForm { result: "pass".into(), note: String::new() },
        })
        .collect()
}

/// Plan, team, pair, draw and check; returns what was done, in words.
pub(super) async fn load(db: &DatabaseConnection, year: i32, now: DateTime<Utc>) -> anyhow::Result<String> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let county = as_user(db, "xian.fupin1", now).await?;
    let plan = PlanForm {
        org_code: COUNTY_CODE.into(),
        year: year.to_string(),
        title: format!("{year} 年乡镇（街道）间交叉检查"),
        window_start: local(now - Duration::days(3)),
        window_end: local(now + Duration::days(10)),
        townships: Vec::new(),
    };
    let check_id = app::crosscheck::service::plan::create(db, now, &county, &plan).await.map_err(fail)?;
    for (i, (code, name, _)) in TOWNSHIPS.iter().enumerate() {
        let checker = app_user::Entity::find()
            .filter(app_user::Column::Username.eq(format!("z{code}.jiancha")))
            .one(db)
            .await?
            .context("演示县缺少交叉检查人员账号")?;
        let team = TeamForm {
            name: format!("第{}检查组（{name}抽调）", super::chinese_number(i as u32 + 1)),
            members: vec![checker.id.to_string()],
            leader_user_id: checker.id.to_string(),
        };
        app::crosscheck::service::teams::add_team(db, now, &county, check_id, &team).await.map_err(fail)?;
    }
    app::crosscheck::service::teams::confirm(db, now, &county, check_id).await.map_err(fail)?;
    app::crosscheck::service::draw::draw(db, now, &county, check_id, "20261201").await.map_err(fail)?;
    let mut sheets = 0;
    for township in ["001", "101"] {
        sheets += check_township(db, now, check_id, township).await?;
    }
    Ok(format!(
        "已组织{year}年交叉检查：{} 个检查组按回避规则配对，现场种子 20261201 抽样；两个检查组已填写核查表 {sheets} 份，被查的两个镇街各交办一个问题。",
        TOWNSHIPS.len()
    ))
}

/// The team that checks `township` fills four household sheets and the village's sheet of its first drawn
/// village; the township hands the first problem over to the village's Party secretary. Returns the sheets saved.
async fn check_township(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    check_id: i64,
    township: &str,
) -> anyhow::Result<usize> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let township_code = format!("500152{township}000");
    let team = cross_check_team::Entity::find()
        .filter(cross_check_team::Column::CheckId.eq(check_id))
        .filter(cross_check_team::Column::TownshipCode.eq(township_code.as_str()))
        .one(db)
        .await?
        .context("演示县未找到检查组")?;
    let leader = entities::cross_check_member::Entity::find()
        .filter(entities::cross_check_member::Column::TeamId.eq(team.id))
        .one(db)
        .await?
        .context("演示检查组没有成员")?;
    let username =
        app_user::Entity::find_by_id(leader.user_id).one(db).await?.context("演示检查组组长账号不存在")?.username;
    let checker = as_user(db, &username, now).await?;
    let draw = cross_check_draw::Entity::find()
        .filter(cross_check_draw::Column::CheckId.eq(check_id))
        .one(db)
        .await?
        .context("演示交叉检查尚未抽样")?;
    let village = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .filter(cross_check_unit::Column::TownshipCode.eq(township_code.as_str()))
        .filter(cross_check_unit::Column::HouseholdId.is_null())
        .filter(cross_check_unit::Column::Role.eq("drawn"))
        .order_by_asc(cross_check_unit::Column::Rank)
        .one(db)
        .await?
        .context("演示抽样中没有抽中的村")?;
    let mut households = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .filter(cross_check_unit::Column::VillageCode.eq(village.village_code.as_str()))
        .filter(cross_check_unit::Column::HouseholdId.is_not_null())
        .filter(cross_check_unit::Column::Role.eq("drawn"))
        .all(db)
        .await?;
    households.sort_by_key(|u| (u.stratum.clone(), u.rank));
    let today = app::time::beijing_date(now).to_string();
    let sheet = |unit: &cross_check_unit::Model, answers: Vec<AnswerForm>| SheetForm {
        unit_id: unit.id.to_string(),
        visited_on: today.clone(),
        answers,
        inclusion: "proper".into(),
        acknowledgement: "confirmed".into(),
        acknowledged_by: "户主本人".into(),
        ..SheetForm::default()
    };
    let mut forms = Vec::new();
    if let [first, second, third, fourth, ..] = households.as_slice() {
        forms.push(sheet(first, answers(6, &[])));
        let mut missed = sheet(second, answers(6, &[(3, "fail", "近两个月无入户走访记录，与每月入户一次的要求不符")]));
        missed.mismatches = vec![String::new(), String::new(), "登记电话已停机，现用 13908765432".into()];
        forms.push(missed);
        let mut unseen = sheet(
            third,
            answers(6, &[(1, "fail", "户主今年 9 月住院，自付医疗费用约 4.2 万元，家庭人均纯收入已低于监测范围")]),
        );
        unseen.inclusion = "should_include".into();
        unseen.inclusion_note = "大额医疗支出致家庭人均纯收入低于监测范围，未纳入监测".into();
        forms.push(unseen);
        let mut refused = sheet(fourth, answers(6, &[(5, "not_applicable", "")]));
        refused.acknowledgement = "refused".into();
        refused.acknowledged_by = String::new();
        refused.note = "户主认为去年已检查过，拒绝签字；核查内容已当面告知".into();
        forms.push(refused);
    }
    forms.push(SheetForm {
        unit_id: village.id.to_string(),
        visited_on: today.clone(),
        answers: answers(1, &[(0, "fail", "10 月研判会议记录无参会人员签字")]),
        acknowledgement: "confirmed".into(),
        acknowledged_by: "村党组织书记".into(),
        ..SheetForm::default()
    });
    for form in &forms {
        app::crosscheck::service::sheets::save(db, now, &checker, form).await.map_err(fail)?;
    }
    let staff = as_user(db, &format!("z{township}.jingfa"), now).await?;
    let found =
        app::crosscheck::service::findings::township(db, now, &staff, check_id, &township_code).await.map_err(fail)?;
    if let Some(first) = found.findings.first() {
        let secretary = format!("c{}.shuji", first.village_code.get(6..12).unwrap_or_default());
        let owner = app_user::Entity::find()
            .filter(app_user::Column::Username.eq(secretary))
            .one(db)
            .await?
            .context("演示村缺少村党支部书记账号")?;
        // A date of the township's choosing: the policy's working days may run into a year whose holidays are
        // not yet published.
        let deadline = (app::time::beijing_date(now) + Duration::days(20)).to_string();
        let form = HandOverForm { finding_id: first.id.to_string(), owner_user_id: owner.id.to_string(), deadline };
        app::crosscheck::service::findings::hand_over(db, now, &staff, &form).await.map_err(fail)?;
    }
    Ok(forms.len())
}
