//! User administration: the roster, creating users, roles, passwords and API tokens.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::OneTimeSecret;
use super::api::{
    AddRole, CreateToken, CreateUser, RemoveRole, ResetPassword, RevokeToken, SetCadreProfile, SetUserActive, get_user,
    list_tokens, list_users,
};
use crate::error::AppError;
use crate::org::api::list_org_units;
use crate::permissions::Action;
use crate::permissions::Role;
use crate::policy::CadreRank;
use crate::time::beijing_time;
use crate::ui::{ErrorBox, RoleGate, action_error, caller_may, field_error};

/// Role and unit pickers shared by the create-user and add-role forms.
#[component]
fn RoleAndUnitFields(
    role_name: &'static str,
    org_name: &'static str,
    department_name: &'static str,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let units = Resource::new(|| (), |_| list_org_units());
    let field = move |f: &'static str| {
        move || errors.get().and_then(|e| e.field_message(f)).map(|m| view! { <p class="field-error">{m}</p> })
    };
    view! {
        <label for=role_name>"角色"</label>
        <select id=role_name name=role_name required>
            <option value="">"请选择"</option>
            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
        </select>
        {field("role")}
        <label for=org_name>"所属单位"</label>
        <select id=org_name name=org_name required>
            <option value="">"请选择"</option>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    units.await.unwrap_or_default().into_iter().map(|u| view! {
                        <option value=u.code.clone()>{format!("{}（{}）", u.name, u.level.label())}</option>
                    }).collect_view()
                })}
            </Transition>
        </select>
        {field("org_code")}
        <label for=department_name>"所属部门（仅行业部门用户）"</label>
        <select id=department_name name=department_name>
            <option value="">"（非行业部门用户不选）"</option>
            {crate::screening::Department::ALL.into_iter().map(|d| view! {
                <option value=d.label()>{format!("{}（筛查{}）", d.label(), d.screens())}</option>
            }).collect_view()}
        </select>
        {field("department")}
    }
}

/// A secret shown once, with the instruction to hand it over.
#[component]
fn SecretBox(secret: OneTimeSecret, what: &'static str) -> impl IntoView {
    view! {
        <div class="banner ok secret">
            <p>{format!("{}（用户 {}）：", what, secret.username)}</p>
            <p class="mono big">{secret.secret}</p>
            <p class="small">"此内容只显示这一次，请立即当面或通过可靠渠道交给本人。"</p>
        </div>
    }
}

