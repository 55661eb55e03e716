//! 记录走访 and a saved visit: the visit form (checklist, finance changes, problems that open cases, the
//! household's acknowledgement), and the visit with its addenda and sheet.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{AmendVisit, RecordVisit, get_visit, start_visit};
use super::{Acknowledgement, Mode, VisitForm, VisitStart};
use crate::cases::RiskType;
use crate::households::{AssessmentView, IncomeForm};
use crate::refill::{refill, refused_input};
use crate::risk::{AssessmentStatus, SecurityItem};
use crate::ui::{ErrorBox, FileLink, count_successes, error_summary, field_error, form_error};

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

/// The visit form's update of the household's income record (元), open when one of its figures was refused.
fn income_fields(income: IncomeForm, value: SavedValue) -> impl IntoView {
    let money = move |name: &'static str, label: &'static str, field: &'static str, current: String| {
        view! {
            <label>{label}<input id=field_id(field) name=name inputmode="decimal" value=current/></label>
            {field_error(value, field)}
        }
    };
    view! {
        <details class="editor" open=move || value.get().and_then(Result::err).is_some_and(|e| e.field_errors().iter().any(|p| p.field.starts_with("income.")))>
            <summary>"更新家庭收支记录（元）"</summary>
            <p class="hint">"已填入该户最近一年的收支记录；改动的数字保存后替换该年度的记录，未改动则不变。"</p>
            <label>"年度"<input id="income-year" name="form[income][year]" inputmode="numeric" value=income.year/></label>
            {field_error(value, "income.year")}
            {money("form[income][wage]", "工资性收入", "income.wage", income.wage)}
            {money("form[income][business]", "生产经营性收入", "income.business", income.business)}
            {money("form[income][property]", "财产性收入", "income.property", income.property)}
            {money("form[income][transfer]", "转移性收入", "income.transfer", income.transfer)}
            {money("form[income][medical]", "医疗支出", "income.medical", income.medical)}
            {money("form[income][schooling]", "教育支出", "income.schooling", income.schooling)}
            {money("form[income][disaster]", "因灾因意外支出", "income.disaster", income.disaster)}
            {money("form[income][other_rigid]", "其他刚性支出", "income.other_rigid", income.other_rigid)}
        </details>
    }
}

/// The visit form, filled with `start.form` (blank, or as typed into a refused form).
#[component]
fn VisitFormView(start: VisitStart, record: ServerAction<RecordVisit>) -> impl IntoView {
    let value = record.value();
    let f = start.form.clone();
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
            {income_fields(f.income.clone(), value)}

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

/// The addenda of a saved record (a visit, a cross-check sheet), oldest first, under their heading.
pub fn addenda_list(addenda: &[super::AddendumView]) -> impl IntoView {
    view! {
        <h2>"补充说明"</h2>
        {if addenda.is_empty() {
            view! { <p class="muted">"暂无补充说明。"</p> }.into_any()
        } else {
            view! { <ul>{addenda.iter().map(|a| view! { <li>{format!("{} {}：{}", a.at, a.by, a.text)}</li> }).collect_view()}</ul> }.into_any()
        }}
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
                                section="evidence".to_string() shown_on=None
                                items=v.photos.clone() may_attach=v.may_amend attach_options=Vec::new() changes/>
                            {addenda_list(&v.addenda)}
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
