//! 研判会议: the month's meetings in scope (held, in progress, missing), and one meeting: its header and
//! attendance, the agenda the chair shapes, a decision per item, finalising, signing, the minutes PDF.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{
    AddMeetingItem, AmendMeeting, DecideMeetingItem, DropMeetingItem, FinaliseMeeting, MoveMeetingItem, PrepareMeeting,
    RefreshMeetingAgenda, RestoreMeetingItem, SaveMeetingHeader, SendBackMeeting, SignMeeting, get_meeting,
    list_meetings,
};
use super::{DecisionForm, ItemAction, ItemView, MeetingStatus, MeetingView};
use crate::error::AppError;
use crate::refill::{RefusedInput, refill, refused_input};
use crate::ui::{ErrorBox, FileLink, action_error, count_successes, error_summary, field_error, form_error};

/// 研判会议: this month's (or the chosen month's) meetings in the caller's scope.
#[component]
pub fn MeetingsPage() -> impl IntoView {
    let query = use_query_map();
    let month = move || query.with(|q| q.get("month").unwrap_or_default());
    let overview = Resource::new(month, list_meetings);
    let prepare = ServerAction::<PrepareMeeting>::new();
    let prepared = prepare.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = prepared.get() {
            use_navigate()(&format!("/meetings/{id}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <h1>"研判会议"</h1>
            <p class="hint">"村（社区）每月由党支部书记召集村四职干部、村民小组长、驻村干部召开研判会；镇街每月由分管领导召集部门召开联席研判会。逐项落实整改部门、责任人、期限。"</p>
            {action_error(prepared)}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(o) => {
                            let shown_month = o.month.clone();
                            view! {
                                <Form method="GET" action="/meetings" attr:class="form inline">
                                    <label for="month">"月份"</label>
                                    <input id="month" name="month" type="month" value=shown_month/>
                                    <button type="submit">"查看"</button>
                                </Form>
                                {(o.missing > 0).then(|| view! {
                                    <div class="banner error" role="alert">{format!("{} 月有 {} 个单位未召开（或未签发）研判会议。", o.month, o.missing)}</div>
                                })}
                                {(o.late > 0).then(|| view! {
                                    <div class="banner warn" role="status">{format!("{} 个单位的会议记录在当月结束后才签发（逾期补签）。", o.late)}</div>
                                })}
                                <table class="list">
                                    <thead><tr><th>"单位"</th><th>"会议"</th><th>"情况"</th><th></th></tr></thead>
                                    <tbody>{o.rows.into_iter().map(|r| {
                                        let month = o.month.clone();
                                        view! {
                                            <tr>
                                                <td data-label="单位">{r.org_name.clone()}</td>
                                                <td data-label="会议">{if r.township { "镇街联席研判会" } else { "村级研判会" }}</td>
                                                <td data-label="情况" class:danger=r.missing>{match (r.status, r.missing) {
                                                    (Some(s), _) if s == MeetingStatus::Signed => format!(
                                                        "{}（{}{}）",
                                                        s.label(),
                                                        r.held_on.map(|d| d.to_string()).unwrap_or_default(),
                                                        r.signed_late.map(|d| format!("；逾期补签，{d} 签发")).unwrap_or_default(),
                                                    ),
                                                    (Some(s), true) => format!("未签发：{}", s.label()),
                                                    (Some(s), false) => s.label().to_string(),
                                                    (None, true) => "未召开".to_string(),
                                                    (None, false) => "待召开".to_string(),
                                                }}</td>
                                                <td>
                                                    <FileLink href=format!("/prints/meetings/book.pdf?unit={}&year={}", r.org_code, month.get(..4).unwrap_or_default())>"年度专本"</FileLink>" "
                                                    {match (r.meeting_id, r.may_prepare) {
                                                    (Some(id), _) => view! { <a href=format!("/meetings/{id}")>"查看"</a> }.into_any(),
                                                    (None, true) => view! {
                                                        <ActionForm action=prepare attr:class="form inline">
                                                            <input type="hidden" name="unit" value=r.org_code.clone()/>
                                                            <input type="hidden" name="month" value=month/>
                                                            <button type="submit" class="small">"准备会议（生成议题）"</button>
                                                        </ActionForm>
                                                    }.into_any(),
                                                    (None, false) => ().into_any(),
                                                }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// One meeting.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let meeting = Resource::new(id, get_meeting);
    view! {
        <section class="page">
            <p><a href="/meetings">"← 研判会议"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || { let refused = refused_input(); Suspend::new(async move {
                    let refused = refused.await;
                    match meeting.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(m) => view! { <MeetingBody m refused/> }.into_any(),
                    }
                })}}
            </Transition>
        </section>
    }
}

/// What can be done to a meeting as a whole; each action's result stays shown after the page reloads.
#[derive(Clone, Copy)]
struct MeetingActions {
    header: ServerAction<SaveMeetingHeader>,
    add: ServerAction<AddMeetingItem>,
    refresh: ServerAction<RefreshMeetingAgenda>,
    finalise: ServerAction<FinaliseMeeting>,
    sign: ServerAction<SignMeeting>,
    send_back: ServerAction<SendBackMeeting>,
    amend: ServerAction<AmendMeeting>,
}

impl MeetingActions {
    fn new() -> Self {
        MeetingActions {
            header: ServerAction::new(),
            add: ServerAction::new(),
            refresh: ServerAction::new(),
            finalise: ServerAction::new(),
            sign: ServerAction::new(),
            send_back: ServerAction::new(),
            amend: ServerAction::new(),
        }
    }

    /// Counts every action's successes in `changes`.
    fn count_into(self, changes: RwSignal<u32>) {
        let MeetingActions { header, add, refresh, finalise, sign, send_back, amend } = self;
        count_successes(header.value(), changes);
        count_successes(add.value(), changes);
        count_successes(refresh.value(), changes);
        count_successes(finalise.value(), changes);
        count_successes(sign.value(), changes);
        count_successes(send_back.value(), changes);
        count_successes(amend.value(), changes);
    }
}

/// The meeting as it stands. After every change it is read again and only what changed is drawn anew:
/// an item decided or moved, the facts, the forms the new status allows. Text typed into another item's
/// form, or into the header, stays where it is.
#[component]
fn MeetingBody(m: MeetingView, refused: Option<RefusedInput>) -> impl IntoView {
    let id = m.id;
    let township = m.township;
    let current = RwSignal::new(m);
    let reload_failed = RwSignal::new(None::<AppError>);
    let actions = MeetingActions::new();
    let changes = RwSignal::new(0u32);
    actions.count_into(changes);
    Effect::new(move |previous: Option<u32>| {
        let now = changes.get();
        if previous.is_some_and(|p| p != now) {
            leptos::task::spawn_local(async move {
                match get_meeting(id).await {
                    Ok(m) => {
                        reload_failed.set(None);
                        current.set(m);
                    }
                    Err(e) => reload_failed.set(Some(e)),
                }
            });
        }
        now
    });
    // What decides which parts are shown: each changes rarely, and only a change redraws its part.
    let may_edit = Memo::new(move |_| current.with(|m| m.may_edit));
    let items = move || {
        let editable = may_edit.get();
        current.with(|m| m.items.iter().map(|i| (editable, i.clone())).collect::<Vec<_>>())
    };
    view! {
        {move || reload_failed.get().map(|e| view! { <ErrorBox error=e/> })}
        <h1>{move || current.with(|m| m.heading())}</h1>
        <p class="actions">
            <span class="badge">{move || current.with(|m| m.status.label())}</span>
            <FileLink class="button" href=format!("/prints/meetings/{id}/minutes.pdf")>"打印会议记录（PDF）"</FileLink>
        </p>
        {move || current.with(|m| (!m.sent_back_reason.is_empty()).then(|| view! {
            <div class="banner warn" role="alert">{format!("主持人退回修改：{}。改好后由记录人重新定稿。", m.sent_back_reason)}</div>
        }))}
        {move || current.with(|m| view! { <MeetingFacts m=m.clone()/> })}
        <Show when=move || may_edit.get()>
            {move || current.with_untracked(|m| view! { <HeaderEditor m=m.clone() header=actions.header/> })}
        </Show>
        <h2>"议题"</h2>
        <Show when=move || may_edit.get()>
            <RefreshAgendaForm id refresh=actions.refresh/>
        </Show>
        <Show when=move || current.with(|m| m.items.is_empty())>
            <p class="muted">"本月没有系统生成的议题，可由主持人增加。"</p>
        </Show>
        <ol class="agenda">
            <For
                each=items
                key=|(editable, item)| (*editable, item.clone())
                children=move |(editable, item)| {
                    let refilled = refill::<DecideMeetingItem>(&refused).map(|d| d.form).filter(|f| f.item_id == item.id);
                    view! { <AgendaItem meeting_id=id item township editable changes refilled/> }
                }
            />
        </ol>
        <Show when=move || may_edit.get()>
            <AddItemForm id add=actions.add/>
        </Show>
        <SignOff id current may_edit actions/>
    }
}

/// The chair's button that adds to the agenda what came up after the meeting was prepared, and what it added.
#[component]
fn RefreshAgendaForm(id: i64, refresh: ServerAction<RefreshMeetingAgenda>) -> impl IntoView {
    view! {
        <ActionForm action=refresh attr:class="form inline">
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="small">"更新议题（加入准备后的新情况）"</button>
            {move || match refresh.value().get() {
                Some(Ok(0)) => view! { <span class="hint">"没有新的情况需要列入。"</span> }.into_any(),
                Some(Ok(n)) => view! { <span class="hint">{format!("已在末尾加入 {n} 个新议题。")}</span> }.into_any(),
                _ => ().into_any(),
            }}
            {action_error(refresh.value())}
        </ActionForm>
    }
}

/// The folded form adding an item of the chair's own to the agenda.
#[component]
fn AddItemForm(id: i64, add: ServerAction<AddMeetingItem>) -> impl IntoView {
    view! {
        <details class="editor">
            <summary>"增加议题"</summary>
            <ActionForm action=add attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="new_title">"议题"</label>
                <input id="new_title" name="title"/>
                {field_error(add.value(), "title")}
                <label for="new_facts">"情况（可空）"</label>
                <textarea id="new_facts" name="facts" rows="2"></textarea>
                {form_error(add.value())}
                <button type="submit">"增加"</button>
            </ActionForm>
        </details>
    }
}

/// The meeting's way to a signed record: the recorder finalises, the chair signs or sends it back, and a
/// signed record shows its addenda and takes new ones. Each part shows while the meeting's status allows it.
#[component]
fn SignOff(id: i64, current: RwSignal<MeetingView>, may_edit: Memo<bool>, actions: MeetingActions) -> impl IntoView {
    let MeetingActions { finalise, sign, send_back, amend, .. } = actions;
    let may_finalise = Memo::new(move |_| current.with(|m| m.may_finalise));
    let may_sign = Memo::new(move |_| current.with(|m| m.may_sign));
    let may_amend = Memo::new(move |_| current.with(|m| m.may_amend));
    let signed = Memo::new(move |_| current.with(|m| m.status == MeetingStatus::Signed));
    view! {
        <Show
            when=move || may_finalise.get()
            fallback=move || may_edit.get().then(|| {
                let who = current.with(|m| m.recorder.clone())
                    .map_or_else(|| "记录人（请先在会议信息中指定）".to_string(), |r| format!("记录人{r}"));
                view! { <p class="hint">{format!("全部议题研判完毕后，由{who}定稿，再交主持人签发。")}</p> }
            })
        >
            <ActionForm action=finalise attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <p class="hint">"全部议题研判完毕后，由您（记录人）定稿；定稿后交主持人签发，签发后记录锁定。"</p>
                {action_error(finalise.value())}
                <button type="submit" class="primary">"记录定稿"</button>
            </ActionForm>
        </Show>
        <Show when=move || may_sign.get()>
            <ActionForm action=sign attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <p class="hint">"签发后会议记录不能再修改，只能追加补充说明。"</p>
                {action_error(sign.value())}
                <button type="submit" class="primary">"主持人签发"</button>
            </ActionForm>
            <details class="editor">
                <summary>"记录有误，退回记录人修改"</summary>
                <ActionForm action=send_back attr:class="form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label for="send_back_reason">"退回原因"</label>
                    <textarea id="send_back_reason" name="reason" rows="2"></textarea>
                    {field_error(send_back.value(), "reason")}
                    {form_error(send_back.value())}
                    <button type="submit">"退回修改"</button>
                </ActionForm>
            </details>
        </Show>
        <Show when=move || signed.get()>
            <h2>"补充说明"</h2>
            {move || current.with(|m| if m.addenda.is_empty() {
                view! { <p class="muted">"暂无补充说明。"</p> }.into_any()
            } else {
                view! { <ul>{m.addenda.iter().map(|a| view! { <li>{format!("{} {}：{}", a.at, a.by, a.text)}</li> }).collect_view()}</ul> }.into_any()
            })}
        </Show>
        <Show when=move || may_amend.get()>
            <ActionForm action=amend attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="meeting_addendum">"追加补充说明（注明日期和补充人，保存后不能修改）"</label>
                <textarea id="meeting_addendum" name="text" rows="2"></textarea>
                {field_error(amend.value(), "text")}
                {form_error(amend.value())}
                <button type="submit">"追加"</button>
            </ActionForm>
        </Show>
    }
}

/// Date, place, people and the count of items decided.
#[component]
fn MeetingFacts(m: MeetingView) -> impl IntoView {
    let present: Vec<String> = m.attendance.iter().filter(|a| a.present).map(|a| a.name.clone()).collect();
    let absent: Vec<String> =
        m.attendance.iter().filter(|a| !a.present).map(|a| format!("{}（{}）", a.name, a.reason)).collect();
    let kept = m.items.iter().filter(|i| !i.dropped).count();
    let decided = m.items.iter().filter(|i| !i.dropped && i.decided).count();
    view! {
        <dl class="facts">
            <dt>"时间"</dt><dd>{m.held_on.map(|d| d.to_string()).unwrap_or_else(|| "未填写".into())}</dd>
            <dt>"地点"</dt><dd>{if m.place.is_empty() { "未填写".to_string() } else { m.place.clone() }}</dd>
            <dt>"主持人"</dt><dd>{m.chair.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"记录人"</dt><dd>{m.recorder.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"出席"</dt><dd>{if present.is_empty() { "—".to_string() } else { present.join("、") }}</dd>
            <dt>"缺席"</dt><dd>{if absent.is_empty() { "无".to_string() } else { absent.join("、") }}</dd>
            <dt>"列席"</dt><dd>{if m.guests.is_empty() { "无".to_string() } else { m.guests.clone() }}</dd>
            <dt>"议题"</dt><dd>{format!("{kept} 项，已研判 {decided} 项")}</dd>
            {m.signed_at.clone().map(|at| view! { <dt>"签发"</dt><dd>{at}</dd> })}
        </dl>
    }
}

/// Date, place, recorder, attendance and guests, as saved when the form was drawn.
#[component]
fn HeaderEditor(m: MeetingView, header: ServerAction<SaveMeetingHeader>) -> impl IntoView {
    let value = header.value();
    let id = m.id;
    view! {
        <details class="editor" open=m.held_on.is_none()>
            <summary>"会议时间、地点和参会人员"</summary>
            <ActionForm action=header attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="held_on">"会议日期"</label>
                <input id="held_on" name="form[held_on]" type="date" value=m.held_on.map(|d| d.to_string()).unwrap_or_default()/>
                {field_error(value, "held_on")}
                <label for="place">"地点"</label>
                <input id="place" name="form[place]" value=m.place.clone()/>
                {field_error(value, "place")}
                <label for="recorder">"记录人"</label>
                <select id="recorder" name="form[recorder]">
                    <option value="">"请选择"</option>
                    {m.recorders.iter().map(|a| view! {
                        <option value=a.user_id.to_string() selected=m.recorder_user_id == Some(a.user_id)>{format!("{}（{}）", a.name, a.role)}</option>
                    }).collect_view()}
                </select>
                {field_error(value, "recorder")}
                <fieldset class="checklist-item">
                    <legend>"应参会人员"</legend>
                    {m.attendance.iter().map(|a| view! {
                        <label>{format!("{}（{}）", a.name, a.role)}
                            <select name=format!("form[marks][{}]", a.user_id)>
                                <option value="present" selected=a.present>"出席"</option>
                                <option value="absent" selected=!a.present>"缺席"</option>
                            </select>
                        </label>
                        <input name=format!("form[reasons][{}]", a.user_id) placeholder="缺席原因" value=a.reason.clone()/>
                    }).collect_view()}
                </fieldset>
                {field_error(value, "reasons")}
                <label for="guests">"列席人员（可空）"</label>
                <input id="guests" name="form[guests]" value=m.guests.clone()/>
                {form_error(value)}
                <button type="submit" class="primary">"保存"</button>
            </ActionForm>
        </details>
    }
}

/// One agenda item: its facts, the decision, and (while editable) the forms to move, drop and decide it.
/// The decision form shows the item's decision, or what was typed into it when a plain post of it was
/// refused (`refilled`).
#[component]
fn AgendaItem(
    meeting_id: i64,
    item: ItemView,
    township: bool,
    editable: bool,
    changes: RwSignal<u32>,
    refilled: Option<DecisionForm>,
) -> AnyView {
    let decide = ServerAction::<DecideMeetingItem>::new();
    let drop = ServerAction::<DropMeetingItem>::new();
    let restore = ServerAction::<RestoreMeetingItem>::new();
    let shift = ServerAction::<MoveMeetingItem>::new();
    count_successes(decide.value(), changes);
    count_successes(drop.value(), changes);
    count_successes(restore.value(), changes);
    count_successes(shift.value(), changes);
    let item_id = item.id;
    // A decision that acted outside the meeting keeps its item on the agenda.
    let carried_out = super::carried_out(item.decided, item.action, item.result_case_id);
    view! {
        <li class:dropped=item.dropped>
            <p class="who">{item.title.clone()}" "<span class="badge">{item.kind.label()}</span>" "<span class="badge">{item.state_label()}</span></p>
            <p class="muted">{item.facts.clone()}
                {item.case_id.map(|id| view! { " "<a href=format!("/cases/{id}")>{format!("案件 {id}")}</a> })}
                {item.household_code.clone().map(|code| view! { " "<a href=format!("/households/{code}")>"农户"</a> })}</p>
            {item.dropped.then(|| view! { <p class="danger">{format!("不列入研判：{}", item.drop_reason)}</p> })}
            {item.decided.then(|| view! {
                <p>{format!("分析：{}", item.analysis)}</p>
                <p><strong>{format!("决定：{}", item.decision)}</strong>
                    {item.action.map(|a| format!("（{}）", a.label()))}</p>
                {(!item.department.is_empty()).then(|| view! {
                    <p>{format!("整改部门：{}；责任人：{}；期限：{}{}", item.department, item.responsible_person,
                        item.deadline.map(|d| d.to_string()).unwrap_or_default(),
                        item.owner_name.clone().map(|o| format!("；案件责任人：{o}")).unwrap_or_default())}</p>
                })}
                {item.result_case_id.map(|id| view! { <p><a href=format!("/cases/{id}")>{format!("已立案：案件 {id}")}</a></p> })}
            })}
            {(editable && item.dropped).then(|| view! {
                <ActionForm action=restore attr:class="form inline">
                    <input type="hidden" name="id" value=meeting_id.to_string()/>
                    <input type="hidden" name="item_id" value=item_id.to_string()/>
                    <button type="submit" class="small">"恢复为议题"</button>
                    {action_error(restore.value())}
                </ActionForm>
            })}
            {(editable && !item.dropped).then(|| view! {
                <div class="actions">
                    <ActionForm action=shift attr:class="form inline">
                        <input type="hidden" name="id" value=meeting_id.to_string()/>
                        <input type="hidden" name="item_id" value=item_id.to_string()/>
                        <input type="hidden" name="direction" value="up"/>
                        <button type="submit" class="small">"上移"</button>
                    </ActionForm>
                    <ActionForm action=shift attr:class="form inline">
                        <input type="hidden" name="id" value=meeting_id.to_string()/>
                        <input type="hidden" name="item_id" value=item_id.to_string()/>
                        <input type="hidden" name="direction" value="down"/>
                        <button type="submit" class="small">"下移"</button>
                    </ActionForm>
                    {action_error(shift.value())}
                </div>
                <DecisionEditor meeting_id item=item.clone() township refilled decide/>
                {(!carried_out).then(|| view! { <DropItemForm meeting_id item_id drop/> })}
            })}
        </li>
    }
    // Type-erased: nested in the page's view, the item's full type is deeper than the compiler's query limit.
    .into_any()
}

/// The ways of carrying out a decision on `item` its form offers: a recorded appraisal keeps its outcome, a
/// township meeting has no one to escalate to, a case is opened for a household without one and updated where
/// there is one, and only an appraisal item passes or fails.
fn offered_actions(item: &ItemView, township: bool) -> Vec<ItemAction> {
    let appraisal = item.kind == super::ItemKind::Appraisal;
    let appraised = super::appraisal_recorded(item.decided, item.action);
    ItemAction::ALL
        .into_iter()
        .filter(|a| !appraised || Some(*a) == item.action)
        .filter(|a| match a {
            ItemAction::Note => true,
            ItemAction::Escalate => !township,
            ItemAction::OpenCase => !appraisal && item.case_id.is_none() && item.household_code.is_some(),
            ItemAction::UpdateCase => item.case_id.is_some() || item.result_case_id.is_some(),
            ItemAction::AppraisalPassed | ItemAction::AppraisalFailed => appraisal,
        })
        .collect()
}

/// The decision form as the item's saved decision fills it; an undecided item about a case updates the case.
fn saved_decision(item: &ItemView) -> DecisionForm {
    let current = item.action.unwrap_or(if item.case_id.is_some() { ItemAction::UpdateCase } else { ItemAction::Note });
    DecisionForm {
        item_id: item.id,
        analysis: item.analysis.clone(),
        decision: item.decision.clone(),
        action: current.as_str().to_string(),
        department: item.department.clone(),
        responsible_person: item.responsible_person.clone(),
        deadline: item.deadline.map(|d| d.to_string()).unwrap_or_default(),
        owner_user_id: item.owner_user_id.map(|id| id.to_string()).unwrap_or_default(),
        case_step: String::new(),
    }
}

/// The form deciding one agenda item (open until it is decided): the analysis, the decision, how it is
/// carried out and the case step taken with it, who rectifies by when, and the case's owner. It shows the
/// saved decision, or `refilled`.
#[component]
fn DecisionEditor(
    meeting_id: i64,
    item: ItemView,
    township: bool,
    refilled: Option<DecisionForm>,
    decide: ServerAction<DecideMeetingItem>,
) -> impl IntoView {
    let value = decide.value();
    let item_id = item.id;
    let actions = offered_actions(&item, township);
    let f = refilled.unwrap_or_else(|| saved_decision(&item));
    let field_id = move |field: &str| format!("item{item_id}-{field}");
    view! {
        <details class="editor" open=!item.decided>
            <summary>{if item.decided { "修改研判决定" } else { "研判" }}</summary>
            <ActionForm action=decide attr:class="form">
                <input type="hidden" name="id" value=meeting_id.to_string()/>
                <input type="hidden" name="form[item_id]" value=item_id.to_string()/>
                {error_summary(value, field_id)}
                <label>"情况分析"<textarea id=field_id("analysis") name="form[analysis]" rows="2">{f.analysis.clone()}</textarea></label>
                {field_error(value, "analysis")}
                <label>"研判决定"<textarea id=field_id("decision") name="form[decision]" rows="2">{f.decision.clone()}</textarea></label>
                {field_error(value, "decision")}
                <label>"处理方式"
                    <select id=field_id("action") name="form[action]">
                        {actions.iter().map(|a| view! { <option value=a.as_str() selected=a.as_str() == f.action>{a.label()}</option> }).collect_view()}
                    </select>
                </label>
                {field_error(value, "action")}
                {(item.case_id.is_some() || item.result_case_id.is_some()).then(|| view! {
                    <label>"同时办理案件步骤（仅“更新案件”时，可空）"
                        <select id=field_id("case_step") name="form[case_step]">
                            <option value="">"不办理"</option>
                            {super::CASE_STEPS.iter().map(|code| view! {
                                <option value=*code selected=*code == f.case_step>{crate::cases::lifecycle::action_label(code)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
                {field_error(value, "case_step")}
                <label>"整改部门"<input id=field_id("department") name="form[department]" value=f.department.clone()/></label>
                {field_error(value, "department")}
                <label>"责任人"<input id=field_id("responsible_person") name="form[responsible_person]" value=f.responsible_person.clone()/></label>
                {field_error(value, "responsible_person")}
                <label>"整改期限"<input id=field_id("deadline") name="form[deadline]" type="date" value=f.deadline.clone()/></label>
                {field_error(value, "deadline")}
                <label>"案件责任人（可空：不变，新案件为该户监测联系人）"
                    <select id=field_id("owner_user_id") name="form[owner_user_id]">
                        <option value="">"—"</option>
                        {item.owners.iter().map(|o| view! { <option value=o.user_id.to_string() selected=f.owner_user_id == o.user_id.to_string()>{o.label.clone()}</option> }).collect_view()}
                    </select>
                </label>
                {field_error(value, "owner_user_id")}
                <button type="submit" class="primary" disabled=move || decide.pending().get()>"保存研判决定"</button>
            </ActionForm>
        </details>
    }
}

/// The folded form taking an item off the agenda, with the reason.
#[component]
fn DropItemForm(meeting_id: i64, item_id: i64, drop: ServerAction<DropMeetingItem>) -> impl IntoView {
    view! {
        <details class="editor">
            <summary>"不列入研判"</summary>
            <ActionForm action=drop attr:class="form">
                <input type="hidden" name="id" value=meeting_id.to_string()/>
                <input type="hidden" name="item_id" value=item_id.to_string()/>
                <label>"原因"<input name="reason"/></label>
                {field_error(drop.value(), "reason")}
                {form_error(drop.value())}
                <button type="submit" class="small">"不列入"</button>
            </ActionForm>
        </details>
    }
}
