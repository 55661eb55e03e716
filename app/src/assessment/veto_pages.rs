//! 一票否决 pages: the vetoes of a year (with the persons each bars), and one veto with its ground, its basis in
//! accountability records, its effect, its steps and the forms of the steps the caller may take.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{TakeVetoStep, get_veto, list_vetoes};
use super::{VetoStep, VetoView};
use crate::ui::{ErrorBox, FileLink, count_successes, field_error, form_error};

/// `/assessments/vetoes?year=`: the vetoes of a year.
#[component]
pub fn VetoesPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.with(|q| q.get("year").unwrap_or_default());
    let data = Resource::new(year, list_vetoes);
    view! {
        <section class="page">
            <p><a href="/assessments">"← 年度考核"</a></p>
            <h1>"一票否决"</h1>
            <p class="hint">"一票否决由纪检监察组织依据已作出决定的问责记录提请，县纪委认定，县级审批后生效：被否决单位当年考核结果无效，所列人员当年不得提拔重用、评先评优。"</p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) => view! {
                            <form class="form inline" method="get" action="/assessments/vetoes">
                                <label for="veto_year">"年度"</label>
                                <input id="veto_year" name="year" type="number" min="2000" value=v.year/>
                                <button type="submit">"查看"</button>
                            </form>
                            {if v.vetoes.is_empty() {
                                view! { <p class="muted">{format!("{} 年度没有一票否决。", v.year)}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="list">
                                        <thead><tr><th>"单位"</th><th>"否决情形"</th><th>"状态"</th><th>"不得提拔、评优的人员"</th><th>"提请日期"</th></tr></thead>
                                        <tbody>{v.vetoes.into_iter().map(|x| view! {
                                            <tr>
                                                <td data-label="单位"><a href=format!("/assessments/vetoes/{}", x.id)>{x.unit.name}</a></td>
                                                <td data-label="否决情形">{x.ground}</td>
                                                <td data-label="状态">{x.status_label}</td>
                                                <td data-label="人员">{if x.persons.is_empty() { "—".to_string() } else { x.persons.join("、") }}</td>
                                                <td data-label="提请日期">{x.proposed_on.to_string()}</td>
                                            </tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/assessments/vetoes/:id`: one veto.
#[component]
pub fn VetoPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let take = ServerAction::<TakeVetoStep>::new();
    let changes = RwSignal::new(0u32);
    count_successes(take.value(), changes);
    let data = Resource::new(move || (id(), changes.get()), |(id, _)| get_veto(id));
    view! {
        <section class="page">
            <p><a href="/assessments/vetoes">"← 一票否决"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) => view! { <VetoBody v take/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn VetoBody(v: VetoView, take: ServerAction<TakeVetoStep>) -> impl IntoView {
    let value = take.value();
    let id = v.summary.id;
    let s = v.summary.clone();
    view! {
        <h1>{format!("{} {} 年度考核一票否决", s.unit.name, s.year)}</h1>
        <dl class="facts">
            <dt>"否决情形"</dt><dd>{s.ground.clone()}</dd>
            <dt>"状态"</dt><dd>{s.status_label.clone()}</dd>
            <dt>"事实和理由"</dt><dd>{v.note.clone()}</dd>
            <dt>"所列人员"</dt><dd>{if s.persons.is_empty() { "—（仅否决单位）".to_string() } else { s.persons.join("、") }}</dd>
            <dt>"考核"</dt><dd><a href=format!("/assessments/{}/units/{}", s.year, s.unit.code)>{format!("{} {} 年度考核", s.unit.name, s.year)}</a></dd>
        </dl>
        {(!v.effect.is_empty()).then(|| view! {
            <h2>"否决效果"</h2>
            <ul>{v.effect.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
        })}
        <p class="actions"><FileLink class="button" href=format!("/prints/assessments/vetoes/{id}/decision.pdf")>"打印一票否决决定（PDF）"</FileLink></p>
        <h2>"依据（问责记录）"</h2>
        <ul>{v.basis.iter().map(|r| view! {
            <li><a href=format!("/accountability/records/{}", r.id)>{r.title.clone()}</a>
                <span class="hint">{format!("　{}，{}", r.status_label, r.measure_label.clone().unwrap_or_default())}</span></li>
        }).collect_view()}</ul>
        <h2>"办理过程"</h2>
        <ol>{v.events.iter().map(|e| view! {
            <li>{format!("{} {} {}：{}", crate::time::beijing_time(e.at), e.actor, e.step_label, e.status_label)}
                {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}</li>
        }).collect_view()}</ol>
        {form_error(value)}
        {field_error(value, "note")}
        {v.steps.iter().filter_map(|code| VetoStep::parse(code)).map(|step| view! {
            <ActionForm action=take attr:class="form">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="form[step]" value=step.as_str()/>
                <label for=format!("veto_{}", step.as_str())>{if step == VetoStep::Approve { "审批意见（可空）" } else { "意见和理由" }}</label>
                <textarea id=format!("veto_{}", step.as_str()) name="form[note]" rows="2"></textarea>
                <button type="submit" class:primary={matches!(step, VetoStep::Uphold | VetoStep::Approve)}>{step.label()}</button>
            </ActionForm>
        }).collect_view()}
    }
}
