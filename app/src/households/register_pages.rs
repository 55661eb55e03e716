//! The register on screen: registering a household, editing it and its members, 低保, and the history.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::api::{CreateHousehold, SaveMember, SetDibao, SetWarningKinds, UpdateHousehold};
use super::forms::{CO_RESIDENCE, HEALTH, HOUSE_TYPES, LABOUR, RELATIONS, SCHOOLING};
use super::{CadreOptions, DibaoView, HouseholdForm, MemberView};
use crate::error::AppError;
use crate::org::api::list_org_units;
use crate::org::{OrgLevel, OrgUnitView};
use crate::permissions::Action;
use crate::risk::ChildStatus;
use crate::ui::{MeResource, field_error, form_error};

/// A select of fixed options with the current value chosen.
fn choice(id: String, name: String, options: &'static [&'static str], current: String) -> impl IntoView {
    view! {
        <select id=id name=name>
            {options.iter().map(|o| {
                let selected = current == *o;
                view! { <option value=*o selected=selected>{*o}</option> }
            }).collect_view()}
        </select>
    }
}

/// The member fields, named `{prefix}[field]`. On a change the ID number may be left blank.
#[component]
fn MemberFields<T>(
    prefix: &'static str,
    member: Option<MemberView>,
    value: MappedSignal<Option<Result<T, AppError>>>,
    #[prop(optional)] head: bool,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let name = move |field: &str| format!("{prefix}[{field}]");
    let id_hint = match &member {
        Some(m) => format!("身份证号（现为 {}，不改请留空）", m.resident_id_masked),
        None => "身份证号（18 位，性别和出生日期由号码得出）".to_string(),
    };
    let m = member.clone();
    let get =
        move |f: fn(&MemberView) -> String, default: &str| m.as_ref().map(f).unwrap_or_else(|| default.to_string());
    view! {
        <label for=format!("{prefix}_name")>"姓名"</label>
        <input id=format!("{prefix}_name") name=name("name") value=get(|m| m.name.clone(), "") autocomplete="off"/>
        {field_error(value, "name")}
        <label for=format!("{prefix}_rid")>{id_hint}</label>
        <input id=format!("{prefix}_rid") name=name("resident_id") inputmode="numeric" maxlength="18" autocomplete="off"/>
        {field_error(value, "resident_id")}
        {if head {
            view! { <input type="hidden" name=name("relation") value="户主"/> }.into_any()
        } else {
            view! {
                <label for=format!("{prefix}_relation")>"与户主关系"</label>
                {choice(format!("{prefix}_relation"), name("relation"), &RELATIONS, get(|m| m.relation.clone(), "子"))}
                {field_error(value, "relation")}
            }.into_any()
        }}
        <label for=format!("{prefix}_labour")>"劳动能力"</label>
        {choice(format!("{prefix}_labour"), name("labour_capacity"), &LABOUR, get(|m| m.labour_capacity.clone(), "普通劳动力"))}
        {field_error(value, "labour_capacity")}
        <label for=format!("{prefix}_health")>"健康状况"</label>
        {choice(format!("{prefix}_health"), name("health"), &HEALTH, get(|m| m.health.clone(), "健康"))}
        {field_error(value, "health")}
        <label for=format!("{prefix}_schooling")>"在校情况"</label>
        {choice(format!("{prefix}_schooling"), name("schooling"), &SCHOOLING, get(|m| m.schooling.clone(), "非在校"))}
        {field_error(value, "schooling")}
        <label for=format!("{prefix}_co")>"是否共同生活（户在人不在的，不计入家庭人口和人均收入）"</label>
        {choice(format!("{prefix}_co"), name("co_residence"), &CO_RESIDENCE, get(|m| if m.co_resident { CO_RESIDENCE[0] } else { CO_RESIDENCE[1] }.to_string(), CO_RESIDENCE[0]))}
        {field_error(value, "co_residence")}
        <label for=format!("{prefix}_note")>"共同生活情况（如常住何处、外出务工地点）"</label>
        <input id=format!("{prefix}_note") name=name("co_residence_note") value=get(|m| m.co_residence_note.clone().unwrap_or_default(), "")/>
        {field_error(value, "co_residence_note")}
        <label for=format!("{prefix}_guardian")>"法定监护人或赡养人（未成年人、老人填写，可为户外人员，如“王大（儿子，县城）”）"</label>
        <input id=format!("{prefix}_guardian") name=name("guardian") value=get(|m| m.guardian.clone().unwrap_or_default(), "")/>
        {field_error(value, "guardian")}
        <label for=format!("{prefix}_child")>"儿童情况（未成年人填写）"</label>
        {choice(format!("{prefix}_child"), name("child_status"), &ChildStatus::LABELS, get(|m| m.child_status.clone().unwrap_or_else(|| ChildStatus::LABELS[0].into()), ChildStatus::LABELS[0]))}
        {field_error(value, "child_status")}
    }
}

