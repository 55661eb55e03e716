//! 走访: "my visits" (phone-first: overdue, due, done, in route order), the visit form, a saved visit
//! with its addenda and sheet, unit coverage, and the year's sweep with its ledgers.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{AmendVisit, RecordVisit, get_visit, list_my_visits, start_visit, sweep_ledgers, visit_coverage};
use super::schedule::{Coverage, Standing};
use super::{Acknowledgement, DueVisit, Mode, VisitForm, VisitStart, VisitSummary};
use crate::cases::RiskType;
use crate::households::AssessmentView;
use crate::org::api::list_org_units;
use crate::org::{OrgLevel, OrgUnitView};
use crate::refill::{refill, refused_input};
use crate::risk::{AssessmentStatus, SecurityItem};
use crate::ui::{ErrorBox, FileLink, count_successes, error_summary, field_error, form_error};

/// One household on "my visits": who, where, why, and what to do.
#[component]
fn DueCard(item: DueVisit) -> impl IntoView {
    let state = match item.standing {
        Standing::Overdue { missed_end } => format!("逾期：{missed_end} 前应访未访"),
        Standing::Due => format!("{} 前走访", item.due_by),
        Standing::Done(on) => format!("已于 {on} 走访"),
    };
    let code = item.household_code.clone();
    let overdue = matches!(item.standing, Standing::Overdue { .. });
    view! {
        <li class:overdue=overdue>
            <p class="who"><a href=format!("/households/{code}")>{item.head_name.clone()}</a>" "<span class="muted">{item.group_name.clone()}</span></p>
            <p>{item.address.clone()}</p>
            <p class="muted">{item.duty.clone()}" · "{state}
                {item.last_visit.map(|d| format!(" · 上次 {d}"))}</p>
            <p class="actions">
                {item.phone.clone().map(|p| view! { <a class="button" href=format!("tel:{p}")>{format!("拨打 {p}")}</a> })}
                {(!matches!(item.standing, Standing::Done(_))).then(|| view! {
                    <a class="button primary" href=format!("/visits/new?household={code}")>"记录走访"</a>
                })}
                <FileLink class="button" href=format!("/prints/households/{code}/visit-sheet.pdf")>"空白走访表"</FileLink>
            </p>
        </li>
    }
}

