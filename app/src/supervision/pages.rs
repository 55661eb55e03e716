//! 专项督查 pages: the rounds and planning one; a round with its units, findings and their hand-over and
//! re-check; and a unit's work paper. Phone-first: a finding is recorded in a short form of choices.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api::{
    CarryOver, HandOver, PlanRound, RecheckFinding, RecordFinding, StepRound, get_planning_options, get_round,
    get_workpaper, list_rounds,
};
use super::finding_pages::{Actions, FindingCard, FindingEntry};
use super::followup_pages::FollowUpSection;
pub use super::followup_pages::SimilarPage;
use super::{PlanningOptions, RoundView};
use crate::permissions::Action;
use crate::refill::{refill, refused_input};
use crate::ui::{ErrorBox, FileLink, action_error, caller_may, count_successes, field_error, form_error};

/// 专项督查: the rounds the caller sees, and (for the team) the form to plan one.
#[component]
pub fn SupervisionPage() -> impl IntoView {
    let rounds = Resource::new(|| (), |_| list_rounds());
    let may_plan = caller_may(Action::ManageSupervision);
    let options = Resource::new(
        || (),
        move |_| async move { if may_plan { get_planning_options().await.map(Some) } else { Ok(None) } },
    );
    let plan = ServerAction::<PlanRound>::new();
    let planned = plan.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = planned.get() {
            use_navigate()(&format!("/supervision/{id}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <h1>"专项督查"</h1>
            <p class="hint">"纪（工）委牵头，经发办会同相关部门每半年开展一次专项督查：依据已有工作记录查找问题，逐项交办、限期整改，由督查组成员复核销号。"</p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match rounds.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"暂无与您相关的专项督查。"</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="list">
                                <thead><tr><th>"督查"</th><th>"时段"</th><th>"状态"</th><th>"督查对象"</th><th>"问题"</th><th>"未销号"</th><th>"逾期"</th><th>"按期销号率"</th></tr></thead>
                                <tbody>{list.into_iter().map(|r| view! {
                                    <tr>
                                        <td data-label="督查"><a href=format!("/supervision/{}", r.id)>{r.title}</a></td>
                                        <td data-label="时段">{format!("{}（{} 至 {}）", r.period, r.starts_on, r.ends_on)}</td>
                                        <td data-label="状态">{r.status_label}</td>
                                        <td data-label="督查对象">{r.unit_names.join("、")}</td>
                                        <td data-label="问题">{r.findings}</td>
                                        <td data-label="未销号">{r.open}</td>
                                        <td data-label="逾期" class:attention={r.overdue > 0}>{r.overdue}</td>
                                        <td data-label="按期销号率">{r.on_time_rate}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(Some(o)) => Some(view! { <PlanForm options=o plan/> }.into_any()),
                        Ok(None) => None,
                        Err(e) => Some(view! { <ErrorBox error=e/> }.into_any()),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Planning a round: the team's unit, title and half-year, the covered townships or villages, members, dates.
#[component]
fn PlanForm(options: PlanningOptions, plan: ServerAction<PlanRound>) -> impl IntoView {
    let value = plan.value();
    let year = options.today.format("%Y").to_string();
    let checks = |name: &'static str, list: Vec<(String, String)>| {
        list.into_iter()
            .enumerate()
            .map(|(i, (value, label))| view! {
                <label class="check"><input type="checkbox" name=format!("form[{name}][{i}]") value=value/>{format!(" {label}")}</label>
            })
            .collect_view()
    };
    let townships: Vec<(String, String)> = options.townships.iter().map(|u| (u.code.clone(), u.name.clone())).collect();
    let villages: Vec<(String, String)> = options.villages.iter().map(|u| (u.code.clone(), u.name.clone())).collect();
    let offset = townships.len();
    let me = options.me;
    view! {
        <details class="editor">
        <summary>"计划一轮专项督查"</summary>
        <ActionForm action=plan attr:class="form">
            <label for="org_code">"督查组所在单位"</label>
            <select id="org_code" name="form[org_code]">
                {options.teams.into_iter().map(|t| view! { <option value=t.code>{t.name}</option> }).collect_view()}
            </select>
            {field_error(value, "org_code")}
            <label for="title">"督查名称"</label>
            <input id="title" name="form[title]" placeholder="例如：2026 年上半年防返贫监测帮扶专项督查"/>
            {field_error(value, "title")}
            <label for="year">"年度"</label>
            <input id="year" name="form[year]" inputmode="numeric" value=year/>
            {field_error(value, "year")}
            <label for="half">"时段"</label>
            <select id="half" name="form[half]">
                <option value="h1">"上半年"</option>
                <option value="h2">"下半年"</option>
            </select>
            <fieldset class="checks" id="units">
                <legend>"督查对象（镇街或村）"</legend>
                {checks("units", townships)}
                <details><summary>"按村选择"</summary>
                    {villages.into_iter().enumerate().map(|(i, (code, name))| view! {
                        <label class="check"><input type="checkbox" name=format!("form[units][{}]", offset + i) value=code/>{format!(" {name}")}</label>
                    }).collect_view()}
                </details>
            </fieldset>
            {field_error(value, "units")}
            <label for="lead">"组长"</label>
            <select id="lead" name="form[lead_user_id]">
                {options.members.iter().map(|m| view! { <option value=m.user_id selected=m.user_id == me>{m.label.clone()}</option> }).collect_view()}
            </select>
            {field_error(value, "lead_user_id")}
            <fieldset class="checks" id="members">
                <legend>"成员（纪委、经发办、相关部门）"</legend>
                <details><summary>{format!("选择成员（可选 {} 人）", options.members.len())}</summary>
                    {checks("members", options.members.iter().map(|m| (m.user_id.to_string(), m.label.clone())).collect())}
                </details>
            </fieldset>
            {field_error(value, "members")}
            <label for="topics">"督查重点（可空）"</label>
            <textarea id="topics" name="form[topics]" rows="2"></textarea>
            {field_error(value, "topics")}
            <label for="starts_on">"开始日期"</label>
            <input id="starts_on" name="form[starts_on]" type="date"/>
            {field_error(value, "starts_on")}
            <label for="ends_on">"结束日期"</label>
            <input id="ends_on" name="form[ends_on]" type="date"/>
            {field_error(value, "ends_on")}
            {form_error(value)}
            <button type="submit" class="primary">"保存督查计划"</button>
        </ActionForm>
        </details>
    }
}

/// One round: where it stands, its units with their work papers, and its findings.
#[component]
pub fn RoundPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let step = ServerAction::<StepRound>::new();
    let record = ServerAction::<RecordFinding>::new();
    let hand_over = ServerAction::<HandOver>::new();
    let recheck = ServerAction::<RecheckFinding>::new();
    let carry = ServerAction::<CarryOver>::new();
    let changes = RwSignal::new(0u32);
    count_successes(step.value(), changes);
    count_successes(record.value(), changes);
    count_successes(hand_over.value(), changes);
    count_successes(recheck.value(), changes);
    count_successes(carry.value(), changes);
    let round = Resource::new(move || (id(), changes.get()), |(id, _)| get_round(id));
    let actions = Actions { hand_over, recheck, carry, changes };
    view! {
        <section class="page">
            <p><a href="/supervision">"← 专项督查"</a></p>
            {action_error(step.value())}
            {action_error(hand_over.value())}
            {action_error(recheck.value())}
            {action_error(carry.value())}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || { let refused = refused_input(); Suspend::new(async move {
                    let refused = refused.await;
                    match round.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(r) => {
                            let typed = refill::<RecordFinding>(&refused).filter(|t| t.round_id == r.summary.id).map(|t| t.form);
                            view! { <RoundBody r record step actions typed/> }.into_any()
                        }
                    }
                })}}
            </Transition>
        </section>
    }
}

#[component]
fn RoundBody(
    r: RoundView,
    record: ServerAction<RecordFinding>,
    step: ServerAction<StepRound>,
    actions: Actions,
    typed: Option<super::FindingForm>,
) -> impl IntoView {
    let s = r.summary.clone();
    let round_id = s.id;
    let recording = (r.is_member || r.may_manage) && s.status == super::RoundStatus::Active;
    let next = s.status.next_step().filter(|_| r.may_manage);
    view! {
        <h1>{s.title.clone()}</h1>
        <dl class="facts">
            <dt>"时段"</dt><dd>{format!("{}，{} 至 {}", s.period, s.starts_on, s.ends_on)}</dd>
            <dt>"状态"</dt><dd>{s.status_label.clone()}</dd>
            <dt>"组织单位"</dt><dd>{s.org_name.clone()}</dd>
            <dt>"督查组"</dt><dd>{r.members.iter().map(|m| if m.lead { format!("{}（组长）", m.name) } else { m.name.clone() }).collect::<Vec<_>>().join("、")}</dd>
            {(!r.topics.is_empty()).then(|| view! { <dt>"督查重点"</dt><dd>{r.topics.clone()}</dd> })}
            <dt>"问题"</dt><dd>{format!("共 {} 个，未销号 {} 个，逾期 {} 个", s.findings, s.open, s.overdue)}</dd>
            <dt>"按期销号率"</dt><dd>{s.on_time_rate.clone()}</dd>
        </dl>
        {next.map(|(code, label)| view! {
            <ActionForm action=step attr:class="inline">
                <input type="hidden" name="id" value=round_id/>
                <input type="hidden" name="step" value=code/>
                <button type="submit" class="primary">{label}</button>
            </ActionForm>
        })}
        {(!r.whole).then(|| view! { <p class="banner info">"您看到的是本单位被督查发现的问题及其整改情况。"</p> })}
        <h2>"督查对象"</h2>
        <p>"本轮督查汇总："<FileLink href=format!("/prints/supervision/{round_id}/summary.pdf")>"PDF"</FileLink>" · "
            <a download href=format!("/api/supervision/rounds/{round_id}/summary.xlsx")>"Excel"</a></p>
        <table class="list">
            <thead><tr><th>"单位"</th><th>"发现"</th><th>"立行立改"</th><th>"交办"</th><th>"销号（按期）"</th><th>"逾期"</th><th>"结转"</th><th>"底稿和交办单"</th></tr></thead>
            <tbody>{r.units.iter().cloned().map(|u| view! {
                <tr>
                    <td data-label="单位">{u.unit_name}</td>
                    <td data-label="发现">{u.found}</td>
                    <td data-label="立行立改">{u.on_spot}</td>
                    <td data-label="交办">{u.handed_over}</td>
                    <td data-label="销号（按期）">{format!("{}（{}）", u.closed, u.closed_on_time)}</td>
                    <td data-label="逾期" class:attention={u.overdue > 0}>{u.overdue}</td>
                    <td data-label="结转">{u.carried_over}</td>
                    <td data-label="底稿和交办单">
                        {r.whole.then(|| view! {
                            <a href=format!("/supervision/{round_id}/units/{}", u.org_code)>"督查底稿"</a>"（"
                            <FileLink href=format!("/prints/supervision/{round_id}/units/{}/workpaper.pdf", u.org_code)>"PDF"</FileLink>"） · "
                        })}
                        <FileLink href=format!("/prints/supervision/{round_id}/units/{}/handover.pdf", u.org_code)>"交办单（PDF）"</FileLink>
                    </td>
                </tr>
            }).collect_view()}</tbody>
        </table>
        <details class="fold">
            <summary><h2>{format!("督查事项（{} 项）", r.checklist.len())}</h2></summary>
            <ol>{r.checklist.iter().map(|c| view! { <li>{format!("{}（依据：{}）", c.item, c.basis)}</li> }).collect_view()}</ol>
        </details>
        {recording.then(|| view! { <FindingEntry r=r.clone() record typed=typed.clone()/> })}
        {r.followup.clone().map(|f| view! {
            <FollowUpSection round_id f status=s.status may_manage=r.may_manage team=r.is_member || r.may_manage
                checklist=r.checklist.iter().map(|c| c.item.clone()).collect() changes=actions.changes/>
        })}
        <h2>{format!("发现的问题（{} 个）", r.findings.len())}</h2>
        {if r.findings.is_empty() {
            view! { <p class="muted">"暂无。"</p> }.into_any()
        } else {
            view! { <ul class="findings">{r.findings.iter().cloned().map(|f| view! {
                <FindingCard f team=r.is_member || r.may_manage may_manage=r.may_manage round_status=s.status actions/>
            }).collect_view()}</ul> }.into_any()
        }}
    }
}

/// A covered unit's work paper: the facts already on record, each with its link.
#[component]
pub fn WorkpaperPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        params
            .with(|p| (p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0), p.get("code").unwrap_or_default()))
    };
    let paper = Resource::new(key, |(id, code)| get_workpaper(id, code));
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match paper.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(w) => view! {
                            <p><a href=format!("/supervision/{}", w.round_id)>{format!("← {}", w.round_title)}</a></p>
                            <h1>{format!("{}督查底稿", w.unit_name)}</h1>
                            <p><FileLink href=format!("/prints/supervision/{}/units/{}/workpaper.pdf", w.round_id, w.org_code)>"打印督查底稿（PDF）"</FileLink></p>
                            <p class="hint">{format!("依据系统已有记录整理（{} 至 {}，截至 {}），逐条核实后可记录为问题。", w.from_month, w.to_month, w.as_of)}</p>
                            {w.groups.into_iter().map(|g| view! {
                                <h2>{format!("{}（{} 条）", g.title, g.total)}</h2>
                                <p class="muted">{format!("对应督查事项：{}", g.item)}</p>
                                {if g.facts.is_empty() {
                                    view! { <p class="muted">"未发现。"</p> }.into_any()
                                } else {
                                    view! { <ul>{g.facts.into_iter().map(|f| view! { <li><a href=f.link>{f.text}</a></li> }).collect_view()}</ul> }.into_any()
                                }}
                                {(g.total > 50).then(|| view! { <p class="muted">{format!("仅列出前 50 条，共 {} 条。", g.total)}</p> })}
                            }).collect_view()}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
