//! 统计报表: scale control per county, the ledgers and rosters to download, and importing households.

use leptos::prelude::*;

use super::api::{recent_imports, scale_report};
use crate::error::AppError;
use crate::excel::{ImportReport, Roster};
use crate::households::register_pages::can_edit;
use crate::org::OrgLevel;
use crate::org::api::list_org_units;
use crate::ui::{ErrorBox, FilePicker, MeResource};

/// 统计报表: scale control per county, the ledgers and rosters to download, and (for those who edit the
/// register) importing households.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let scale = Resource::new(|| (), |_| scale_report());
    let units = Resource::new(|| (), |_| list_org_units());
    let imports = Resource::new(|| (), |_| recent_imports());
    let within = RwSignal::new(String::new());
    let me = expect_context::<MeResource>();
    view! {
        <section class="page">
            <h1>"统计报表"</h1>
            <h2>"监测对象规模"</h2>
            <Transition fallback=|| view! { <p class="loading">"正在统计……"</p> }>
                {move || Suspend::new(async move {
                    match scale.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(rows) => view! { <ScaleTable rows/> }.into_any(),
                    }
                })}
            </Transition>

            <h2>"导出台账和花名册（Excel）"</h2>
            <label for="export_within">"范围"</label>
            <select id="export_within" on:change=move |ev| within.set(event_target_value(&ev))>
                <option value="">"全部（本人负责范围）"</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        units.await.unwrap_or_default().into_iter()
                            .filter(|u| u.level != OrgLevel::Group)
                            .map(|u| view! { <option value=u.code.clone()>{u.name}</option> })
                            .collect_view()
                    })}
                </Transition>
            </select>
            <ul class="links">
                {Roster::ALL.into_iter().map(|r| view! {
                    <li>
                        <a href=move || {
                            let w = within.get();
                            if w.is_empty() { format!("/api/exports/{}", r.slug()) } else { format!("/api/exports/{}?within={w}", r.slug()) }
                        } download>{r.title()}</a>
                    </li>
                }).collect_view()}
            </ul>
            <p class="hint">"身份证号以文本写入；有权查看完整号码的角色导出完整号码，其他角色导出脱敏号码。每次导出都记入审计日志。"</p>

            {move || can_edit(me)().then(|| view! { <HouseholdImport imports/> })}
        </section>
    }
}

/// Scale control per county: monitored households and people against the registered population.
#[component]
fn ScaleTable(rows: Vec<super::ScaleRow>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"区县"</th><th>"监测对象户数"</th><th>"监测对象人数"</th><th>"在册人口"</th><th>"规模控制"</th><th>"研判"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td data-label="区县">{r.county_name}{r.partial.then_some("（仅本人负责范围）")}</td>
                        <td data-label="监测对象户数">{r.monitored_households}</td>
                        <td data-label="监测对象人数">{r.monitored_people}</td>
                        <td data-label="在册人口">{r.registered_people}</td>
                        <td data-label="规模控制">{match (r.scale_control_permille, r.target_people) {
                            (Some(p), Some(t)) => format!("{:.1}%，{t} 人", f64::from(p) / 10.0),
                            (Some(p), None) => format!("{:.1}%（未设基数）", f64::from(p) / 10.0),
                            _ => "—".to_string(),
                        }}</td>
                        <td data-label="研判">{r.verdict}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Importing households and members from a sheet: the rules, the template, the upload and the recent imports.
#[component]
fn HouseholdImport(imports: Resource<Result<Vec<ImportReport>, AppError>>) -> impl IntoView {
    view! {
        <h2>"导入农户和家庭成员"</h2>
        <p class="hint">
            "支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。每行一名成员，同一户填写相同的“户号”；新户须有“与户主关系”为“户主”的一行，户主行填写村组代码、住址、电话和住房类型。"
            "文件中只要有一行出错，整份文件都不导入，并逐行列出问题；同一文件重复上传不会重复导入；已登记的人员自动跳过。"
        </p>
        <p><a href="/api/imports/template.csv" download>"下载导入模板（CSV）"</a></p>
        <form class="form" method="post" action="/imports/households" enctype="multipart/form-data">
            <FilePicker id="import_file" accept=".xlsx,.csv" required=true/>
            <button type="submit" class="primary">"上传并导入"</button>
        </form>
        <h3>"最近的导入"</h3>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = imports.await.unwrap_or_default();
                if list.is_empty() {
                    view! { <p class="muted">"暂无导入记录。"</p> }.into_any()
                } else {
                    view! {
                        <ul class="links">
                            {list.into_iter().map(|r| view! {
                                <li><a href=format!("/imports/{}", r.batch_id)>{format!("{} {}：{}", r.at, r.file_name, r.outcome_label())}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
