//! 走访 lists: "my visits" (phone-first: overdue, due, done, in route order), a household's visits, unit
//! coverage, and the year's sweep with its ledgers. The visit form and a saved visit are in `record_pages`.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::api::{list_my_visits, sweep_ledgers, visit_coverage};
use super::schedule::{Coverage, Standing};
use super::{DueVisit, VisitSummary};
use crate::org::api::list_org_units;
use crate::org::{OrgLevel, OrgUnitView};
use crate::ui::{ErrorBox, FileLink};

/// One household on "my visits": who, where, why, and what to do.
#[component]
fn DueCard(item: DueVisit) -> impl IntoView {
    let state = match item.standing {
        Standing::Overdue { missed_end } => format!("逾期：{missed_end} 前应访未访"),
        Standing::Due => format!("{} 前走访", item.due_by),
        Standing::Done(on) => format!("已于 {on} 走访"),
    };
    let code = item.household_code.clone();
    let overdue = matches!(item.standing, Standing::Overdue { .. });
    view! {
        <li class:overdue=overdue>
            <p class="who"><a href=format!("/households/{code}")>{item.head_name.clone()}</a>" "<span class="muted">{item.group_name.clone()}</span></p>
            <p>{item.address.clone()}</p>
            <p class="muted">{item.duty.clone()}" · "{state}
                {item.last_visit.map(|d| format!(" · 上次 {d}"))}</p>
            <p class="actions">
                {item.phone.clone().map(|p| view! { <a class="button" href=format!("tel:{p}")>{format!("拨打 {p}")}</a> })}
                {(!matches!(item.standing, Standing::Done(_))).then(|| view! {
                    <a class="button primary" href=format!("/visits/new?household={code}")>"记录走访"</a>
                })}
                <FileLink class="button" href=format!("/prints/households/{code}/visit-sheet.pdf")>"空白走访表"</FileLink>
            </p>
        </li>
    }
}

