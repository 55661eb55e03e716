//! 节假日安排: the years the working-day calendar covers, and loading a new year's notice.

use leptos::prelude::*;

use super::api::{LoadCalendar, list_calendar};
use crate::ui::{ErrorBox, count_successes, field_error, form_error};

#[component]
pub fn CalendarPage() -> impl IntoView {
    let load = ServerAction::<LoadCalendar>::new();
    let loaded = RwSignal::new(0u32);
    count_successes(load.value(), loaded);
    let years = Resource::new(move || loaded.get(), |_| list_calendar());
    let value = load.value();
    view! {
        <section class="page">
            <h1>"节假日安排（工作日计算）"</h1>
            <p class="hint">
                "公示期、初审期限等按工作日计算，依据国务院办公厅每年发布的部分节假日安排通知；计算时事件当天不计入（民法典第二百零一条）。"
                "某年尚未录入时，涉及该年的期限会明确提示，不作推测。"
            </p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match years.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) => view! {
                            <table class="list">
                                <thead><tr><th>"年度"</th><th>"依据"</th><th>"放假"</th><th>"调休上班"</th><th>"来源"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|n| view! {
                                        <tr>
                                            <td data-label="年度">{n.year}</td>
                                            <td data-label="依据">{n.source}</td>
                                            <td data-label="放假">{format!("{} 天", n.holidays)}</td>
                                            <td data-label="调休上班">{format!("{} 天", n.workdays)}</td>
                                            <td data-label="来源">{n.loaded_by.unwrap_or_else(|| "系统内置".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            <h2>"录入新一年的通知"</h2>
            <p class="hint">"按下列格式逐行填写：以 # 开头的行写通知名称和文号；holiday 行写放假日期（可写区间）；workday 行写调休上班日期。同一年度再次录入将替换原有安排。"</p>
            <ActionForm action=load attr:class="form">
                <label for="calendar_text">"通知内容"</label>
                <textarea id="calendar_text" name="text" rows="12" class="mono"
                    placeholder="# 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）\nholiday 2027-01-01..2027-01-03 元旦\nworkday 2027-02-06 春节调休上班"></textarea>
                {field_error(value, "calendar")}
                {form_error(value)}
                {move || match value.get() {
                    Some(Ok(year)) => Some(view! { <div class="banner ok">{format!("{year} 年的节假日安排已录入，立即生效。")}</div> }),
                    _ => None,
                }}
                <button type="submit" class="primary">"录入"</button>
            </ActionForm>
        </section>
    }
}
