//! The organisation administration page: the tree, adding units, renaming.

use leptos::prelude::*;

use super::OrgLevel;
use super::api::{CreateOrgUnit, RenameOrgUnit, list_org_units};
use crate::error::AppError;
use crate::ui::{ErrorBox, action_error, field_error};

/// 组织机构: adding a unit below another, renaming one, and the tree of units in scope.
#[component]
pub fn OrgAdminPage() -> impl IntoView {
    let create = ServerAction::<CreateOrgUnit>::new();
    let rename = ServerAction::<RenameOrgUnit>::new();
    let units = Resource::new(move || (create.version().get(), rename.version().get()), |_| list_org_units());
    view! {
        <section class="page">
            <h1>"组织机构"</h1>
            <p class="muted">"区县 › 镇/街道 › 村/社区 › 村民小组。代码为 12 位统计用区划代码，村民小组为所属村代码加 3 位组号。"</p>
            <div class="two-col">
                <div>
                    <NewUnitForm create units/>
                    <RenameUnitForm rename units/>
                </div>
                <div>
                    <h2>"单位列表"</h2>
                    <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                        {move || Suspend::new(async move {
                            match units.await {
                                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                                Ok(list) => view! {
                                    <ul class="tree">
                                        {list.into_iter().map(|u| view! {
                                            <li class=format!("level-{}", u.level.as_str())>
                                                <span>{u.name}</span>" "<small class="mono">{u.code}</small>" "<small class="muted">{u.level.label()}</small>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </section>
    }
}

/// The units in scope, loaded by the page.
type Units = Resource<Result<Vec<super::OrgUnitView>, AppError>>;

/// The options of the page's unit pickers: every unit in scope, indented by level, with its code.
#[component]
fn UnitOptions(units: Units) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                units
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .map(|u| view! { <option value=u.code.clone()>{format!("{} {}（{}）", indent(u.level), u.name, u.code)}</option> })
                    .collect_view()
            })}
        </Transition>
    }
}

/// The form adding a unit below a unit in scope, and the unit it added.
#[component]
fn NewUnitForm(create: ServerAction<CreateOrgUnit>, units: Units) -> impl IntoView {
    let created = create.value();
    view! {
        <h2>"新增下级单位"</h2>
        <ActionForm action=create attr:class="form">
            <label for="parent_code">"上级单位"</label>
            <select id="parent_code" name="parent_code" required>
                <UnitOptions units/>
            </select>
            {field_error(created, "parent")}
            <label for="code">"区划代码"</label>
            <input id="code" name="code" inputmode="numeric" maxlength="15" required/>
            {field_error(created, "code")}
            <label for="name">"名称"</label>
            <input id="name" name="name" maxlength="40" required/>
            {field_error(created, "name")}
            {move || match created.get() {
                Some(Ok(unit)) => Some(view! { <div class="banner ok">{format!("已新增：{}（{}）", unit.name, unit.code)}</div> }.into_any()),
                Some(Err(AppError::Validation { .. })) => None,
                Some(Err(_)) => Some(action_error(created).into_any()),
                None => None,
            }}
            <button type="submit" class="primary">"新增"</button>
        </ActionForm>
    }
}

/// The form renaming a unit in scope.
#[component]
fn RenameUnitForm(rename: ServerAction<RenameOrgUnit>, units: Units) -> impl IntoView {
    let renamed = rename.value();
    view! {
        <h2>"修改名称"</h2>
        <ActionForm action=rename attr:class="form">
            <label for="rename_code">"单位"</label>
            <select id="rename_code" name="code" required>
                <UnitOptions units/>
            </select>
            <label for="rename_name">"新名称"</label>
            <input id="rename_name" name="name" maxlength="40" required/>
            {field_error(renamed, "name")}
            {move || match renamed.get() {
                Some(Ok(())) => Some(view! { <div class="banner ok">"名称已修改。"</div> }.into_any()),
                Some(Err(AppError::Validation { .. })) => None,
                Some(Err(_)) => Some(action_error(renamed).into_any()),
                None => None,
            }}
            <button type="submit">"保存"</button>
        </ActionForm>
    }
}

fn indent(level: OrgLevel) -> &'static str {
    match level {
        OrgLevel::County => "",
        OrgLevel::Township => "　",
        OrgLevel::Village => "　　",
        OrgLevel::Group => "　　　",
    }
}

/// The "范围" choice of list filters (field `within`): the caller's county, townships and villages,
/// indented, with `selected` chosen. The select is built whole once the units are loaded.
#[component]
pub fn UnitFilter(selected: Signal<Option<String>>) -> impl IntoView {
    let units = Resource::new(|| (), |_| list_org_units());
    let empty = || view! { <option value="">"全部（本人负责范围）"</option> };
    view! {
        <label for="within">"范围"</label>
        <Transition fallback=move || view! { <select id="within" name="within">{empty()}</select> }>
            {move || Suspend::new(async move {
                let selected = selected.get();
                let options = units.await.unwrap_or_default().into_iter()
                    .filter(|u| u.level != OrgLevel::Group)
                    .map(|u| {
                        let is_selected = selected.as_deref() == Some(u.code.as_str());
                        let indent = "　".repeat(match u.level {
                            OrgLevel::County => 0,
                            OrgLevel::Township => 1,
                            _ => 2,
                        });
                        view! { <option value=u.code.clone() selected=is_selected>{format!("{indent}{}", u.name)}</option> }
                    })
                    .collect_view();
                view! { <select id="within" name="within">{empty()}{options}</select> }
            })}
        </Transition>
    }
}
