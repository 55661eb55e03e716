//! The household list and the parts of the household page that show the register: the verdict, the
//! finances, the 两不愁三保障 assessments and the members (the page itself is `household_file::pages`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{Assess, SaveIncome, SaveMember, list_households};
use super::register_pages::{MemberEditor, can_edit};
use super::{HouseholdFilter, IncomeForm, IncomeRecord};
use crate::error::AppError;
use crate::ui::{ErrorBox, MeResource, field_error};

/// The household list, narrowed by the query (`within`, `q`, `class`, `status`, `red_alert`, `candidate`)
/// and paged.
#[component]
pub fn HouseholdListPage() -> impl IntoView {
    let query = use_query_map();
    let within = move || query.with(|q| q.get("within").filter(|w| !w.is_empty()));
    let search = move || query.with(|q| q.get("q").filter(|w| !w.is_empty()));
    let class = move || query.with(|q| q.get("class").filter(|w| !w.is_empty()));
    let red = move || query.with(|q| q.get("red_alert").is_some_and(|v| v == "1"));
    let candidate = move || query.with(|q| q.get("candidate").is_some_and(|v| v == "1"));
    let group = move || query.with(|q| q.get("special_group").filter(|g| !g.is_empty()));
    let status = move || query.with(|q| q.get("status").filter(|w| !w.is_empty()));
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0));
    let filter = move || HouseholdFilter {
        within: within(),
        q: search(),
        class: class(),
        red_alert: red().then_some(true),
        candidate: candidate().then_some(true),
        special_group: group(),
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
            <HouseholdFilters filter=Signal::derive(filter) categories/>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match households.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(result) => {
                            let last_page = result.total.saturating_sub(1) / result.per_page;
                            let link = move |p: u64| {
                                let mut parts = vec![format!("page={p}")];
                                let red_alert = red().then(|| "1".to_string());
                                let candidates = candidate().then(|| "1".to_string());
                                for (key, value) in [("within", within()), ("q", search()), ("class", class()), ("status", status()), ("red_alert", red_alert), ("candidate", candidates), ("special_group", group())] {
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
                                    view! { <HouseholdTable households=result.items/> }.into_any()
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

/// The household list's filter bar: unit, search text, monitoring class (the policy's categories), status
/// and red alerts, each showing what the list is narrowed to now.
#[component]
fn HouseholdFilters(
    filter: Signal<HouseholdFilter>,
    categories: Resource<Result<Vec<String>, AppError>>,
) -> impl IntoView {
    view! {
        <form method="get" action="/households" class="filters">
            <crate::org::pages::UnitFilter selected=Signal::derive(move || filter.with(|f| f.within.clone()))/>
            <label for="q">"搜索"</label>
            <input id="q" name="q" placeholder="户编号、身份证号、姓名或拼音首字母" value=move || filter.with(|f| f.q.clone())/>
            <label for="class">"监测类别"</label>
            <select id="class" name="class">
                <option value="">"全部"</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let selected = filter.with(|f| f.class.clone());
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
                    let selected = filter.with(|f| f.status.clone());
                    super::MonitoringStatus::ALL.into_iter().map(|s| {
                        let is_selected = selected.as_deref() == Some(s.as_str());
                        view! { <option value=s.as_str() selected=is_selected>{s.label()}</option> }
                    }).collect_view()
                }}
            </select>
            <label for="special_group">"特殊群体"</label>
            <select id="special_group" name="special_group">
                <option value="">"全部"</option>
                {move || {
                    let selected = filter.with(|f| f.special_group.clone());
                    crate::risk::SpecialGroup::ALL.into_iter().map(|g| {
                        let is_selected = selected.as_deref() == Some(g.as_str());
                        view! { <option value=g.as_str() selected=is_selected>{g.label()}</option> }
                    }).collect_view()
                }}
            </select>
            <label class="check"><input type="checkbox" name="red_alert" value="1" checked=move || filter.with(|f| f.red_alert.is_some())/>" 只看红色预警"</label>
            <label class="check"><input type="checkbox" name="candidate" value="1" checked=move || filter.with(|f| f.candidate.is_some())/>" 只看待研判纳入（符合监测范围、尚未纳入）"</label>
            <button type="submit">"筛选"</button>
        </form>
    }
}

/// One page of households: code, head (with a red alert), village group, size, monitoring class and status.
#[component]
fn HouseholdTable(households: Vec<super::HouseholdSummary>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"户编号"</th><th>"户主"</th><th>"所在村组"</th><th>"人口"</th><th>"监测类别"</th><th>"监测状态"</th></tr></thead>
            <tbody>
                {households.into_iter().map(|h| view! {
                    <tr>
                        <td data-label="户编号"><a href=format!("/households/{}", h.code)>{h.code.clone()}</a></td>
                        <td data-label="户主">
                            {h.head_name}
                            {h.red_alert.then(|| view! { <span class="badge red">"红色预警"</span> })}
                            {(h.candidate && matches!(h.status, super::MonitoringStatus::None | super::MonitoringStatus::Eliminated)).then(|| view! { <span class="badge">"待研判纳入"</span> })}
                        </td>
                        <td data-label="所在村组">{h.org_name}</td>
                        <td data-label="人口">{h.member_count}</td>
                        <td data-label="监测类别">{h.monitoring_class.unwrap_or_else(|| "—".into())}</td>
                        <td data-label="监测状态">{h.status.label()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The rules' verdict with every reason and its source document.
#[component]
pub fn RiskSection(risk: super::RiskView) -> impl IntoView {
    let title = match &risk.policy_name {
        Some(name) => format!("风险研判（{} 年，依据“{}”）", risk.year, name),
        None => format!("风险研判（{} 年）", risk.year),
    };
    view! {
        <h2>{title}</h2>
        {match (risk.evaluation, risk.unavailable) {
            (Some(e), _) if e.flags.is_empty() => view! {
                <p class="banner ok">"未发现风险。"</p>
                <p class="muted">{counted_members(&e)}</p>
                {special_groups(&e)}
            }.into_any(),
            (Some(e), _) => view! {
                <p>
                    {if e.monitoring_object {
                        "符合监测对象条件。"
                    } else if e.candidate {
                        "属于监测范围，可作为监测对象候选，请核实研判是否纳入："
                    } else if e.warning_object {
                        "属于预警范围。"
                    } else {
                        "尚未达到监测对象条件，但存在以下风险："
                    }}
                </p>
                <ul class="flags">
                    {e.flags.iter().cloned().map(|f| view! {
                        <li><span>{f.reason}</span>" "<small class="muted">{source_label(&f.source)}</small></li>
                    }).collect_view()}
                </ul>
                <p class="muted">{counted_members(&e)}</p>
                {special_groups(&e)}
            }.into_any(),
            (None, Some(message)) => view! { <p class="banner warn">{message}</p> }.into_any(),
            (None, None) => view! { <p class="muted">"暂无研判结果。"</p> }.into_any(),
        }}
        {risk.roster_check.map(|check| view! {
            <p class=if check.agrees { "muted" } else { "banner warn" }>
                {format!("花名册：{}。", check.reason)}" "<small class="muted">{source_label("H")}</small>
            </p>
        })}
    }
}

/// Who the verdict counted [T] "以实际共同生活为准": "按实际共同生活的 3 人计算；王五不在家中共同生活（户在人不在），未计入。"
fn counted_members(e: &crate::risk::Evaluation) -> String {
    let mut text = format!("按实际共同生活的 {} 人计算", e.members_counted);
    if !e.members_away.is_empty() {
        text.push_str(&format!("；{}不在家中共同生活（户在人不在），未计入", e.members_away.join("、")));
    }
    text.push('。');
    text
}

/// The special groups among the members, to watch closely [F]: "重点关注：重度残疾人（王五）".
fn special_groups(e: &crate::risk::Evaluation) -> Option<impl IntoView + use<>> {
    let parts: Vec<String> =
        e.special_groups.iter().map(|g| format!("{}（{}）", g.group.label(), g.members.join("、"))).collect();
    (!parts.is_empty())
        .then(|| view! { <p class="banner info">{format!("重点关注的特殊群体：{}。", parts.join("；"))}</p> })
}

/// A flag's source as the page shows it: the seed document's number for a tag ("依据 潼扶组办〔2020〕21号"),
/// else the policy's own document as given.
fn source_label(source: &str) -> String {
    match crate::policy::presets::Preset::of_tag(source) {
        Some(seed) => format!("依据 {} [{}]", seed.document(), seed.tag()),
        None => format!("依据 {source}"),
    }
}

/// Record a year's income and expenditure. The per-capita income and the transfer share are derived,
/// never typed. The form is for this year (the server's, in Beijing): this year's record when there is
/// one, else blank, so last year's numbers are never saved as this year's by mistake.
#[component]
pub fn IncomeEditor(
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
pub fn SecuritySection(assessments: Vec<super::AssessmentView>) -> impl IntoView {
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
pub fn AssessmentEditor(code: String, action: ServerAction<Assess>) -> impl IntoView {
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

/// A masked ID number with a button to show it in full (the server checks the role and audits it).
#[component]
pub fn RevealableId(member_id: i64, masked: String) -> impl IntoView {
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

/// The register's facts of the household: unit, address, status, contacts, housing, 低保 and income.
#[component]
pub fn BasicFacts(household: super::HouseholdDetail) -> impl IntoView {
    let h = household;
    view! {
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
            {(!h.cadre_warnings.is_empty()).then(|| view! {
                <dt>"干部安排"</dt>
                <dd class="attention">{format!("{} [F]", h.cadre_warnings.join(""))}</dd>
            })}
            {(!h.warning_kinds.is_empty()).then(|| view! {
                <dt>"预警户类型"</dt><dd>{h.warning_kinds.join("、")}</dd>
            })}
            <dt>"住房类型"</dt><dd>{if h.form.house_type.is_empty() { "未登记".to_string() } else { h.form.house_type.clone() }}</dd>
            <dt>"低保"</dt><dd>{h.dibao.label.clone()}</dd>
            <dt>"人均纯收入"</dt>
            <dd>{match (h.income_year, h.per_capita_income_yuan) {
                (Some(year), Some(v)) => format!("{v} 元（{year} 年）"),
                _ => "暂无收入记录".to_string(),
            }}</dd>
        </dl>
    }
}

/// The members with their masked ID numbers, and, for editors, a form for each and one for a new member.
#[component]
pub fn Members(
    code: String,
    members: Vec<super::MemberView>,
    editor: bool,
    action: ServerAction<SaveMember>,
) -> impl IntoView {
    view! {
        <h2>{format!("家庭成员（{} 人）", members.len())}</h2>
        <table class="list">
            <thead><tr><th>"姓名"</th><th>"关系"</th><th>"身份证号"</th><th>"出生日期"</th><th>"劳动能力"</th><th>"健康"</th><th>"在校情况"</th><th>"共同生活"</th><th>"监护人或赡养人"</th></tr></thead>
            <tbody>
                {members.clone().into_iter().map(|m| view! {
                    <tr>
                        <td data-label="姓名">{m.name}</td>
                        <td data-label="关系">{m.relation}</td>
                        <td data-label="身份证号" class="mono"><RevealableId member_id=m.member_id masked=m.resident_id_masked/></td>
                        <td data-label="出生日期">{m.birth_date.to_string()}</td>
                        <td data-label="劳动能力">{m.labour_capacity}</td>
                        <td data-label="健康">{m.health}</td>
                        <td data-label="在校情况">{m.schooling}</td>
                        <td data-label="共同生活">{match (m.co_resident, m.co_residence_note) {
                            (true, None) => "共同生活".to_string(),
                            (true, Some(note)) => note,
                            (false, None) => "户在人不在（不计入家庭人口）".to_string(),
                            (false, Some(note)) => format!("户在人不在：{note}（不计入家庭人口）"),
                        }}</td>
                        <td data-label="监护人或赡养人">{m.guardian.unwrap_or_default()}{m.child_status.map(|s| format!("（{s}）"))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {editor.then(|| view! {
            {members.into_iter().map(|m| view! { <MemberEditor code=code.clone() member=Some(m) action/> }).collect_view()}
            <MemberEditor code=code.clone() member=None action/>
        })}
    }
}
