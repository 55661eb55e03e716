//! A drawn household's or village's check sheet on a phone: the register's facts to compare, the indicators as
//! questions, 应纳未纳 / 应退未退 and what differs from the register, the acknowledgement; once saved, the
//! sheet as recorded with its problems, photos and addenda.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{AmendSheet, SaveSheet, get_sheet};
use super::sheet::{Acknowledgement, Answer, Inclusion, RegisterFact};
use super::{RegisterFacts, SheetPage, SheetStart, SheetView};
use crate::evidence::pages::{EvidenceSection, ShownOn};
use crate::refill::{refill, refused_input};
use crate::ui::{ErrorBox, FileLink, count_successes, error_summary, field_error, form_error};

/// The element id of a form field (`answers.2.note` → `answers-2-note`).
fn field_id(field: &str) -> String {
    field.replace('.', "-")
}

/// `/cross-checks/units/:unit`: the sheet to fill, or the saved sheet.
#[component]
pub fn CheckSheetPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("unit").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let save = ServerAction::<SaveSheet>::new();
    let amend = ServerAction::<AmendSheet>::new();
    let changes = RwSignal::new(0u32);
    count_successes(save.value(), changes);
    count_successes(amend.value(), changes);
    let page = Resource::new(move || (id(), changes.get()), |(id, _)| get_sheet(id));
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || { let refused = refused_input(); Suspend::new(async move {
                    let refused = refused.await;
                    match page.await {
                        Err(e) => view! { <p><a href="/cross-checks">"← 交叉检查"</a></p><ErrorBox error=e/> }.into_any(),
                        Ok(SheetPage::Start(mut start)) => {
                            // A refused plain post of this unit's sheet comes back as typed.
                            if let Some(typed) = refill::<SaveSheet>(&refused).map(|r| r.form).filter(|f| f.unit_id == start.form.unit_id) {
                                start.form = typed;
                            }
                            view! { <SheetFormView start=*start save/> }.into_any()
                        }
                        Ok(SheetPage::Saved(sheet)) => view! { <SavedSheet sheet=*sheet amend changes/> }.into_any(),
                    }
                })}}
            </Transition>
        </section>
    }
}

/// The register's facts, for the checker to compare with what they find.
fn register_view(r: RegisterFacts) -> impl IntoView {
    let list = |items: Vec<String>| {
        if items.is_empty() { "无".to_string() } else { items.join("；") }
    };
    view! {
        <details class="editor" open>
            <summary>"登记信息（与实际情况核对）"</summary>
            <dl class="facts">
                <dt>"户主"</dt><dd>{format!("{}（{}）", r.head_name, r.code)}</dd>
                <dt>"住址"</dt><dd>{r.address}</dd>
                <dt>"电话"</dt><dd>{if r.phone.is_empty() { "未登记".to_string() } else { r.phone }}</dd>
                <dt>"类别"</dt><dd>{r.class}</dd>
                <dt>"收入"</dt><dd>{r.income}</dd>
                <dt>"监测联系人"</dt><dd>{r.contact}</dd>
                <dt>"家庭成员"</dt><dd>{list(r.members)}</dd>
                <dt>"近期走访"</dt><dd>{list(r.visits)}</dd>
                <dt>"未结案件"</dt><dd>{list(r.cases)}</dd>
                <dt>"帮扶措施"</dt><dd>{list(r.measures)}</dd>
            </dl>
        </details>
    }
}

