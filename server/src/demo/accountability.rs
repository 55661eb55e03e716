//! The demo county's 问责, made through the product's services as the county's discipline team would: of this
//! half-year's candidates, one month without minutes is dismissed with its reason; a record is opened from a problem
//! found by the supervision, the village states its case, the team reviews it, decides on 约谈 and records the talk;
//! another record,
//! of a case resolved late, waits for the village's statement. Then the year's assessment: the county office computes
//! it, and the village of the decided record has its assessment vetoed (proposed on that record by its township's
//! discipline team, upheld by the county's, approved by the county office), its secretary barred for the year.

use app::accountability::{CandidateKind, DismissForm, OpenForm, StepForm};
use app::assessment::{VetoForm, VetoStepForm};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::{COUNTY_CODE, as_user};

/// Dismiss, open, state, review and decide; returns what was done, in words.
pub(super) async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<String> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let jiwei = as_user(db, "xian.jiwei", now).await?;
    let view = app::accountability::service::candidates::candidates(db, now, &jiwei, COUNTY_CODE, "", "")
        .await
        .map_err(fail)?;
    let first = |kind: CandidateKind| view.candidates.iter().find(|c| c.kind == kind && c.unit.code.len() == 12);
    let mut dismissed = 0;
    if let Some(meeting) = first(CandidateKind::MissedMeeting) {
        let form = DismissForm {
            candidate_key: meeting.key.clone(),
            reason: "当月村两委换届，经县委组织部同意延至次月合并召开".into(),
        };
        app::accountability::service::records::dismiss(db, now, &jiwei, &form).await.map_err(fail)?;
        dismissed += 1;
    }
    let mut opened = 0;
    let mut decided = None;
    for (kind, decide) in [(CandidateKind::OutsideFinding, true), (CandidateKind::OverdueCase, false)] {
        let Some(candidate) = first(kind) else { continue };
        let form = OpenForm { candidate_key: candidate.key.clone(), ..OpenForm::default() };
        let id = app::accountability::service::records::open(db, now, &jiwei, &form).await.map_err(fail)?;
        opened += 1;
        if !decide {
            continue;
        }
        let village = candidate.unit.code.get(6..12).unwrap_or_default();
        decided = Some((id, candidate.unit.code.clone()));
        let secretary = as_user(db, &format!("c{village}.shuji"), now).await?;
        let steps = [
            (&secretary, "state", "问题属实，已于督查后一周内整改到位，今后按月入户核查。", ""),
            (&jiwei, "review", "事实清楚，村里已整改，情节较轻。", ""),
            (&jiwei, "decide", "约谈村党支部书记，督促落实监测帮扶责任。", "talk"),
        ];
        for (who, step, text, measure) in steps {
            let form =
                StepForm { step: step.into(), text: text.into(), measure: measure.into(), ..StepForm::default() };
            app::accountability::service::records::step(db, now, who, id, &form).await.map_err(fail)?;
        }
        let talk = StepForm {
            step: "talk".into(),
            text: "指出应纳未纳和走访不到位的问题，要求一周内逐户核实、按月入户走访。".into(),
            talk_on: app::time::beijing_date(now).to_string(),
            talk_participants: "县纪委督查组、村党支部书记、驻村第一书记".into(),
            talk_follow_up: "一个月后由镇纪委回访整改情况".into(),
            ..StepForm::default()
        };
        app::accountability::service::records::step(db, now, &jiwei, id, &talk).await.map_err(fail)?;
    }
    let year = app::time::beijing_year(now).to_string();
    let vetoed = match decided {
        Some((record, village)) => veto(db, now, &jiwei, &year, record, &village).await?,
        None => String::new(),
    };
    let office = as_user(db, "xian.fupin1", now).await?;
    app::assessment::service::compute::compute(db, now, &office, COUNTY_CODE, &year).await.map_err(fail)?;
    Ok(format!(
        "已生成问责演示数据：本半年度候选事项 {} 项，不予问责 {dismissed} 项，立问责记录 {opened} 件（第一件已决定约谈并记录约谈，其余待村里申辩）。已计算 {year} 年度考核结果（未发布，可在“考核”查看）{vetoed}。",
        view.candidates.len()
    ))
}

/// The village's assessment vetoed on the decided record, its secretary named; returns it in words.
async fn veto(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    jiwei: &app::request::RequestContext,
    year: &str,
    record: i64,
    village: &str,
) -> anyhow::Result<String> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let secretary = as_user(db, &format!("c{}.shuji", village.get(6..12).unwrap_or_default()), now).await?;
    let township_team = as_user(db, &format!("z{}.jiwei", village.get(6..9).unwrap_or_default()), now).await?;
    let form = VetoForm {
        year: year.into(),
        unit: village.into(),
        ground: app::policy::accountability::default_veto_grounds().into_iter().next().unwrap_or_default(),
        record_ids: vec![record.to_string()],
        person_ids: vec![secretary.caller().map_err(fail)?.user_id.to_string()],
        note: "督查发现应纳未纳监测户住房安全问题长期未解决，村里此前未自查登记，属两不愁三保障严重漏洞。".into(),
    };
    let id = app::assessment::service::vetoes::propose(db, now, &township_team, &form).await.map_err(fail)?;
    let uphold =
        VetoStepForm { step: "uphold".into(), note: "事实清楚，依据问责记录认定一票否决。".into() };
    app::assessment::service::vetoes::step(db, now, jiwei, id, &uphold).await.map_err(fail)?;
    let office = as_user(db, "xian.fupin1", now).await?;
    let approve = VetoStepForm { step: "approve".into(), note: "同意。".into() };
    app::assessment::service::vetoes::step(db, now, &office, id, &approve).await.map_err(fail)?;
    Ok("，其中一个村被一票否决（村党支部书记本年度不得提拔重用、评先评优）".into())
}
