//! 交叉检查 pages: the year's checks and planning one; a check with its teams, declared conflicts, the pairing of
//! teams and townships under the avoidance rules, the draw and its verification, and each drawn household's and
//! village's sheet (the sheets and results pages are `sheet_pages` and `result_pages`).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api::{
    AddTeam, ConfirmPairing, DeclareConflict, DrawSample, PlanCheck, ReplaceHousehold, VerifyDraw, get_check,
    list_checks,
};
use super::{CheckStatus, CheckView, DrawView, DrawnHousehold, Pairing, ReplaceReason};
use crate::permissions::Action;
use crate::ui::{ErrorBox, FileLink, action_error, caller_may, count_successes, field_error, form_error};

/// 交叉检查: the checks the caller sees and, for the county office, the form to plan the year's.
#[component]
pub fn CrossChecksPage() -> impl IntoView {
    let checks = Resource::new(|| (), |_| list_checks());
    let may_plan = caller_may(Action::ManageCrossCheck);
    // The counties the caller organises checks in, from their roles.
    let counties: Vec<(String, String)> = use_context::<crate::permissions::Caller>()
        .map(|c| {
            c.roles
                .iter()
                .filter(|g| Action::ManageCrossCheck.roles().contains(&g.role))
                .map(|g| (g.org_code.clone(), g.org_name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let plan = ServerAction::<PlanCheck>::new();
    let value = plan.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = value.get() {
            use_navigate()(&format!("/cross-checks/{id}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <h1>"交叉检查"</h1>
            <p class="hint">"县级每年组织一次镇街间交叉检查：每个镇街抽查不少于 2 个村，每村入户不少于 40 户。检查组不查本人任职或近年任职的镇街；抽样按现场确定的随机种子计算，任何人可据记录的抽样框复核。"</p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match checks.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"暂无交叉检查计划。"</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="list">
                                <thead><tr><th>"检查"</th><th>"检查时间"</th><th>"状态"</th><th>"被检查镇街"</th><th>"检查组"</th></tr></thead>
                                <tbody>{list.into_iter().map(|c| view! {
                                    <tr>
                                        <td data-label="检查"><a href=format!("/cross-checks/{}", c.id)>{c.title}</a></td>
                                        <td data-label="检查时间">{format!("{} 至 {}", crate::time::beijing_time(c.window_start), crate::time::beijing_time(c.window_end))}</td>
                                        <td data-label="状态">{c.status_label}</td>
                                        <td data-label="被检查镇街">{c.townships.iter().map(|t| t.name.clone()).collect::<Vec<_>>().join("、")}</td>
                                        <td data-label="检查组">{c.teams}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            {may_plan.then(|| view! {
                <details class="editor">
                    <summary>"计划本年度交叉检查"</summary>
                    <ActionForm action=plan attr:class="form">
                        <label for="cc_county">"县（区）"</label>
                        <select id="cc_county" name="form[org_code]">
                            {counties.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                        </select>
                        {field_error(value, "org_code")}
                        <label for="cc_year">"年度"</label>
                        <input id="cc_year" name="form[year]" inputmode="numeric"/>
                        {field_error(value, "year")}
                        <label for="cc_title">"名称"</label>
                        <input id="cc_title" name="form[title]" placeholder="例如：2026 年乡镇（街道）间交叉检查"/>
                        {field_error(value, "title")}
                        <label for="cc_start">"检查开始（北京时间，检查人员自此可查看抽中的农户）"</label>
                        <input id="cc_start" name="form[window_start]" type="datetime-local"/>
                        {field_error(value, "window_start")}
                        <label for="cc_end">"检查结束（此后立即停止查看）"</label>
                        <input id="cc_end" name="form[window_end]" type="datetime-local"/>
                        {field_error(value, "window_end")}
                        <p class="hint">"被检查镇街：默认本县（区）全部镇街。"</p>
                        {field_error(value, "townships")}
                        {form_error(value)}
                        <button type="submit" class="primary">"保存计划"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

/// One check: teams, conflicts, pairing, draw.
#[component]
pub fn CrossCheckPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let changes = RwSignal::new(0u32);
    let check = Resource::new(move || (id(), changes.get()), |(id, _)| get_check(id));
    view! {
        <section class="page">
            <p><a href="/cross-checks">"← 交叉检查"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match check.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(c) => view! { <CheckBody c changes/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CheckBody(c: CheckView, changes: RwSignal<u32>) -> impl IntoView {
    let s = c.summary.clone();
    let r = c.rules.clone();
    let planned = s.status == CheckStatus::Planned;
    view! {
        <h1>{s.title.clone()}</h1>
        <dl class="facts">
            <dt>"检查时间"</dt><dd>{format!("{} 至 {}（北京时间）", crate::time::beijing_time(s.window_start), crate::time::beijing_time(s.window_end))}</dd>
            <dt>"状态"</dt><dd>{s.status_label.clone()}</dd>
            <dt>"被检查镇街"</dt><dd>{s.townships.iter().map(|t| t.name.clone()).collect::<Vec<_>>().join("、")}</dd>
            <dt>"抽样"</dt><dd>{format!("每镇街 {} 个村，每村 {} 户（监测对象 {}%、预警户 {}%、其他农户 {}%）", r.villages_per_township, r.households_per_village, r.strata_percent[0], r.strata_percent[1], r.strata_percent[2])}</dd>
        </dl>
        <h2>"检查组"</h2>
        {if c.teams.is_empty() {
            view! { <p class="muted">"尚未组建检查组。"</p> }.into_any()
        } else {
            view! {
                <table class="list">
                    <thead><tr><th>"检查组"</th><th>"成员"</th><th>"检查镇街"</th></tr></thead>
                    <tbody>{c.teams.iter().cloned().map(|t| view! {
                        <tr>
                            <td data-label="检查组">{t.name}</td>
                            <td data-label="成员">{t.members.join("、")}</td>
                            <td data-label="检查镇街">{t.township.map(|u| u.name).unwrap_or_else(|| "待配对".into())}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
        {(c.may_manage && planned).then(|| view! { <TeamEntry check_id=s.id candidates=c.candidates.clone() changes/> })}
        <h2>"回避申报"</h2>
        {if c.conflicts.is_empty() {
            view! { <p class="muted">"暂无申报。"</p> }.into_any()
        } else {
            view! { <ul>{c.conflicts.iter().map(|x| view! { <li>{format!("{}：{}（{}）", x.member, x.unit.name, x.reason)}</li> }).collect_view()}</ul> }.into_any()
        }}
        {(c.may_manage && planned && !c.candidates.is_empty()).then(|| view! { <ConflictEntry check_id=s.id candidates=c.candidates.clone() units=c.units.clone() changes/> })}
        <h2>{if planned { "配对方案（按回避规则自动生成）" } else { "配对" }}</h2>
        <PairingView p=c.pairing.clone()/>
        {(c.may_manage && planned && c.pairing.impossible.is_none() && !c.pairing.pairs.is_empty()).then(|| view! { <ConfirmPairingButton check_id=s.id changes/> })}
        <h2>"抽样"</h2>
        {match c.draw.clone() {
            Some(d) => view! {
                {c.may_manage.then(|| view! {
                    <p><a download href=format!("/api/cross-checks/{}/draw.xlsx", s.id)>"下载抽样框与抽样结果（Excel）"</a></p>
                })}
                <DrawSection d check_id=s.id changes/>
            }.into_any(),
            None if c.may_manage && s.status == CheckStatus::Paired => view! { <DrawEntry check_id=s.id changes/> }.into_any(),
            None => view! { <p class="muted">"配对确认后由县级组织现场抽样。"</p> }.into_any(),
        }}
        {(s.status == CheckStatus::Drawn).then(|| view! {
            <h2>"得分与排名"</h2>
            <p><a class="button" href=format!("/cross-checks/{}/scores", s.id)>"查看各镇街得分与排名"</a></p>
        })}
    }
}

#[component]
fn TeamEntry(check_id: i64, candidates: Vec<crate::households::CadreOption>, changes: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddTeam>::new();
    count_successes(add.value(), changes);
    let value = add.value();
    view! {
        <details class="editor">
            <summary>"组建检查组"</summary>
            <ActionForm action=add attr:class="form">
                <input type="hidden" name="check_id" value=check_id/>
                <label for="team_name">"检查组名称"</label>
                <input id="team_name" name="form[name]" placeholder="例如：第一检查组"/>
                {field_error(value, "name")}
                <label for="team_leader">"组长"</label>
                <select id="team_leader" name="form[leader_user_id]">
                    {candidates.iter().map(|m| view! { <option value=m.user_id>{m.label.clone()}</option> }).collect_view()}
                </select>
                {field_error(value, "leader_user_id")}
                <fieldset class="checks">
                    <legend>"成员"</legend>
                    {candidates.iter().enumerate().map(|(i, m)| view! {
                        <label class="check"><input type="checkbox" name=format!("form[members][{i}]") value=m.user_id/>{format!(" {}", m.label)}</label>
                    }).collect_view()}
                </fieldset>
                {field_error(value, "members")}
                {form_error(value)}
                <button type="submit" class="primary">"保存检查组"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn ConflictEntry(
    check_id: i64,
    candidates: Vec<crate::households::CadreOption>,
    units: Vec<super::Unit>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let declare = ServerAction::<DeclareConflict>::new();
    count_successes(declare.value(), changes);
    let value = declare.value();
    view! {
        <details class="editor">
            <summary>"登记回避申报"</summary>
            <ActionForm action=declare attr:class="form">
                <input type="hidden" name="check_id" value=check_id/>
                <label for="conflict_user">"申报人"</label>
                <select id="conflict_user" name="form[user_id]">
                    {candidates.iter().map(|m| view! { <option value=m.user_id>{m.label.clone()}</option> }).collect_view()}
                </select>
                {field_error(value, "user_id")}
                <label for="conflict_unit">"回避的镇街或村"</label>
                <select id="conflict_unit" name="form[org_code]">
                    {units.into_iter().map(|u| view! { <option value=u.code>{u.name}</option> }).collect_view()}
                </select>
                {field_error(value, "org_code")}
                <label for="conflict_reason">"事由"</label>
                <input id="conflict_reason" name="form[reason]" placeholder="例如：配偶在该村任职"/>
                {field_error(value, "reason")}
                {form_error(value)}
                <button type="submit">"登记"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn PairingView(p: Pairing) -> impl IntoView {
    view! {
        {p.impossible.clone().map(|m| view! { <div class="banner error" role="alert">{m}</div> })}
        {(!p.pairs.is_empty()).then(|| view! {
            <ul>{p.pairs.iter().map(|(team, township)| view! { <li>{format!("{team} → {township}")}</li> }).collect_view()}</ul>
        })}
        {(!p.repeats.is_empty()).then(|| view! {
            <p class="attention">{format!("无其他可行配对，以下沿用上年：{}", p.repeats.iter().map(|(t, w)| format!("{t} → {w}")).collect::<Vec<_>>().join("、"))}</p>
        })}
        <details class="fold">
            <summary>{format!("回避排除（{} 条）", p.exclusions.len())}</summary>
            <ul>{p.exclusions.iter().map(|e| view! { <li>{format!("{} 不检查 {}：{}", e.team, e.township, e.reason)}</li> }).collect_view()}</ul>
        </details>
    }
}

#[component]
fn ConfirmPairingButton(check_id: i64, changes: RwSignal<u32>) -> impl IntoView {
    let confirm = ServerAction::<ConfirmPairing>::new();
    count_successes(confirm.value(), changes);
    view! {
        {action_error(confirm.value())}
        <ActionForm action=confirm attr:class="inline">
            <input type="hidden" name="check_id" value=check_id/>
            <button type="submit" class="primary">"确认配对"</button>
        </ActionForm>
    }
}

#[component]
fn DrawEntry(check_id: i64, changes: RwSignal<u32>) -> impl IntoView {
    let draw = ServerAction::<DrawSample>::new();
    count_successes(draw.value(), changes);
    let value = draw.value();
    view! {
        <ActionForm action=draw attr:class="form">
            <input type="hidden" name="check_id" value=check_id/>
            <label for="draw_seed">"随机种子（抽样现场当众确定，例如掷骰或抽号得到的数字）"</label>
            <input id="draw_seed" name="seed" inputmode="numeric"/>
            {field_error(value, "seed")}
            {form_error(value)}
            <button type="submit" class="primary">"抽样"</button>
        </ActionForm>
    }
}

#[component]
fn DrawSection(d: DrawView, check_id: i64, changes: RwSignal<u32>) -> impl IntoView {
    let verify = ServerAction::<VerifyDraw>::new();
    let outcome = verify.value();
    let replace = ServerAction::<ReplaceHousehold>::new();
    count_successes(replace.value(), changes);
    view! {
        <dl class="facts">
            <dt>"抽样"</dt><dd>{format!("{}，{}", d.drawn_by, crate::time::beijing_time(d.drawn_at))}</dd>
            <dt>"随机种子"</dt><dd>{d.seed.clone()}</dd>
            <dt>"抽样框 SHA-256"</dt><dd class="code">{d.frame_sha256.clone()}</dd>
            <dt>"算法"</dt><dd>{d.algorithm.clone()}</dd>
            {(d.skipped > 0).then(|| view! { <dt>"上年已抽中"</dt><dd>{format!("{} 户不再抽取", d.skipped)}</dd> })}
        </dl>
        <ActionForm action=verify attr:class="inline">
            <input type="hidden" name="check_id" value=check_id/>
            <button type="submit">"复核抽样结果"</button>
        </ActionForm>
        {move || outcome.get().map(|r| match r {
            Ok(v) if v.identical => view! { <div class="banner ok" role="status">"按记录的抽样框和种子重新计算，抽中名单与记录完全一致。"</div> }.into_any(),
            Ok(v) => view! { <div class="banner error" role="alert">{v.differences.join(" ")}</div> }.into_any(),
            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
        })}
        {action_error(replace.value())}
        {d.townships.into_iter().map(|t| {
            let (may_replace, may_fill) = (t.may_replace, t.may_fill);
            view! {
                <h3>{format!("{}（{}）", t.unit.name, t.team)}</h3>
                {t.sees_findings.then(|| view! {
                    <p><a href=format!("/cross-checks/{check_id}/townships/{}", t.unit.code)>"检查发现的问题与交办"</a></p>
                })}
                {t.villages.into_iter().map(|v| {
                    let checked = v.households.iter().filter(|h| h.checked).count();
                    view! {
                        <h4>{format!("{}：{} 户（已核查 {}），备选 {} 户{}", v.unit.name, v.households.len(), checked, v.reserve, if v.shortfall > 0 { format!("，不足 {} 户", v.shortfall) } else { String::new() })}</h4>
                        <p class="actions">
                            <a class="button" href=format!("/cross-checks/units/{}", v.unit_id)>{match (v.checked, may_fill) {
                                (true, _) => "村级核查表（已保存）",
                                (false, true) => "填写村级核查表",
                                (false, false) => "村级核查表（未填写）",
                            }}</a>
                            {may_fill.then(|| view! {
                                <FileLink class="button" href=format!("/prints/cross-checks/{check_id}/villages/{}/sheets.pdf", v.unit.code)>"打印本村核查表（PDF）"</FileLink>
                            })}
                        </p>
                        {(!v.households.is_empty()).then(|| view! {
                            <ol>{v.households.into_iter().map(|h| view! { <SampledHousehold h check_id may_replace may_fill replace/> }).collect_view()}</ol>
                        })}
                    }
                }).collect_view()}
            }
        }).collect_view()}
    }
}

/// A drawn household in visiting order, with the leader's form to replace it from the reserve.
#[component]
fn SampledHousehold(
    h: DrawnHousehold,
    check_id: i64,
    may_replace: bool,
    may_fill: bool,
    replace: ServerAction<ReplaceHousehold>,
) -> impl IntoView {
    let field = format!("replace_{}", h.code);
    let sheet = match (h.checked, may_fill) {
        (true, _) => "已核查",
        (false, true) => "填写核查表",
        (false, false) => "未核查",
    };
    view! {
        <li>
            <a href=format!("/households/{}", h.code)>{format!("{}户（{}）", h.head_name, h.code)}</a>
            {format!(" · {}", h.stratum_label)}
            {h.replaces.clone().map(|r| view! { <span class="muted">{format!(" · {r}")}</span> })}
            " · "<a href=format!("/cross-checks/units/{}", h.unit_id)>{sheet}</a>
            {(may_replace && !h.checked).then(|| view! {
                <details>
                    <summary>"替换为备选户"</summary>
                    <ActionForm action=replace attr:class="form">
                        <input type="hidden" name="check_id" value=check_id/>
                        <input type="hidden" name="form[household]" value=h.code.clone()/>
                        <label for=format!("{field}_reason")>"原因"</label>
                        <select id=format!("{field}_reason") name="form[reason]">
                            {ReplaceReason::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                        </select>
                        <label for=format!("{field}_note")>"说明（选“其他”时必填）"</label>
                        <input id=format!("{field}_note") name="form[note]"/>
                        <button type="submit">"按顺序替换"</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