/// The household fields shared by registration and editing, named `{prefix}[field]`.
#[component]
fn HouseholdFields<T>(
    prefix: &'static str,
    form: HouseholdForm,
    value: MappedSignal<Option<Result<T, AppError>>>,
    /// The units in the caller's scope.
    units: Vec<OrgUnitView>,
    /// Village prefix to which the unit choice is limited (editing), or none (registering).
    #[prop(optional)]
    village: Option<String>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let name = move |field: &str| format!("{prefix}[{field}]");
    let options = units
        .into_iter()
        .filter(|u| matches!(u.level, OrgLevel::Village | OrgLevel::Group))
        .filter(|u| village.as_deref().is_none_or(|v| u.code.starts_with(v)))
        .map(|u| {
            let selected = u.code == form.org_code;
            let indent = if u.level == OrgLevel::Group { "　" } else { "" };
            view! { <option value=u.code.clone() selected=selected>{format!("{indent}{}", u.name)}</option> }
        })
        .collect_view();
    view! {
        <label for="org_code">"所在村民小组（或村）"</label>
        <select id="org_code" name=name("org_code")>{options}</select>
        {field_error(value, "org_code")}
        <label for="address">"家庭住址"</label>
        <input id="address" name=name("address") value=form.address.clone()/>
        {field_error(value, "address")}
        <label for="phone">"联系电话"</label>
        <input id="phone" name=name("phone") value=form.phone.clone() inputmode="tel"/>
        {field_error(value, "phone")}
        <label for="house_type">"住房类型（唯一住房）"</label>
        {choice("house_type".into(), name("house_type"), &HOUSE_TYPES, if form.house_type.is_empty() { "砖混".into() } else { form.house_type.clone() })}
        {field_error(value, "house_type")}
        <label for="industry_failure">"因不可抗力产业失败（无则留空）"</label>
        <input id="industry_failure" name=name("industry_failure") value=form.industry_failure.clone() placeholder="例如：2026 年 7 月洪灾，柑橘园绝收"/>
        {field_error(value, "industry_failure")}
        <label for="disaster_loss">"因灾、因意外或疫情造成劳动力丧失或大额支出（无则留空）"</label>
        <input id="disaster_loss" name=name("disaster_loss") value=form.disaster_loss.clone()/>
        {field_error(value, "disaster_loss")}
        <label for="other_hardship">"其他特殊困难（无则留空）"</label>
        <input id="other_hardship" name=name("other_hardship") value=form.other_hardship.clone()/>
        {field_error(value, "other_hardship")}
    }
}

/// 新增农户: a household with its head; more members are added on its page.
#[component]
pub fn NewHouseholdPage() -> impl IntoView {
    let units = Resource::new(|| (), |_| list_org_units());
    let create = ServerAction::<CreateHousehold>::new();
    let value = create.value();
    Effect::new(move |_| {
        if let Some(Ok(code)) = value.get() {
            use_navigate()(&format!("/households/{code}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <p><a href="/households">"← 返回农户列表"</a></p>
            <h1>"新增农户"</h1>
            <p class="hint">"先登记户主；保存后在农户页面添加其他家庭成员。户编号由系统按村顺序生成。"</p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    let units = units.await.unwrap_or_default();
                    view! {
                        <ActionForm action=create attr:class="form">
                            <HouseholdFields prefix="household" form=HouseholdForm::default() units value/>
                            <h2>"户主"</h2>
                            <MemberFields prefix="head" member=None value head=true/>
                            {form_error(value)}
                            <button type="submit" class="primary">"保存"</button>
                        </ActionForm>
                    }
                })}
            </Transition>
        </section>
    }
}

/// Whether the signed-in user may take `action` anywhere (the server checks the scope).
fn may(me: MeResource, action: Action) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    // The caller does not change while a page is open (signing in or out reloads the app).
    move || me.get_untracked().and_then(|r| r.ok()).flatten().is_some_and(|c| action.allowed_for(&c))
}

/// Edit the household's register fields; those entitled also choose its contact and 挂钩干部.
#[component]
pub fn HouseholdEditor(
    code: String,
    form: HouseholdForm,
    units: Vec<OrgUnitView>,
    cadres: CadreOptions,
    action: ServerAction<UpdateHousehold>,
) -> impl IntoView {
    let me = expect_context::<MeResource>();
    let can_assign = may(me, Action::AssignCadres);
    let value = action.value();
    let village = form.org_code.get(..12).map(str::to_string);
    let select = move |id: &'static str, label: &'static str, list: Vec<super::CadreOption>, current: String| {
        view! {
            <label for=id>{label}</label>
            <select id=id name=format!("form[{id}]")>
                <option value="">"（未指定）"</option>
                {list.into_iter().map(|o| {
                    let selected = o.user_id.to_string() == current;
                    view! { <option value=o.user_id.to_string() selected=selected>{o.label}</option> }
                }).collect_view()}
            </select>
            {field_error(value, id)}
        }
    };
    let assignment = if can_assign() {
        view! {
            {select("contact_user_id", "监测联系人（帮扶责任人）", cadres.contacts, form.contact_user_id.clone())}
            {select("liaison_user_id", "挂钩干部", cadres.liaisons, form.liaison_user_id.clone())}
        }
        .into_any()
    } else {
        view! {
            <input type="hidden" name="form[contact_user_id]" value=form.contact_user_id.clone()/>
            <input type="hidden" name="form[liaison_user_id]" value=form.liaison_user_id.clone()/>
        }
        .into_any()
    };
    view! {
        <details class="editor">
            <summary>"修改农户信息、监测联系人和挂钩干部"</summary>
            <ActionForm action attr:class="form">
                <input type="hidden" name="code" value=code/>
                <HouseholdFields prefix="form" form=form.clone() units value village=village.unwrap_or_default()/>
                {assignment}
                {move || matches!(value.get(), Some(Ok(()))).then(|| view! { <div class="banner ok">"已保存，风险研判已按新信息更新。"</div> })}
                {form_error(value)}
                <button type="submit" class="primary">"保存农户信息"</button>
            </ActionForm>
        </details>
    }
}