/// The sheet's form, filled with `start.form` (blank, or as typed into a refused form).
#[component]
fn SheetFormView(start: SheetStart, save: ServerAction<SaveSheet>) -> impl IntoView {
    let value = save.value();
    let f = start.form.clone();
    let household = start.household.is_some();
    let title = match &start.household {
        Some(h) => format!("{}户 · 入户核查表", h.head_name),
        None => format!("{} · 村级核查表", start.village.name),
    };
    let questions = start.questions.iter().enumerate().map(|(i, q)| {
        let typed = f.answers.get(i).cloned().unwrap_or_default();
        let (result, note) = (format!("form[answers][{i}][result]"), format!("form[answers][{i}][note]"));
        view! {
            <fieldset class="checklist-item" id=format!("answers-{i}-result")>
                <legend>{format!("{}. {}", i + 1, q.name)}</legend>
                {Answer::ALL.into_iter().map(|a| view! {
                    <label class="check"><input type="radio" name=result.clone() value=a.as_str() checked=typed.result == a.as_str()/>{format!(" {}", a.label())}</label>
                }).collect_view()}
                {field_error(value, format!("answers.{i}.result"))}
                <input id=format!("answers-{i}-note") name=note value=typed.note placeholder="发现的问题（不符合时必填）"/>
                {field_error(value, format!("answers.{i}.note"))}
            </fieldset>
        }
    }).collect_view();
    view! {
        <p><a href=format!("/cross-checks/{}", start.check_id)>{format!("← {}", start.check_title)}</a></p>
        <h1>{title}</h1>
        <p class="muted">{format!("{} · {}", start.township.name, start.village.name)}</p>
        {start.household.clone().map(register_view)}
        <ActionForm action=save attr:class="form">
            <input type="hidden" name="form[unit_id]" value=f.unit_id.clone()/>
            {error_summary(value, field_id)}
            <label for="visited_on">"核查日期"</label>
            <input id="visited_on" name="form[visited_on]" type="date" value=f.visited_on.clone()
                min=start.first_day.to_string() max=start.last_day.to_string()/>
            {field_error(value, "visited_on")}
            <h2>"核查指标"</h2>
            {questions}
            {household.then(|| view! {
                <h2>"应纳未纳、应退未退"</h2>
                <select id="inclusion" name="form[inclusion]" aria-label="纳入退出情况">
                    <option value="">"请选择"</option>
                    {Inclusion::ALL.into_iter().map(|i| view! { <option value=i.as_str() selected=f.inclusion == i.as_str()>{i.label()}</option> }).collect_view()}
                </select>
                {field_error(value, "inclusion")}
                <textarea id="inclusion_note" name="form[inclusion_note]" rows="2" placeholder="认定应纳未纳或应退未退的，写明依据（收入、支出、“两不愁三保障”情况）">{f.inclusion_note.clone()}</textarea>
                {field_error(value, "inclusion_note")}
                <h2>"与登记信息不一致的"</h2>
                <p class="hint">"与上方登记信息一致的不填；不一致的写明实际情况。"</p>
                {RegisterFact::ALL.into_iter().enumerate().map(|(i, fact)| view! {
                    <label for=format!("mismatches-{i}")>{fact.label()}</label>
                    <input id=format!("mismatches-{i}") name=format!("form[mismatches][{i}]") value=f.mismatches.get(i).cloned().unwrap_or_default()/>
                    {field_error(value, format!("mismatches.{i}"))}
                }).collect_view()}
            })}
            <h2>{if household { "农户确认" } else { "村干部确认" }}</h2>
            <select id="acknowledgement" name="form[acknowledgement]" aria-label="确认情况">
                {Acknowledgement::ALL.into_iter().map(|a| view! { <option value=a.as_str() selected=f.acknowledgement == a.as_str()>{a.label()}</option> }).collect_view()}
            </select>
            {field_error(value, "acknowledgement")}
            <label for="acknowledged_by">"确认人"</label>
            <input id="acknowledged_by" name="form[acknowledged_by]" value=f.acknowledged_by.clone()/>
            {field_error(value, "acknowledged_by")}
            <label for="note">"其他情况（拒绝签字的写明原因）"</label>
            <textarea id="note" name="form[note]" rows="2">{f.note.clone()}</textarea>
            {field_error(value, "note")}
            <p class="hint">"保存后不能修改，只能追加补充说明；保存后可为发现的问题拍照上传。"</p>
            <button type="submit" class="primary">"保存核查表"</button>
        </ActionForm>
    }
}

