//! 一键报贫: the public page. Large type and few fields, for a phone; the form keeps what was typed
//! when something must be corrected.

use leptos::prelude::*;

use super::KINDS;
use super::api::{SubmitSelfReport, public_places};
use crate::ui::{ErrorBox, field_error, form_error};

/// 困难申报（一键报贫）: the public form, and its receipt once accepted.
#[component]
pub fn SelfReportPage() -> impl IntoView {
    let submit = ServerAction::<SubmitSelfReport>::new();
    let value = submit.value();
    let places = Resource::new(|| (), |_| public_places());
    view! {
        <main class="content narrow public">
            <h1>"困难申报（一键报贫）"</h1>
            <p class="hint">"家里遇到因病、因灾、因意外、失业等困难，可能影响基本生活的，可以在这里申报，也可以替亲友、邻居申报。村里会在规定的工作日内打电话或上门核实。"</p>
            {move || match value.get() {
                Some(Ok(receipt)) => view! { <ReceiptBanner receipt/> }.into_any(),
                _ => ().into_any(),
            }}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match places.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(super::Places { townships: places, hotline }) => {
                            view! {
                                {hotline.map(|phone| view! {
                                    <p class="hint">"情况紧急请直接拨打热线 "<a href=format!("tel:{phone}")>{phone.clone()}</a>"，或联系村干部。"</p>
                                })}
                                <div style:display=move || if matches!(value.get(), Some(Ok(_))) { "none" } else { "block" }>
                                <ActionForm action=submit attr:class="form">
                                    <label for="report_name">"户主或困难群众姓名"</label>
                                    <input id="report_name" name="form[name]" required autocomplete="name"/>
                                    {field_error(value, "name")}
                                    <label for="report_phone">"联系电话"</label>
                                    <input id="report_phone" name="form[phone]" type="tel" inputmode="tel" required autocomplete="tel"/>
                                    {field_error(value, "phone")}
                                    <PlacePickers places/>
                                    {field_error(value, "village")}
                                    <label for="report_kind">"遇到的困难"</label>
                                    <select id="report_kind" name="form[kind]" required>
                                        <option value="">"请选择"</option>
                                        {KINDS.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                                    </select>
                                    {field_error(value, "kind")}
                                    <label for="report_what">"情况说明（发生了什么、什么时候、现在的困难）"</label>
                                    <textarea id="report_what" name="form[what_happened]" rows="5" required></textarea>
                                    {field_error(value, "what_happened")}
                                    <label for="report_reporter">"申报人"</label>
                                    <select id="report_reporter" name="form[reporter]">
                                        <option value="本人">"本人"</option>
                                        <option value="家属">"家属"</option>
                                        <option value="邻居或村民">"邻居或村民"</option>
                                        <option value="其他">"其他"</option>
                                    </select>
                                    {form_error(value)}
                                    <button type="submit" class="primary">"提交申报"</button>
                                </ActionForm>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <p class="muted">"您填写的信息仅用于防止返贫监测帮扶核实，不会公开。"</p>
        </main>
    }
}

/// The receipt of an accepted report: its number, who calls back by when, and the way to report another household.
#[component]
fn ReceiptBanner(receipt: super::Receipt) -> impl IntoView {
    view! {
        <div class="banner ok" role="status">
            <p><strong>{format!("已受理，申报编号 {}。", receipt.number)}</strong></p>
            <p>{format!("{}将在 {} 前与您联系核实，请保持电话畅通。", receipt.village_name, receipt.verify_by)}</p>
            <p><a href="/report" rel="external">"再申报一户"</a></p>
        </div>
    }
}

/// The township and village pickers: a chosen township shows only its own villages.
#[component]
fn PlacePickers(places: Vec<super::Township>) -> impl IntoView {
    let township = RwSignal::new(String::new());
    view! {
        <label for="report_township">"乡镇（街道）"</label>
        <select id="report_township" on:change=move |ev| township.set(event_target_value(&ev))>
            <option value="">"请选择"</option>
            {places.iter().map(|t| view! { <option value=t.name.clone()>{t.name.clone()}</option> }).collect_view()}
        </select>
        <label for="report_village">"村（社区）"</label>
        <select id="report_village" name="form[village]" required>
            <option value="">"请先选择乡镇"</option>
            {places.into_iter().map(|t| {
                let name = t.name.clone();
                view! {
                    <optgroup label=t.name.clone() hidden=move || !township.get().is_empty() && township.get() != name>
                        {t.villages.into_iter().map(|(code, v)| view! { <option value=code>{v}</option> }).collect_view()}
                    </optgroup>
                }
            }).collect_view()}
        </select>
    }
}
