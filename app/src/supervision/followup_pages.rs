//! A round's 举一反三 page and its 回头看 section: the same item looked for in the team's other units, turned into
//! findings; and the follow-up draw of earlier rounds' closed findings with what each check found.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{ConfirmFollowup, DrawFollowup, RecordFinding, get_similar};
use super::{FollowUpResult, FollowUpView, Method, RoundStatus, Severity, SimilarProblems, SimilarUnit};
use crate::ui::{ErrorBox, action_error, count_successes, field_error, form_error};

/// 举一反三 of one finding: the other units with what the record holds for the item there.
#[component]
pub fn SimilarPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let record = ServerAction::<RecordFinding>::new();
    let changes = RwSignal::new(0u32);
    count_successes(record.value(), changes);
    let similar = Resource::new(move || (id(), changes.get()), |(id, _)| get_similar(id));
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match similar.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(s) => view! { <SimilarBody s record/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SimilarBody(s: SimilarProblems, record: ServerAction<RecordFinding>) -> impl IntoView {
    let facts_title = s.facts_title.clone();
    view! {
        <p><a href=format!("/supervision/{}#finding-{}", s.round_id, s.finding_id)>{format!("← {}", s.round_title)}</a></p>
        <h1>"举一反三：查找同类问题"</h1>
        <dl class="facts">
            <dt>"原问题"</dt><dd>{format!("{}：{}（{}，{}）", s.item, s.description, s.unit_name, s.status_label)}</dd>
            <dt>"查找范围"</dt><dd>{format!("辖区内其他 {} 个{}", s.total_units, s.level_label)}</dd>
        </dl>
        <p class="hint">{match &facts_title {
            Some(t) => format!("按系统记录统计各{}的“{t}”，数量多的排在前面；核实后可记录为本轮督查的问题。", s.level_label),
            None => format!("系统记录中没有与“{}”对应的统计，请结合以往督查情况逐个核查。", s.item),
        }}</p>
        {action_error(record.value())}
        <table class="list">
            <thead><tr><th>{s.level_label.clone()}</th><th>{facts_title.clone().unwrap_or_else(|| "系统记录".into())}</th><th>"以往同类问题"</th><th>"本轮"</th></tr></thead>
            <tbody>{s.units.iter().cloned().map(|u| view! {
                <SimilarRow u round_id=s.round_id finding_id=s.finding_id item=s.item.clone() may_record=s.may_record
                    facts_label=facts_title.clone().unwrap_or_else(|| "系统记录".into()) record/>
            }).collect_view()}</tbody>
        </table>
        {(s.total_units as usize > s.units.len()).then(|| view! { <p class="muted">{format!("仅列出前 {} 个，共 {} 个。", s.units.len(), s.total_units)}</p> })}
    }
}

#[component]
fn SimilarRow(
    u: SimilarUnit,
    round_id: i64,
    finding_id: i64,
    item: String,
    may_record: bool,
    /// The column's heading, repeated as the label of its value on a phone.
    facts_label: String,
    record: ServerAction<RecordFinding>,
) -> impl IntoView {
    view! {
        <tr>
            <td data-label="单位">{u.name.clone()}</td>
            <td data-label=facts_label class:attention=u.facts.is_some_and(|n| n > 0)>{u.facts.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td data-label="以往同类问题">{u.earlier}</td>
            <td data-label="本轮">
                {match u.recorded {
                    Some(id) => view! { <a href=format!("/supervision/{round_id}#finding-{id}")>"已记录"</a> }.into_any(),
                    None if may_record => view! {
                        <details>
                            <summary>"记录为问题"</summary>
                            <OriginFindingForm action=record round_id org_code=u.code.clone() origin=("prompted_by_finding_id", finding_id)
                                items=vec![item.clone()] chosen=item method=Method::LedgerCheck field=format!("similar_{}", u.code)
                                what="问题描述" submit="记录"/>
                        </details>
                    }.into_any(),
                    None => view! { <span class="muted">"未记录"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

/// The round's 回头看: the draw form before there is one; after it, the draw with its check and each drawn
/// finding with what the follow-up found (confirmed, or back and recorded as a finding).
#[component]
pub fn FollowUpSection(
    round_id: i64,
    f: FollowUpView,
    status: RoundStatus,
    may_manage: bool,
    team: bool,
    checklist: Vec<String>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let draw = ServerAction::<DrawFollowup>::new();
    let confirm = ServerAction::<ConfirmFollowup>::new();
    // Its own action, so a refused relapse shows its message here, not in the round's finding form.
    let record = ServerAction::<RecordFinding>::new();
    count_successes(draw.value(), changes);
    count_successes(confirm.value(), changes);
    count_successes(record.value(), changes);
    let open = matches!(status, RoundStatus::Active | RoundStatus::Rectifying);
    let value = draw.value();
    view! {
        <h2 id="followup">"回头看"</h2>
        {action_error(confirm.value())}
        {action_error(record.value())}
        {if !f.drawn {
            view! {
                <p class="hint">{format!("从辖区内以往督查已销号（含立行立改）的 {} 个问题中随机抽取，核查整改是否到位、有无反弹。抽样按现场确定的随机种子计算，可复核，抽取后不能重抽。", f.frame_size)}</p>
                {(may_manage && open && f.frame_size > 0).then(|| view! {
                    <ActionForm action=draw attr:class="form">
                        <input type="hidden" name="round_id" value=round_id/>
                        <label for="followup_seed">"随机种子（抽取现场当众确定，例如掷骰或抽号得到的数字）"</label>
                        <input id="followup_seed" name="form[seed]" inputmode="numeric"/>
                        {field_error(value, "seed")}
                        <label for="followup_size">"抽取数量"</label>
                        <input id="followup_size" name="form[size]" inputmode="numeric" value=f.frame_size.min(5).to_string()/>
                        {field_error(value, "size")}
                        {form_error(value)}
                        <button type="submit" class="primary">"抽取回头看问题"</button>
                    </ActionForm>
                })}
            }.into_any()
        } else {
            view! {
                <dl class="facts">
                    <dt>"抽样"</dt><dd>{format!("从 {} 个已销号问题中抽取 {} 个（{}，{}）", f.frame_size, f.items.len(), f.drawn_by, f.drawn_at.map(crate::time::beijing_time).unwrap_or_default())}</dd>
                    <dt>"随机种子"</dt><dd>{f.seed.clone()}</dd>
                    <dt>"抽样框 SHA-256"</dt><dd class="code">{f.frame_sha256.clone()}</dd>
                    <dt>"算法"</dt><dd>{f.algorithm.clone()}</dd>
                    <dt>"复核"</dt><dd>{match f.mismatch.clone() {
                        None => view! { <span>"按记录的抽样框和种子重新计算，抽中名单一致。"</span> }.into_any(),
                        Some(m) => view! { <span class="danger">{m}</span> }.into_any(),
                    }}</dd>
                </dl>
                <ul class="findings">{f.items.into_iter().map(|i| {
                    let checklist = checklist.clone();
                    let finding_id = i.finding_id;
                    let pending = i.result.is_none() && team && open;
                    view! {
                        <li>
                            <p><strong>{format!("{}：{}", i.item, i.description)}</strong></p>
                            <p class="muted">{format!("{} · {} · {} 销号", i.unit_name, i.round_title, i.closed_on.map(|d| d.to_string()).unwrap_or_default())}</p>
                            {i.result.map(|r| view! {
                                <p class:attention=r == FollowUpResult::Relapsed>{format!("回头看：{}。{}", r.label(), i.note.clone().unwrap_or_default())}
                                    {i.new_finding_id.map(|n| view! { " "<a href=format!("/supervision/{round_id}#finding-{n}")>"本轮问题"</a> })}
                                </p>
                            })}
                            {pending.then(|| view! {
                                <details>
                                    <summary>"整改到位，未反弹"</summary>
                                    <ActionForm action=confirm attr:class="form">
                                        <input type="hidden" name="round_id" value=round_id/>
                                        <input type="hidden" name="finding_id" value=finding_id/>
                                        <label for=format!("followup_note_{finding_id}")>"核查情况"</label>
                                        <textarea id=format!("followup_note_{finding_id}") name="note" rows="2"></textarea>
                                        <button type="submit">"记录"</button>
                                    </ActionForm>
                                </details>
                                <details>
                                    <summary>"问题反弹，记录为本轮问题"</summary>
                                    <OriginFindingForm action=record round_id org_code=i.org_code.clone()
                                        origin=("followup_of_finding_id", finding_id) items=checklist.clone() chosen=i.item.clone()
                                        method=Method::HomeCheck field=format!("relapse_{finding_id}") what="反弹情况"
                                        submit="记录为本轮问题"/>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}</ul>
            }.into_any()
        }}
    }
}

/// A finding recorded from another (举一反三, 回头看): the unit and the origin are given, the checklist item is
/// chosen from `items` (fixed when there is one), with how it was found, how serious and what.
#[component]
fn OriginFindingForm(
    action: ServerAction<RecordFinding>,
    round_id: i64,
    org_code: String,
    /// The form field naming the finding it comes from, and that finding's id.
    origin: (&'static str, i64),
    items: Vec<String>,
    chosen: String,
    method: Method,
    /// The prefix of the fields' ids.
    field: String,
    /// The description's label.
    what: &'static str,
    submit: &'static str,
) -> impl IntoView {
    let value = action.value();
    view! {
        <ActionForm action attr:class="form">
            <input type="hidden" name="round_id" value=round_id/>
            <input type="hidden" name="form[org_code]" value=org_code/>
            <input type="hidden" name=format!("form[{}]", origin.0) value=origin.1/>
            {if items.len() == 1 {
                view! { <input type="hidden" name="form[item]" value=chosen/> }.into_any()
            } else {
                view! {
                    <label for=format!("{field}_item")>"督查事项"</label>
                    <select id=format!("{field}_item") name="form[item]">
                        {items.into_iter().map(|c| { let selected = c == chosen; view! { <option value=c.clone() selected=selected>{c.clone()}</option> } }).collect_view()}
                    </select>
                }.into_any()
            }}
            <label for=format!("{field}_method")>"发现方式"</label>
            <select id=format!("{field}_method") name="form[method]">
                {Method::ALL.into_iter().map(|m| view! { <option value=m.as_str() selected=m == method>{m.label()}</option> }).collect_view()}
            </select>
            <label for=format!("{field}_severity")>"问题性质"</label>
            <select id=format!("{field}_severity") name="form[severity]">
                {Severity::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            <label for=format!("{field}_description")>{what}</label>
            <textarea id=format!("{field}_description") name="form[description]" rows="2"></textarea>
            {field_error(value, "description")}
            {form_error(value)}
            <button type="submit">{submit}</button>
        </ActionForm>
    }
}
