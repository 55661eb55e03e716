//! The identification (识别纳入), elimination (风险消除) and measures (落实帮扶措施) sections of the household page: where a run
//! stands, its history, and the form for its next step.

use leptos::prelude::*;

use super::api::{ApplyIdentification, IdentificationStep, ProposeElimination, ProposeMeasures};
use super::procedure::{ProcedureView, step_label};
use crate::cases::measures::{MeasureStatus, MeasureView};
use crate::households::MonitoringStatus;
use crate::ui::{field_error, form_error};

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
pub fn IdentificationSection(
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
pub fn EliminationSection(
    code: String,
    status: MonitoringStatus,
    current: Option<ProcedureView>,
    propose: ServerAction<ProposeElimination>,
    step: ServerAction<IdentificationStep>,
) -> impl IntoView {
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

/// 落实帮扶措施 [F] 8, where the policy asks: the planned measures go through democratic appraisal, public
/// notice, township review and county confirmation before they are put into effect.
#[component]
pub fn MeasuresSection(
    code: String,
    current: Option<ProcedureView>,
    plan: Vec<MeasureView>,
    propose: ServerAction<ProposeMeasures>,
    step: ServerAction<IdentificationStep>,
) -> impl IntoView {
    let proposed = propose.value();
    let planned: Vec<String> =
        plan.into_iter().filter(|m| m.status == MeasureStatus::Planned).map(|m| m.description).collect();
    let open = current.as_ref().is_some_and(|c| c.next_step.is_some());
    let propose_code = code.clone();
    view! {
        <h3>"帮扶措施民主评议和公示"</h3>
        <p class="hint">"本地政策要求：帮扶措施经村内民主评议、公示，镇街审核、县级确认后方可落实（改为“落实中”）。"</p>
        {current.clone().map(|c| view! { <ProcedureStatus current=c/> })}
        {(!open && !planned.is_empty()).then(|| view! {
            <ActionForm action=propose attr:class="form">
                <input type="hidden" name="code" value=propose_code/>
                <p>{format!("计划中的措施：{}", planned.join("；"))}</p>
                {form_error(proposed)}
                <button type="submit" class="primary">"提交民主评议和公示"</button>
            </ActionForm>
        })}
        {current.map(|c| view! { <NextStepForm code=code.clone() current=c step/> })}
    }
}