/// Add a member, or change one.
#[component]
pub fn MemberEditor(code: String, member: Option<MemberView>, action: ServerAction<SaveMember>) -> impl IntoView {
    let value = action.value();
    let title = match &member {
        Some(m) => format!("修改 {}", m.name),
        None => "新增家庭成员".to_string(),
    };
    let member_id = member.as_ref().map(|m| m.member_id.to_string());
    view! {
        <details class="editor">
            <summary>{title}</summary>
            <ActionForm action attr:class="form">
                <input type="hidden" name="code" value=code/>
                {member_id.map(|id| view! { <input type="hidden" name="member_id" value=id/> })}
                <MemberFields prefix="form" member value/>
                {form_error(value)}
                <button type="submit" class="primary">"保存成员"</button>
            </ActionForm>
        </details>
    }
}

/// 低保 and its taper [F].
#[component]
pub fn DibaoEditor(code: String, dibao: DibaoView, action: ServerAction<SetDibao>) -> impl IntoView {
    let value = action.value();
    let options = [("none", "未享受低保"), ("receiving", "享受低保"), ("tapering", "收入超过低保标准，进入渐退期")];
    view! {
        <details class="editor">
            <summary>"变更低保状态"</summary>
            <ActionForm action attr:class="form">
                <input type="hidden" name="code" value=code/>
                <label for="dibao_status">"低保状态"</label>
                <select id="dibao_status" name="form[status]">
                    {options.into_iter().map(|(v, l)| {
                        let selected = dibao.status == v;
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
                {field_error(value, "status")}
                <label for="exit_on">"人均收入超过低保标准的日期（进入渐退期时填写）"</label>
                <input id="exit_on" name="form[exit_on]" type="date"/>
                {field_error(value, "exit_on")}
                {form_error(value)}
                <button type="submit" class="primary">"保存低保状态"</button>
            </ActionForm>
        </details>
    }
}

/// Tick the warning-household sub-types that apply, from the policy's list [Y]; shown only where the policy
/// lists some.
#[component]
pub fn WarningKindsEditor(
    code: String,
    options: Vec<String>,
    recorded: Vec<String>,
    action: ServerAction<SetWarningKinds>,
) -> impl IntoView {
    let value = action.value();
    (!options.is_empty()).then(|| {
        view! {
            <details class="editor">
                <summary>"登记防贫预警户类型"</summary>
                <ActionForm action attr:class="form">
                    <input type="hidden" name="code" value=code/>
                    <fieldset class="checks" id="kinds">
                        <legend>"属于以下哪类（可多选，都不属于则全部不选）"</legend>
                        {options.into_iter().enumerate().map(|(i, kind)| {
                            let ticked = recorded.contains(&kind);
                            view! {
                                <label class="check">
                                    <input type="checkbox" name=format!("form[kinds][{i}]") value=kind.clone() checked=ticked/>
                                    {format!(" {kind}")}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    {field_error(value, "kinds")}
                    {form_error(value)}
                    <button type="submit" class="primary">"保存预警户类型"</button>
                </ActionForm>
            </details>
        }
    })
}

/// The household's changes, newest first.
#[component]
pub fn HistorySection(history: Vec<crate::audit::AuditRecordView>) -> impl IntoView {
    view! {
        {if history.is_empty() {
            view! { <h2>"变更记录"</h2><p class="muted">"暂无变更记录。"</p> }.into_any()
        } else {
            view! {
                <details class="fold">
                    <summary><h2>{format!("变更记录（{} 条）", history.len())}</h2></summary>
                    <ol class="history">
                        {history.into_iter().map(|r| view! {
                            <li>
                                <strong>{r.action_label}</strong>
                                <small class="muted">{format!(" {} {}", crate::time::beijing_time_of(&r.at), r.actor)}</small>
                                {(!r.changes.is_empty()).then(|| view! { <pre class="changes">{r.changes}</pre> })}
                            </li>
                        }).collect_view()}
                    </ol>
                </details>
            }.into_any()
        }}
    }
}

/// Whether the signed-in user may assign contacts, 挂钩干部 and case owners (the server checks the scope).
pub fn can_assign(me: MeResource) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    may(me, Action::AssignCadres)
}

/// Whether the signed-in user may edit the register (the server checks the scope).
pub fn can_edit(me: MeResource) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    may(me, Action::EditHousehold)
}
