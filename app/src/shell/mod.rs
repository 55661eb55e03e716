//! The app shell: the HTML document, the router, the navigation that names every area of the mission,
//! and the small components every page uses.

#[cfg(feature = "ssr")]
pub mod assets;
mod home;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{A, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment, path};

use crate::audit::pages::AuditPage;
use crate::auth::api::{Logout, current_user};
use crate::auth::pages::{AccountPage, LoginPage};
use crate::calendar::pages::CalendarPage;
use crate::cases::pages::{CaseDetailPage, CasesPage, NewCasePage};
use crate::excel::pages::ImportReportPage;
use crate::household_file::pages::HouseholdDetailPage;
use crate::households::pages::HouseholdListPage;
use crate::households::register_pages::NewHouseholdPage;
use crate::org::pages::OrgAdminPage;
use crate::permissions::Action;
use crate::permissions::Caller;
use crate::policy::pages::PolicyPage;
use crate::reports::pages::ReportsPage;
use crate::ui::{ErrorBox, MeResource, RoleGate, allows_any, hard_navigate};
use crate::users::pages::{UserAdminPage, UserDetailPage};
use home::HomePage;

/// The whole HTML document, rendered on the server. The head is not hydrated: the browser bundle takes
/// over the body.
#[cfg(feature = "ssr")]
pub fn shell(options: leptos::config::LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#9f1d20"/>
                <link rel="stylesheet" href=assets::stylesheet_href()/>
                // No icon file: without this line the browser asks for /favicon.ico on every page.
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me: MeResource = Resource::new(|| (), |_| current_user());
    provide_context(me);
    crate::refill::provide_refused_input();

    view! {
        <Title text="防返贫监测帮扶系统"/>
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/report") view=crate::self_report::pages::SelfReportPage ssr=SsrMode::Async/>
                <ParentRoute path=StaticSegment("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=StaticSegment("") view=HomePage/>
                    <Route path=path!("/households") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="农户名单"><HouseholdListPage/></RoleGate> }/>
                    <Route path=path!("/households/new") view=|| view! { <RoleGate needs=&[Action::EditHousehold] what="新增农户"><NewHouseholdPage/></RoleGate> }/>
                    <Route path=(StaticSegment("households"), ParamSegment("code")) view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="农户信息" by_window=true><HouseholdDetailPage/></RoleGate> }/>
                    <Route path=path!("/cases") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="风险案件"><CasesPage/></RoleGate> }/>
                    <Route path=path!("/cases/new") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="登记风险案件"><NewCasePage/></RoleGate> }/>
                    <Route path=(StaticSegment("cases"), ParamSegment("id")) view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="风险案件"><CaseDetailPage/></RoleGate> }/>
                    <Route path=path!("/visits") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="走访"><crate::visits::pages::MyVisitsPage/></RoleGate> }/>
                    <Route path=path!("/visits/new") view=|| view! { <RoleGate needs=&[Action::RecordVisit] what="走访登记"><crate::visits::record_pages::NewVisitPage/></RoleGate> }/>
                    <Route path=path!("/visits/coverage") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="走访覆盖情况"><crate::visits::pages::CoveragePage/></RoleGate> }/>
                    <Route path=path!("/visits/sweep") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="年度集中排查"><crate::visits::pages::SweepPage/></RoleGate> }/>
                    <Route path=(StaticSegment("visits"), ParamSegment("id")) view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="走访记录"><crate::visits::record_pages::VisitPage/></RoleGate> }/>
                    <Route path=path!("/meetings") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="研判会议"><crate::meetings::pages::MeetingsPage/></RoleGate> }/>
                    <Route path=(StaticSegment("meetings"), ParamSegment("id")) view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="研判会议"><crate::meetings::pages::MeetingPage/></RoleGate> }/>
                    <Route path=path!("/supervision") view=|| view! { <RoleGate needs=&[Action::ReadHousehold, Action::ManageSupervision] what="专项督查"><crate::supervision::pages::SupervisionPage/></RoleGate> }/>
                    <Route path=path!("/supervision/:id") view=|| view! { <RoleGate needs=&[Action::ReadHousehold, Action::ManageSupervision] what="专项督查"><crate::supervision::pages::RoundPage/></RoleGate> }/>
                    <Route path=path!("/supervision/:id/units/:code") view=|| view! { <RoleGate needs=&[Action::ManageSupervision, Action::ReadHousehold] what="督查底稿"><crate::supervision::pages::WorkpaperPage/></RoleGate> }/>
                    <Route path=path!("/supervision/findings/:id/similar") view=|| view! { <RoleGate needs=&[Action::ManageSupervision, Action::ReadHousehold] what="举一反三"><crate::supervision::pages::SimilarPage/></RoleGate> }/>
                    <Route path=path!("/cross-checks") view=|| view! { <crate::crosscheck::pages::CrossChecksPage/> }/>
                    <Route path=path!("/cross-checks/:id") view=|| view! { <crate::crosscheck::pages::CrossCheckPage/> }/>
                    <Route path=path!("/cross-checks/:id/scores") view=|| view! { <crate::crosscheck::ScoresPage/> }/>
                    <Route path=path!("/cross-checks/:id/townships/:code") view=|| view! { <crate::crosscheck::TownshipFindingsPage/> }/>
                    <Route path=path!("/cross-checks/units/:unit") view=|| view! { <crate::crosscheck::CheckSheetPage/> }/>
                    <Route path=path!("/accountability") view=|| view! { <crate::accountability::pages::AccountabilityPage/> }/>
                    <Route path=path!("/accountability/records/:id") view=|| view! { <crate::accountability::pages::RecordPage/> }/>
                    <Route path=path!("/assessments") view=|| view! { <crate::assessment::pages::AssessmentPage/> }/>
                    <Route path=path!("/assessments/:year/units/:code") view=|| view! { <crate::assessment::pages::UnitAssessmentPage/> }/>
                    <Route path=path!("/assessments/vetoes") view=|| view! { <crate::assessment::veto_pages::VetoesPage/> }/>
                    <Route path=path!("/assessments/vetoes/:id") view=|| view! { <crate::assessment::veto_pages::VetoPage/> }/>
                    <Route path=path!("/reports") view=|| view! { <RoleGate needs=&[Action::ReadHousehold] what="统计报表"><ReportsPage/></RoleGate> }/>
                    <Route path=(StaticSegment("imports"), ParamSegment("id")) view=ImportReportPage/>
                    <Route path=path!("/settings") view=PolicyPage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/notifications") view=crate::notify::pages::NotificationsPage/>
                    <Route path=path!("/screening") view=|| view! { <RoleGate needs=&[Action::ImportWarnings, Action::VerifyWarnings] what="部门预警"><crate::screening::pages::ScreeningPage/></RoleGate> }/>
                    <Route path=(StaticSegment("screening"), StaticSegment("batches"), ParamSegment("id")) view=|| view! { <RoleGate needs=&[Action::ImportWarnings, Action::VerifyWarnings] what="部门预警"><crate::screening::pages::ScreeningBatchPage/></RoleGate> }/>
                    <Route path=path!("/admin/org") view=|| view! { <RoleGate needs=&[Action::ManageOrgUnits] what="组织机构管理"><OrgAdminPage/></RoleGate> }/>
                    <Route path=path!("/admin/users") view=|| view! { <RoleGate needs=&[Action::ReadUserRoster] what="用户与角色"><UserAdminPage/></RoleGate> }/>
                    <Route path=(StaticSegment("admin"), StaticSegment("users"), ParamSegment("id")) view=|| view! { <RoleGate needs=&[Action::ManageUsers] what="用户详情"><UserDetailPage/></RoleGate> }/>
                    <Route path=path!("/admin/audit") view=|| view! { <RoleGate needs=&[Action::ReadAudit] what="审计日志"><AuditPage/></RoleGate> }/>
                    <Route path=path!("/admin/calendar") view=CalendarPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// One entry of the main navigation, shown to callers whose roles allow any of `needs` (none: everyone).
