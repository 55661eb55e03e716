//! 风险案件: the lists (mine, overdue, due this week, red alerts, all in scope), a case with its
//! history and next steps, and registering a case for a household.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{CaseStep, CreateCase, ReassignCases, SaveMeasure, case_owners, get_case, list_cases};
use super::lifecycle::action_label;
use super::measures::{Category, InsuranceCause, MeasureStatus, MeasureView};
use super::{CaseFilter, RiskType, Source, Status};
use crate::evidence::pages::EvidenceSection;
use crate::households::CadreOption;
use crate::households::register_pages::can_assign;
use crate::ui::{ErrorBox, MeResource, action_error, count_successes, field_error, form_error};

/// 更换责任人: for one case (`case_id`), or every open case of one owner.
#[component]
fn ReassignForm(
    action: ServerAction<ReassignCases>,
    owners: Vec<CadreOption>,
    #[prop(optional)] case_id: Option<i64>,
) -> impl IntoView {
    let value = action.value();
    let options = move |owners: &[CadreOption]| {
        owners.iter().map(|o| view! { <option value=o.user_id.to_string()>{o.label.clone()}</option> }).collect_view()
    };
    view! {
        <details class="editor">
            <summary>{if case_id.is_some() { "更换责任人" } else { "批量更换责任人（人员调整、村组合并）" }}</summary>
            <ActionForm action attr:class="form">
                <input type="hidden" name="form[case_id]" value=case_id.map(|id| id.to_string()).unwrap_or_default()/>
                {case_id.is_none().then(|| view! {
                    <label for="from_user">"原责任人（其全部未办结案件）"</label>
                    <select id="from_user" name="form[from_user_id]">{options(&owners)}</select>
                    {field_error(value, "from_user_id")}
                })}
                <label for="to_user">"新责任人"</label>
                <select id="to_user" name="form[to_user_id]">{options(&owners)}</select>
                {field_error(value, "to_user_id")}
                <label for="reassign_reason">"原因"</label>
                <input id="reassign_reason" name="form[reason]" placeholder="例如：原监测联系人调离"/>
                {field_error(value, "reason")}
                {form_error(value)}
                {move || match value.get() {
                    Some(Ok(n)) => Some(view! { <div class="banner ok">{format!("已更换 {n} 件案件的责任人，办理记录已保留。")}</div> }),
                    _ => None,
                }}
                <button type="submit" class="primary">"更换"</button>
            </ActionForm>
        </details>
    }
}

const VIEWS: [(&str, &str); 5] =
    [("mine", "我的案件"), ("overdue", "已逾期"), ("due_week", "本周到期"), ("red", "红色预警"), ("all", "本范围全部")];

/// 风险案件: the chosen view's cases (mine by default), narrowed by the filters, with the bulk reassignment.
#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.with(|q| q.get(key).filter(|v| !v.is_empty()));
    let filter = move || CaseFilter {
        view: Some(get("view").unwrap_or_else(|| "mine".into())),
        status: get("status"),
        source: get("source"),
        risk_type: get("risk_type"),
        household: get("household"),
        within: get("within"),
    };
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
    let reassign = ServerAction::<ReassignCases>::new();
    let changes = RwSignal::new(0u32);
    count_successes(reassign.value(), changes);
    let cases = Resource::new(move || (filter(), page(), changes.get()), |(f, p, _)| list_cases(f, p));
    let owners = Resource::new(|| (), |_| case_owners());
    let me = expect_context::<MeResource>();
    let current_view = move || filter().view.unwrap_or_default();
    view! {
        <section class="page">
            <h1>"风险案件"</h1>
            <nav class="tabs">
                {VIEWS.into_iter().map(|(code, label)| view! {
                    <a href=format!("/cases?view={code}") class:active=move || current_view() == code>{label}</a>
                }).collect_view()}
            </nav>
            <CaseFilters filter=Signal::derive(filter)/>
            <p>
                <a download href=move || {
                    let f = filter();
                    let mut parts = vec![format!("view={}", f.view.unwrap_or_default())];
                    for (key, value) in [("status", f.status), ("source", f.source), ("risk_type", f.risk_type), ("household", f.household), ("within", f.within)] {
                        if let Some(value) = value {
                            parts.push(format!("{key}={value}"));
                        }
                    }
                    format!("/api/cases/export.xlsx?{}", parts.join("&"))
                }>"导出本列表（Excel）"</a>
            </p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    let owners = owners.await.unwrap_or_default();
                    let bulk = can_assign(me)().then(|| view! { <ReassignForm action=reassign owners/> });
                    let list = match cases.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(result) if result.items.is_empty() => view! { <p>"没有符合条件的案件。"</p> }.into_any(),
                        Ok(result) => view! {
                            <p class="muted">{format!("共 {} 件", result.total)}</p>
                            <CaseTable cases=result.items/>
                        }.into_any(),
                    };
                    view! { {bulk} {list} }
                })}
            </Transition>
        </section>
    }
}