/// 我的走访.
#[component]
pub fn MyVisitsPage() -> impl IntoView {
    let visits = Resource::new(|| (), |_| list_my_visits());
    view! {
        <section class="page">
            <h1>"我的走访"</h1>
            <p class="links"><a href="/visits/coverage">"走访覆盖情况"</a>" · "<a href="/visits/sweep">"年度排查与台账"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match visits.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) => {
                            let nothing = v.overdue.is_empty() && v.due.is_empty() && v.done.is_empty();
                            view! {
                                <p class="hint">{format!("今天是 {}。按村民小组和住址排列，便于安排走访路线。", v.today)}</p>
                                {nothing.then(|| view! { <p class="muted">"您没有负责走访的农户（监测联系人或挂钩干部由村里在农户页面指定）。"</p> })}
                                {(!v.overdue.is_empty()).then(|| view! {
                                    <h2 class="danger">{format!("已逾期（{} 户次）", v.overdue.len())}</h2>
                                    <ul class="visit-list">{v.overdue.into_iter().map(|item| view! { <DueCard item/> }).collect_view()}</ul>
                                })}
                                {(!v.due.is_empty()).then(|| view! {
                                    <h2>{format!("本期应访（{} 户次）", v.due.len())}</h2>
                                    <ul class="visit-list">{v.due.into_iter().map(|item| view! { <DueCard item/> }).collect_view()}</ul>
                                })}
                                {(!v.done.is_empty()).then(|| view! {
                                    <details>
                                        <summary>{format!("本期已访（{} 户次）", v.done.len())}</summary>
                                        <ul class="visit-list">{v.done.into_iter().map(|item| view! { <DueCard item/> }).collect_view()}</ul>
                                    </details>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The result of saving the visit form, for its field errors.
type SavedValue = MappedSignal<Option<Result<i64, crate::error::AppError>>>;

/// The six checklist rows of the visit form.
fn checklist_rows(form: VisitForm, last: Vec<AssessmentView>, value: SavedValue) -> impl IntoView {
    let rows: [(SecurityItem, String, &'static str, &'static str, &'static str, String); 6] = [
        (SecurityItem::Food, form.food.clone(), "form[food]", "form[food_note]", "food_note", form.food_note.clone()),
        (
            SecurityItem::Clothing,
            form.clothing.clone(),
            "form[clothing]",
            "form[clothing_note]",
            "clothing_note",
            form.clothing_note.clone(),
        ),
        (
            SecurityItem::Education,
            form.education.clone(),
            "form[education]",
            "form[education_note]",
            "education_note",
            form.education_note.clone(),
        ),
        (
            SecurityItem::Medical,
            form.medical.clone(),
            "form[medical]",
            "form[medical_note]",
            "medical_note",
            form.medical_note.clone(),
        ),
        (
            SecurityItem::Housing,
            form.housing.clone(),
            "form[housing]",
            "form[housing_note]",
            "housing_note",
            form.housing_note.clone(),
        ),
        (
            SecurityItem::Water,
            form.water.clone(),
            "form[water]",
            "form[water_note]",
            "water_note",
            form.water_note.clone(),
        ),
    ];
    rows.into_iter()
        .map(|(item, current, name, note_name, note_field, note)| {
            view! {
                <fieldset class="checklist-item" id=item.as_str()>
                    <legend>{item.label()}</legend>
                    {last.iter().find(|a| a.item == item).map(|a| view! {
                        <p class="hint">{format!("上次：{}（{}，{}）", a.status.label(), a.assessed_on, a.assessed_by)}</p>
                    })}
                    {AssessmentStatus::ALL.into_iter().map(|status| view! {
                        <label class="check"><input type="radio" name=name value=status.as_str() checked=current == status.as_str()/>{format!(" {}", status.label())}</label>
                    }).collect_view()}
                    <input id=note_field name=note_name placeholder="情况说明（有风险或未达标时必填）" value=note/>
                    {field_error(value, note_field)}
                </fieldset>
            }
        })
        .collect_view()
}

/// The fields of each problem row: its description and its risk type.
const PROBLEM_FIELDS: [(&str, &str); super::PROBLEM_ROWS] =
    [("problem1", "problem1_type"), ("problem2", "problem2_type"), ("problem3", "problem3_type")];

/// The visit form's problem rows (blank, or as typed into a refused form).
fn problem_rows(form: VisitForm, value: SavedValue) -> impl IntoView {
    form.problems()
        .into_iter()
        .zip(PROBLEM_FIELDS)
        .enumerate()
        .map(|(i, ((typed, typed_kind, ticked), (text_field, kind_field)))| {
            let (typed, typed_kind) = (typed.to_string(), typed_kind.to_string());
            view! {
                <fieldset class="problem">
                    <legend>{format!("问题 {}", i + 1)}</legend>
                    <textarea id=text_field name=format!("form[{text_field}]") rows="2" placeholder="发现的问题（没有可不填）">{typed}</textarea>
                    {field_error(value, text_field)}
                    <select id=kind_field name=format!("form[{kind_field}]") aria-label="风险类型">
                        <option value="">"风险类型（请选择）"</option>
                        {RiskType::ALL.into_iter().map(|t| view! { <option value=t.as_str() selected=t.as_str() == typed_kind>{t.label()}</option> }).collect_view()}
                    </select>
                    {field_error(value, kind_field)}
                    <label class="check"><input type="checkbox" name=format!("form[{text_field}_case]") checked=ticked/>" 立案跟踪（保存时登记为风险案件，责任人为该户监测联系人）"</label>
                </fieldset>
            }
        })
        .collect_view()
}

/// The element id of a form field (`income.wage` → `income-wage`).
fn field_id(field: &str) -> String {
    field.replace('.', "-")
}

#[component]
fn VisitFormView(start: VisitStart, record: ServerAction<RecordVisit>) -> impl IntoView {
    let value = record.value();
    let f = start.form.clone();
    let income = f.income.clone();
    let money = move |name: &'static str, label: &'static str, field: &'static str, current: String| {
        view! {
            <label>{label}<input id=field_id(field) name=name inputmode="decimal" value=current/></label>
            {field_error(value, field)}
        }
    };
    // A phone, WeChat or video contact cannot be the sweep nor be signed for on the sheet: switching the
    // mode sets both to what that mode allows (the user can still change the confirmation).
    let sweep_box = NodeRef::<leptos::html::Input>::new();
    let confirmation = NodeRef::<leptos::html::Select>::new();
    let sweep_default = f.sweep.is_some();
    let mode_changed = move |ev: leptos::ev::Event| {
        let in_person = event_target_value(&ev) == Mode::InPerson.as_str();
        if let Some(sweep) = sweep_box.get() {
            sweep.set_checked(in_person && sweep_default);
        }
        if let Some(select) = confirmation.get() {
            let ack = if in_person { Acknowledgement::Signed } else { Acknowledgement::Remote };
            select.set_value(ack.as_str());
        }
    };
    view! {
        <ActionForm action=record attr:class="form">
            <input type="hidden" name="form[household]" value=f.household.clone()/>
            {error_summary(value, field_id)}
            <label for="visited_on">"走访日期"</label>
            <input id="visited_on" name="form[visited_on]" type="date" value=f.visited_on.clone()/>
            {field_error(value, "visited_on")}
            <label for="mode">"走访方式"</label>
            <select id="mode" name="form[mode]" on:change=mode_changed>
                {Mode::ALL.into_iter().map(|m| view! { <option value=m.as_str() selected=f.mode == m.as_str()>{m.label()}</option> }).collect_view()}
            </select>
            {field_error(value, "mode")}
            <label for="visitor">"走访人（录入他人的纸质记录时选择走访人）"</label>
            <select id="visitor" name="form[visitor]">
                {start.visitors.iter().map(|c| view! { <option value=c.user_id.to_string() selected=f.visitor == c.user_id.to_string()>{c.label.clone()}</option> }).collect_view()}
            </select>
            {field_error(value, "visitor")}
            <label class="check"><input id="sweep" type="checkbox" name="form[sweep]" node_ref=sweep_box checked=f.sweep.is_some()/>" 本次为年度集中排查（须入户）"</label>
            {field_error(value, "sweep")}
            <label for="companions">"同行人员（可空）"</label>
            <input id="companions" name="form[companions]" value=f.companions.clone()/>
            {field_error(value, "companions")}

            <h2>"“两不愁三保障”及饮水安全"</h2>
            {checklist_rows(f.clone(), start.last_answers.clone(), value)}

            <h2>"收支变化"</h2>
            <textarea id="finance_note" name="form[finance_note]" rows="2" placeholder="例如：户主外出务工，月收入约 3000 元；子女上大学，年学费 6000 元">{f.finance_note.clone()}</textarea>
            {field_error(value, "finance_note")}
            <details class="editor" open=move || value.get().and_then(Result::err).is_some_and(|e| e.field_errors().iter().any(|p| p.field.starts_with("income.")))>
                <summary>"更新家庭收支记录（元）"</summary>
                <p class="hint">"已填入该户最近一年的收支记录；改动的数字保存后替换该年度的记录，未改动则不变。"</p>
                <label>"年度"<input id="income-year" name="form[income][year]" inputmode="numeric" value=income.year.clone()/></label>
                {field_error(value, "income.year")}
                {money("form[income][wage]", "工资性收入", "income.wage", income.wage.clone())}
                {money("form[income][business]", "生产经营性收入", "income.business", income.business.clone())}
                {money("form[income][property]", "财产性收入", "income.property", income.property.clone())}
                {money("form[income][transfer]", "转移性收入", "income.transfer", income.transfer.clone())}
                {money("form[income][medical]", "医疗支出", "income.medical", income.medical.clone())}
                {money("form[income][schooling]", "教育支出", "income.schooling", income.schooling.clone())}
                {money("form[income][disaster]", "因灾因意外支出", "income.disaster", income.disaster.clone())}
                {money("form[income][other_rigid]", "其他刚性支出", "income.other_rigid", income.other_rigid.clone())}
            </details>

            <h2>"发现的问题"</h2>
            {problem_rows(f.clone(), value)}

            <label for="assistance">"落实的帮扶"</label>
            <textarea id="assistance" name="form[assistance]" rows="2" placeholder="本次宣传或落实的政策、措施">{f.assistance.clone()}</textarea>
            {field_error(value, "assistance")}

            <label for="ledger_class">"年度排查台账类别（仅集中排查填写）"</label>
            <select id="ledger_class" name="form[ledger_class]">
                <option value="">"不列入监测或预警台账"</option>
                {start.ledger_classes.iter().map(|c| view! { <option value=c.clone() selected=*c == f.ledger_class>{c.clone()}</option> }).collect_view()}
            </select>
            {field_error(value, "ledger_class")}

            <h2>"农户确认"</h2>
            <select id="acknowledgement" name="form[acknowledgement]" aria-label="确认方式" node_ref=confirmation>
                {Acknowledgement::ALL.into_iter().map(|a| view! { <option value=a.as_str() selected=f.acknowledgement == a.as_str()>{a.label()}</option> }).collect_view()}
            </select>
            {field_error(value, "acknowledgement")}
            <label for="acknowledged_by">"确认人"</label>
            <input id="acknowledged_by" name="form[acknowledged_by]" value=f.acknowledged_by.clone()/>
            {field_error(value, "acknowledged_by")}
            <p class="hint">"保存后记录不能修改，只能追加补充说明。"</p>
            <button type="submit" class="primary">"保存走访记录"</button>
        </ActionForm>
    }
}

/// 记录走访 for the household in `?household=`.
#[component]
pub fn NewVisitPage() -> impl IntoView {
    let query = use_query_map();
    let household = move || query.with(|q| q.get("household").unwrap_or_default());
    let start = Resource::new(household, start_visit);
    let record = ServerAction::<RecordVisit>::new();
    let saved = record.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = saved.get() {
            use_navigate()(&format!("/visits/{id}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <p><a href="/visits">"← 我的走访"</a></p>
            <h1>"记录走访"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || { let refused = refused_input(); Suspend::new(async move {
                    let refused = refused.await;
                    match start.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(mut start) => {
                            // A refused plain post of this household's form comes back as typed.
                            if let Some(typed) = refill::<RecordVisit>(&refused).map(|r| r.form).filter(|f| f.household == start.form.household) {
                                start.form = typed;
                            }
                            view! {
                            <p><a href=format!("/households/{}", start.household_code)>{format!("{}户", start.head_name)}</a>
                                {format!("（{}，{}）", start.org_name, start.address)}</p>
                            {(!start.duties.is_empty()).then(|| view! { <p class="hint">{format!("本期应访：{}", start.duties.join("；"))}</p> })}
                            <VisitFormView start record/>
                        }.into_any()
                        }
                    }
                })}}
            </Transition>
        </section>
    }
}

/// A saved visit, its addenda and its sheet.
#[component]
pub fn VisitPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let amend = ServerAction::<AmendVisit>::new();
    let changes = RwSignal::new(0u32);
    count_successes(amend.value(), changes);
    let visit = Resource::new(move || (id(), changes.get()), |(id, _)| get_visit(id));
    view! {
        <section class="page">
            <p><a href="/visits">"← 我的走访"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match visit.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) => view! {
                            <h1>{format!("{}户 · {} 走访", v.head_name, v.visited_on)}</h1>
                            <p class="actions">
                                <FileLink class="button primary" href=format!("/prints/visits/{}/visit-sheet.pdf", v.id)>"打印走访记录表（PDF）"</FileLink>
                                <a class="button" href=format!("/households/{}", v.household_code)>"农户详情"</a>
                            </p>
                            <dl class="facts">
                                <dt>"村组"</dt><dd>{format!("{}，{}", v.org_name, v.address)}</dd>
                                <dt>"方式"</dt><dd>{v.mode.label()}{v.sweep.then_some("（年度集中排查）")}</dd>
                                <dt>"走访人"</dt><dd>{v.visitor.clone()}{(!v.companions.is_empty()).then(|| format!("（同行：{}）", v.companions))}</dd>
                                {v.ledger_class.clone().map(|c| view! { <dt>"台账类别"</dt><dd>{c}</dd> })}
                                <dt>"收支变化"</dt><dd>{if v.finance_note.is_empty() { "—".to_string() } else { v.finance_note.clone() }}
                                    {v.income_year.map(|y| format!("（已更新 {y} 年收支记录）"))}</dd>
                                <dt>"落实的帮扶"</dt><dd>{if v.assistance.is_empty() { "—".to_string() } else { v.assistance.clone() }}</dd>
                                <dt>"农户确认"</dt><dd>{format!("{} {}", v.acknowledged_by, v.acknowledgement.label())}</dd>
                                <dt>"录入"</dt><dd>{v.recorded_at.clone()}{v.recorded_by.clone().map(|who| format!("（{who}代为录入）"))}</dd>
                            </dl>
                            <h2>"“两不愁三保障”及饮水安全"</h2>
                            <table class="list">
                                <thead><tr><th>"项目"</th><th>"情况"</th><th>"说明"</th></tr></thead>
                                <tbody>{v.checklist.iter().map(|c| view! {
                                    <tr class:danger=c.status != AssessmentStatus::Ok>
                                        <td data-label="项目">{c.item.label()}</td>
                                        <td data-label="情况">{c.status.label()}</td>
                                        <td data-label="说明">{c.note.clone()}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                            <h2>"发现的问题"</h2>
                            {if v.problems.is_empty() {
                                view! { <p class="muted">"未发现问题。"</p> }.into_any()
                            } else {
                                view! { <ul>{v.problems.iter().map(|p| view! {
                                    <li>{format!("{}（{}）", p.description, p.risk_type.label())}
                                        {p.case_id.map(|id| view! { " "<a href=format!("/cases/{id}")>{format!("已立案：案件 {id}")}</a> })}</li>
                                }).collect_view()}</ul> }.into_any()
                            }}
                            <crate::evidence::pages::EvidenceSection title="走访照片" upload_url=format!("/visits/{}/photos", v.id)
                                items=v.photos.clone() may_attach=v.may_amend attach_options=Vec::new() changes/>
                            <h2>"补充说明"</h2>
                            {if v.addenda.is_empty() {
                                view! { <p class="muted">"暂无补充说明。"</p> }.into_any()
                            } else {
                                view! { <ul>{v.addenda.iter().map(|a| view! { <li>{format!("{} {}：{}", a.at, a.by, a.text)}</li> }).collect_view()}</ul> }.into_any()
                            }}
                            {v.may_amend.then(|| view! {
                                <ActionForm action=amend attr:class="form">
                                    <input type="hidden" name="id" value=v.id.to_string()/>
                                    <label for="addendum">"追加补充说明（保存后不能修改）"</label>
                                    <textarea id="addendum" name="text" rows="2"></textarea>
                                    {field_error(amend.value(), "text")}
                                    {form_error(amend.value())}
                                    <button type="submit">"追加"</button>
                                </ActionForm>
                            })}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// How many of a household's latest visits its page shows before folding the rest.
const RECENT_VISITS: usize = 3;

/// The household page's list of visits (loaded with the page): the latest few, the earlier ones folded.
#[component]
pub fn HouseholdVisits(code: String, mut visits: Vec<VisitSummary>, may_record: bool) -> impl IntoView {
    let earlier = visits.split_off(visits.len().min(RECENT_VISITS));
    view! {
        <h2 id="visits">"走访记录"</h2>
        <p class="actions">
            {may_record.then(|| view! { <a class="button primary" href=format!("/visits/new?household={code}")>"记录走访"</a> })}
        </p>
        {if visits.is_empty() {
            view! { <p class="muted">"尚无走访记录。"</p> }.into_any()
        } else {
            view! { <VisitTable visits/> }.into_any()
        }}
        {(!earlier.is_empty()).then(|| view! {
            <details class="fold">
                <summary>{format!("更早的走访（{} 次）", earlier.len())}</summary>
                <VisitTable visits=earlier/>
            </details>
        })}
    }
}

#[component]
fn VisitTable(visits: Vec<VisitSummary>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"日期"</th><th>"方式"</th><th>"走访人"</th><th>"发现问题"</th><th></th></tr></thead>
            <tbody>{visits.into_iter().map(|v| view! {
                <tr>
                    <td data-label="日期">{v.visited_on.to_string()}</td>
                    <td data-label="方式">{v.mode.label()}{v.sweep.then_some("（排查）")}</td>
                    <td data-label="走访人">{v.visitor}</td>
                    <td data-label="发现问题">{match (v.problems, v.cases) {
                        (0, _) => "无".to_string(),
                        (p, 0) => format!("{p} 项"),
                        (p, c) => format!("{p} 项，立案 {c} 件"),
                    }}</td>
                    <td><a href=format!("/visits/{}", v.id)>"查看"</a></td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}

/// The unit picker of the coverage and sweep pages (units in scope, no villager groups).
#[component]
fn UnitSelect(units: Vec<OrgUnitView>, selected: String) -> impl IntoView {
    view! {
        <label for="unit">"单位"</label>
        <select id="unit" name="unit">
            {units.into_iter()
                .filter(|u| u.level != OrgLevel::Group)
                .map(|u| view! { <option value=u.code.clone() selected=u.code == selected>{u.name}</option> })
                .collect_view()}
        </select>
    }
}

/// 走访覆盖情况: per sub-unit and duty, on time / late / never / pending for the chosen month.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let query = use_query_map();
    let params = move || query.with(|q| (q.get("unit").unwrap_or_default(), q.get("month").unwrap_or_default()));
    let coverage = Resource::new(params, |(unit, month)| visit_coverage(unit, month));
    let units = Resource::new(|| (), |_| list_org_units());
    view! {
        <section class="page">
            <p><a href="/visits">"← 我的走访"</a></p>
            <h1>"走访覆盖情况"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在统计……"</p> }>
                {move || Suspend::new(async move {
                    let units = units.await.unwrap_or_default();
                    match coverage.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(c) => {
                            let village = crate::org::OrgCode::parse(&c.unit_code).is_ok_and(|u| u.level() == OrgLevel::Village);
                            let (unit_code, month) = (c.unit_code.clone(), c.month.clone());
                            let batch_month = c.month.clone();
                            let batch = format!("/prints/villages/{}/visit-sheets.pdf?month={}", c.unit_code, c.month);
                            let year = c.month.get(..4).unwrap_or_default().to_string();
                            let periodic_title = format!("{month} 走访（按走访周期）");
                            let sweep_link = format!("/visits/sweep?unit={unit_code}&year={year}");
                            let (sweep_rows, periodic): (Vec<_>, Vec<_>) = c.rows.into_iter().partition(|r| r.sweep);
                            let (sweep_gaps, periodic_gaps): (Vec<_>, Vec<_>) = c.gaps.iter().cloned().partition(|g| g.sweep);
                            view! {
                                <Form method="GET" action="/visits/coverage" attr:class="form inline">
                                    <UnitSelect units selected=unit_code.clone()/>
                                    <label for="month">"月份"</label>
                                    <input id="month" name="month" type="month" value=month.clone()/>
                                    <button type="submit">"查看"</button>
                                </Form>
                                <p class="hint">{format!("{}，{} 所在周期（截至 {}）。按期：周期内已访；补访：周期结束后才访；未访：周期已过仍未访；待访：周期未结束。", c.unit_name, c.month, c.today)}</p>
                                {village.then(|| view! {
                                    <p><FileLink class="button" href=batch>{format!("批量打印 {batch_month} 应访农户走访表（PDF，按走访路线排序）")}</FileLink></p>
                                })}
                                {(c.gaps_total as usize > c.gaps.len()).then(|| view! {
                                    <p class="hint">{format!("未访和补访共 {} 户次，下面列出前 {} 户次；请选择下一级单位查看其余。", c.gaps_total, c.gaps.len())}</p>
                                })}
                                <h2>{periodic_title}</h2>
                                <CoverageTable rows=periodic/>
                                {(!periodic_gaps.is_empty()).then(|| view! {
                                    <h3>{format!("未访和补访的农户（{} 户次）", periodic_gaps.len())}</h3>
                                    <GapTable gaps=periodic_gaps/>
                                })}
                                {(!sweep_rows.is_empty()).then(|| view! {
                                    <h2>{format!("{year} 年度集中排查")}</h2>
                                    <p><a href=sweep_link>"查看排查进度和台账"</a></p>
                                    <CoverageTable rows=sweep_rows/>
                                    {(!sweep_gaps.is_empty()).then(|| view! {
                                        <details class="fold">
                                            <summary>{format!("未排查和截止后补查的农户（{} 户次）", sweep_gaps.len())}</summary>
                                            <GapTable gaps=sweep_gaps/>
                                        </details>
                                    })}
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Coverage counts per sub-unit and duty.
#[component]
fn CoverageTable(rows: Vec<super::CoverageRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"本期没有应访的农户。"</p> }.into_any();
    }
    view! {
        <table class="list">
            <thead><tr><th>"单位"</th><th>"走访要求"</th><th>"应访"</th><th>"按期"</th><th>"补访"</th><th>"未访"</th><th>"待访"</th></tr></thead>
            <tbody>{rows.into_iter().map(|r| view! {
                <tr>
                    <td data-label="单位">{r.unit_name}</td>
                    <td data-label="走访要求">{r.duty}</td>
                    <td data-label="应访">{r.counts.total()}</td>
                    <td data-label="按期">{r.counts.on_time}</td>
                    <td data-label="补访">{r.counts.late}</td>
                    <td data-label="未访" class:danger={r.counts.never > 0}>{r.counts.never}</td>
                    <td data-label="待访">{r.counts.pending}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

/// Households missed or made up late.
#[component]
fn GapTable(gaps: Vec<super::CoverageGap>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"农户"</th><th>"村组"</th><th>"走访要求"</th><th>"情况"</th></tr></thead>
            <tbody>{gaps.into_iter().map(|g| view! {
                <tr>
                    <td data-label="农户"><a href=format!("/households/{}", g.household_code)>{g.head_name}</a></td>
                    <td data-label="村组">{g.unit_name}</td>
                    <td data-label="走访要求">{g.duty}</td>
                    <td data-label="情况">{match g.coverage {
                        Coverage::Late(on) => format!("补访（{on}）"),
                        other => other.label().to_string(),
                    }}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}

/// 年度排查与台账: the sweep's progress and the ledgers its visits built.
#[component]
pub fn SweepPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || query.with(|q| (q.get("unit").unwrap_or_default(), q.get("year").unwrap_or_default()));
    let sweep = Resource::new(params, |(unit, year)| sweep_ledgers(unit, year));
    let units = Resource::new(|| (), |_| list_org_units());
    view! {
        <section class="page">
            <p><a href="/visits">"← 我的走访"</a></p>
            <h1>"年度集中排查与台账"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在统计……"</p> }>
                {move || Suspend::new(async move {
                    let units = units.await.unwrap_or_default();
                    match sweep.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(s) => {
                            let unit_code = s.unit_code.clone();
                            let ledger_file = format!("/api/visits/sweep/ledgers.xlsx?unit={unit_code}&year={}", s.year);
                            view! {
                            <Form method="GET" action="/visits/sweep" attr:class="form inline">
                                <UnitSelect units selected=unit_code.clone()/>
                                <label for="year">"年度"</label>
                                <input id="year" name="year" inputmode="numeric" value=s.year.to_string()/>
                                <button type="submit">"查看"</button>
                            </Form>
                            <p class="hint">{format!(
                                "{} {} 年：应排查 {} 户，已排查 {} 户（其中 {} 截止后补查 {} 户），未排查 {} 户；已排查但未列入台账的一般农户 {} 户。",
                                s.unit_name, s.year, s.households, s.swept, s.deadline, s.late, s.not_swept.len(), s.ordinary
                            )}</p>
                            <p><a download href=ledger_file>"下载本年度排查台账（Excel）"</a></p>
                            {s.ledgers.into_iter().map(|l| view! {
                                <h2>{format!("{}台账（{} 户）{}", l.class, l.entries.len(), if l.monitored { "" } else { "（不计入监测对象）" })}</h2>
                                {if l.entries.is_empty() {
                                    view! { <p class="muted">"暂无。"</p> }.into_any()
                                } else {
                                    view! { <LedgerTable entries=l.entries/> }.into_any()
                                }}
                            }).collect_view()}
                            {(!s.not_swept.is_empty()).then(|| view! {
                                <h2 class="danger">{format!("尚未排查（{} 户）", s.not_swept.len())}</h2>
                                <ul>{s.not_swept.into_iter().map(|e| view! {
                                    <li><a href=format!("/households/{}", e.household_code)>{e.head_name}</a>{format!("（{}，{}）", e.unit_name, e.address)}</li>
                                }).collect_view()}</ul>
                            })}
                        }.into_any() }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LedgerTable(entries: Vec<super::LedgerEntry>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"户主"</th><th>"村组"</th><th>"住址"</th><th>"排查日期"</th><th>"排查人"</th></tr></thead>
            <tbody>{entries.into_iter().map(|e| view! {
                <tr>
                    <td data-label="户主"><a href=format!("/households/{}", e.household_code)>{e.head_name}</a>
                        {e.red_alert.then(|| view! { " "<span class="badge red">"红色预警"</span> })}</td>
                    <td data-label="村组">{e.unit_name}</td>
                    <td data-label="住址">{e.address}</td>
                    <td data-label="排查日期"><a href=format!("/visits/{}", e.visit_id)>{e.visited_on.to_string()}</a></td>
                    <td data-label="排查人">{e.visitor}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}
