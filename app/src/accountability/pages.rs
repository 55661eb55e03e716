//! 问责 pages: for the discipline team, what went wrong in an area and a period — the candidates from the record
//! with every fact linked and the exemption explained — to dismiss with a reason or to open a record from; the
//! records anyone concerned sees; one record with its basis, its steps and the forms of the steps the caller may take.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{
    DismissCandidate, OpenRecord, TakeRecordStep, get_candidates, get_record, list_records, record_subjects,
};
use super::{CandidateView, Measure, RecordView};
use crate::permissions::Action;
use crate::ui::{ErrorBox, action_error, caller_may, count_successes, field_error, form_error};

/// `/accountability`: the candidates (for the discipline team) and the records.
#[component]
pub fn AccountabilityPage() -> impl IntoView {
    let query = use_query_map();
    let manages = caller_may(Action::ManageAccountability);
    // Empty: the server's defaults (the caller's first area, this half-year).
    let period = move || {
        query.with(|q| {
            (q.get("area").unwrap_or_default(), q.get("from").unwrap_or_default(), q.get("to").unwrap_or_default())
        })
    };
    let dismiss = ServerAction::<DismissCandidate>::new();
    let open = ServerAction::<OpenRecord>::new();
    let changes = RwSignal::new(0u32);
    count_successes(dismiss.value(), changes);
    let opened = open.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = opened.get() {
            use_navigate()(&format!("/accountability/records/{id}"), Default::default());
        }
    });
    let candidates = Resource::new(
        move || (period(), changes.get()),
        move |((area, from, to), _)| async move { if manages { Some(get_candidates(area, from, to).await) } else { None } },
    );
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let records = Resource::new(move || (status(), changes.get()), |(status, _)| list_records(status));
    view! {
        <section class="page">
            <h1>"问责"</h1>
            <p class="hint">{if manages {
                "依据系统记录提出问责候选事项：研判会议、走访、风险案件办理和督查、交叉检查发现的问题。本单位自查发现并按期解决的问题不计入。每一项都可点开核对事实。"
            } else {
                "与本单位、本人有关的问责记录。收到问责告知的，请在申辩期限内提交申辩意见。"
            }}</p>
            {manages.then(|| view! {
                {action_error(dismiss.value())}
                {action_error(open.value())}
                <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                    {move || Suspend::new(async move {
                        match candidates.await {
                            None => ().into_any(),
                            Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                            Some(Ok(c)) => view! {
                                <form class="form inline" method="get" action="/accountability">
                                    <label for="acc_area">"单位"</label>
                                    <select id="acc_area" name="area">
                                        {c.areas.iter().map(|u| view! { <option value=u.code.clone() selected=u.code == c.area.code>{u.name.clone()}</option> }).collect_view()}
                                    </select>
                                    <label for="acc_from">"自"</label>
                                    <input id="acc_from" name="from" type="month" value=c.from.clone()/>
                                    <label for="acc_to">"至"</label>
                                    <input id="acc_to" name="to" type="month" value=c.to.clone()/>
                                    <button type="submit">"查看"</button>
                                </form>
                                {if c.candidates.is_empty() {
                                    view! { <p class="muted">{format!("{}在 {} 至 {} 没有需要问责的事项。", c.area.name, c.from, c.to)}</p> }.into_any()
                                } else {
                                    view! {
                                        <h2>{format!("候选事项（{}，{} 至 {}）", c.area.name, c.from, c.to)}</h2>
                                        <ul class="cards">{c.candidates.into_iter().map(|x| view! { <Candidate c=x dismiss open/> }).collect_view()}</ul>
                                    }.into_any()
                                }}
                            }.into_any(),
                        }
                    })}
                </Transition>
            })}
            <h2>"问责记录"</h2>
            <nav class="tabs">
                <a href="/accountability" class:active=move || status().is_empty()>"全部"</a>
                <a href="/accountability?status=open" class:active=move || status() == "open">"办理中"</a>
                <a href="/accountability?status=decided" class:active=move || status() == "decided">"已决定"</a>
                <a href="/assessments">"年度考核"</a>
            </nav>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match records.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"暂无问责记录。"</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="list">
                                <thead><tr><th>"问责事项"</th><th>"单位"</th><th>"对象"</th><th>"状态"</th><th>"问责方式"</th><th>"立案日期"</th></tr></thead>
                                <tbody>{list.into_iter().map(|r| view! {
                                    <tr>
                                        <td data-label="问责事项"><a href=format!("/accountability/records/{}", r.id)>{r.title}</a></td>
                                        <td data-label="单位">{r.unit}</td>
                                        <td data-label="对象">{r.subject.unwrap_or_else(|| "单位".into())}</td>
                                        <td data-label="状态">{r.status_label}</td>
                                        <td data-label="问责方式">{r.measure_label.unwrap_or_else(|| "—".into())}</td>
                                        <td data-label="立案日期">{r.opened_on.to_string()}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One candidate: its facts with their verdicts, and what the team may do with it.
#[component]
fn Candidate(
    c: CandidateView,
    dismiss: ServerAction<DismissCandidate>,
    open: ServerAction<OpenRecord>,
) -> impl IntoView {
    let field = format!("reason_{}", c.key.replace(':', "_"));
    let handled = c.dismissed.is_some() || c.record_id.is_some();
    let (open_key, dismiss_key) = (c.key.clone(), c.key.clone());
    view! {
        <li class="card">
            <p><strong>{format!("{}：{}", c.unit.name, c.kind_label)}</strong>
                {format!("　计 {} 项{}", c.counted, if c.exempt > 0 { format!("，另有 {} 项按规定不计", c.exempt) } else { String::new() })}</p>
            <ul>{c.facts.into_iter().map(|f| {
                let exempt = f.verdict.as_ref().is_some_and(|v| !v.counted);
                view! {
                <li class:muted=exempt>
                    <a href=f.link>{f.text}</a>
                    {f.verdict.map(|v| view! { <span class="hint">{format!("　{}", v.reason)}</span> })}
                </li>
            }}).collect_view()}</ul>
            {c.dismissed.clone().map(|d| view! { <p class="muted">{format!("不予问责：{d}")}</p> })}
            {c.record_id.map(|id| view! { <p><a href=format!("/accountability/records/{id}")>{format!("已立问责记录 {id}")}</a></p> })}
            {(!handled).then(|| view! {
                <div class="actions">
                    <OpenForm key=open_key unit=c.unit.code.clone() open/>
                    <details>
                        <summary>"不予问责"</summary>
                        <ActionForm action=dismiss attr:class="form">
                            <input type="hidden" name="form[candidate_key]" value=dismiss_key/>
                            <label for=field.clone()>"理由"</label>
                            <input id=field name="form[reason]"/>
                            {field_error(dismiss.value(), "reason")}
                            <button type="submit">"确认不予问责"</button>
                        </ActionForm>
                    </details>
                </div>
            })}
        </li>
    }
}

/// Opening a record from a candidate: the subject is the unit, or a person of it chosen from its people (listed
/// once the form is opened).
#[component]
fn OpenForm(key: String, unit: String, open: ServerAction<OpenRecord>) -> impl IntoView {
    let shown = RwSignal::new(false);
    let people = Resource::new(
        move || shown.get().then(|| unit.clone()),
        |unit| async move {
            match unit {
                Some(unit) => record_subjects(unit).await.unwrap_or_default(),
                None => Vec::new(),
            }
        },
    );
    let field = format!("subject_{}", key.replace(':', "_"));
    view! {
        <details on:toggle=move |_| shown.set(true)>
            <summary class="button primary">"立问责记录"</summary>
            <ActionForm action=open attr:class="form">
                <input type="hidden" name="form[candidate_key]" value=key/>
                <label for=field.clone()>"问责对象"</label>
                <select id=field name="form[subject_user_id]">
                    <option value="">"本单位（书记或主要负责人申辩）"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            people.await.into_iter().map(|p| view! { <option value=p.user_id>{p.label}</option> }).collect_view()
                        })}
                    </Transition>
                </select>
                {field_error(open.value(), "subject_user_id")}
                <button type="submit" class="primary">"确认立案"</button>
            </ActionForm>
        </details>
    }
}

/// `/accountability/records/:id`: a record, its basis, its steps and the forms of the steps the caller may take.
#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let take = ServerAction::<TakeRecordStep>::new();
    let changes = RwSignal::new(0u32);
    count_successes(take.value(), changes);
    let record = Resource::new(move || (id(), changes.get()), |(id, _)| get_record(id));
    view! {
        <section class="page">
            <p><a href="/accountability">"← 问责"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(r) => view! { <RecordBody r take/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RecordBody(r: RecordView, take: ServerAction<TakeRecordStep>) -> impl IntoView {
    let value = take.value();
    let steps = r.steps.clone();
    let has = move |code: &str| steps.iter().any(|s| s == code);
    let form = move |step: &'static str, label: &'static str, button: &'static str, measure: bool| {
        let id = r.id;
        view! {
            <ActionForm action=take attr:class="form">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="form[step]" value=step/>
                {measure.then(|| view! {
                    <label for=format!("{step}_measure")>"问责方式"</label>
                    <select id=format!("{step}_measure") name="form[measure]">
                        <option value="">"请选择"</option>
                        {Measure::ALL.into_iter().map(|m| view! { <option value=m.as_str()>{m.label()}{m.needs_approval().then_some("（报县级审批）")}</option> }).collect_view()}
                    </select>
                })}
                <label for=format!("{step}_text")>{label}</label>
                <textarea id=format!("{step}_text") name="form[text]" rows="3"></textarea>
                <button type="submit" class="primary">{button}</button>
            </ActionForm>
        }
    };
    view! {
        <h1>{r.title.clone()}</h1>
        <dl class="facts">
            <dt>"单位"</dt><dd>{r.unit.name.clone()}</dd>
            <dt>"对象"</dt><dd>{r.subject.clone().unwrap_or_else(|| "单位".into())}</dd>
            <dt>"事项"</dt><dd>{r.kind_label.clone()}</dd>
            <dt>"状态"</dt><dd>{r.status_label.clone()}</dd>
            <dt>"问责方式"</dt><dd>{r.measure.map(|m| m.label()).unwrap_or("—")}</dd>
            <dt>"申辩期限"</dt><dd>{r.statement_due.to_string()}</dd>
            <dt>"申辩意见"</dt><dd>{r.statement.clone().unwrap_or_else(|| "尚未提交".into())}</dd>
            {r.talk.clone().map(|t| view! {
                <dt>"约谈"</dt><dd>{format!("{}，参加：{}", t.on, t.participants)}</dd>
                <dt>"约谈内容"</dt><dd>{t.content}</dd>
                <dt>"后续要求"</dt><dd>{if t.follow_up.is_empty() { "—".to_string() } else { t.follow_up }}</dd>
            })}
        </dl>
        {matches!(r.status, super::RecordStatus::Decided | super::RecordStatus::Revoked).then(|| view! {
            <p class="actions"><crate::ui::FileLink class="button primary" href=format!("/prints/accountability/{}/decision.pdf", r.id)>
                {if r.measure == Some(Measure::Talk) { "打印约谈记录（PDF）" } else { "打印问责决定书（PDF）" }}</crate::ui::FileLink></p>
        })}
        <h2>"问责依据（系统记录）"</h2>
        <ul>{r.basis.iter().cloned().map(|f| view! {
            <li><a href=f.link>{f.text}</a>{f.verdict.map(|v| view! { <span class="hint">{format!("　{}", v.reason)}</span> })}</li>
        }).collect_view()}</ul>
        <h2>"办理过程"</h2>
        <ol>{r.events.iter().map(|e| view! {
            <li>{format!("{} {} {}：{}{}", crate::time::beijing_time(e.at), e.actor, e.step_label, e.status_label,
                e.measure_label.clone().map(|m| format!("（{m}）")).unwrap_or_default())}
                {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}</li>
        }).collect_view()}</ol>
        {form_error(value)}
        {field_error(value, "text")}
        {field_error(value, "note")}
        {field_error(value, "reason")}
        {field_error(value, "measure")}
        {has("state").then(|| form("state", "申辩意见", "提交申辩", false))}
        {has("review").then(|| form("review", "审查意见", "审查完毕", false))}
        {has("decide").then(|| form("decide", "决定的事实和理由", "作出决定", true))}
        {has("approve").then(|| form("approve", "审批意见（可空）", "同意", false))}
        {has("reject").then(|| form("reject", "退回的理由", "退回", false))}
        {has("correct").then(|| form("correct", "更正的理由", "更正决定", true))}
        {has("revoke").then(|| form("revoke", "撤销的理由", "撤销决定", false))}
        {has("talk").then(|| view! {
            <ActionForm action=take attr:class="form">
                <input type="hidden" name="id" value=r.id/>
                <input type="hidden" name="form[step]" value="talk"/>
                <h2>"记录约谈"</h2>
                <label for="talk_on">"约谈日期"</label>
                <input id="talk_on" name="form[talk_on]" type="date"/>
                {field_error(value, "talk_on")}
                <label for="talk_participants">"参加人员"</label>
                <input id="talk_participants" name="form[talk_participants]" placeholder="例如：县纪委朱明、村党支部书记赵琳"/>
                {field_error(value, "talk_participants")}
                <label for="talk_text">"约谈内容"</label>
                <textarea id="talk_text" name="form[text]" rows="3"></textarea>
                <label for="talk_follow_up">"后续要求（可空）"</label>
                <textarea id="talk_follow_up" name="form[talk_follow_up]" rows="2"></textarea>
                <button type="submit" class="primary">"保存约谈记录"</button>
            </ActionForm>
        })}
    }
}
