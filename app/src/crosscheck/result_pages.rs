//! What a check found and scored: a checked township's problems, which the township hands to owners as cases and
//! where it enters its self-assessment; and the county's ranking with each score's components.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{EnterSelfScore, HandOverFinding, get_scores, get_township_findings};
use super::score::{TownshipScore, shown};
use super::{FindingView, TownshipFindings};
use crate::households::CadreOption;
use crate::ui::{ErrorBox, FileLink, action_error, count_successes, field_error, form_error};

/// `/cross-checks/:id/townships/:code`: the township's problems and their handing over.
#[component]
pub fn TownshipFindingsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let hand = ServerAction::<HandOverFinding>::new();
    let score = ServerAction::<EnterSelfScore>::new();
    let changes = RwSignal::new(0u32);
    count_successes(hand.value(), changes);
    count_successes(score.value(), changes);
    let found = Resource::new(move || (id(), code(), changes.get()), |(id, code, _)| get_township_findings(id, code));
    view! {
        <section class="page">
            <p><a href=move || format!("/cross-checks/{}", id())>"← 返回交叉检查"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(t) => view! { <FindingsBody t check_id=id() hand score/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn FindingsBody(
    t: TownshipFindings,
    check_id: i64,
    hand: ServerAction<HandOverFinding>,
    score: ServerAction<EnterSelfScore>,
) -> impl IntoView {
    let open = t.findings.iter().filter(|f| f.case_id.is_none()).count();
    let owners = t.owners.clone();
    view! {
        <h1>{format!("{}：检查发现的问题", t.township.name)}</h1>
        <p class="hint">{format!("共 {} 个问题，待交办 {} 个。交办后在问题所在村登记为风险案件（来源：交叉检查），由所选责任人按期整改。", t.findings.len(), open)}</p>
        {action_error(hand.value())}
        {if t.findings.is_empty() {
            view! { <p class="muted">"暂未发现问题。"</p> }.into_any()
        } else {
            view! { <ul class="cards">{t.findings.into_iter().map(|f| {
                let eligible = owners.iter().find(|(v, _)| *v == f.village_code).map(|(_, o)| o.clone()).unwrap_or_default();
                view! { <FindingCard f eligible may_answer=t.may_answer hand/> }
            }).collect_view()}</ul> }.into_any()
        }}
        {(t.may_answer && t.self_assessment_percent > 0).then(|| view! {
            <h2>"镇街自评"</h2>
            <p class="hint">{format!("自评得分占总分的 {}%。当前：{}", t.self_assessment_percent, t.self_score.clone().unwrap_or_else(|| "未填报".into()))}</p>
            <ActionForm action=score attr:class="form">
                <input type="hidden" name="check_id" value=check_id/>
                <input type="hidden" name="form[township]" value=t.township.code.clone()/>
                <label for="self_score">"自评得分（0–100）"</label>
                <input id="self_score" name="form[score]" inputmode="decimal" value=t.self_score.clone().unwrap_or_default()/>
                {field_error(score.value(), "score")}
                <label for="self_note">"自评说明"</label>
                <textarea id="self_note" name="form[note]" rows="2"></textarea>
                {field_error(score.value(), "note")}
                {form_error(score.value())}
                <button type="submit" class="primary">"保存自评"</button>
            </ActionForm>
        })}
    }
}

/// One problem, with the township's form to hand it to an owner.
#[component]
fn FindingCard(
    f: FindingView,
    eligible: Vec<CadreOption>,
    may_answer: bool,
    hand: ServerAction<HandOverFinding>,
) -> impl IntoView {
    let field = format!("finding_{}", f.id);
    let (owner_id, deadline_id) = (format!("{field}_owner"), format!("{field}_deadline"));
    view! {
        <li class="card" id=field>
            <p><strong>{f.title.clone()}</strong>{format!("　{} {}", f.village, f.household.clone().unwrap_or_else(|| "（村级）".into()))}</p>
            <p>{f.note.clone()}</p>
            <p class="muted">{format!("{} 发现 · ", f.found_on)}<a href=format!("/cross-checks/units/{}", f.unit_id)>"查看核查表"</a></p>
            {match (f.case_id, f.handed.clone()) {
                (Some(id), Some(by)) => view! { <p><a href=format!("/cases/{id}")>{format!("已交办（{by}）：案件 {id}")}</a></p> }.into_any(),
                _ if may_answer => view! {
                    <ActionForm action=hand attr:class="form">
                        <input type="hidden" name="form[finding_id]" value=f.id.to_string()/>
                        <label for=owner_id.clone()>"整改责任人"</label>
                        <select id=owner_id name="form[owner_user_id]">
                            <option value="">"请选择"</option>
                            {eligible.into_iter().map(|c| view! { <option value=c.user_id.to_string()>{c.label}</option> }).collect_view()}
                        </select>
                        <label for=deadline_id.clone()>"整改期限（不填按政策的工作日计算）"</label>
                        <input id=deadline_id name="form[deadline]" type="date"/>
                        <button type="submit" class="primary">"交办"</button>
                    </ActionForm>
                }.into_any(),
                _ => view! { <p class="muted">"待镇街交办"</p> }.into_any(),
            }}
        </li>
    }
}

/// `/cross-checks/:id/scores`: the ranking with each score's components, and the report to print or download.
#[component]
pub fn ScoresPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let scores = Resource::new(id, get_scores);
    view! {
        <section class="page">
            <p><a href=move || format!("/cross-checks/{}", id())>"← 返回交叉检查"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match scores.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(s) => view! {
                            <h1>{format!("{}：镇街得分与排名", s.title)}</h1>
                            <p class="hint">{if s.self_assessment_percent > 0 {
                                format!("得分 = 检查得分 × {}% + 自评得分 × {}%。检查得分按各指标“符合”的比例乘以权重计算，不适用的不计。", 100 - s.self_assessment_percent, s.self_assessment_percent)
                            } else {
                                "得分按各指标“符合”的比例乘以权重计算，不适用的不计；无人作答的指标不计分，其余按权重折算为百分制。".to_string()
                            }}{" 尚未核查完的镇街，得分按已填写的核查表计算。"}</p>
                            <p class="actions">
                                <FileLink class="button primary" href=format!("/prints/cross-checks/{}/report.pdf", s.check_id)>"打印情况通报（PDF）"</FileLink>
                                <a class="button" download href=format!("/api/cross-checks/{}/report.xlsx", s.check_id)>"下载排名表（Excel）"</a>
                            </p>
                            <table class="list">
                                <thead><tr><th>"排名"</th><th>"镇街"</th><th>"得分"</th><th>"检查得分"</th><th>"自评"</th><th>"已核查"</th><th>"问题（已交办）"</th></tr></thead>
                                <tbody>{s.townships.iter().map(|t| view! {
                                    <tr>
                                        <td data-label="排名">{t.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())}</td>
                                        <td data-label="镇街"><a href=format!("#score-{}", t.township.code)>{t.township.name.clone()}</a></td>
                                        <td data-label="得分">{shown(t.score_tenths)}</td>
                                        <td data-label="检查得分">{shown(t.check_tenths)}</td>
                                        <td data-label="自评">{shown(t.self_tenths)}</td>
                                        <td data-label="已核查">{format!("{} / {} 户，{} / {} 村", t.household_sheets, t.drawn_households, t.village_sheets, t.drawn_villages)}</td>
                                        <td data-label="问题"><a href=format!("/cross-checks/{}/townships/{}", s.check_id, t.township.code)>{format!("{}（{}）", t.findings, t.handed_over)}</a></td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                            {s.townships.into_iter().map(|t| view! { <Components t/> }).collect_view()}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A township's score, indicator by indicator.
#[component]
fn Components(t: TownshipScore) -> impl IntoView {
    view! {
        <h2 id=format!("score-{}", t.township.code)>{format!("{}：{}", t.township.name, shown(t.score_tenths))}</h2>
        <table class="list">
            <thead><tr><th>"指标（权重）"</th><th>"符合 / 作答"</th><th>"得分"</th></tr></thead>
            <tbody>{t.components.into_iter().map(|c| view! {
                <tr>
                    <td data-label="指标">{format!("{}（{}{}）", c.indicator, c.weight, if c.village { "，村级" } else { "" })}</td>
                    <td data-label="符合/作答">{format!("{} / {}", c.passed, c.passed + c.failed)}</td>
                    <td data-label="得分">{shown(c.points_tenths)}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}