/// The case list's filter bar: the view (kept), unit, status, source and risk type, each showing what the list
/// is narrowed to now.
#[component]
fn CaseFilters(filter: Signal<CaseFilter>) -> impl IntoView {
    view! {
        <form method="get" action="/cases" class="filters">
            <input type="hidden" name="view" value=move || filter.with(|f| f.view.clone().unwrap_or_default())/>
            <crate::org::pages::UnitFilter selected=Signal::derive(move || filter.with(|f| f.within.clone()))/>
            <label for="status">"状态"</label>
            <select id="status" name="status">
                <option value="">"全部"</option>
                {move || Status::ALL.into_iter().map(|s| {
                    let selected = filter.with(|f| f.status.as_deref() == Some(s.as_str()));
                    view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                }).collect_view()}
            </select>
            <label for="source">"来源"</label>
            <select id="source" name="source">
                <option value="">"全部"</option>
                {move || Source::ALL.into_iter().map(|s| {
                    let selected = filter.with(|f| f.source.as_deref() == Some(s.as_str()));
                    view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                }).collect_view()}
            </select>
            <label for="risk_type">"类型"</label>
            <select id="risk_type" name="risk_type">
                <option value="">"全部"</option>
                {move || RiskType::ALL.into_iter().map(|t| {
                    let selected = filter.with(|f| f.risk_type.as_deref() == Some(t.as_str()));
                    view! { <option value=t.as_str() selected=selected>{t.label()}</option> }
                }).collect_view()}
            </select>
            <button type="submit">"筛选"</button>
        </form>
    }
}

