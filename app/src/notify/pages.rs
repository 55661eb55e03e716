//! 通知: the caller's notices, newest first, and which of them also come by e-mail.

use leptos::prelude::*;

use super::api::{MarkNotificationsRead, SaveMailSettings, my_notifications};
use super::{Category, Inbox};
use crate::ui::{ErrorBox, count_successes, form_error};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let save = ServerAction::<SaveMailSettings>::new();
    let changes = RwSignal::new(0u32);
    count_successes(mark.value(), changes);
    count_successes(save.value(), changes);
    let inbox = Resource::new(move || changes.get(), |_| my_notifications());
    let saved = save.value();
    view! {
        <section class="page">
            <h1>"通知"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(inbox) => view! { <InboxView inbox mark save saved_ok=move || matches!(saved.get(), Some(Ok(())))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InboxView(
    inbox: Inbox,
    mark: ServerAction<MarkNotificationsRead>,
    save: ServerAction<SaveMailSettings>,
    saved_ok: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let value = save.value();
    let email_note = match &inbox.email {
        Some(address) => format!("勾选的通知同时发送到您的邮箱 {address}。"),
        None => "您的账号还没有登记邮箱，通知只在本页显示；请联系管理员登记邮箱。".to_string(),
    };
    view! {
        <p class="hint">{format!("未读 {} 条。", inbox.unread)}</p>
        {(inbox.unread > 0).then(|| view! {
            <ActionForm action=mark>
                <button type="submit">"全部标为已读"</button>
            </ActionForm>
        })}
        {if inbox.items.is_empty() {
            view! { <p class="muted">"暂无通知。"</p> }.into_any()
        } else {
            view! {
                <ul class="notices">
                    {inbox.items.into_iter().map(|n| view! {
                        <li class:unread=!n.read>
                            <a href=n.link.clone()><strong>{n.title.clone()}</strong></a>
                            <p>{n.body.clone()}</p>
                            <small class="muted">{format!("{} · {}", n.category_label, crate::time::beijing_time(n.created_at))}</small>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"邮件提醒"</h2>
        <p class="hint">{email_note}</p>
        <ActionForm action=save attr:class="form">
            <fieldset class="checks">
                <legend>"以下通知同时发邮件"</legend>
                {Category::ALL.into_iter().map(|c| {
                    view! {
                        <label class="check">
                            <input type="checkbox" name=format!("form[{}]", c.as_str()) checked=!inbox.email_off.contains(&c)/>
                            {format!(" {}", c.label())}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            {form_error(value)}
            {move || saved_ok().then(|| view! { <p class="banner ok" role="status">"已保存。"</p> })}
            <button type="submit" class="primary">"保存邮件设置"</button>
        </ActionForm>
    }
}