/// A saved sheet as recorded.
#[component]
fn SavedSheet(sheet: SheetView, amend: ServerAction<AmendSheet>, changes: RwSignal<u32>) -> impl IntoView {
    let v = sheet;
    let title = match &v.household {
        Some((_, head)) => format!("{head}户 · 入户核查表"),
        None => format!("{} · 村级核查表", v.village.name),
    };
    view! {
        <p><a href=format!("/cross-checks/{}", v.check_id)>{format!("← {}", v.check_title)}</a></p>
        <h1>{title}</h1>
        <p class="actions">
            <FileLink class="button primary" href=format!("/prints/cross-checks/units/{}/sheet.pdf", v.unit_id)>"打印核查表（PDF）"</FileLink>
            {v.household.clone().map(|(code, _)| view! { <a class="button" href=format!("/households/{code}")>"农户详情"</a> })}
        </p>
        <dl class="facts">
            <dt>"村"</dt><dd>{format!("{} · {}", v.township.name, v.village.name)}</dd>
            <dt>"核查"</dt><dd>{format!("{} {}（{} 保存）", v.visited_on, v.checker, crate::time::beijing_time(v.saved_at))}</dd>
            {v.inclusion.map(|i| view! { <dt>"纳入退出"</dt><dd>{i.label()}{(!v.inclusion_note.is_empty()).then(|| format!("：{}", v.inclusion_note))}</dd> })}
            <dt>"确认"</dt><dd>{format!("{} {}", v.acknowledged_by, v.acknowledgement.label())}</dd>
            {(!v.note.is_empty()).then(|| view! { <dt>"其他情况"</dt><dd>{v.note.clone()}</dd> })}
        </dl>
        <h2>"核查指标"</h2>
        <table class="list">
            <thead><tr><th>"指标"</th><th>"结果"</th><th>"说明"</th></tr></thead>
            <tbody>{v.answers.iter().map(|a| view! {
                <tr class:danger=a.answer == Answer::Fail>
                    <td data-label="指标">{a.indicator.clone()}</td>
                    <td data-label="结果">{a.answer.label()}</td>
                    <td data-label="说明">{a.note.clone()}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
        {(!v.mismatches.is_empty()).then(|| view! {
            <h2>"与登记信息不一致的"</h2>
            <ul>{v.mismatches.iter().map(|(fact, actual)| view! { <li>{format!("{fact}：{actual}")}</li> }).collect_view()}</ul>
        })}
        <h2>"发现的问题"</h2>
        {if v.findings.is_empty() {
            view! { <p class="muted">"未发现问题。"</p> }.into_any()
        } else {
            view! { <ul>{v.findings.iter().map(|f| view! {
                <li>{format!("{}：{}", f.title, f.note)}
                    {match (f.case_id, f.handed.clone()) {
                        (Some(id), Some(by)) => view! { " "<a href=format!("/cases/{id}")>{format!("已交办（{by}），案件 {id}")}</a> }.into_any(),
                        _ => view! { <span class="muted">" 待镇街交办"</span> }.into_any(),
                    }}
                </li>
            }).collect_view()}</ul> }.into_any()
        }}
        <EvidenceSection title="核查照片" upload_url=format!("/cross-checks/sheets/{}/photos", v.id)
            section="evidence".to_string()
            shown_on=Some(ShownOn { required: true, default: Some(v.visited_on), not_before: None })
            items=v.photos.clone() may_attach=v.may_amend attach_options=Vec::new() changes/>
        {crate::visits::record_pages::addenda_list(&v.addenda)}
        {v.may_amend.then(|| view! {
            <ActionForm action=amend attr:class="form">
                <input type="hidden" name="id" value=v.id.to_string()/>
                <label for="addendum">"追加补充说明（保存后不能修改）"</label>
                <textarea id="addendum" name="text" rows="2"></textarea>
                {field_error(amend.value(), "text")}
                {form_error(amend.value())}
                <button type="submit">"追加"</button>
            </ActionForm>
        })}
    }
}