struct NavItem {
    href: &'static str,
    label: &'static str,
    needs: &'static [Action],
}

impl NavItem {
    fn shown_to(&self, caller: &Caller) -> bool {
        self.needs.is_empty() || allows_any(caller, self.needs)
    }
}

const NAV: &[NavItem] = &[
    NavItem { href: "/", label: "工作台", needs: &[] },
    NavItem { href: "/households", label: "农户", needs: &[Action::ReadHousehold] },
    NavItem { href: "/cases", label: "风险案件", needs: &[Action::ReadHousehold] },
    NavItem { href: "/screening", label: "部门预警", needs: &[Action::ImportWarnings, Action::VerifyWarnings] },
    NavItem { href: "/visits", label: "走访", needs: &[Action::ReadHousehold] },
    NavItem { href: "/meetings", label: "研判会议", needs: &[Action::ReadHousehold] },
    NavItem { href: "/supervision", label: "专项督查", needs: &[Action::ReadHousehold, Action::ManageSupervision] },
    NavItem { href: "/cross-checks", label: "交叉检查", needs: &[] },
    NavItem { href: "/accountability", label: "问责", needs: &[] },
    NavItem { href: "/assessments", label: "考核", needs: &[Action::ReadAccountability] },
    NavItem { href: "/reports", label: "统计报表", needs: &[Action::ReadHousehold] },
    NavItem { href: "/settings", label: "政策设置", needs: &[] },
];