/// One page of cases: the household (with a red alert), type, source, status, owner and deadline.
#[component]
fn CaseTable(cases: Vec<super::CaseSummary>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"农户"</th><th>"类型"</th><th>"来源"</th><th>"状态"</th><th>"责任人"</th><th>"期限"</th></tr></thead>
            <tbody>
                {cases.into_iter().map(|c| view! {
                    <tr>
                        <td data-label="农户">
                            <a href=format!("/cases/{}", c.id)>{c.household_head.clone().unwrap_or_else(|| c.org_name.clone())}</a>
                            {c.red_alert.then(|| view! { <span class="badge red">"红色预警"</span> })}
                            <small class="muted">{format!(" {}", c.org_name)}</small>
                        </td>
                        <td data-label="类型">{c.risk_type_label}</td>
                        <td data-label="来源">{c.source_label}</td>
                        <td data-label="状态">{c.status_label}</td>
                        <td data-label="责任人">{c.owner_name}</td>
                        <td data-label="期限" class:danger=c.overdue>
                            {c.deadline.to_string()}{c.overdue.then_some("（已逾期）")}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One case: its facts, the next step, the measures and evidence, reassigning it and its history.
#[component]
pub fn CaseDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let step = ServerAction::<CaseStep>::new();
    let reassign = ServerAction::<ReassignCases>::new();
    let measure = ServerAction::<SaveMeasure>::new();
    let changes = RwSignal::new(0u32);
    count_successes(step.value(), changes);
    count_successes(reassign.value(), changes);
    count_successes(measure.value(), changes);
    let case = Resource::new(move || (id(), changes.get()), |(id, _)| get_case(id));
    let owners = Resource::new(|| (), |_| case_owners());
    let me = expect_context::<MeResource>();
    view! {
        <section class="page">
            <p><a href="/cases">"← 返回案件列表"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    let owners = owners.await.unwrap_or_default();
                    match case.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(c) => {
                            let s = c.summary.clone();
                            let attach = attach_options(&c);
                            let reassign_form = (can_assign(me)() && s.status.is_open())
                                .then(|| view! { <ReassignForm action=reassign owners=owners.clone() case_id=s.id/> });
                            view! {
                                <CaseFacts s=s.clone() found_by_unit=c.found_by_unit department=c.department.clone()
                                    responsible_person=c.responsible_person.clone()/>
                                {c.rectifies.clone().map(|r| view! {
                                    <p class="banner info">"督查交办问题："
                                        <a href=format!("/supervision/{}#finding-{}", r.round_id, r.finding_id)>{format!("{}（{}，{} 发现）", r.round_title, r.item, r.found_on)}</a>
                                        "。整改完成后提交，由督查组成员复核销号。"</p>
                                })}
                                {c.checked.clone().map(|p| view! {
                                    <p class="banner info">"交叉检查发现的问题："
                                        <a href=format!("/cross-checks/units/{}", p.unit_id)>{format!("{}（{}，{} 核查）", p.check_title, p.problem, p.found_on)}</a></p>
                                })}
                                <h2>"情况描述"</h2>
                                <p>{s.description.clone()}</p>
                                <h2>"办理"</h2>
                                <CaseStepForm step case_id=s.id status=s.status next_actions=c.next_actions.clone()/>
                                <h2>"帮扶措施"</h2>
                                <MeasureTable measures=c.measures.clone()/>
                                {c.may_work_measures.then(|| view! {
                                    {c.measures.iter().map(|m| view! { <MeasureStatusForm changes=changes measure=m.clone()/> }).collect_view()}
                                    <NewMeasureForm action=measure case_id=s.id/>
                                })}
                                <EvidenceSection title="佐证资料" upload_url=format!("/cases/{}/evidence", s.id) section="evidence".to_string()
                                    shown_on=Some(shown_on_of(&c)) items=c.evidence.clone() may_attach=c.may_attach
                                    attach_options=attach changes=changes/>
                                {reassign_form}
                                <h2>"办理记录"</h2>
                                <CaseHistory events=c.events/>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// A case's heading (the household or unit, the risk type, a red alert) and facts: status, deadline,
/// household, unit, source, owner and the rectifying department.
#[component]
fn CaseFacts(
    s: super::CaseSummary,
    found_by_unit: bool,
    department: String,
    responsible_person: String,
) -> impl IntoView {
    view! {
        <h1>
            {format!("{} · {}", s.household_head.clone().unwrap_or_else(|| s.org_name.clone()), s.risk_type_label)}
            {s.red_alert.then(|| view! { <span class="badge red">"红色预警"</span> })}
        </h1>
        <dl class="facts">
            <dt>"状态"</dt><dd>{s.status_label.clone()}</dd>
            <dt>"期限"</dt><dd class:danger=s.overdue>{s.deadline.to_string()}{s.overdue.then_some("（已逾期）")}</dd>
            <dt>"农户"</dt><dd>{match s.household_code.clone() {
                Some(code) => view! { <a href=format!("/households/{code}")>{format!("{}（{}）", s.household_head.clone().unwrap_or_default(), code)}</a> }.into_any(),
                None => view! { <span>"未关联农户（村级案件，核实时确认是哪一户）"</span> }.into_any(),
            }}</dd>
            <dt>"所在村组"</dt><dd>{s.org_name.clone()}</dd>
            <dt>"来源"</dt><dd>{s.source_label.clone()}{found_by_unit.then_some("（本单位自查发现）")}</dd>
            <dt>"责任人"</dt><dd>{s.owner_name.clone()}</dd>
            <dt>"整改责任部门"</dt><dd>{if department.is_empty() { "—".to_string() } else { department }}</dd>
            <dt>"部门责任人"</dt><dd>{if responsible_person.is_empty() { "—".to_string() } else { responsible_person }}</dd>
        </dl>
    }
}

/// The steps open to the caller on a case (`next_actions`) in one form with the note and, when the case is
/// taken in, its deadline; without any, what the case waits for.
#[component]
fn CaseStepForm(
    step: ServerAction<CaseStep>,
    case_id: i64,
    status: Status,
    next_actions: Vec<String>,
) -> impl IntoView {
    let value = step.value();
    if next_actions.is_empty() {
        return view! {
            <p class="muted">"您目前没有可办理的步骤。"</p>
            {crate::cases::lifecycle::next_step(status).map(|next| view! { <p>{next}</p> })}
        }
        .into_any();
    }
    view! {
        <ActionForm action=step attr:class="form">
            <input type="hidden" name="id" value=case_id.to_string()/>
            <label for="case_action">"步骤"</label>
            <select id="case_action" name="form[action]">
                {next_actions.iter().map(|code| view! { <option value=code.clone()>{action_label(code)}</option> }).collect_view()}
            </select>
            {field_error(value, "action")}
            <label for="case_note">"意见、理由或完成情况"</label>
            <textarea id="case_note" name="form[note]" rows="3"></textarea>
            {field_error(value, "note")}
            {next_actions.iter().any(|a| a == "include").then(|| view! {
                <label for="case_deadline">"整改期限（纳入帮扶时填写）"</label>
                <input id="case_deadline" name="form[deadline]" type="date"/>
                {field_error(value, "deadline")}
            })}
            {form_error(value)}
            <button type="submit" class="primary">"办理"</button>
        </ActionForm>
    }
    .into_any()
}

/// A case's history: each step, the status it led to, its note and deadline, when and by whom.
#[component]
fn CaseHistory(events: Vec<super::CaseEventView>) -> impl IntoView {
    view! {
        <ol class="history">
            {events.into_iter().map(|e| view! {
                <li>
                    <strong>{e.action_label}</strong>" → "{e.status_label}
                    {(!e.note.is_empty()).then(|| format!("：{}", e.note))}
                    {e.deadline.map(|d| format!("（期限 {d}）"))}
                    <small class="muted">{format!(" {} {}", crate::time::beijing_time(e.at), e.actor)}</small>
                </li>
            }).collect_view()}
        </ol>
    }
}

/// How the evidence form asks for the date the files show: required for a rectification, and not before
/// the finding it rectifies.
fn shown_on_of(c: &super::CaseDetail) -> crate::evidence::pages::ShownOn {
    crate::evidence::pages::ShownOn {
        required: c.rectifies.is_some(),
        default: None,
        not_before: c.rectifies.as_ref().map(|r| r.found_on),
    }
}

/// The steps and measures of a case that evidence can belong to.
fn attach_options(c: &super::CaseDetail) -> Vec<crate::evidence::pages::AttachOption> {
    let steps =
        c.events.iter().filter(|e| !e.action.starts_with("evidence")).map(|e| {
            (format!("step:{}", e.id), format!("步骤：{} {}", e.action_label, crate::time::beijing_time(e.at)))
        });
    let measures = c.measures.iter().map(|m| (format!("measure:{}", m.id), format!("措施：{}", m.description)));
    steps.chain(measures).collect()
}

/// 登记风险案件 for a household (`?household=code`).
#[component]
pub fn NewCasePage() -> impl IntoView {
    let query = use_query_map();
    let household = move || query.with(|q| q.get("household").unwrap_or_default());
    let owners = Resource::new(household, crate::households::api::assignable_cadres);
    let create = ServerAction::<CreateCase>::new();
    let value = create.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = value.get() {
            use_navigate()(&format!("/cases/{id}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <p><a href=move || format!("/households/{}", household())>"← 返回农户"</a></p>
            <h1>"登记风险案件"</h1>
            <p class="hint">"登记后按政策计算初审期限（工作日）；研判会议或督查另定期限的，可在下方填写。"</p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    let owners = owners.await.map(|o| o.contacts).unwrap_or_default();
                    view! {
                        <ActionForm action=create attr:class="form">
                            <input type="hidden" name="form[household]" value=household/>
                            <label for="source">"风险来源"</label>
                            <select id="source" name="form[source]">
                                {Source::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                            </select>
                            {field_error(value, "source")}
                            <label for="risk_type">"风险类型"</label>
                            <select id="risk_type" name="form[risk_type]">
                                {RiskType::ALL.into_iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                            </select>
                            {field_error(value, "risk_type")}
                            <label for="description">"情况描述"</label>
                            <textarea id="description" name="form[description]" rows="4" placeholder="例如：户主 3 月务工受伤，无法继续务工，家庭收入骤减"></textarea>
                            {field_error(value, "description")}
                            <label class="check"><input type="checkbox" name="form[red_alert]"/>" 红色预警"</label>
                            <label for="owner">"责任人"</label>
                            <select id="owner" name="form[owner_user_id]">
                                <option value="">"（该户监测联系人；未指定时为本人）"</option>
                                {owners.into_iter().map(|o| view! { <option value=o.user_id.to_string()>{o.label}</option> }).collect_view()}
                            </select>
                            {field_error(value, "owner_user_id")}
                            <label for="department">"整改责任部门（可空）"</label>
                            <input id="department" name="form[department]"/>
                            <label for="responsible_person">"部门责任人（可空）"</label>
                            <input id="responsible_person" name="form[responsible_person]"/>
                            <label for="deadline">"期限（可空：按政策初审期限）"</label>
                            <input id="deadline" name="form[deadline]" type="date"/>
                            {field_error(value, "deadline")}
                            {form_error(value)}
                            <button type="submit" class="primary">"登记"</button>
                        </ActionForm>
                    }
                })}
            </Transition>
        </section>
    }
}

/// Measures in a table (a case's, or a household's plan).
#[component]
pub fn MeasureTable(measures: Vec<MeasureView>, #[prop(optional)] with_case_links: bool) -> impl IntoView {
    if measures.is_empty() {
        return view! { <p class="muted">"暂无帮扶措施。"</p> }.into_any();
    }
    view! {
        <table class="list">
            <thead><tr><th>"类别"</th><th>"措施"</th><th>"责任人"</th><th>"起止"</th><th>"状态"</th></tr></thead>
            <tbody>
                {measures.into_iter().map(|m| view! {
                    <tr>
                        <td data-label="类别">{m.category_label}{m.insurance_cause.map(|c| format!("（{}）", c.label()))}</td>
                        <td data-label="措施">
                            {m.description}
                            {with_case_links.then(|| view! { " "<a href=format!("/cases/{}", m.case_id)>"（案件）"</a> })}
                        </td>
                        <td data-label="责任人">{m.responsible_person}</td>
                        <td data-label="起止">{format!("{} 至 {}", m.start_on, m.end_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()))}</td>
                        <td data-label="状态">{m.status_label}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Change one measure's status (the other fields go along unchanged).
#[component]
fn MeasureStatusForm(changes: RwSignal<u32>, measure: MeasureView) -> impl IntoView {
    // Each measure has its own action, so a refusal shows beside the measure it concerns.
    let action = ServerAction::<SaveMeasure>::new();
    count_successes(action.value(), changes);
    view! {
        <ActionForm action attr:class="form inline">
            <input type="hidden" name="case_id" value=measure.case_id.to_string()/>
            <input type="hidden" name="form[measure_id]" value=measure.id.to_string()/>
            <input type="hidden" name="form[category]" value=measure.category.as_str()/>
            <input type="hidden" name="form[description]" value=measure.description.clone()/>
            <input type="hidden" name="form[responsible_person]" value=measure.responsible_person.clone()/>
            <input type="hidden" name="form[start_on]" value=measure.start_on.to_string()/>
            <input type="hidden" name="form[end_on]" value=measure.end_on.map(|d| d.to_string()).unwrap_or_default()/>
            <label>{format!("“{}”", measure.description)}
                <select name="form[status]">
                    {MeasureStatus::ALL.into_iter().map(|st| view! {
                        <option value=st.as_str() selected=st == measure.status>{st.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="small">"更新状态"</button>
            {action_error(action.value())}
        </ActionForm>
    }
}

/// Add a measure.
#[component]
fn NewMeasureForm(action: ServerAction<SaveMeasure>, case_id: i64) -> impl IntoView {
    let value = action.value();
    view! {
        <details class="editor">
            <summary>"新增帮扶措施"</summary>
            <ActionForm action attr:class="form">
                <input type="hidden" name="case_id" value=case_id.to_string()/>
                <label for="m_category">"类别"</label>
                <select id="m_category" name="form[category]">
                    {Category::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select>
                {field_error(value, "category")}
                <label for="m_cause">"防贫保险理赔原因（仅防贫保险填写）"</label>
                <select id="m_cause" name="form[insurance_cause]">
                    <option value="">"—"</option>
                    {InsuranceCause::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select>
                {field_error(value, "insurance_cause")}
                <label for="m_description">"具体措施"</label>
                <input id="m_description" name="form[description]" placeholder="例如：申请临时救助 3000 元"/>
                {field_error(value, "description")}
                <label for="m_person">"措施责任人"</label>
                <input id="m_person" name="form[responsible_person]" placeholder="姓名（单位）"/>
                {field_error(value, "responsible_person")}
                <label for="m_start">"开始日期"</label>
                <input id="m_start" name="form[start_on]" type="date"/>
                {field_error(value, "start_on")}
                <label for="m_end">"结束日期（可空）"</label>
                <input id="m_end" name="form[end_on]" type="date"/>
                {field_error(value, "end_on")}
                <input type="hidden" name="form[status]" value="planned"/>
                {form_error(value)}
                <button type="submit" class="primary">"保存措施"</button>
            </ActionForm>
        </details>
    }
}

/// The household's open risk cases, with the way to register another.
#[component]
pub fn OpenCases(code: String, cases: Vec<super::CaseSummary>, may_open: bool) -> impl IntoView {
    view! {
        <h2>{format!("在办风险案件（{} 件）", cases.len())}</h2>
        {if cases.is_empty() {
            view! { <p class="muted">"该户没有在办的风险案件。"</p> }.into_any()
        } else {
            view! {
                <ul class="cases">
                    {cases.into_iter().map(|c| view! {
                        <li>
                            <a href=format!("/cases/{}", c.id)>{format!("{}：{}", c.risk_type_label, c.status_label)}</a>
                            {c.red_alert.then(|| view! { " "<span class="badge red">"红色预警"</span> })}
                            <br/>
                            <small class:danger=c.overdue>
                                {format!("期限 {}{}，责任人 {}", c.deadline, if c.overdue { "（已逾期）" } else { "" }, c.owner_name)}
                            </small>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <p class="actions">
            {may_open.then(|| view! { <a class="button" href=format!("/cases/new?household={code}")>"登记风险案件"</a>" " })}
            <a href=format!("/cases?view=all&household={code}")>"该户全部案件（含已办结）"</a>
        </p>
    }
}
