//! 部门预警 pages: upload a department's file, follow a batch as it is taken, and verify the warnings
//! that matched no household.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{ResolveWarning, get_screening_overview, get_screening_report};
use super::{COLUMNS, ScreeningReport, UnmatchedView};
use crate::ui::{ErrorBox, FilePicker, count_successes, field_error, form_error};

#[component]
pub fn ScreeningPage() -> impl IntoView {
    let query = use_query_map();
    let changes = RwSignal::new(0u32);
    let show_resolved = move || query.with(|q| q.get("all").is_some());
    let overview = Resource::new(move || (show_resolved(), changes.get()), |(all, _)| get_screening_overview(all));
    let upload_error = move || query.with(|q| q.get("upload_error")).filter(|m| !m.is_empty());
    view! {
        <section class="page">
            <h1>"部门筛查预警"</h1>
            <p class="hint">"教育、卫健、医保、住建、水利、民政、人社、农业农村、应急管理、公安、统计调查、残联等 12 个部门按月筛查，预警按身份证号匹配农户：匹配到的新建或并入案件，次一工作日分派，乡镇 5 个工作日内完成初审；未匹配的列入待核实名单。"</p>
            {move || upload_error().map(|m| view! { <div class="banner error" role="alert">{m}</div> })}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(o) => view! {
                            {(!o.departments.is_empty()).then(|| view! {
                                <h2>"上传预警文件"</h2>
                                <form class="form" method="post" enctype="multipart/form-data" action="/screening/upload">
                                    <label for="screening_department">"报送部门"</label>
                                    <select id="screening_department" name="department">
                                        {o.departments.iter().map(|d| view! { <option value=d.as_str()>{format!("{}（{}）", d.label(), d.screens())}</option> }).collect_view()}
                                    </select>
                                    <p>"预警文件（.xlsx 或 CSV，UTF-8 或 GBK 编码）"</p>
                                    <FilePicker id="screening_file" accept=".xlsx,.csv" required=true/>
                                    <p class="hint">{format!("表头：{}。", COLUMNS.join("、"))}" "<a href="/api/screening/template.csv" download>"下载模板"</a></p>
                                    <button type="submit" class="primary">"上传并导入"</button>
                                </form>
                            })}
                            {(!o.recent.is_empty()).then(|| view! {
                                <h2>"最近的报送"</h2>
                                <table class="list">
                                    <thead><tr><th>"时间"</th><th>"部门"</th><th>"文件"</th><th>"结果"</th></tr></thead>
                                    <tbody>
                                        {o.recent.iter().map(|r| view! {
                                            <tr>
                                                <td>{r.at.clone()}</td>
                                                <td>{r.department.clone()}</td>
                                                <td><a href=format!("/screening/batches/{}", r.batch_id)>{r.file_name.clone()}</a></td>
                                                <td>{format!("{}：{} 行，新建 {}，并入 {}，未匹配 {}", r.outcome_label(), r.rows, r.cases_opened, r.cases_updated, r.unmatched)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })}
                            {o.verifies.then(|| view! { <UnmatchedList rows=o.unmatched.clone() changes/> })}
                            {(o.departments.is_empty() && !o.verifies).then(|| view! { <p class="muted">"您的角色不涉及部门预警。"</p> })}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UnmatchedList(rows: Vec<UnmatchedView>, changes: RwSignal<u32>) -> impl IntoView {
    view! {
        <h2 id="unmatched">"未匹配农户的预警（待核实，可能应纳未纳）"</h2>
        <p><a href="/screening?all=1#unmatched">"含已核实的"</a>" · "<a href="/screening#unmatched">"只看待核实的"</a></p>
        {if rows.is_empty() {
            view! { <p class="muted">"没有待核实的预警。"</p> }.into_any()
        } else {
            view! {
                <ul class="notices">
                    {rows.into_iter().map(|r| view! {
                        <li class:unread=r.resolution.is_none()>
                            <strong>{format!("{}（{}）", r.name, r.resident_id)}</strong>
                            {r.red_alert.then(|| view! { <span class="badge red">"红色预警"</span> })}
                            <p>{format!("{}部门 · {} · {}：{}", r.department_label, r.org_name, r.risk_type_label, r.description)}</p>
                            <small class="muted">{format!("收到 {}", crate::time::beijing_time(r.received_at))}</small>
                            {match r.resolution.clone() {
                                Some(text) => view! { <p>{format!("核实结果：{text}")}</p> }.into_any(),
                                None => view! { <ResolveForm id=r.id changes/> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// One batch: progress while it runs, then the row-by-row report.
#[component]
pub fn ScreeningBatchPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let duplicate = move || query.with(|q| q.get("duplicate").is_some());
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let tick = RwSignal::new(0u32);
    let report = Resource::new(move || (id(), tick.get()), |(id, _)| get_screening_report(id));
    // While the batch runs, ask again every second.
    Effect::new(move |_| {
        if let Some(Ok(r)) = report.get()
            && r.outcome == "running"
        {
            set_timeout(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(1));
        }
    });
    view! {
        <section class="page">
            <p><a href="/screening">"← 返回部门预警"</a></p>
            {move || duplicate().then(|| view! {
                <div class="banner warn" role="status">"此文件此前已导入，本次未作任何改动。以下是当时的导入结果。"</div>
            })}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(r) => view! { <BatchReport report=r/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BatchReport(report: ScreeningReport) -> impl IntoView {
    let running = report.outcome == "running";
    let done = report.done.unwrap_or(0);
    view! {
        <h1>{format!("{}部门预警：{}", report.department, report.file_name)}</h1>
        <p class=if report.outcome == "applied" { "banner ok" } else if running { "banner warn" } else { "banner error" }>
            {report.outcome_label()}
        </p>
        {running.then(|| view! {
            <progress max=report.rows.to_string() value=done.to_string()></progress>
            <p>{match report.done {
                Some(n) => format!("已处理 {n} / {} 行。", report.rows),
                None => format!("共 {} 行，正在由另一台服务器导入。", report.rows),
            }}</p>
        })}
        <dl class="facts">
            <dt>"报送人"</dt><dd>{format!("{} {}", report.by, report.at)}</dd>
            <dt>"文件编码"</dt><dd>{report.encoding.clone()}</dd>
            <dt>"行数"</dt><dd>{report.rows}</dd>
            <dt>"新建案件"</dt><dd>{report.cases_opened}</dd>
            <dt>"并入已有案件"</dt><dd>{report.cases_updated}</dd>
            <dt>"未匹配（待核实）"</dt><dd>{report.unmatched}</dd>
            <dt>"此前已收到"</dt><dd>{report.repeated}</dd>
        </dl>
        {(!report.errors.is_empty()).then(|| view! {
            <h2>"需要修正的行"</h2>
            <ul>{report.errors.iter().map(|e| view! { <li>{format!("第 {} 行：{}", e.row, e.message)}</li> }).collect_view()}</ul>
        })}
        {(!report.lines.is_empty()).then(|| view! {
            <h2>"逐行结果"</h2>
            <ul>{report.lines.iter().map(|l| view! { <li>{l.message.clone()}</li> }).collect_view()}</ul>
        })}
    }
}

/// Record what the verification of one unmatched warning found. Each warning has its own action, so a
/// refusal shows under the warning it concerns.
#[component]
fn ResolveForm(id: i64, changes: RwSignal<u32>) -> impl IntoView {
    let resolve = ServerAction::<ResolveWarning>::new();
    count_successes(resolve.value(), changes);
    let value = resolve.value();
    view! {
        <details class="editor">
            <summary>"登记核实结果"</summary>
            <ActionForm action=resolve attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for=format!("resolution_{id}")>"核实结果"</label>
                <input id=format!("resolution_{id}") name="resolution" required
                    placeholder="例如：已核实，已登记为农户并纳入监测"/>
                {field_error(value, "resolution")}
                {form_error(value)}
                <button type="submit">"保存"</button>
            </ActionForm>
        </details>
    }
}
