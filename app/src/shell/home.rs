//! The start page after signing in: who I am, where I work, and where to go.

use leptos::prelude::*;

use crate::cases::api::case_counts;
use crate::permissions::Action;
use crate::ui::{MeResource, allows_any};

/// One area the start page points to, for the roles allowing any of `needs` (none: everyone).
struct AreaLink {
    href: &'static str,
    label: &'static str,
    what: &'static str,
    needs: &'static [Action],
}

const AREAS: &[AreaLink] = &[
    AreaLink {
        href: "/households",
        label: "农户",
        what: "本单位范围内的农户、家庭成员、收支、两不愁三保障评估、风险研判和识别纳入",
        needs: &[Action::ReadHousehold],
    },
    AreaLink {
        href: "/households?red_alert=1",
        label: "红色预警户",
        what: "按本年度政策研判出的红色预警农户",
        needs: &[Action::ReadHousehold],
    },
    AreaLink {
        href: "/cases",
        label: "风险案件",
        what: "每个风险一个案件：责任人、期限、核实、帮扶、验收销号全程留痕",
        needs: &[Action::ReadHousehold],
    },
    AreaLink {
        href: "/screening",
        label: "部门预警",
        what: "行业部门推送的筛查预警，匹配农户、核实和立案",
        needs: &[Action::ImportWarnings, Action::VerifyWarnings],
    },
    AreaLink {
        href: "/visits",
        label: "走访",
        what: "按政策频次应访的农户、走访记录、覆盖情况、年度集中排查与台账、走访表打印",
        needs: &[Action::ReadHousehold],
    },
    AreaLink {
        href: "/meetings",
        label: "研判会议",
        what: "村级和镇街每月研判会：议题、参会、研判决定、签发和会议记录专本",
        needs: &[Action::ReadHousehold],
    },
    AreaLink {
        href: "/supervision",
        label: "专项督查",
        what: "每半年一轮：督查底稿、记录问题、交办整改、独立复核销号",
        needs: &[Action::ReadHousehold, Action::ManageSupervision],
    },
    AreaLink {
        href: "/reports",
        label: "统计报表",
        what: "监测对象规模，台账和花名册导出，农户导入",
        needs: &[Action::ReadHousehold],
    },
    AreaLink {
        href: "/settings",
        label: "政策设置",
        what: "本单位适用的监测线、对象类别、走访频次和办理时限",
        needs: &[],
    },
    AreaLink {
        href: "/accountability",
        label: "问责",
        what: "依据系统记录提出的问责候选事项（自查发现并按期解决的不计入），问责记录的申辩、审查、决定和审批",
        needs: &[Action::ReadAccountability],
    },
    AreaLink {
        href: "/assessments",
        label: "年度考核",
        what: "各镇街、村的年度考核得分和排名（每项得分可查看依据），一票否决的提请、认定和审批",
        needs: &[Action::ReadAccountability],
    },
    AreaLink { href: "/account", label: "我的账号", what: "修改密码", needs: &[] },
];

#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let counts = Resource::new(|| (), |_| case_counts());
    let visits = Resource::new(|| (), |_| crate::visits::api::list_my_visits());
    view! {
        <section class="page">
            <h1>"工作台"</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let caller = me.await.ok().flatten()?;
                    Some(view! {
                        <p class="lead">{format!("{}，您好。", caller.display_name)}</p>
                        <h2>"我的角色与负责单位"</h2>
                        {if caller.roles.is_empty() {
                            view! { <p>"您还没有被分配任何角色，请联系系统管理员。"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="cards">
                                    {caller.roles.iter().map(|g| view! {
                                        <li class="card">
                                            <strong>{g.role_label.clone()}</strong>
                                            <span>{g.org_name.clone()}</span>
                                            <small>{g.org_code.clone()}</small>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    })
                })}
            </Transition>
            <h2>"风险案件"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    counts.await.ok().map(|c| view! {
                        <ul class="cards">
                            <li class="card"><a href="/cases?view=mine"><strong>{c.mine_open}</strong><span>"我的未办结案件"</span></a></li>
                            <li class="card" class:alert={c.mine_overdue > 0}><a href="/cases?view=mine"><strong>{c.mine_overdue}</strong><span>"我的已逾期案件"</span></a></li>
                            <li class="card"><a href="/cases?view=due_week"><strong>{c.due_week}</strong><span>"本周到期"</span></a></li>
                            <li class="card" class:alert={c.overdue > 0}><a href="/cases?view=overdue"><strong>{c.overdue}</strong><span>"本范围已逾期"</span></a></li>
                        </ul>
                    })
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    visits.await.ok().filter(|v| !(v.overdue.is_empty() && v.due.is_empty() && v.done.is_empty())).map(|v| view! {
                        <h2>"我的走访"</h2>
                        <ul class="cards">
                            <li class="card" class:alert={!v.overdue.is_empty()}><a href="/visits"><strong>{v.overdue.len()}</strong><span>"已逾期（户次）"</span></a></li>
                            <li class="card"><a href="/visits"><strong>{v.due.len()}</strong><span>"本期应访（户次）"</span></a></li>
                            <li class="card"><a href="/visits"><strong>{v.done.len()}</strong><span>"本期已访（户次）"</span></a></li>
                        </ul>
                    })
                })}
            </Transition>
            <h2>"可用功能"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let caller = me.await.ok().flatten()?;
                    Some(view! {
                        <ul class="links">
                            {AREAS.iter().filter(|a| a.needs.is_empty() || allows_any(&caller, a.needs)).map(|a| view! {
                                <li><a href=a.href>{a.label}</a>{format!(" — {}", a.what)}</li>
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
        </section>
    }
}