const ADMIN_NAV: &[NavItem] = &[
    NavItem { href: "/admin/org", label: "组织机构", needs: &[Action::ManageOrgUnits] },
    NavItem { href: "/admin/users", label: "用户与角色", needs: &[Action::ReadUserRoster] },
    NavItem { href: "/admin/audit", label: "审计日志", needs: &[Action::ReadAudit] },
    NavItem { href: "/admin/calendar", label: "节假日安排", needs: &[Action::ManagePolicy] },
];

/// The frame of every page behind sign-in: top bar, navigation, and the page itself.
#[component]
fn SignedInLayout() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(caller)) => view! { <Frame caller/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Frame(caller: Caller) -> impl IntoView {
    // Pages below decide what the role may use from it (`RoleGate`).
    provide_context(caller.clone());
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            hard_navigate("/login");
        }
    });
    let menu_open = RwSignal::new(false);
    // With a one-time password nothing but the own account is open: the menu offers only that.
    let must_change = caller.must_change_password;
    let nav: Vec<&NavItem> = NAV.iter().filter(|item| !must_change && item.shown_to(&caller)).collect();
    let admin_nav: Vec<&NavItem> = ADMIN_NAV.iter().filter(|item| !must_change && item.shown_to(&caller)).collect();
    let shows_admin = !admin_nav.is_empty();
    let location = leptos_router::hooks::use_location();
    let on_account_page = move || location.pathname.with(|p| p == "/account");
    let first_role = caller
        .roles
        .first()
        .map(|g| format!("{} · {}", g.org_name, g.role_label))
        .unwrap_or_else(|| "未分配角色".into());
    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            <header class="topbar">
                <button class="menu-toggle" aria-label="打开菜单" on:click=move |_| menu_open.update(|o| *o = !*o)>"☰"</button>
                <a class="brand" href="/">"防返贫监测帮扶"</a>
                <span class="who">{caller.display_name.clone()}<small>{first_role}</small></span>
            </header>
            // On phones the navigation is a drawer; choosing an entry closes it.
            <nav class="sidenav" aria-label="主导航" on:click=move |_| menu_open.set(false)>
                <ul>
                    {nav.into_iter().map(|item| view! { <li><A href=item.href exact=item.href == "/">{item.label}</A></li> }).collect_view()}
                </ul>
                {shows_admin.then(|| view! {
                    <p class="nav-heading">"系统管理"</p>
                    <ul>
                        {admin_nav.into_iter().map(|item| view! { <li><A href=item.href>{item.label}</A></li> }).collect_view()}
                    </ul>
                })}
                <ul class="nav-account">
                    <li><A href="/notifications">"通知"</A></li>
                    <li><A href="/account">"我的账号"</A></li>
                    <li>
                        <ActionForm action=logout>
                            <button type="submit" class="link-button">"退出登录"</button>
                        </ActionForm>
                    </li>
                </ul>
            </nav>
            <main class="content">
                <Show when=move || must_change>
                    <div class="banner warn">
                        "您正在使用管理员发放的一次性密码，请先到 " <a href="/account">"我的账号"</a> " 设置自己的新密码，然后才能使用系统。"
                    </div>
                </Show>
                <Show
                    when=move || !must_change || on_account_page()
                    fallback=|| view! {
                        <section class="page">
                            <h1>"请先设置新密码"</h1>
                            <p>"为保护农户信息，使用一次性密码登录时只能修改密码。"</p>
                            <p><a class="button primary" href="/account">"去设置新密码"</a></p>
                        </section>
                    }
                >
                    <leptos_router::components::Outlet/>
                </Show>
            </main>
        </div>
    }
}

#[component]
fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="content narrow">
            <h1>"页面不存在"</h1>
            <p>"您访问的页面不存在或已移动。"</p>
            <p><a href="/">"返回工作台"</a></p>
        </main>
    }
}
