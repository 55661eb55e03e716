//! The components and helpers every page uses: error boxes and field messages, the signed-in user and
//! what their roles allow, file links and pickers. Pages of every area stand on it; it knows no area.

use leptos::prelude::*;

use crate::error::AppError;
use crate::permissions::{Action, Caller};

/// The signed-in user, loaded once per page load and shared through the context.
/// Pages behind sign-in render with `SsrMode::Async`, so the server can still answer with a redirect
/// (not signed in) or a status code once the data is known.
pub type MeResource = Resource<Result<Option<Caller>, AppError>>;

/// Whether the caller's roles allow any of `actions`.
pub fn allows_any(caller: &Caller, actions: &[Action]) -> bool {
    actions.iter().any(|a| a.allowed_for(caller))
}

/// Whether the signed-in caller's roles allow `action` (decided at once, from the caller `Frame` provides).
pub fn caller_may(action: Action) -> bool {
    use_context::<Caller>().is_some_and(|c| action.allowed_for(&c))
}

/// What only the roles allowing any of `needs` can use. Others read "您的角色无权使用{what}。", or
/// nothing at all without `what` (a form inside a page they may read).
#[component]
pub fn RoleGate(
    needs: &'static [Action],
    #[prop(optional)] what: Option<&'static str>,
    /// A page of one record that an open window grant may list (a checker's sampled household): it opens to a
    /// caller holding such a window too, and the server decides on the record.
    #[prop(optional)]
    by_window: bool,
    children: ChildrenFn,
) -> impl IntoView {
    // The caller is known before any page renders (`Frame` provides it), so the decision is made at once, the same
    // way on the server and in the browser: no second loading step whose resources hydration could mix up.
    let allowed = use_context::<Caller>().is_some_and(|c| {
        allows_any(&c, needs) || (by_window && needs.iter().any(|a| c.window_actions.iter().any(|w| w == a.as_str())))
    });
    match (allowed, what) {
        (true, _) => children().into_any(),
        (false, Some(what)) => view! {
            <section class="page"><div class="banner info">{format!("您的角色无权使用{what}。")}</div></section>
        }
        .into_any(),
        (false, None) => ().into_any(),
    }
}

/// A Chinese error message in a box.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    view! { <div class="banner error" role="alert">{error.to_string()}</div> }
}

/// The message of a failed action, for forms.
pub fn action_error<T, S>(value: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(e)) => Some(view! { <ErrorBox error=e/> }),
        _ => None,
    }
}

/// The message of a failed action that is not about one field (those show under their field), including
/// a submission that could not be read at all (field `form`).
pub fn form_error<T, S>(value: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(AppError::Validation { field, .. })) if field != "form" => None,
        None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(view! { <ErrorBox error=e/> }),
    }
}

/// A file field (`name="file"`) that speaks Chinese: the browser's own button may speak another
/// language, so a "选择文件" label opens the hidden input and the chosen file's name is shown beside it.
#[component]
pub fn FilePicker(
    #[prop(into)] id: String,
    accept: &'static str,
    #[prop(optional)] multiple: bool,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let chosen = RwSignal::new(None::<String>);
    view! {
        <p>
            <label class="button" for=id.clone()>"选择文件"</label>
            <span class="file-name">{move || chosen.get().unwrap_or_else(|| "未选择文件".into())}</span>
        </p>
        <input id=id class="visually-hidden" type="file" name="file" accept=accept multiple=multiple required=required
            on:change=move |ev| {
                let path = event_target_value(&ev);
                chosen.set(path.rsplit(['/', '\\']).next().map(str::to_string).filter(|n| !n.is_empty()));
            }/>
    }
}

/// The message for one field of a failed action, shown under that field.
pub fn field_error<T, S, F>(value: S, field: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    F: AsRef<str> + Send + Sync + 'static,
{
    move || {
        value
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.field_message(field.as_ref()))
            .map(|m| view! { <p class="field-error">{m}</p> })
    }
}

/// At the top of a form: why it was refused. Every problem of a refused form is listed, each a link to its
/// field (`id_of` gives the field's element id), and the page scrolls here so a phone shows the list; any
/// other failure shows as an error box.
pub fn error_summary<T, S, F>(value: S, id_of: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    F: Fn(&str) -> String + Clone + Send + Sync + 'static,
{
    let summary = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Err(_)))
            && let Some(node) = summary.get()
        {
            node.scroll_into_view();
        }
    });
    view! {
        <div node_ref=summary class="error-summary">
            {move || match value.get() {
                Some(Err(e @ AppError::Validation { .. })) => {
                    let problems = e.field_errors();
                    let id_of = id_of.clone();
                    Some(view! {
                        <div class="banner error" role="alert">
                            <p>{format!("未能保存，请修改以下 {} 处：", problems.len())}</p>
                            <ul>
                                {problems.into_iter().map(|p| match p.field.as_str() {
                                    "form" => view! { <li>{p.message}</li> }.into_any(),
                                    field => view! { <li><a href=format!("#{}", id_of(field))>{p.message}</a></li> }.into_any(),
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any())
                }
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                _ => None,
            }}
        </div>
    }
}

/// Count the successes of an action in `counter`. A page keys its data on the counter, so it reloads after
/// a change succeeded, while a refused form stays exactly as the user typed it.
pub fn count_successes<T, S>(value: S, counter: RwSignal<u32>)
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            counter.update(|n| *n += 1);
        }
    });
}

/// Leave the app for a full page load (after signing in or out, so every part sees the new session).
pub fn hard_navigate(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = path;
    }
}

/// A link to a file the server makes or keeps (a PDF, a photo): it opens in a new tab, so the page and
/// anything typed on it stay. Without a target the app's router would take the address for one of its
/// pages and show 页面不存在.
#[component]
pub fn FileLink(
    #[prop(into)] href: String,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! { <a href=href class=class target="_blank">{children()}</a> }
}
