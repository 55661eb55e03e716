//! An import's report, row by row.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::reports::api::get_import_report;
use crate::ui::ErrorBox;

#[component]
pub fn ImportReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let again = move || query.with(|q| q.get("duplicate").is_some());
    let report = Resource::new(id, get_import_report);
    view! {
        <section class="page">
            <p><a href="/reports">"← 返回统计报表"</a></p>
            <h1>"导入结果"</h1>
            {move || again().then(|| view! { <p class="banner info">"此文件此前已导入，本次未作任何改动。以下是当时的导入结果。"</p> })}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(r) => {
                            let ok = r.outcome == "applied";
                            view! {
                                <p class=if ok { "banner ok" } else { "banner warn" }>{r.outcome_label()}</p>
                                <dl class="facts">
                                    <dt>"文件"</dt><dd>{r.file_name.clone()}</dd>
                                    <dt>"编码"</dt><dd>{r.encoding.clone()}</dd>
                                    <dt>"导入时间"</dt><dd>{format!("{} {}", r.at, r.by)}</dd>
                                    <dt>"数据行"</dt><dd>{r.rows}</dd>
                                    <dt>"新增农户"</dt><dd>{r.households_created}</dd>
                                    <dt>"新增成员"</dt><dd>{r.members_created}</dd>
                                </dl>
                                {(!r.errors.is_empty()).then(|| view! {
                                    <h2>{format!("错误（{} 行）", r.errors.len())}</h2>
                                    <table class="list">
                                        <thead><tr><th>"行号"</th><th>"问题"</th></tr></thead>
                                        <tbody>
                                            {r.errors.clone().into_iter().map(|e| view! {
                                                <tr><td data-label="行号">{e.row}</td><td data-label="问题">{e.message}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                })}
                                {(!r.skipped.is_empty()).then(|| view! {
                                    <h2>{format!("跳过（{} 行）", r.skipped.len())}</h2>
                                    <table class="list">
                                        <thead><tr><th>"行号"</th><th>"说明"</th></tr></thead>
                                        <tbody>
                                            {r.skipped.clone().into_iter().map(|e| view! {
                                                <tr><td data-label="行号">{e.row}</td><td data-label="说明">{e.message}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