#[component]
pub fn UserAdminPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let created = create.value();
    let users = Resource::new(move || create.version().get(), |_| list_users());
    let errors = Signal::derive(move || created.get().and_then(|r| r.err()));
    // Only those who manage users open a user's page; the others read the roster.
    let may_manage = caller_may(Action::ManageUsers);
    view! {
        <section class="page">
            <h1>"用户与角色"</h1>
            <div class="two-col">
                <RoleGate needs=&[Action::ManageUsers]><div>
                    <h2>"新建用户"</h2>
                    <ActionForm action=create attr:class="form">
                        <label for="username">"用户名"</label>
                        <input id="username" name="input[username]" autocapitalize="off" required/>
                        {field_error(created, "username")}
                        <label for="display_name">"姓名"</label>
                        <input id="display_name" name="input[display_name]" required/>
                        {field_error(created, "display_name")}
                        <RoleAndUnitFields role_name="input[role]" org_name="input[org_code]" department_name="input[department]" errors/>
                        <label for="phone">"手机号码（可选）"</label>
                        <input id="phone" name="input[phone]" inputmode="tel"/>
                        {field_error(created, "phone")}
                        <label for="email">"电子邮箱（用于提醒，可选）"</label>
                        <input id="email" name="input[email]" type="email"/>
                        {field_error(created, "email")}
                        {move || match created.get() {
                            Some(Ok(secret)) => Some(view! { <SecretBox secret what="一次性密码"/> }.into_any()),
                            Some(Err(AppError::Validation { .. })) => None,
                            Some(Err(_)) => Some(action_error(created).into_any()),
                            None => None,
                        }}
                        <button type="submit" class="primary">"创建并生成一次性密码"</button>
                    </ActionForm>
                </div></RoleGate>
                <div>
                    <h2>"用户列表"</h2>
                    <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                        {move || Suspend::new(async move {
                            match users.await {
                                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                                Ok(list) => view! {
                                    <table class="list">
                                        <thead><tr><th>"姓名"</th><th>"用户名"</th><th>"角色"</th><th>"状态"</th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|u| view! {
                                                <tr class:inactive=!u.active>
                                                    <td data-label="姓名">{if may_manage {
                                                        view! { <a href=format!("/admin/users/{}", u.id)>{u.display_name}</a> }.into_any()
                                                    } else {
                                                        view! { <span>{u.display_name}</span> }.into_any()
                                                    }}</td>
                                                    <td data-label="用户名" class="mono">{u.username}</td>
                                                    <td data-label="角色">{u.roles.iter().map(|r| view! {
                                                        <div>{format!("{} · {}", r.grant.org_name, r.grant.role_label)}</div>
                                                    }).collect_view()}</td>
                                                    <td data-label="状态">{if u.active { "正常" } else { "已停用" }}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </section>
    }
}

/// The user's time-window grants (a cross-check sample, a supervision round's units): what each allows,
/// on how many records, when, and whether it is open now.
#[component]
fn WindowGrants(windows: Vec<crate::users::WindowGrantRow>) -> impl IntoView {
    view! {
        <h2>"时限授权"</h2>
        {if windows.is_empty() {
            view! { <p class="muted">"没有时限授权（交叉检查、专项督查按名单和时间段授予）。"</p> }.into_any()
        } else {
            view! {
                <table class="list">
                    <thead><tr><th>"用途"</th><th>"权限"</th><th>"范围"</th><th>"起止时间"</th><th>"状态"</th></tr></thead>
                    <tbody>
                        {windows.into_iter().map(|w| view! {
                            <tr>
                                <td data-label="用途">{w.purpose}</td>
                                <td data-label="权限">{w.right}</td>
                                <td data-label="范围">{format!("{} 个单位或农户", w.records)}</td>
                                <td data-label="起止时间">{format!("{} 至 {}", beijing_time(w.starts_at), beijing_time(w.ends_at))}</td>
                                <td data-label="状态">{w.state}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// One user's account: who they are, their roles and time-window grants, with the buttons to revoke a role,
/// to (de)activate the user and to reset their password.
#[component]
fn UserAccount(
    u: super::UserView,
    remove_role: ServerAction<RemoveRole>,
    set_active: ServerAction<SetUserActive>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    view! {
        <h1>{u.display_name.clone()}</h1>
        <dl class="facts">
            <dt>"用户名"</dt><dd class="mono">{u.username.clone()}</dd>
            <dt>"手机"</dt><dd>{u.phone.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"邮箱"</dt><dd>{u.email.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"状态"</dt><dd>{if u.active { "正常" } else { "已停用" }}{u.must_change_password.then_some("（待本人修改一次性密码）")}</dd>
            <dt>"职级"</dt><dd>{u.cadre_rank.map_or("未登记", CadreRank::label)}{u.experienced.then_some("，经验丰富")}</dd>
        </dl>
        <h2>"角色"</h2>
        <ul class="plain">
            {u.roles.into_iter().map(|r| view! {
                <li>
                    {format!("{} · {}", r.grant.org_name, r.grant.role_label)}
                    {r.grant.department.map(|d| format!("（{d}）"))}
                    <ActionForm action=remove_role attr:class="inline">
                        <input type="hidden" name="grant_id" value=r.id/>
                        <button type="submit" class="small">"撤销"</button>
                    </ActionForm>
                </li>
            }).collect_view()}
        </ul>
        <WindowGrants windows=u.windows.clone()/>
        <ActionForm action=set_active attr:class="inline">
            <input type="hidden" name="user_id" value=u.id/>
            <input type="hidden" name="active" value=(!u.active).to_string()/>
            <button type="submit" class:danger=u.active>{if u.active { "停用该用户（立即退出所有登录）" } else { "重新启用该用户" }}</button>
        </ActionForm>
        <ActionForm action=reset attr:class="inline">
            <input type="hidden" name="user_id" value=u.id/>
            <button type="submit">"重置为一次性密码"</button>
        </ActionForm>
    }
}

/// The user's rank (职级) and experience, which the policy may ask of 挂钩干部 and of the cadres of
/// 突发严重困难户 [F] 11.
#[component]
fn CadreProfileForm(u: super::UserView, cadre: ServerAction<SetCadreProfile>) -> impl IntoView {
    let rank = u.cadre_rank.map(CadreRank::as_str).unwrap_or_default();
    view! {
        <ActionForm action=cadre attr:class="form">
            <input type="hidden" name="user_id" value=u.id/>
            <label for="rank">"职级"</label>
            <select id="rank" name="rank">
                <option value="" selected=rank.is_empty()>"未登记"</option>
                {CadreRank::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=rank == r.as_str()>{r.label()}</option>
                }).collect_view()}
            </select>
            {field_error(cadre.value(), "rank")}
            <label class="check"><input type="checkbox" name="experienced" checked=u.experienced/>" 经验丰富、责任心强（可安排监测帮扶突发严重困难户）"</label>
            {move || match cadre.value().get() {
                Some(Ok(())) => Some(view! { <div class="banner ok">"职级和经验已保存。"</div> }.into_any()),
                Some(Err(AppError::Validation { .. })) | None => None,
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
            }}
            <button type="submit">"保存职级和经验"</button>
        </ActionForm>
    }
}

/// The form granting the user another role in a unit.
#[component]
fn GrantRoleForm(user_id: Signal<i64>, add_role: ServerAction<AddRole>) -> impl IntoView {
    let added = add_role.value();
    let add_errors = Signal::derive(move || added.get().and_then(|r| r.err()));
    view! {
        <ActionForm action=add_role attr:class="form">
            <input type="hidden" name="user_id" value=user_id/>
            <RoleAndUnitFields role_name="role" org_name="org_code" department_name="department" errors=add_errors/>
            {move || match added.get() {
                Some(Ok(())) => Some(view! { <div class="banner ok">"角色已授予。"</div> }.into_any()),
                Some(Err(AppError::Validation { .. })) => None,
                Some(Err(_)) => Some(action_error(added).into_any()),
                None => None,
            }}
            <button type="submit" class="primary">"授予"</button>
        </ActionForm>
    }
}

/// The form creating an API token for the user, and the new token, shown once.
#[component]
fn CreateTokenForm(user_id: Signal<i64>, create_token: ServerAction<CreateToken>) -> impl IntoView {
    view! {
        <ActionForm action=create_token attr:class="form">
            <input type="hidden" name="user_id" value=user_id/>
            <label for="token_name">"用途"</label>
            <input id="token_name" name="name" placeholder="例如：医保局数据推送" required/>
            {field_error(create_token.value(), "name")}
            {move || match create_token.value().get() {
                Some(Ok(secret)) => Some(view! { <SecretBox secret what="新的 API 令牌"/> }.into_any()),
                Some(Err(AppError::Validation { .. })) => None,
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
            <button type="submit">"创建令牌"</button>
        </ActionForm>
    }
}

/// The user's API tokens: what each is for, when it was made and last used, and revoking it.
#[component]
fn TokenTable(tokens: Vec<super::TokenView>, revoke_token: ServerAction<RevokeToken>) -> impl IntoView {
    view! {
        <table class="list">
            <thead><tr><th>"用途"</th><th>"开头"</th><th>"创建时间"</th><th>"最近使用"</th><th>"状态"</th></tr></thead>
            <tbody>
                {tokens.into_iter().map(|t| view! {
                    <tr>
                        <td data-label="用途">{t.name}</td>
                        <td data-label="开头" class="mono">{format!("{}…", t.prefix)}</td>
                        <td data-label="创建时间">{beijing_time(t.created_at)}</td>
                        <td data-label="最近使用">{t.last_used_at.map(beijing_time).unwrap_or_else(|| "从未".into())}</td>
                        <td data-label="状态">
                            {match t.revoked_at {
                                Some(at) => view! { <span>{format!("已吊销（{}）", beijing_time(at))}</span> }.into_any(),
                                None => view! {
                                    <ActionForm action=revoke_token attr:class="inline">
                                        <input type="hidden" name="token_id" value=t.id/>
                                        <button type="submit" class="small danger">"吊销"</button>
                                    </ActionForm>
                                }.into_any(),
                            }}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One user's page: the account, granting roles, and the API tokens.
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    let user_id =
        Signal::derive(move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0)));

    let add_role = ServerAction::<AddRole>::new();
    let remove_role = ServerAction::<RemoveRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let create_token = ServerAction::<CreateToken>::new();
    let revoke_token = ServerAction::<RevokeToken>::new();
    let cadre = ServerAction::<SetCadreProfile>::new();

    let user = Resource::new(
        move || {
            let versions = (add_role.version().get(), remove_role.version().get(), set_active.version().get());
            (user_id.get(), versions, cadre.version().get())
        },
        |(id, ..)| get_user(id),
    );
    let tokens = Resource::new(
        move || (user_id.get(), create_token.version().get(), revoke_token.version().get()),
        |(id, ..)| list_tokens(id),
    );

    view! {
        <section class="page">
            <p><a href="/admin/users">"← 返回用户列表"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(u) => view! {
                            <UserAccount u=u.clone() remove_role set_active reset/>
                            <h2>"职级和经验"</h2>
                            <CadreProfileForm u cadre/>
                        }.into_any(),
                    }
                })}
            </Transition>
            {action_error(remove_role.value())}
            {action_error(set_active.value())}
            {move || match reset.value().get() {
                Some(Ok(secret)) => Some(view! { <SecretBox secret what="新的一次性密码"/> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}

            <h2>"授予角色"</h2>
            <GrantRoleForm user_id add_role/>

            <h2>"API 令牌"</h2>
            <p class="muted">"供行业部门等外部系统调用本系统接口（请求头 Authorization: Bearer 令牌）。令牌只在创建时显示一次。"</p>
            <CreateTokenForm user_id create_token/>
            {action_error(revoke_token.value())}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"尚无令牌。"</p> }.into_any(),
                        Ok(tokens) => view! { <TokenTable tokens revoke_token/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
