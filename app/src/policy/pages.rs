//! "政策设置": the policy in force for a unit and year, presets, and editing.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{ApplyPreset, SavePolicy, get_policy};
use super::presets::{Preset, preset};
use super::{CadreRank, PolicyForm, PolicyShown, PolicyView};
use crate::org::OrgLevel;
use crate::org::api::list_org_units;
use crate::permissions::Action;
use crate::refill::{RefusedInput, refill, refused_input};
use crate::ui::{ErrorBox, MeResource, action_error, count_successes, error_summary, field_error};

#[component]
pub fn PolicyPage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let query = use_query_map();
    let units = Resource::new(|| (), |_| list_org_units());
    let apply = ServerAction::<ApplyPreset>::new();
    let save = ServerAction::<SavePolicy>::new();
    // Reloaded after a save that succeeded only: a refused form stays as typed.
    let saves = RwSignal::new(0u32);
    count_successes(save.value(), saves);
    let year = move || query.with(|q| q.get("year").and_then(|y| y.parse::<i32>().ok()));
    let unit = move || query.with(|q| q.get("unit"));
    // The server fills in the unit and the year (Beijing's) when the address names none.
    let policy = Resource::new(
        move || (unit(), year(), apply.version().get(), saves.get()),
        |(unit, year, ..)| get_policy(unit, year),
    );
    let saved = save.value();

    view! {
        <section class="page">
            <h1>"政策设置"</h1>
            <p class="muted">"监测线、预警线、对象类别、走访频次、办理时限、抽样数量等按单位和年度设置；下级单位未单独设置时沿用上级单位的政策。修改立即生效，并记入审计日志。"</p>
            <form method="get" action="/settings" class="filters">
                <label for="unit">"单位"</label>
                <select id="unit" name="unit">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let selected = unit();
                            units.await.unwrap_or_default().into_iter()
                                .filter(|u| matches!(u.level, OrgLevel::County | OrgLevel::Township))
                                .map(|u| {
                                    let is_selected = selected.as_deref() == Some(u.code.as_str());
                                    view! { <option value=u.code.clone() selected=is_selected>{u.name}</option> }
                                })
                                .collect_view()
                        })}
                    </Transition>
                </select>
                <label for="year">"年度"</label>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let shown = policy.await.ok().map(|p| p.year).or_else(year);
                        view! { <input id="year" name="year" type="number" min="2000" max="2100" value=shown/> }
                    })}
                </Transition>
                <button type="submit">"查看"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || { let refused = refused_input(); Suspend::new(async move {
                    let refused = refused.await;
                    let caller = me.await.ok().flatten();
                    let may_edit = caller.as_ref().is_some_and(|c| Action::ManagePolicy.allowed_for(c));
                    match policy.await {
                        Ok(PolicyShown { org_code, policy: Ok(view), .. }) => view! {
                            <PolicyDetails view=view.clone()/>
                            {may_edit.then(|| view! { <PolicyEditor view target=org_code apply save refused/> })}
                        }.into_any(),
                        Ok(PolicyShown { org_code, year, policy: Err(why) }) => view! {
                            <div class="banner warn">{why}</div>
                            {may_edit.then(|| view! { <PresetPicker apply org_code year/> })}
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}}
            </Transition>
            {action_error(apply.value())}
            {move || match saved.get() {
                Some(Ok(())) => Some(view! { <div class="banner ok">"政策已保存并立即生效。"</div> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn PolicyDetails(view: PolicyView) -> impl IntoView {
    let p = view.policy;
    let yuan = |v: Option<i64>| v.map(|n| format!("{n} 元")).unwrap_or_else(|| "不设".into());
    view! {
        <h2>{format!("{} · {} 年", view.org_name, view.year)}</h2>
        {view.inherited.then(|| view! { <p class="banner info">{format!("本单位沿用{}的政策。", view.org_name)}</p> })}
        <dl class="facts wide">
            <dt>"政策名称"</dt><dd>{p.name.clone()}</dd>
            <dt>"依据"</dt><dd>{p.source.clone()}</dd>
            <dt>"监测线"</dt><dd>{format!("人均纯收入 {} 元{}", p.monitoring_line_yuan, if p.deduct_large_expenditure {
                let items: Vec<&str> = p.deductible_items.iter().map(|i| i.label()).collect();
                format!("（扣除合规大额支出后：{}）", items.join("、"))
            } else { String::new() })}</dd>
            <dt>"预警线"</dt><dd>{yuan(p.warning_line_yuan)}</dd>
            <dt>"红色预警线"</dt><dd>{yuan(p.red_alert_line_yuan)}</dd>
            <dt>"农村低保标准"</dt><dd>{p.dibao_standard_yuan.map(|n| format!("{n} 元（监测线不低于此标准）")).unwrap_or_else(|| "未设置".into())}</dd>
            <dt>"典型特征"</dt><dd>{if p.require_typical_feature { "低于监测线且具有至少一项典型特征才纳入" } else { "低于监测线即纳入" }}</dd>
            <dt>"典型特征标准"</dt><dd>
                <div>{format!("转移性收入占比超过 {}%", p.transfer_share_limit_pct)}</div>
                <div>{format!("家庭劳动力系数不高于 {}（弱劳动力、半劳动力按 {} 个劳动力计）", f64::from(p.labour_coefficient_limit_pct) / 100.0, f64::from(p.weak_labour_units_pct) / 100.0)}</div>
                <div>{format!("大病年度自付医疗费用达到 {} 元，或劳动年龄（{}–{} 周岁）内因大病丧失劳动能力", p.illness_out_of_pocket_yuan, p.working_ages.0, p.working_ages.1)}</div>
                <div>{format!("{} 周岁以下无法定监护人、{} 周岁以上无法定赡养人", p.care_ages.0, p.care_ages.1)}</div>
            </dd>
            <dt>"收入大幅缩减"</dt><dd>{format!("家庭收入较上年减少 {}% 及以上", p.income_drop_pct)}</dd>
            <dt>"对象类别"</dt>
            <dd>{p.categories.iter().map(|c| view! {
                <div>{format!("{}：{}，{}走访，{}，{}{}", c.name, if c.monitored { "监测对象" } else { "不计入监测对象" }, c.visit_every.label(), c.visitor, if c.remote_counts { "电话、微信、视频联系也计入" } else { "须入户" }, c.roster.map(|g| format!("，列入{}花名册", g.label())).unwrap_or_default())}</div>
            }).collect_view()}</dd>
            <dt>"办理时限"</dt><dd>{format!("初审 {} 个工作日，核实 {}内，公示不少于 {} 个工作日", p.initial_review_working_days, p.verification.label(), p.public_notice_working_days)}</dd>
            <dt>"交叉检查"</dt><dd>{format!("每个镇街不少于 {} 个村，每村不少于 {} 户", p.cross_check_villages_per_township, p.cross_check_households_per_village)}</dd>
            <dt>"问责"</dt><dd>{format!("案件逾期超过 {} 天、某月未走访监测户超过 {}% 列入候选；申辩期限 {} 天", p.accountability.overdue_days, p.accountability.unvisited_percent, p.accountability.statement_days)}</dd>
            <dt>"年度考核"</dt><dd>{format!("权重 {}；一票否决情形 {} 项", p.accountability.assessment_weights.map(|w| w.to_string()).join("/"), p.accountability.veto_grounds.len())}</dd>
            <dt>"规模控制"</dt><dd>{format!("建档立卡人口的 {:.1}%", f64::from(p.scale_control_permille) / 10.0)}</dd>
            <dt>"低保渐退期"</dt><dd>{format!("{} 个月", p.dibao_taper_months)}</dd>
            <dt>"风险消除前收入稳定"</dt><dd>{format!("不少于 {} 个月", p.elimination_stable_months)}</dd>
            <dt>"案件期限提醒"</dt><dd>{format!("期限前 {} 个工作日", p.reminder_working_days)}</dd>
            <dt>"年度排查截止"</dt><dd>{format!("每年 {} 月 {} 日", p.sweep_deadline.0, p.sweep_deadline.1)}</dd>
            <dt>"挂钩干部走访"</dt><dd>{match p.liaison_visit_every_months {
                0 => "不设".to_string(),
                n => format!("至少每 {n} 个月一次（入户）"),
            }}</dd>
            <dt>"公示监督电话"</dt><dd>{p.notice_phone.clone()}</dd>
            <dt>"规模控制基数"</dt><dd>{p.scale_base_population.map(|n| format!("{n} 人（建档立卡贫困人口）")).unwrap_or_else(|| "未设置".into())}</dd>
            <dt>"全省农村居民可支配收入平均水平"</dt><dd>{p.average_rural_income_yuan.map(|n| format!("{n} 元（脱贫户达到此水平列为“不享受政策的脱贫户”）")).unwrap_or_else(|| "未设置".into())}</dd>
            <dt>"防贫预警户类型"</dt><dd>{if p.warning_kinds.is_empty() { "未设置".to_string() } else { p.warning_kinds.join("、") }}</dd>
            <dt>"落实帮扶措施"</dt><dd>{if p.appraise_measures { "须经村内民主评议和公示，县级确认后落实" } else { "由责任人直接落实" }}</dd>
            <dt>"帮扶干部要求"</dt><dd>{cadre_rules(&p.cadres)}</dd>
            <dt>"专项督查事项"</dt>
            <dd>{p.supervision_checklist.iter().map(|c| view! { <div>{format!("{}（依据：{}）", c.item, c.basis)}</div> }).collect_view()}</dd>
            <dt>"督查问题整改时限"</dt><dd>{format!("交办后 {} 个工作日（督查组可另定）", p.rectify_working_days)}</dd>
            <dt>"交叉检查抽样"</dt><dd>{cross_check_rules(&p.cross_check)}</dd>
            <dt>"交叉检查指标"</dt>
            <dd>{p.cross_check.indicators.iter().map(|i| view! { <div>{format!("{}（{} 分{}）", i.name, i.weight, if i.village { "，村级" } else { "" })}</div> }).collect_view()}</dd>
        </dl>
    }
}

/// "每镇街抽 2 个村，每村 40 户（监测对象 40%、预警户 20%、其他农户 40%）…" in words.
fn cross_check_rules(r: &crate::policy::crosscheck::CrossCheckRules) -> String {
    let [monitored, warning, other] = r.strata_percent;
    let mut text = format!(
        "每镇街抽 {} 个村，每村入户 {} 户（监测对象 {monitored}%、预警户 {warning}%、其他农户 {other}%）；检查组成员近 {} 年在该镇街任职的回避",
        r.villages_per_township, r.households_per_village, r.avoidance_years
    );
    if r.skip_last_year {
        text.push_str("；上年已抽中的农户不再抽取");
    }
    if r.self_assessment_percent > 0 {
        text.push_str(&format!("；镇街自评占得分的 {}%", r.self_assessment_percent));
    }
    text
}

/// "脱贫不稳定户、边缘易致贫户由副科级以上干部挂钩；突发严重困难户安排经验丰富的干部" or "未设置".
fn cadre_rules(rules: &crate::policy::CadreRules) -> String {
    let mut parts = Vec::new();
    if let Some(rank) = rules.liaison_min_rank.filter(|_| !rules.ranked_classes.is_empty()) {
        parts.push(format!("{}由{}以上干部挂钩", rules.ranked_classes.join("、"), rank.label()));
    }
    if !rules.experienced_classes.is_empty() {
        parts.push(format!("{}安排经验丰富的干部监测帮扶", rules.experienced_classes.join("、")));
    }
    if parts.is_empty() { "未设置".into() } else { parts.join("；") }
}

#[component]
fn PresetPicker(apply: ServerAction<ApplyPreset>, org_code: String, year: i32) -> impl IntoView {
    view! {
        <h2>"选用预设政策"</h2>
        <ActionForm action=apply attr:class="form">
            <input type="hidden" name="org_code" value=org_code/>
            <input type="hidden" name="year" value=year/>
            <label for="preset">"预设"</label>
            <select id="preset" name="preset" required>
                {Preset::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{preset(p).name}</option> }).collect_view()}
            </select>
            <button type="submit" class="primary">"选用"</button>
        </ActionForm>
    }
}

#[component]
/// `target` is the unit being edited: editing a policy it inherits gives it its own copy. The form shows
/// the policy, or what was typed into it when a plain post of it was refused (`refused`).
fn PolicyEditor(
    view: PolicyView,
    target: String,
    apply: ServerAction<ApplyPreset>,
    save: ServerAction<SavePolicy>,
    refused: Option<RefusedInput>,
) -> impl IntoView {
    let form = refill::<SavePolicy>(&refused)
        .filter(|s| s.org_code == target && s.year == view.year)
        .map_or_else(|| PolicyForm::from_policy(&view.policy), |s| s.form);
    let value = save.value();
    let text = move |id: &'static str, name: &'static str, label: &'static str, current: String| {
        view! {
            <label for=id>{label}</label>
            <input id=id name=name value=current inputmode="decimal"/>
            {field_error(value, id)}
        }
    };
    view! {
        <PresetPicker apply org_code=target.clone() year=view.year/>
        <h2>"修改政策参数"</h2>
        <ActionForm action=save attr:class="form">
            <input type="hidden" name="org_code" value=target/>
            <input type="hidden" name="year" value=view.year/>
            {error_summary(value, str::to_string)}
            {text("name", "form[name]", "政策名称", form.name.clone())}
            {text("source", "form[source]", "依据文件", form.source.clone())}
            {text("monitoring_line_yuan", "form[monitoring_line_yuan]", "监测线（元/人·年）", form.monitoring_line_yuan.clone())}
            {text("warning_line_yuan", "form[warning_line_yuan]", "预警线（元，可空）", form.warning_line_yuan.clone())}
            {text("red_alert_line_yuan", "form[red_alert_line_yuan]", "红色预警线（元，可空）", form.red_alert_line_yuan.clone())}
            <label class="check"><input type="checkbox" name="form[deduct_large_expenditure]" checked=form.deduct_large_expenditure.is_some()/>" 扣除合规大额支出后再与监测线比较"</label>
            <fieldset class="checks" id="deductible_items">
                <legend>"计为合规大额支出的项目"</legend>
                <label class="check"><input type="checkbox" name="form[deduct_medical]" checked=form.deduct_medical.is_some()/>" 医疗支出"</label>
                <label class="check"><input type="checkbox" name="form[deduct_schooling]" checked=form.deduct_schooling.is_some()/>" 教育支出"</label>
                <label class="check"><input type="checkbox" name="form[deduct_disaster]" checked=form.deduct_disaster.is_some()/>" 因灾因意外支出"</label>
                <label class="check"><input type="checkbox" name="form[deduct_other]" checked=form.deduct_other.is_some()/>" 其他刚性支出"</label>
            </fieldset>
            {field_error(value, "deductible_items")}
            <label class="check"><input type="checkbox" name="form[require_typical_feature]" checked=form.require_typical_feature.is_some()/>" 须具有至少一项典型特征"</label>
            {text("transfer_share_limit_pct", "form[transfer_share_limit_pct]", "转移性收入占比上限（%）", form.transfer_share_limit_pct.clone())}
            {text("labour_coefficient_limit", "form[labour_coefficient_limit]", "劳动力系数上限", form.labour_coefficient_limit.clone())}
            {text("income_drop_pct", "form[income_drop_pct]", "收入大幅缩减（%）", form.income_drop_pct.clone())}
            {text("weak_labour_units", "form[weak_labour_units]", "弱劳动力、半劳动力折算（个劳动力，如 0.5）", form.weak_labour_units.clone())}
            {text("illness_out_of_pocket_yuan", "form[illness_out_of_pocket_yuan]", "大病年度自付医疗费用负担过重（元）", form.illness_out_of_pocket_yuan.clone())}
            {text("working_ages", "form[working_ages]", "劳动年龄（周岁，起-止，如 16-60）", form.working_ages.clone())}
            {text("care_ages", "form[care_ages]", "无人监护、赡养的年龄（周岁，如 16-60）", form.care_ages.clone())}
            {text("dibao_standard_yuan", "form[dibao_standard_yuan]", "农村低保标准（元/人·年，可空；监测线不得低于此标准）", form.dibao_standard_yuan.clone())}
            <label for="categories">"对象类别（每行：名称，监测或不监测，走访周期（如“1周”“1个月”“3个月”，只写数字按月计），走访人，仅入户或可远程，可再加列入的霍山花名册类别：边缘户、脱贫监测户、享受政策的脱贫户、不享受政策的脱贫户）。走访人写明“驻村干部”或“信息员”的，由本村驻村干部、防贫监测信息员走访；其余由该户的监测联系人走访。"</label>
            <textarea id="categories" name="form[categories]" rows="5">{form.categories.clone()}</textarea>
            {field_error(value, "categories")}
            {text("initial_review_working_days", "form[initial_review_working_days]", "初审时限（工作日）", form.initial_review_working_days.clone())}
            {text("verification", "form[verification]", "核实时限（如“30天”或“1个月”）", form.verification.clone())}
            {text("public_notice_working_days", "form[public_notice_working_days]", "公示时间（工作日）", form.public_notice_working_days.clone())}
            {text("cross_check_villages_per_township", "form[cross_check_villages_per_township]", "交叉检查每镇抽查村数", form.cross_check_villages_per_township.clone())}
            {text("cross_check_households_per_village", "form[cross_check_households_per_village]", "交叉检查每村抽查户数", form.cross_check_households_per_village.clone())}
            {text("scale_control_pct", "form[scale_control_pct]", "规模控制比例（%）", form.scale_control_pct.clone())}
            {text("dibao_taper_months", "form[dibao_taper_months]", "低保渐退期（月）", form.dibao_taper_months.clone())}
            {text("elimination_stable_months", "form[elimination_stable_months]", "风险消除前收入稳定（月）", form.elimination_stable_months.clone())}
            {text("reminder_working_days", "form[reminder_working_days]", "案件期限提醒（提前工作日）", form.reminder_working_days.clone())}
            {text("sweep_deadline", "form[sweep_deadline]", "年度排查截止（月-日）", form.sweep_deadline.clone())}
            {text("liaison_visit_every_months", "form[liaison_visit_every_months]", "挂钩干部走访周期（月，0 为不设）", form.liaison_visit_every_months.clone())}
            {text("notice_phone", "form[notice_phone]", "公示监督电话", form.notice_phone.clone())}
            {text("scale_base_population", "form[scale_base_population]", "规模控制基数：建档立卡贫困人口（人，可不填）", form.scale_base_population.clone())}
            {text("average_rural_income_yuan", "form[average_rural_income_yuan]", "全省农村居民可支配收入平均水平（元，可空；霍山：脱贫户达到此水平列为“不享受政策的脱贫户”）", form.average_rural_income_yuan.clone())}
            <label for="warning_kinds">"防贫预警户类型（每行一个，可空）"</label>
            <textarea id="warning_kinds" name="form[warning_kinds]" rows="4">{form.warning_kinds.clone()}</textarea>
            {field_error(value, "warning_kinds")}
            <label class="check"><input type="checkbox" name="form[appraise_measures]" checked=form.appraise_measures.is_some()/>" 落实帮扶措施须经村内民主评议和公示"</label>
            <label for="liaison_min_rank">"挂钩干部最低职级"</label>
            <select id="liaison_min_rank" name="form[liaison_min_rank]">
                <option value="" selected=form.liaison_min_rank.is_empty()>"不设"</option>
                {CadreRank::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=form.liaison_min_rank == r.as_str()>{format!("{}以上", r.label())}</option>
                }).collect_view()}
            </select>
            {field_error(value, "liaison_min_rank")}
            {text("ranked_classes", "form[ranked_classes]", "须由该职级以上干部挂钩的类别（用顿号分隔）", form.ranked_classes.clone())}
            {text("experienced_classes", "form[experienced_classes]", "须安排经验丰富干部监测帮扶的类别（用顿号分隔）", form.experienced_classes.clone())}
            <label for="supervision_checklist">"专项督查事项（每行一项：事项｜依据）"</label>
            <textarea id="supervision_checklist" name="form[supervision_checklist]" rows="8">{form.supervision_checklist.clone()}</textarea>
            {field_error(value, "supervision_checklist")}
            {text("rectify_working_days", "form[rectify_working_days]", "督查问题整改时限（工作日）", form.rectify_working_days.clone())}
            {text("cross_check_villages", "form[cross_check_villages]", "交叉检查：每镇街抽查村数（不少于 2）", form.cross_check_villages.clone())}
            {text("cross_check_households", "form[cross_check_households]", "交叉检查：每村入户数（原则不少于 40）", form.cross_check_households.clone())}
            {text("cross_check_strata", "form[cross_check_strata]", "交叉检查：监测对象/预警户/其他农户比例（%，如 40/20/40）", form.cross_check_strata.clone())}
            {text("cross_check_avoidance_years", "form[cross_check_avoidance_years]", "交叉检查：检查人员回避近几年任职的镇街", form.cross_check_avoidance_years.clone())}
            <label class="check"><input type="checkbox" name="form[cross_check_skip_last_year]" checked=form.cross_check_skip_last_year.is_some()/>" 上年已抽中的农户不再抽取"</label>
            {text("cross_check_self_percent", "form[cross_check_self_percent]", "交叉检查：镇街自评占得分比例（%，0 为不计）", form.cross_check_self_percent.clone())}
            <label for="cross_check_indicators">"交叉检查指标（每行一项：指标｜权重，权重之和为 100；在村级核查表上检查的，末尾加“｜村级”）"</label>
            <textarea id="cross_check_indicators" name="form[cross_check_indicators]" rows="7">{form.cross_check_indicators.clone()}</textarea>
            {field_error(value, "cross_check_indicators")}
            {field_error(value, "cross_check")}
            {text("accountability_overdue_days", "form[accountability_overdue_days]", "问责：案件逾期超过几天列入候选（0 为逾期即列入）", form.accountability_overdue_days.clone())}
            {text("accountability_unvisited_percent", "form[accountability_unvisited_percent]", "问责：某月未走访的监测户超过比例（%）列入候选", form.accountability_unvisited_percent.clone())}
            {text("accountability_statement_days", "form[accountability_statement_days]", "问责：申辩期限（天）", form.accountability_statement_days.clone())}
            {text("accountability_relapse_days", "form[accountability_relapse_days]", "问责：监测户出现红色预警（返贫致贫风险）前几天内无走访的列入候选", form.accountability_relapse_days.clone())}
            {text("assessment_weights", "form[assessment_weights]", "年度考核权重：研判会议/走访覆盖/案件办理/督查和交叉检查/问责记录（之和为 100）", form.assessment_weights.clone())}
            {text("assessment_deductions", "form[assessment_deductions]", "年度考核扣分：督查和交叉检查每个计入的问题/问责记录每条生效的问责决定，各扣几分（如 2/5）", form.assessment_deductions.clone())}
            <label for="veto_grounds">"一票否决情形（每行一项）"</label>
            <textarea id="veto_grounds" name="form[veto_grounds]" rows="3">{form.veto_grounds.clone()}</textarea>
            {field_error(value, "veto_grounds")}
            {field_error(value, "accountability")}
            <button type="submit" class="primary">"保存"</button>
        </ActionForm>
    }
}
