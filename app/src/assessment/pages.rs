//! 年度考核 pages: the county's table (townships ranked, a township's villages ranked among the county's, every
//! points cell opening the unit's facts), and one unit's assessment with each component's facts, its vetoes and,
//! for the discipline team, the form to propose a veto on the basis of decided accountability records.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{ComputeAssessment, ProposeVeto, PublishAssessment, get_assessment, get_unit_assessment};
use super::{AssessmentRow, AssessmentTable, UnitAssessmentView, shown};
use crate::ui::{ErrorBox, FileLink, action_error, count_successes, field_error, form_error};

/// `/assessments?year=&township=`: the county's assessment table.
#[component]
pub fn AssessmentPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("year").unwrap_or_default(), q.get("township").unwrap_or_default()));
    let compute = ServerAction::<ComputeAssessment>::new();
    let publish = ServerAction::<PublishAssessment>::new();
    let changes = RwSignal::new(0u32);
    count_successes(compute.value(), changes);
    count_successes(publish.value(), changes);
    let view_data = Resource::new(
        move || (args(), changes.get()),
        |((year, township), _)| get_assessment(String::new(), year, township),
    );
    view! {
        <section class="page">
            <h1>"年度考核"</h1>
            <p><a href="/assessments/vetoes">"一票否决"</a>"　"<a href="/accountability">"问责"</a></p>
            {action_error(compute.value())}
            {action_error(publish.value())}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) => view! { <Table v compute publish/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Table(
    v: AssessmentTable,
    compute: ServerAction<ComputeAssessment>,
    publish: ServerAction<PublishAssessment>,
) -> impl IntoView {
    let year = v.year;
    let county = v.county.code.clone();
    let computed = v.computed.is_some();
    let manage = v.may_compute && v.published.is_none();
    let (county_a, county_b) = (county.clone(), county.clone());
    view! {
        <form class="form inline" method="get" action="/assessments">
            <label for="assess_year">"考核年度"</label>
            <input id="assess_year" name="year" type="number" min="2000" value=year/>
            <button type="submit">"查看"</button>
        </form>
        <h2>{format!("{} {} 年度考核", v.county.name, year)}</h2>
        <p class="hint">{v.rule.clone()}</p>
        <p class="muted">{match (&v.computed, &v.published) {
            (None, _) => format!("{year} 年度考核结果尚未计算。"),
            (Some(c), None) => format!("计算于 {c}；尚未发布，可重新计算。"),
            (Some(c), Some(p)) => format!("计算于 {c}；发布于 {p}，结果已固定。"),
        }}</p>
        <div class="actions">
            {manage.then(|| view! {
                <ActionForm action=compute attr:class="inline">
                    <input type="hidden" name="county" value=county_a/>
                    <input type="hidden" name="year" value=year/>
                    <button type="submit" class="primary">{if computed { "重新计算" } else { "计算考核结果" }}</button>
                </ActionForm>
            })}
            {(manage && computed).then(|| view! {
                <ActionForm action=publish attr:class="inline">
                    <input type="hidden" name="county" value=county_b/>
                    <input type="hidden" name="year" value=year/>
                    <button type="submit">"发布（发布后不再变动）"</button>
                </ActionForm>
            })}
            {computed.then(|| view! {
                <FileLink class="button" href=format!("/api/assessments/{year}/table.xlsx?county={county}")>"导出 Excel"</FileLink>
                <FileLink class="button" href=format!("/prints/assessments/{year}/table.pdf?county={}", v.county.code)>"打印（PDF）"</FileLink>
            })}
        </div>
        {computed.then(|| view! {
            <h2>"镇街"</h2>
            <Rows rows=v.townships.clone() year weights=v.weights.iter().map(|w| format!("{}（{}）", w.label, w.weight)).collect() link_villages=true/>
            {v.township.clone().map(|t| view! {
                <h2>{format!("{}所辖村（社区）（全县村级排名）", t.name)}</h2>
                <Rows rows=v.villages.clone() year weights=v.weights.iter().map(|w| format!("{}（{}）", w.label, w.weight)).collect() link_villages=false/>
            })}
        })}
    }
}

/// A ranked list of units: the score, each component's points opening the unit's facts, and its veto.
#[component]
fn Rows(rows: Vec<AssessmentRow>, year: i32, weights: Vec<String>, link_villages: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"没有可查看的单位。"</p> }.into_any();
    }
    view! {
        <table class="list">
            <thead><tr><th>"排名"</th><th>"单位"</th><th>"得分"</th>
                {weights.iter().map(|w| view! { <th>{w.clone()}</th> }).collect_view()}
                <th>"一票否决"</th></tr></thead>
            <tbody>{rows.into_iter().map(|r| {
                let unit_link = format!("/assessments/{year}/units/{}", r.unit.code);
                let vetoed = r.veto.as_ref().is_some_and(|v| v.status == super::VetoStatus::InEffect);
                view! {
                    <tr>
                        <td data-label="排名">{r.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                        <td data-label="单位"><a href=unit_link.clone()>{r.unit.name.clone()}</a>
                            {link_villages.then(|| view! { " "<a class="hint" href=format!("/assessments?year={year}&township={}", r.unit.code)>"各村"</a> })}</td>
                        <td data-label="得分" class:muted=vetoed>{if vetoed { format!("{}（无效）", shown(i64::from(r.score_tenths))) } else { shown(i64::from(r.score_tenths)) }}</td>
                        {r.components.iter().zip(weights.iter()).map(|(c, w)| view! {
                            <td data-label=w.clone()><a href=format!("{unit_link}#{}", c.component.as_str())>{shown(i64::from(c.points_tenths))}</a>
                                <span class="hint">{format!(" {}", c.summary)}</span></td>
                        }).collect_view()}
                        <td data-label="一票否决">{match r.veto {
                            Some(v) => view! { <a href=format!("/assessments/vetoes/{}", v.id)>{v.status_label}</a> }.into_any(),
                            None => "—".into_any(),
                        }}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

/// `/assessments/:year/units/:code`: one unit's assessment with every component's facts.
#[component]
pub fn UnitAssessmentPage() -> impl IntoView {
    let params = use_params_map();
    let args = move || params.with(|p| (p.get("code").unwrap_or_default(), p.get("year").unwrap_or_default()));
    let propose = ServerAction::<ProposeVeto>::new();
    let proposed = propose.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = proposed.get() {
            use_navigate()(&format!("/assessments/vetoes/{id}"), Default::default());
        }
    });
    let data = Resource::new(args, |(code, year)| get_unit_assessment(code, year));
    view! {
        <section class="page">
            <p><a href="/assessments">"← 年度考核"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(u) => view! { <UnitBody u propose/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UnitBody(u: UnitAssessmentView, propose: ServerAction<ProposeVeto>) -> impl IntoView {
    // The discipline team proposes while no veto of the year is open.
    let may_propose = !u.veto_grounds.is_empty() && !u.vetoes.iter().any(|v| v.status.is_open());
    view! {
        <h1>{format!("{} {} 年度考核", u.unit.name, u.year)}</h1>
        <p><a href=format!("/assessments?year={}&township={}", u.year, u.unit.code)>"返回所在镇街的排名"</a></p>
        <dl class="facts">
            <dt>"层级"</dt><dd>{u.level_label.clone()}</dd>
            <dt>"得分"</dt><dd>{u.score_tenths.map(|s| shown(i64::from(s))).unwrap_or_else(|| "尚未计算".into())}</dd>
            <dt>"排名"</dt><dd>{match (u.score_tenths, u.rank) {
                (None, _) => "—".to_string(),
                (Some(_), Some(r)) => format!("第 {r} 名"),
                (Some(_), None) => "一票否决，不参加排名".to_string(),
            }}</dd>
            {u.computed.clone().map(|c| view! { <dt>"计算时间"</dt><dd>{c}</dd> })}
        </dl>
        {u.components.iter().cloned().map(|c| view! {
            <section id=c.component.as_str()>
                <h2>{format!("{}（权重 {}）：{} 分，{}", c.label, c.weight, shown(i64::from(c.points_tenths)), c.summary)}</h2>
                {if c.facts.is_empty() {
                    view! { <p class="muted">"没有扣分的事实。"</p> }.into_any()
                } else {
                    view! {
                        <ul>{c.facts.into_iter().map(|f| view! {
                            <li><a href=f.link>{f.text}</a>{f.verdict.map(|v| view! { <span class="hint">{format!("　{}", v.reason)}</span> })}</li>
                        }).collect_view()}</ul>
                        {(c.more > 0).then(|| view! { <p class="muted">{format!("另有 {} 项未列出。", c.more)}</p> })}
                    }.into_any()
                }}
            </section>
        }).collect_view()}
        <h2>"一票否决"</h2>
        {if u.vetoes.is_empty() {
            view! { <p class="muted">"本年度没有一票否决。"</p> }.into_any()
        } else {
            view! { <ul>{u.vetoes.iter().map(|v| view! {
                <li><a href=format!("/assessments/vetoes/{}", v.id)>{format!("{}（{}）", v.ground, v.status_label)}</a></li>
            }).collect_view()}</ul> }.into_any()
        }}
        {may_propose.then(|| view! { <ProposeForm u=u.clone() propose/> })}
    }
}

/// The discipline team's form to propose a veto: a ground, the decided records it rests on, the persons it names.
#[component]
fn ProposeForm(u: UnitAssessmentView, propose: ServerAction<ProposeVeto>) -> impl IntoView {
    let value = propose.value();
    view! {
        <details class="editor">
            <summary>"提请一票否决"</summary>
            <ActionForm action=propose attr:class="form">
                <input type="hidden" name="form[year]" value=u.year/>
                <input type="hidden" name="form[unit]" value=u.unit.code.clone()/>
                {form_error(value)}
                <label for="veto_ground">"否决情形"</label>
                <select id="veto_ground" name="form[ground]">
                    <option value="">"请选择"</option>
                    {u.veto_grounds.iter().map(|g| view! { <option value=g.clone()>{g.clone()}</option> }).collect_view()}
                </select>
                {field_error(value, "ground")}
                <fieldset>
                    <legend>"依据（已作出决定的问责记录，至少一条）"</legend>
                    {if u.records.is_empty() {
                        view! { <p class="muted">"该单位没有已作出决定的问责记录，不能提请一票否决。"</p> }.into_any()
                    } else {
                        u.records.iter().enumerate().map(|(i, r)| view! {
                            <label class="check"><input type="checkbox" name=format!("form[record_ids][{i}]") value=r.id/>
                                {format!(" {}（{}，{}）", r.title, r.subject.clone().unwrap_or_else(|| "单位".into()), r.measure_label.clone().unwrap_or_default())}</label>
                        }).collect_view().into_any()
                    }}
                    {field_error(value, "record_ids")}
                </fieldset>
                <fieldset>
                    <legend>"本年度不得提拔重用、评先评优的人员（可不选）"</legend>
                    {u.people.iter().enumerate().map(|(i, p)| view! {
                        <label class="check"><input type="checkbox" name=format!("form[person_ids][{i}]") value=p.user_id/>{format!(" {}", p.label)}</label>
                    }).collect_view()}
                    {field_error(value, "person_ids")}
                </fieldset>
                <label for="veto_note">"事实和理由"</label>
                <textarea id="veto_note" name="form[note]" rows="4"></textarea>
                {field_error(value, "note")}
                <button type="submit" class="primary">"提请一票否决"</button>
            </ActionForm>
        </details>
    }
}
