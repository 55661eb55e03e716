//! A round's findings on its page: recording one in the field (phone-first: a short form of choices), and
//! each finding's card with its evidence, hand-over, re-check and carry-over.

use leptos::prelude::*;

use super::api::{CarryOver, HandOver, RecheckFinding, RecordFinding};
use super::{FindingStatus, FindingView, Method, RoundView, Severity};
use crate::evidence::pages::{EvidenceSection, ShownOn};
use crate::ui::{field_error, form_error};

/// The actions on findings, shared by every finding card.
#[derive(Clone, Copy)]
pub struct Actions {
    pub hand_over: ServerAction<HandOver>,
    pub recheck: ServerAction<RecheckFinding>,
    pub carry: ServerAction<CarryOver>,
    /// Counts the page's successful changes (the page reloads its data on it).
    pub changes: RwSignal<u32>,
}

/// Recording a finding in the field: unit, item, how found, how serious, what, when; on the spot or not.
#[component]
pub fn FindingEntry(
    r: RoundView,
    record: ServerAction<RecordFinding>,
    typed: Option<super::FindingForm>,
) -> impl IntoView {
    let value = record.value();
    let t = typed.unwrap_or_default();
    view! {
        <details class="editor" open=true>
            <summary>"记录发现的问题"</summary>
            <ActionForm action=record attr:class="form">
                <input type="hidden" name="round_id" value=r.summary.id/>
                <label for="f_unit">"问题所在单位"</label>
                <select id="f_unit" name="form[org_code]">
                    {r.unit_options.iter().cloned().map(|u| { let selected = u.code == t.org_code; view! { <option value=u.code selected=selected>{u.name}</option> } }).collect_view()}
                </select>
                {field_error(value, "org_code")}
                <label for="f_household">"户编号（针对某户时填写）"</label>
                <input id="f_household" name="form[household]" inputmode="numeric" value=t.household.clone()/>
                {field_error(value, "household")}
                <label for="f_item">"督查事项"</label>
                <select id="f_item" name="form[item]">
                    {r.checklist.iter().map(|c| { let selected = c.item == t.item; view! { <option value=c.item.clone() selected=selected>{c.item.clone()}</option> } }).collect_view()}
                </select>
                {field_error(value, "item")}
                <label for="f_method">"发现方式"</label>
                <select id="f_method" name="form[method]">
                    {Method::ALL.into_iter().map(|m| view! { <option value=m.as_str() selected=t.method == m.as_str()>{m.label()}</option> }).collect_view()}
                </select>
                {field_error(value, "method")}
                <label for="f_severity">"问题性质"</label>
                <select id="f_severity" name="form[severity]">
                    {Severity::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=t.severity == s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                {field_error(value, "severity")}
                <label for="f_description">"问题描述"</label>
                <textarea id="f_description" name="form[description]" rows="3">{t.description.clone()}</textarea>
                {field_error(value, "description")}
                <label for="f_found_on">"发现日期（不填为今天）"</label>
                <input id="f_found_on" name="form[found_on]" type="date" value=t.found_on.clone()/>
                {field_error(value, "found_on")}
                <label class="check"><input type="checkbox" name="form[on_spot]" checked=t.on_spot.is_some()/>" 立行立改（当场已整改）"</label>
                <label for="f_on_spot">"当场如何整改"</label>
                <input id="f_on_spot" name="form[on_spot_action]" value=t.on_spot_action.clone()/>
                {field_error(value, "on_spot_action")}
                <label for="f_self">"单位此前已自查登记的案件编号（如有）"</label>
                <input id="f_self" name="form[self_found_case_id]" inputmode="numeric" value=t.self_found_case_id.clone()/>
                {field_error(value, "self_found_case_id")}
                {form_error(value)}
                {move || matches!(value.get(), Some(Ok(_))).then(|| view! { <div class="banner ok">"已记录。"</div> })}
                <button type="submit" class="primary">"记录问题"</button>
            </ActionForm>
        </details>
    }
}

/// One finding: what, where, how it stands, and what the caller may do with it next.
#[component]
pub fn FindingCard(
    f: FindingView,
    team: bool,
    may_manage: bool,
    round_status: super::RoundStatus,
    actions: Actions,
) -> impl IntoView {
    let id = f.id;
    let rectifying = round_status == super::RoundStatus::Rectifying;
    let may_attach = team && round_status != super::RoundStatus::Completed;
    let shown_on = ShownOn { required: true, default: Some(f.found_on), not_before: None };
    let subject = match (&f.household_code, &f.household_head) {
        (Some(code), Some(head)) => format!("{}，{head}户（{code}）", f.unit_name),
        _ => f.unit_name.clone(),
    };
    view! {
        <li id=format!("finding-{id}")>
            <p><strong>{format!("{}：{}", f.item, f.description)}</strong></p>
            <p class="muted">{format!("{} · {} · {} · {} 发现", subject, f.method_label, f.severity_label, f.found_on)}</p>
            <p>
                <span class:attention=f.overdue>{f.status_label.clone()}</span>
                {f.case_id.map(|c| view! { " · "<a href=format!("/cases/{c}")>{format!("整改案件 #{c}")}</a> })}
                {f.owner_name.clone().map(|o| format!(" · 责任人 {o}"))}
                {f.deadline.map(|d| format!(" · 期限 {d}"))}
                {f.overdue.then_some("（已逾期）")}
            </p>
            {f.on_spot_action.clone().map(|a| view! { <p>{format!("立行立改：{a}")}</p> })}
            {f.self_found_case_id.map(|c| view! { <p>"单位此前已自查发现："<a href=format!("/cases/{c}")>{format!("案件 #{c}")}</a></p> })}
            {f.carried_over_reason.clone().map(|r| view! { <p>{format!("结转理由：{r}")}</p> })}
            {f.prompted_by_finding_id.map(|p| view! { <p class="muted">"举一反三发现（"<a href=format!("#finding-{p}")>"原问题"</a>"）"</p> })}
            {f.followup_of_finding_id.map(|_| view! { <p class="muted">"回头看发现：以往督查销号的问题反弹"</p> })}
            {(team && matches!(f.status, FindingStatus::Closed | FindingStatus::CorrectedOnSpot)).then(|| view! {
                <p><a href=format!("/supervision/findings/{id}/similar")>"举一反三：查找同类问题"</a></p>
            })}
            <p class="muted">{format!("依据：{}", f.basis)}</p>
            {(may_attach || !f.evidence.is_empty()).then(|| view! {
                <EvidenceSection title="问题佐证" upload_url=format!("/supervision/findings/{id}/evidence")
                    section=format!("finding-{id}-evidence") shown_on=Some(shown_on) items=f.evidence.clone()
                    may_attach attach_options=Vec::new() changes=actions.changes/>
            })}
            {(team && f.status == FindingStatus::Recorded).then(|| view! {
                <ActionForm action=actions.hand_over attr:class="form">
                    <input type="hidden" name="finding_id" value=id/>
                    <label for=format!("owner_{id}")>"整改责任人"</label>
                    <select id=format!("owner_{id}") name="form[owner_user_id]">
                        {f.owner_options.iter().map(|o| view! { <option value=o.user_id>{o.label.clone()}</option> }).collect_view()}
                    </select>
                    <label for=format!("deadline_{id}")>"整改期限（不填按政策工作日计算）"</label>
                    <input id=format!("deadline_{id}") name="form[deadline]" type="date"/>
                    <button type="submit">"交办整改"</button>
                </ActionForm>
            })}
            {(team && f.status == FindingStatus::AwaitingRecheck).then(|| view! {
                <ActionForm action=actions.recheck attr:class="form">
                    <input type="hidden" name="finding_id" value=id/>
                    <label class="check"><input type="radio" name="form[result]" value="pass" checked=true/>" 合格，销号"</label>
                    <label class="check"><input type="radio" name="form[result]" value="fail"/>" 不合格，退回整改"</label>
                    <label for=format!("recheck_note_{id}")>"复核意见"</label>
                    <textarea id=format!("recheck_note_{id}") name="form[note]" rows="2"></textarea>
                    <button type="submit">"提交复核"</button>
                </ActionForm>
            })}
            {(may_manage && rectifying && f.status.is_open()).then(|| view! {
                <ActionForm action=actions.carry attr:class="form">
                    <input type="hidden" name="finding_id" value=id/>
                    <label for=format!("carry_{id}")>"结转理由"</label>
                    <input id=format!("carry_{id}") name="reason"/>
                    <button type="submit">"结转至下一轮"</button>
                </ActionForm>
            })}
        </li>
    }
}