/// 我的走访.
#[component]
pub fn MyVisitsPage() -> impl IntoView {
    let visits = Resource::new(|| (), |_| list_my_visits());
    view! {
        <section class="page">
            <h1>"我的走访"</h1>
            <p class="links"><a href="/visits/coverage">"走访覆盖情况"</a>" · "<a href="/visits/sweep">"年度排查与台账"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match visits.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) => {
                            let nothing = v.overdue.is_empty() && v.due.is_empty() && v.done.is_empty();
                            view! {
                                <p class="hint">{format!("今天是 {}。按村民小组和住址排列，便于安排走访路线。", v.today)}</p>
                                {nothing.then(|| view! { <p class="muted">"您没有负责走访的农户（监测联系人或挂钩干部由村里在农户页面指定）。"</p> })}
                                {(!v.overdue.is_empty()).then(|| view! {
                                    <h2 class="danger">{format!("已逾期（{} 户次）", v.overdue.len())}</h2>
                                    <ul class="visit-list">{v.overdue.into_iter().map(|item| view! { <DueCard item/> }).collect_view()}</ul>
                                })}
                                {(!v.due.is_empty()).then(|| view! {
                                    <h2>{format!("本期应访（{} 户次）", v.due.len())}</h2>
                                    <ul class="visit-list">{v.due.into_iter().map(|item| view! { <DueCard item/> }).collect_view()}</ul>
                                })}
                                {(!v.done.is_empty()).then(|| view! {
                                    <details>
                                        <summary>{format!("本期已访（{} 户次）", v.done.len())}</summary>
                                        <ul class="visit-list">{v.done.into_iter().map(|item| view! { <DueCard item/> }).collect_view()}</ul>
                                    </details>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// How many of a household's latest visits its page shows before folding the rest.
const RECENT_VISITS: usize = 3;

/// The household page's list of visits (loaded with the page): the latest few, the earlier ones folded.
#[component]
pub fn HouseholdVisits(code: String, mut visits: Vec<VisitSummary>, may_record: bool) -> impl IntoView {
    let earlier = visits.split_off(visits.len().min(RECENT_VISITS));
    view! {
        <h2 id="visits">"走访记录"</h2>
        <p class="actions">
            {may_record.then(|| view! { <a class="button primary" href=format!("/visits/new?household={code}")>"记录走访"</a> })}
        </p>
        {if visits.is_empty() {
            view! { <p class="muted">"尚无走访记录。"</p> }.into_any()
        } else {
            view! { <VisitTable visits/> }.into_any()
        }}
        {(!earlier.is_empty()).then(|| view! {
            <details class="fold">
                <summary>{format!("更早的走访（{} 次）", earlier.len())}</summary>
                <VisitTable visits=earlier/>
            </details>
        })}
    }
}

#[component]
fn VisitTable(visits: Vec<VisitSummary>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"日期"</th><th>"方式"</th><th>"走访人"</th><th>"发现问题"</th><th></th></tr></thead>
            <tbody>{visits.into_iter().map(|v| view! {
                <tr>
                    <td data-label="日期">{v.visited_on.to_string()}</td>
                    <td data-label="方式">{v.mode.label()}{v.sweep.then_some("（排查）")}</td>
                    <td data-label="走访人">{v.visitor}</td>
                    <td data-label="发现问题">{match (v.problems, v.cases) {
                        (0, _) => "无".to_string(),
                        (p, 0) => format!("{p} 项"),
                        (p, c) => format!("{p} 项，立案 {c} 件"),
                    }}</td>
                    <td><a href=format!("/visits/{}", v.id)>"查看"</a></td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}

/// The unit picker of the coverage and sweep pages (units in scope, no villager groups).
#[component]
fn UnitSelect(units: Vec<OrgUnitView>, selected: String) -> impl IntoView {
    view! {
        <label for="unit">"单位"</label>
        <select id="unit" name="unit">
            {units.into_iter()
                .filter(|u| u.level != OrgLevel::Group)
                .map(|u| view! { <option value=u.code.clone() selected=u.code == selected>{u.name}</option> })
                .collect_view()}
        </select>
    }
}

/// 走访覆盖情况: per sub-unit and duty, on time / late / never / pending for the chosen month.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let query = use_query_map();
    let params = move || query.with(|q| (q.get("unit").unwrap_or_default(), q.get("month").unwrap_or_default()));
    let coverage = Resource::new(params, |(unit, month)| visit_coverage(unit, month));
    let units = Resource::new(|| (), |_| list_org_units());
    view! {
        <section class="page">
            <p><a href="/visits">"← 我的走访"</a></p>
            <h1>"走访覆盖情况"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在统计……"</p> }>
                {move || Suspend::new(async move {
                    let units = units.await.unwrap_or_default();
                    match coverage.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(c) => {
                            let village = crate::org::OrgCode::parse(&c.unit_code).is_ok_and(|u| u.level() == OrgLevel::Village);
                            let (unit_code, month) = (c.unit_code.clone(), c.month.clone());
                            let batch_month = c.month.clone();
                            let batch = format!("/prints/villages/{}/visit-sheets.pdf?month={}", c.unit_code, c.month);
                            let year = c.month.get(..4).unwrap_or_default().to_string();
                            let periodic_title = format!("{month} 走访（按走访周期）");
                            let sweep_link = format!("/visits/sweep?unit={unit_code}&year={year}");
                            let (sweep_rows, periodic): (Vec<_>, Vec<_>) = c.rows.into_iter().partition(|r| r.sweep);
                            let (sweep_gaps, periodic_gaps): (Vec<_>, Vec<_>) = c.gaps.iter().cloned().partition(|g| g.sweep);
                            view! {
                                <Form method="GET" action="/visits/coverage" attr:class="form inline">
                                    <UnitSelect units selected=unit_code.clone()/>
                                    <label for="month">"月份"</label>
                                    <input id="month" name="month" type="month" value=month.clone()/>
                                    <button type="submit">"查看"</button>
                                </Form>
                                <p class="hint">{format!("{}，{} 所在周期（截至 {}）。按期：周期内已访；补访：周期结束后才访；未访：周期已过仍未访；待访：周期未结束。", c.unit_name, c.month, c.today)}</p>
                                {village.then(|| view! {
                                    <p><FileLink class="button" href=batch>{format!("批量打印 {batch_month} 应访农户走访表（PDF，按走访路线排序）")}</FileLink></p>
                                })}
                                {(c.gaps_total as usize > c.gaps.len()).then(|| view! {
                                    <p class="hint">{format!("未访和补访共 {} 户次，下面列出前 {} 户次；请选择下一级单位查看其余。", c.gaps_total, c.gaps.len())}</p>
                                })}
                                <h2>{periodic_title}</h2>
                                <CoverageTable rows=periodic/>
                                {(!periodic_gaps.is_empty()).then(|| view! {
                                    <h3>{format!("未访和补访的农户（{} 户次）", periodic_gaps.len())}</h3>
                                    <GapTable gaps=periodic_gaps/>
                                })}
                                {(!sweep_rows.is_empty()).then(|| view! {
                                    <h2>{format!("{year} 年度集中排查")}</h2>
                                    <p><a href=sweep_link>"查看排查进度和台账"</a></p>
                                    <CoverageTable rows=sweep_rows/>
                                    {(!sweep_gaps.is_empty()).then(|| view! {
                                        <details class="fold">
                                            <summary>{format!("未排查和截止后补查的农户（{} 户次）", sweep_gaps.len())}</summary>
                                            <GapTable gaps=sweep_gaps/>
                                        </details>
                                    })}
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Coverage counts per sub-unit and duty.
#[component]
fn CoverageTable(rows: Vec<super::CoverageRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"本期没有应访的农户。"</p> }.into_any();
    }
    view! {
        <table class="list">
            <thead><tr><th>"单位"</th><th>"走访要求"</th><th>"应访"</th><th>"按期"</th><th>"补访"</th><th>"未访"</th><th>"待访"</th></tr></thead>
            <tbody>{rows.into_iter().map(|r| view! {
                <tr>
                    <td data-label="单位">{r.unit_name}</td>
                    <td data-label="走访要求">{r.duty}</td>
                    <td data-label="应访">{r.counts.total()}</td>
                    <td data-label="按期">{r.counts.on_time}</td>
                    <td data-label="补访">{r.counts.late}</td>
                    <td data-label="未访" class:danger={r.counts.never > 0}>{r.counts.never}</td>
                    <td data-label="待访">{r.counts.pending}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

/// Households missed or made up late.
#[component]
fn GapTable(gaps: Vec<super::CoverageGap>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"农户"</th><th>"村组"</th><th>"走访要求"</th><th>"情况"</th></tr></thead>
            <tbody>{gaps.into_iter().map(|g| view! {
                <tr>
                    <td data-label="农户"><a href=format!("/households/{}", g.household_code)>{g.head_name}</a></td>
                    <td data-label="村组">{g.unit_name}</td>
                    <td data-label="走访要求">{g.duty}</td>
                    <td data-label="情况">{match g.coverage {
                        Coverage::Late(on) => format!("补访（{on}）"),
                        other => other.label().to_string(),
                    }}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}

/// 年度排查与台账: the sweep's progress and the ledgers its visits built.
#[component]
pub fn SweepPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || query.with(|q| (q.get("unit").unwrap_or_default(), q.get("year").unwrap_or_default()));
    let sweep = Resource::new(params, |(unit, year)| sweep_ledgers(unit, year));
    let units = Resource::new(|| (), |_| list_org_units());
    view! {
        <section class="page">
            <p><a href="/visits">"← 我的走访"</a></p>
            <h1>"年度集中排查与台账"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在统计……"</p> }>
                {move || Suspend::new(async move {
                    let units = units.await.unwrap_or_default();
                    match sweep.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(s) => {
                            let unit_code = s.unit_code.clone();
                            let ledger_file = format!("/api/visits/sweep/ledgers.xlsx?unit={unit_code}&year={}", s.year);
                            view! {
                            <Form method="GET" action="/visits/sweep" attr:class="form inline">
                                <UnitSelect units selected=unit_code.clone()/>
                                <label for="year">"年度"</label>
                                <input id="year" name="year" inputmode="numeric" value=s.year.to_string()/>
                                <button type="submit">"查看"</button>
                            </Form>
                            <p class="hint">{format!(
                                "{} {} 年：应排查 {} 户，已排查 {} 户（其中 {} 截止后补查 {} 户），未排查 {} 户；已排查但未列入台账的一般农户 {} 户。",
                                s.unit_name, s.year, s.households, s.swept, s.deadline, s.late, s.not_swept.len(), s.ordinary
                            )}</p>
                            <p><a download href=ledger_file>"下载本年度排查台账（Excel）"</a></p>
                            {s.ledgers.into_iter().map(|l| view! {
                                <h2>{format!("{}台账（{} 户）{}", l.class, l.entries.len(), if l.monitored { "" } else { "（不计入监测对象）" })}</h2>
                                {if l.entries.is_empty() {
                                    view! { <p class="muted">"暂无。"</p> }.into_any()
                                } else {
                                    view! { <LedgerTable entries=l.entries/> }.into_any()
                                }}
                            }).collect_view()}
                            {(!s.not_swept.is_empty()).then(|| view! {
                                <h2 class="danger">{format!("尚未排查（{} 户）", s.not_swept.len())}</h2>
                                <ul>{s.not_swept.into_iter().map(|e| view! {
                                    <li><a href=format!("/households/{}", e.household_code)>{e.head_name}</a>{format!("（{}，{}）", e.unit_name, e.address)}</li>
                                }).collect_view()}</ul>
                            })}
                        }.into_any() }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LedgerTable(entries: Vec<super::LedgerEntry>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"户主"</th><th>"村组"</th><th>"住址"</th><th>"排查日期"</th><th>"排查人"</th><th>"预警户类型"</th><th>"帮扶方案"</th></tr></thead>
            <tbody>{entries.into_iter().map(|e| view! {
                <tr>
                    <td data-label="户主"><a href=format!("/households/{}", e.household_code)>{e.head_name}</a>
                        {e.red_alert.then(|| view! { " "<span class="badge red">"红色预警"</span> })}</td>
                    <td data-label="村组">{e.unit_name}</td>
                    <td data-label="住址">{e.address}</td>
                    <td data-label="排查日期"><a href=format!("/visits/{}", e.visit_id)>{e.visited_on.to_string()}</a></td>
                    <td data-label="排查人">{e.visitor}</td>
                    <td data-label="预警户类型">{if e.warning_kinds.is_empty() { "—".to_string() } else { e.warning_kinds.join("、") }}</td>
                    <td data-label="帮扶方案">{match e.measures {
                        0 => view! { <span class="attention">"未制定"</span> }.into_any(),
                        n => view! { <span>{format!("{n} 项措施")}</span> }.into_any(),
                    }}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
    }
}
