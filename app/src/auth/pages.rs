//! The sign-in page and the account page.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::api::{ChangePassword, Login};
use crate::ui::{MeResource, action_error, field_error, hard_navigate};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let value = login.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            hard_navigate("/");
        }
    });
    let me = expect_context::<MeResource>();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(me.await, Ok(Some(_))).then(|| view! { <Redirect path="/"/> })
            })}
        </Transition>
        <main class="login">
            <div class="login-card">
                <h1>"防返贫监测帮扶系统"</h1>
                <p class="muted">"防止返贫动态监测和帮扶 · 案件与责任落实"</p>
                <ActionForm action=login>
                    <label for="username">"用户名"</label>
                    <input id="username" name="username" autocomplete="username" autocapitalize="off" required/>
                    {field_error(value, "username")}
                    <label for="password">"密码"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    {field_error(value, "password")}
                    {move || match value.get() {
                        Some(Err(e)) if e.field_message("username").is_none() && e.field_message("password").is_none() => {
                            Some(view! { <div class="banner error" role="alert">{e.to_string()}</div> })
                        }
                        _ => None,
                    }}
                    <button type="submit" class="primary" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "正在登录……" } else { "登录" }}
                    </button>
                </ActionForm>
                <p class="muted small">"账号由本县系统管理员开设。忘记密码请联系管理员重置。"</p>
                <p class="small">"群众遇到困难？" <a href="/report">"无需登录，在这里申报"</a></p>
            </div>
        </main>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let change = ServerAction::<ChangePassword>::new();
    let value = change.value();
    // A first password opens the whole app: after it, load the app afresh with the menu the roles allow.
    let first_password = use_context::<crate::permissions::Caller>().is_some_and(|c| c.must_change_password);
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            if first_password {
                crate::ui::hard_navigate("/");
            } else {
                me.refetch();
            }
        }
    });
    view! {
        <section class="page">
            <h1>"我的账号"</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let caller = me.await.ok().flatten()?;
                    Some(view! {
                        <dl class="facts">
                            <dt>"姓名"</dt><dd>{caller.display_name.clone()}</dd>
                            <dt>"用户名"</dt><dd>{caller.username.clone()}</dd>
                            <dt>"角色"</dt>
                            <dd>
                                {caller.roles.iter().map(|g| view! {
                                    <div>{format!("{} · {}", g.org_name, g.role_label)}</div>
                                }).collect_view()}
                            </dd>
                        </dl>
                    })
                })}
            </Transition>
            <h2>"修改密码"</h2>
            <ActionForm action=change attr:class="form">
                <label for="current_password">"当前密码"</label>
                <input id="current_password" name="current_password" type="password" autocomplete="current-password" required/>
                {field_error(value, "current_password")}
                <label for="new_password">"新密码"</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="10" required/>
                <p class="hint">"至少 10 个字符，包含字母、数字、符号中的至少两类。"</p>
                {field_error(value, "new_password")}
                <label for="confirm">"再次输入新密码"</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" required/>
                {field_error(value, "confirm")}
                {move || match value.get() {
                    Some(Ok(())) => Some(view! { <div class="banner ok">"密码已修改。您在其他设备上的登录已退出。"</div> }.into_any()),
                    Some(Err(crate::error::AppError::Validation { .. })) => None,
                    Some(Err(_)) => Some(action_error(value).into_any()),
                    None => None,
                }}
                <button type="submit" class="primary" disabled=move || change.pending().get()>"保存新密码"</button>
            </ActionForm>
        </section>
    }
}
