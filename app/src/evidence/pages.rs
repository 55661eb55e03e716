//! The evidence section of a case or visit page: photos as thumbnails, documents as links, withdrawn
//! items struck through with the reason, and the upload form (camera on a phone, or files).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::WithdrawEvidence;
use super::{ACCEPT_ATTR, EvidenceView, size_label};
use crate::ui::{FileLink, FilePicker, count_successes, field_error, form_error};

/// What evidence may be attached to, as the upload form offers it: `(value, label)`.
pub type AttachOption = (String, String);

/// How the upload form asks for the date the files show: whether it must be given, what it starts as, and the
/// earliest date accepted (a rectification's evidence is not dated before its finding).
#[derive(Clone, Debug, Default)]
pub struct ShownOn {
    pub required: bool,
    pub default: Option<chrono::NaiveDate>,
    pub not_before: Option<chrono::NaiveDate>,
}

#[component]
pub fn EvidenceSection(
    /// The section's heading (佐证资料, 走访照片).
    title: &'static str,
    /// Where the upload form posts (`/cases/{id}/evidence`, `/visits/{id}/photos`).
    upload_url: String,
    /// The id of the section's heading, which the upload comes back to (`evidence`, `finding-12`).
    section: String,
    /// Whether and how the form asks for the date the files show; `None`: it does not.
    shown_on: Option<ShownOn>,
    items: Vec<EvidenceView>,
    may_attach: bool,
    attach_options: Vec<AttachOption>,
    /// Counts the page's successful changes (the page reloads its data on it).
    changes: RwSignal<u32>,
) -> impl IntoView {
    let query = use_query_map();
    // Only the section an upload came back to shows its outcome (a round's page has one per finding).
    let here = {
        let section = section.clone();
        Signal::derive(move || query.with(|q| q.get("at").unwrap_or_else(|| "evidence".into()) == section))
    };
    let upload_error = move || query.with(|q| q.get("upload_error")).filter(|m| !m.is_empty() && here.get());
    let uploaded = move || query.with(|q| q.get("uploaded")).filter(|n| n != "0" && here.get());
    let date_id = format!("{section}_shown_on");
    view! {
        <h2 id=section.clone()>{title}</h2>
        {move || upload_error().map(|m| view! { <div class="banner error" role="alert">{m}</div> })}
        {move || uploaded().map(|n| view! { <div class="banner ok" role="status">{format!("已上传 {n} 个文件。")}</div> })}
        {if items.is_empty() {
            view! { <p class="muted">{format!("尚无{title}。")}</p> }.into_any()
        } else {
            view! {
                <ul class="evidence">
                    {items.into_iter().map(|e| view! { <EvidenceItem item=e changes=changes/> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {may_attach.then(|| view! {
            <form class="form upload" method="post" enctype="multipart/form-data" action=upload_url>
                {(!attach_options.is_empty()).then(|| view! {
                    <label for="evidence_attach">"资料属于"</label>
                    <select id="evidence_attach" name="attach">
                        <option value="">"本案件"</option>
                        {attach_options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                })}
                {shown_on.map(|d| view! {
                    <label for=date_id.clone()>{if d.required { "资料日期（照片拍摄或资料形成的日期）" } else { "资料日期（照片拍摄或资料形成的日期，可空）" }}</label>
                    <input id=date_id.clone() type="date" name="shown_on" required=d.required
                        value=d.default.map(|x| x.to_string()).unwrap_or_default()
                        min=d.not_before.map(|x| x.to_string())/>
                    {d.not_before.map(|x| view! { <p class="hint">{format!("整改佐证应为 {x} 问题发现之后形成的资料。")}</p> })}
                })}
                <label class="button" for=format!("{section}_camera")>"拍照上传"</label>
                <input id=format!("{section}_camera") class="visually-hidden" type="file" name="file" accept="image/*"
                    capture="environment" onchange="this.form.requestSubmit()"/>
                <p>"或选择照片、PDF、Word、Excel 文件（可多选）"</p>
                <FilePicker id=format!("{section}_files") accept=ACCEPT_ATTR multiple=true/>
                <button type="submit" class="primary">"上传所选文件"</button>
            </form>
        })}
    }
}

#[component]
fn EvidenceItem(item: EvidenceView, changes: RwSignal<u32>) -> impl IntoView {
    // Each item has its own action, so a refusal shows under the item it concerns.
    let withdraw = ServerAction::<WithdrawEvidence>::new();
    count_successes(withdraw.value(), changes);
    let value = withdraw.value();
    let href = format!("/evidence/{}", item.id);
    let dated = item.shown_on.map(|d| format!(" · 资料日期 {d}")).unwrap_or_default();
    let caption = format!(
        "{} · {} · {}{dated} · {} 上传于 {}",
        item.file_name,
        item.kind_label,
        size_label(item.size_bytes),
        item.uploaded_by,
        crate::time::beijing_time(item.uploaded_at)
    );
    view! {
        <li class:withdrawn=item.withdrawn.is_some()>
            {if item.has_thumbnail {
                view! { <FileLink href=href.clone()><img src=format!("/evidence/{}/thumbnail", item.id) alt=item.file_name.clone() loading="lazy"/></FileLink> }.into_any()
            } else {
                view! { <FileLink class="file" href=href.clone()>{item.kind_label.clone()}</FileLink> }.into_any()
            }}
            <div>
                <FileLink href=href>{caption}</FileLink>
                <small class="muted">{format!("（{}）", item.attached_to)}</small>
                {item.withdrawn.clone().map(|w| view! {
                    <p class="danger">{format!("已撤回：{}（{} {}）", w.reason, w.by, crate::time::beijing_time(w.at))}</p>
                })}
                {item.may_withdraw.then(|| view! {
                    <details>
                        <summary>"撤回"</summary>
                        <ActionForm action=withdraw attr:class="form">
                            <input type="hidden" name="id" value=item.id.to_string()/>
                            <label for=format!("withdraw_{}", item.id)>"撤回原因（资料不会删除，撤回记录留存）"</label>
                            <input id=format!("withdraw_{}", item.id) name="reason" required/>
                            {field_error(value, "reason")}
                            {form_error(value)}
                            <button type="submit">"确认撤回"</button>
                        </ActionForm>
                    </details>
                })}
            </div>
        </li>
    }
}
