//! The household list and the household page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{Assess, SaveIncome, SaveMember, SetDibao, UpdateHousehold, get_household, list_households};
use super::register_pages::{DibaoEditor, HistorySection, HouseholdEditor, MemberEditor, can_edit};
use super::{HouseholdFilter, IncomeForm, IncomeRecord};
use crate::org::api::list_org_units;
use crate::shell::{ErrorBox, FileLink, MeResource, count_successes, field_error, form_error};
use crate::workflow::api::{ApplyIdentification, IdentificationStep, ProposeElimination};
use crate::workflow::procedure::{ProcedureView, step_label};

#[component]
pub fn HouseholdListPage() -> impl IntoView {
    let query = use_query_map();
    let within = move || query.with(|q| q.get("within").filter(|w| !w.is_empty()));
    let search = move || query.with(|q| q.get("q").filter(|w| !w.is_empty()));
    let class = move || query.with(|q| q.get("class").filter(|w| !w.is_empty()));
    let red = move || query.with(|q| q.get("red_alert").is_some_and(|v| v == "1"));
    let status = move || query.with(|q| q.get("status").filter(|w| !w.is_empty()));
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0));
    let filter = move || HouseholdFilter {
        within: within(),
        q: search(),
        class: class(),
        red_alert: red().then_some(true),
        status: status(),
    };
    let households = Resource::new(move || (filter(), page()), |(filter, page)| list_households(filter, page));
    // The category list is the policy's, not the program's.
    let categories = Resource::new(|| (), |_| crate::policy::api::current_categories());
    let me = expect_context::<MeResource>();

    view! {
        <section class="page">
            <h1>"农户"</h1>
            {move || can_edit(me)().then(|| view! { <p><a class="button" href="/households/new">"＋ 新增农户"</a></p> })}
            <form method="get" action="/households" class="filters">
                <crate::org::pages::UnitFilter selected=Signal::derive(within)/>
                <label for="q">"搜索"</label>
                <input id="q" name="q" placeholder="户编号、身份证号、姓名或拼音首字母" value=search/>
                <label for="class">"监测类别"</label>
                <select id="class" name="class">
                    <option value="">"全部"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let selected = class();
                            categories.await.unwrap_or_default().into_iter().map(|c| {
                                let is_selected = selected.as_deref() == Some(c.as_str());
                                let label = c.clone();
                                view! { <option value=c selected=is_selected>{label}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
                <label for="status">"监测状态"</label>
                <select id="status" name="status">
                    <option value="">"全部"</option>
                    {move || {
                        let selected = status();
                        super::MonitoringStatus::ALL.into_iter().map(|s| {
                            let is_selected = selected.as_deref() == Some(s.as_str());
                            view! { <option value=s.as_str() selected=is_selected>{s.label()}</option> }
                        }).collect_view()
                    }}
                </select>
                <label class="check"><input type="checkbox" name="red_alert" value="1" checked=red/>" 只看红色预警"</label>
                <button type="submit">"筛选"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match households.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(result) => {
                            let last_page = result.total.saturating_sub(1) / result.per_page;
                            let link = move |p: u64| {
                                let mut parts = vec![format!("page={p}")];
                                let red_alert = red().then(|| "1".to_string());
                                for (key, value) in [("within", within()), ("q", search()), ("class", class()), ("status", status()), ("red_alert", red_alert)] {
                                    if let Some(value) = value {
                                        parts.push(format!("{key}={}", encode_query(&value)));
                                    }
                                }
                                format!("/households?{}", parts.join("&"))
                            };
                            view! {
                                <p class="muted">{format!("共 {} 户，第 {} / {} 页", result.total, result.page + 1, last_page + 1)}</p>
                                {if result.items.is_empty() {
                                    view! { <p>"本范围内没有农户记录。"</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="list">
                                            <thead><tr><th>"户编号"</th><th>"户主"</th><th>"所在村组"</th><th>"人口"</th><th>"监测类别"</th><th>"监测状态"</th></tr></thead>
                                            <tbody>
                                                {result.items.into_iter().map(|h| view! {
                                                    <tr>
                                                        <td data-label="户编号"><a href=format!("/households/{}", h.code)>{h.code.clone()}</a></td>
                                                        <td data-label="户主">{h.head_name}{h.red_alert.then(|| view! { <span class="badge red">"红色预警"</span> })}</td>
                                                        <td data-label="所在村组">{h.org_name}</td>
                                                        <td data-label="人口">{h.member_count}</td>
                                                        <td data-label="监测类别">{h.monitoring_class.unwrap_or_else(|| "—".into())}</td>
                                                        <td data-label="监测状态">{h.status.label()}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                                <nav class="pager">
                                    {(result.page > 0).then(|| view! { <a href=link(result.page - 1)>"上一页"</a> })}
                                    {(result.page < last_page).then(|| view! { <a href=link(result.page + 1)>"下一页"</a> })}
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn HouseholdDetailPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let save_income = ServerAction::<SaveIncome>::new();
    let assess = ServerAction::<Assess>::new();
    let apply = ServerAction::<ApplyIdentification>::new();
    let propose = ServerAction::<ProposeElimination>::new();
    let step = ServerAction::<IdentificationStep>::new();
    let update = ServerAction::<UpdateHousehold>::new();
    let save_member = ServerAction::<SaveMember>::new();
    let dibao = ServerAction::<SetDibao>::new();
    // The page reloads after a successful change only: a refused form keeps what was typed.
    let changes = RwSignal::new(0u32);
    count_successes(save_income.value(), changes);
    count_successes(assess.value(), changes);
    count_successes(apply.value(), changes);
    count_successes(propose.value(), changes);
    count_successes(step.value(), changes);
    count_successes(update.value(), changes);
    count_successes(save_member.value(), changes);
    count_successes(dibao.value(), changes);
    let household = Resource::new(move || (code(), changes.get()), |(code, _)| get_household(code));
    let visits = Resource::new(code, crate::visits::api::household_visits);
    // Everything the page's forms offer is loaded here, with the household: resources created inside
    // the loaded page would not hydrate.
    let units = Resource::new(|| (), |_| list_org_units());
    let categories = Resource::new(|| (), |_| crate::policy::api::current_categories());
    let cadres = Resource::new(code, super::api::assignable_cadres);
    let me = expect_context::<MeResource>();
    let editor = can_edit(me);
    view! {
        <section class="page">
            <p><a href="/households">"← 返回农户列表"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    let (units, categories, cadres) = (
                        units.await.unwrap_or_default(),
                        categories.await.unwrap_or_default(),
                        cadres.await.unwrap_or_default(),
                    );
                    let visits = visits.await;
                    match household.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(h) => view! {
                            <h1>
                                {format!("{}户", h.summary.head_name)}
                                {h.risk.evaluation.as_ref().is_some_and(|e| e.red_alert).then(|| view! { <span class="badge red">"红色预警"</span> })}
                            </h1>
                            // The verdict and the open cases first: on a phone they are what the visitor needs.
                            <RiskSection risk=h.risk.clone()/>
                            <OpenCases code=code() cases=h.open_cases.clone() may_open=editor()/>
                            <h2>"基本情况"</h2>
                            <dl class="facts">
                                <dt>"户编号"</dt><dd>{h.summary.code.clone()}</dd>
                                <dt>"所在村组"</dt><dd>{h.summary.org_name.clone()}</dd>
                                <dt>"住址"</dt><dd>{h.address.clone()}</dd>
                                <dt>"联系电话"</dt><dd>{h.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                                <dt>"监测状态"</dt><dd>{h.summary.status.label()}</dd>
                                <dt>"监测类别"</dt><dd>{h.summary.monitoring_class.clone().unwrap_or_else(|| "未纳入监测".into())}</dd>
                                <dt>"监测联系人"</dt><dd>{h.contact_name.clone().unwrap_or_else(|| "未指定".into())}</dd>
                                <dt>"挂钩干部"</dt><dd>{h.liaison_name.clone().unwrap_or_else(|| "未指定".into())}</dd>
                                <dt>"住房类型"</dt><dd>{if h.form.house_type.is_empty() { "未登记".to_string() } else { h.form.house_type.clone() }}</dd>
                                <dt>"低保"</dt><dd>{h.dibao.label.clone()}</dd>
                                <dt>"人均纯收入"</dt>
                                <dd>{match (h.income_year, h.per_capita_income_yuan) {
                                    (Some(year), Some(v)) => format!("{v} 元（{year} 年）"),
                                    _ => "暂无收入记录".to_string(),
                                }}</dd>
                            </dl>
                            <p class="actions prints">
                                "打印（PDF）："
                                <FileLink href=format!("/prints/households/{}/visit-sheet.pdf", code())>"入户走访记录表"</FileLink>
                                " · "<FileLink href=format!("/prints/households/{}/commitment.pdf", code())>"承诺书"</FileLink>
                                {[h.identification.as_ref(), h.elimination.as_ref()].into_iter().flatten().any(|p| p.notice_start.is_some()).then(|| view! {
                                    " · "<FileLink href=format!("/prints/households/{}/public-notice.pdf", code())>"公示"</FileLink>
                                })}
                            </p>
                            {match visits {
                                Ok(visits) => view! { <crate::visits::pages::HouseholdVisits code=code() visits may_record=editor()/> }.into_any(),
                                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                            }}
                            <SecuritySection assessments=h.assessments.clone()/>
                            <h2>"一户一方案（帮扶措施）"</h2>
                            <crate::cases::pages::MeasureTable measures=h.plan.clone() with_case_links=true/>
                            <IdentificationSection code=code() current=h.identification.clone() categories=categories.clone() apply step/>
                            <EliminationSection code=code() status=h.summary.status current=h.elimination.clone() propose step/>
                            {editor().then(|| view! {
                                <HouseholdEditor code=code() form=h.form.clone() units=units.clone() cadres=cadres.clone() action=update/>
                                <DibaoEditor code=code() dibao=h.dibao.clone() action=dibao/>
                                <AssessmentEditor code=code() action=assess/>
                                <IncomeEditor code=code() latest=h.latest_income.clone() this_year=h.this_year action=save_income/>
                            })}
                            <h2>{format!("家庭成员（{} 人）", h.members.len())}</h2>
                            <table class="list">
                                <thead><tr><th>"姓名"</th><th>"关系"</th><th>"身份证号"</th><th>"出生日期"</th><th>"劳动能力"</th><th>"健康"</th><th>"在校情况"</th><th>"共同生活"</th></tr></thead>
                                <tbody>
                                    {h.members.clone().into_iter().map(|m| view! {
                                        <tr>
                                            <td data-label="姓名">{m.name}</td>
                                            <td data-label="关系">{m.relation}</td>
                                            <td data-label="身份证号" class="mono"><RevealableId member_id=m.member_id masked=m.resident_id_masked/></td>
                                            <td data-label="出生日期">{m.birth_date.to_string()}</td>
                                            <td data-label="劳动能力">{m.labour_capacity}</td>
                                            <td data-label="健康">{m.health}</td>
                                            <td data-label="在校情况">{m.schooling}</td>
                                            <td data-label="共同生活">{m.co_residence_note.unwrap_or_else(|| "共同生活".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {editor().then(|| view! {
                                {h.members.clone().into_iter().map(|m| view! { <MemberEditor code=code() member=Some(m) action=save_member/> }).collect_view()}
                                <MemberEditor code=code() member=None action=save_member/>
                            })}
                            <HistorySection history=h.history.clone()/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The household's open risk cases, with the way to register another.
#[component]
fn OpenCases(code: String, cases: Vec<crate::cases::CaseSummary>, may_open: bool) -> impl IntoView {
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

/// The rules' verdict with every reason and its source document.
#[component]
fn RiskSection(risk: super::RiskView) -> impl IntoView {
    let title = match &risk.policy_name {
        Some(name) => format!("风险研判（{} 年，依据“{}”）", risk.year, name),
        None => format!("风险研判（{} 年）", risk.year),
    };
    view! {
        <h2>{title}</h2>
        {match (risk.evaluation, risk.unavailable) {
            (Some(e), _) if e.flags.is_empty() => view! { <p class="banner ok">"未发现风险。"</p> }.into_any(),
            (Some(e), _) => view! {
                <p>
                    {if e.monitoring_object { "符合监测对象条件。" } else if e.warning_object { "属于预警范围。" } else { "尚未达到监测对象条件，但存在以下风险：" }}
                </p>
                <ul class="flags">
                    {e.flags.into_iter().map(|f| view! {
                        <li><span>{f.reason}</span>" "<small class="muted">{format!("[{}]", f.source)}</small></li>
                    }).collect_view()}
                </ul>
            }.into_any(),
            (None, Some(message)) => view! { <p class="banner warn">{message}</p> }.into_any(),
            (None, None) => view! { <p class="muted">"暂无研判结果。"</p> }.into_any(),
        }}
    }
}

/// Record a year's income and expenditure. The per-capita income and the transfer share are derived,
/// never typed. The form is for this year (the server's, in Beijing): this year's record when there is
/// one, else blank, so last year's numbers are never saved as this year's by mistake.
#[component]
fn IncomeEditor(
    code: String,
    latest: Option<IncomeRecord>,
    this_year: i32,
    action: ServerAction<SaveIncome>,
) -> impl IntoView {
    let form = latest
        .as_ref()
        .filter(|r| r.year == this_year)
        .map_or_else(|| IncomeForm { year: this_year.to_string(), ..Default::default() }, IncomeForm::from_record);
    let value = action.value();
    let field = move |id: &'static str, label: &'static str, current: String| {
        view! {
            <label for=id>{label}</label>
            <input id=id name=format!("form[{id}]") value=current inputmode="decimal"/>
            {field_error(value, id)}
        }
    };
    view! {
        <h2>"录入收支情况（元/年）"</h2>
        <ActionForm action attr:class="form">
            <input type="hidden" name="code" value=code/>
            {field("year", "年度", form.year.clone())}
            {field("wage", "工资性收入", form.wage.clone())}
            {field("business", "生产经营性收入", form.business.clone())}
            {field("property", "财产性收入", form.property.clone())}
            {field("transfer", "转移性收入", form.transfer.clone())}
            <p class="hint">"刚性支出按项目填写；哪些项目计为可扣除的合规大额支出，由政策设置决定。"</p>
            {field("medical", "医疗支出（报销后自付）", form.medical.clone())}
            {field("schooling", "教育支出", form.schooling.clone())}
            {field("disaster", "因灾因意外支出", form.disaster.clone())}
            {field("other_rigid", "其他刚性支出", form.other_rigid.clone())}
            {move || match value.get() {
                Some(Ok(())) => Some(view! { <div class="banner ok">"已保存，风险研判已按新数据更新。"</div> }.into_any()),
                Some(Err(crate::error::AppError::Validation { .. })) => None,
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
            <button type="submit" class="primary">"保存"</button>
        </ActionForm>
    }
}

/// 两不愁三保障 and drinking water: the latest assessment of each item.
#[component]
fn SecuritySection(assessments: Vec<super::AssessmentView>) -> impl IntoView {
    use crate::risk::{AssessmentStatus, SecurityItem};
    view! {
        <h2>"两不愁三保障及饮水安全"</h2>
        <table class="list">
            <thead><tr><th>"项目"</th><th>"结论"</th><th>"情况说明"</th><th>"评估"</th></tr></thead>
            <tbody>
                {SecurityItem::ALL.into_iter().map(|item| {
                    match assessments.iter().find(|a| a.item == item) {
                        Some(a) => view! {
                            <tr>
                                <td data-label="项目">{item.label()}</td>
                                <td data-label="结论" class:danger=a.status == AssessmentStatus::Failed>{a.status.label()}</td>
                                <td data-label="情况说明">{a.note.clone()}</td>
                                <td data-label="评估">{format!("{} {}", a.assessed_on, a.assessed_by)}</td>
                            </tr>
                        }.into_any(),
                        None => view! {
                            <tr>
                                <td data-label="项目">{item.label()}</td>
                                <td data-label="结论" class="muted">"未评估"</td>
                                <td data-label="情况说明"></td>
                                <td data-label="评估"></td>
                            </tr>
                        }.into_any(),
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Record an assessment of one item.
#[component]
fn AssessmentEditor(code: String, action: ServerAction<Assess>) -> impl IntoView {
    use crate::risk::{AssessmentStatus, SecurityItem};
    let value = action.value();
    view! {
        <h2>"评估一项"</h2>
        <ActionForm action attr:class="form">
            <input type="hidden" name="code" value=code/>
            <label for="item">"项目"</label>
            <select id="item" name="form[item]">
                {SecurityItem::ALL.into_iter().map(|i| view! { <option value=i.as_str()>{i.label()}</option> }).collect_view()}
            </select>
            {field_error(value, "item")}
            <label for="status">"结论"</label>
            <select id="status" name="form[status]">
                {AssessmentStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            {field_error(value, "status")}
            <label for="note">"情况说明"</label>
            <textarea id="note" name="form[note]" rows="3" placeholder="例如：房屋经鉴定为 C 级危房"></textarea>
            {field_error(value, "note")}
            <label for="assessed_on">"评估日期"</label>
            <input id="assessed_on" name="form[assessed_on]" type="date" required/>
            {field_error(value, "assessed_on")}
            {move || match value.get() {
                Some(Ok(())) => Some(view! { <div class="banner ok">"评估已记录，风险研判已更新。"</div> }.into_any()),
                Some(Err(crate::error::AppError::Validation { .. })) => None,
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
            <button type="submit" class="primary">"记录评估"</button>
        </ActionForm>
    }
}

/// Percent-encode a query value (UTF-8 bytes outside the unreserved set).
fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Where a procedure run stands: its stage, notes and history.
#[component]
fn ProcedureStatus(current: ProcedureView) -> impl IntoView {
    view! {
        <p>
            <strong>{current.stage_label.clone()}</strong>
            {current.notice_end.map(|end| format!("（公示期 {} 至 {}）", current.notice_start.map(|d| d.to_string()).unwrap_or_default(), end))}
        </p>
        {current.assistance_note.clone().map(|n| view! { <p class="banner info">{n}</p> })}
        {current.rejection.clone().map(|r| view! { <p class="banner warn">{r}</p> })}
        <ol class="history">
            {current.events.into_iter().map(|e| view! {
                <li>
                    <strong>{e.step_label}</strong>" → "{e.result}
                    {(!e.note.is_empty()).then(|| format!("：{}", e.note))}
                    <small class="muted">{format!(" {} {}", crate::time::beijing_time(e.at), e.actor)}</small>
                </li>
            }).collect_view()}
        </ol>
    }
}

/// The form for the next step of a running procedure.
#[component]
fn NextStepForm(code: String, current: ProcedureView, step: ServerAction<IdentificationStep>) -> impl IntoView {
    let stepped = step.value();
    current.next_step.map(|next| {
        let is_notice = next == "post_notice";
        view! {
            <ActionForm action=step attr:class="form">
                <input type="hidden" name="code" value=code.clone()/>
                <input type="hidden" name="form[step]" value=next.clone()/>
                <p class="hint">{format!("下一步：{}", step_label(current.procedure, &next))}</p>
                {if is_notice {
                    view! {
                        <label for="start">"公示开始日期"</label>
                        <input id="start" name="form[start]" type="date"/>
                        {field_error(stepped, "start")}
                    }.into_any()
                } else {
                    view! {
                        <label class="check"><input type="radio" name="form[approve]" value="yes" checked=true/>" 通过"</label>
                        <label class="check"><input type="radio" name="form[approve]" value="no"/>" 不通过"</label>
                        <label for="step_note">"意见"</label>
                        <textarea id="step_note" name="form[note]" rows="2"></textarea>
                        {field_error(stepped, "note")}
                    }.into_any()
                }}
                {form_error(stepped)}
                <button type="submit" class="primary">"办理"</button>
            </ActionForm>
        }
    })
}

/// 识别纳入: where the household's identification stands, its history, and the next step.
#[component]
fn IdentificationSection(
    code: String,
    current: Option<ProcedureView>,
    /// The policy's monitoring classes, to apply for.
    categories: Vec<String>,
    apply: ServerAction<ApplyIdentification>,
    step: ServerAction<IdentificationStep>,
) -> impl IntoView {
    let applied = apply.value();
    let open = current.as_ref().is_some_and(|c| c.next_step.is_some());
    let apply_code = code.clone();
    view! {
        <h2>"识别纳入"</h2>
        {current.clone().map(|c| view! { <ProcedureStatus current=c/> })}
        {(!open).then(|| view! {
            <details class="editor">
                <summary>"发起识别申请"</summary>
                <ActionForm action=apply attr:class="form">
                    <input type="hidden" name="code" value=apply_code/>
                    <label for="class">"申请纳入的监测类别"</label>
                    <select id="class" name="form[class]">
                        {categories.into_iter().map(|c| {
                            let label = c.clone();
                            view! { <option value=c>{label}</option> }
                        }).collect_view()}
                    </select>
                    {field_error(applied, "class")}
                    <label for="commitment">"承诺书签署日期（农户如实提供信息、授权查询家庭资产）"</label>
                    <input id="commitment" name="form[commitment_signed_on]" type="date"/>
                    {field_error(applied, "commitment")}
                    <label class="check"><input type="checkbox" name="form[green_channel]"/>" 绿色通道（突发严重困难，先行帮扶、手续后补）"</label>
                    {form_error(applied)}
                    <button type="submit" class="primary">"发起识别申请"</button>
                </ActionForm>
            </details>
        })}
        {current.map(|c| view! { <NextStepForm code=code.clone() current=c step/> })}
    }
}

/// 风险消除: open to identified monitoring objects; the rules of [F][G][H] decide whether it may start.
#[component]
fn EliminationSection(
    code: String,
    status: super::MonitoringStatus,
    current: Option<ProcedureView>,
    propose: ServerAction<ProposeElimination>,
    step: ServerAction<IdentificationStep>,
) -> impl IntoView {
    use super::MonitoringStatus;
    let proposed = propose.value();
    let shown = current.is_some() || status == MonitoringStatus::Monitored;
    let may_propose = status == MonitoringStatus::Monitored;
    let propose_code = code.clone();
    shown.then(|| view! {
        <h2>"风险消除"</h2>
        {current.clone().map(|c| view! { <ProcedureStatus current=c/> })}
        {may_propose.then(|| view! {
            <details class="editor">
                <summary>"提出风险消除"</summary>
                <p class="hint">"收入持续稳定、“两不愁三保障”及饮水安全持续巩固的，经民主评议、公示和县级确认后标注“风险消除”；无劳动能力的户落实社会保障措施后暂不标注，继续跟踪监测。"</p>
                <ActionForm action=propose attr:class="form">
                    <input type="hidden" name="code" value=propose_code/>
                    <label for="stable_since">"收入稳定起始日期"</label>
                    <input id="stable_since" name="form[stable_since]" type="date"/>
                    {field_error(proposed, "stable_since")}
                    <label for="basis">"风险消除依据（收入来源、已落实的帮扶措施等）"</label>
                    <textarea id="basis" name="form[basis]" rows="3"></textarea>
                    {field_error(proposed, "basis")}
                    {form_error(proposed)}
                    <button type="submit" class="primary">"提出风险消除"</button>
                </ActionForm>
            </details>
        })}
        {current.map(|c| view! { <NextStepForm code=code.clone() current=c step/> })}
    })
}

/// A masked ID number with a button to show it in full (the server checks the role and audits it).
#[component]
fn RevealableId(member_id: i64, masked: String) -> impl IntoView {
    let reveal = ServerAction::<super::api::RevealResidentId>::new();
    let value = reveal.value();
    view! {
        {move || match value.get() {
            Some(Ok(full)) => view! { <span>{full}</span> }.into_any(),
            Some(Err(e)) => view! { <span>{masked.clone()}" "<small class="field-error">{e.to_string()}</small></span> }.into_any(),
            None => view! {
                <span>{masked.clone()}" "
                    <button type="button" class="small" on:click=move |_| { reveal.dispatch(super::api::RevealResidentId { member_id }); }>
                        "查看"
                    </button>
                </span>
            }.into_any(),
        }}
    }
}
