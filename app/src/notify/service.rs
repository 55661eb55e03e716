//! Notices in the database: writing them (with their e-mail in the outbox, in the caller's
//! transaction), the caller's list, and e-mail settings.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entities::{app_user, mail_optout, mail_outbox, notification};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TryInsertResult,
};
use serde_json::json;

use super::{Category, Inbox, NotificationView};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;

/// What to tell people.
#[derive(Clone, Debug)]
pub struct Notice {
    pub category: Category,
    pub title: String,
    pub body: String,
    /// A path in the app (`/cases/12`).
    pub link: String,
    /// For notices of scheduled scans: a key naming the fact (`overdue:12:2026-03-09`); with the
    /// recipient it makes the notice unique, so a scan run twice tells nobody twice.
    pub dedupe: Option<String>,
}

/// Write the notice for each recipient, and an e-mail for each who has an address and has not turned
/// the category off. Runs in the caller's transaction, so the notice exists exactly when the change
/// that caused it does. Returns how many notices were new.
pub async fn notify<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    recipients: &[i64],
    notice: &Notice,
) -> Result<u64, AppError> {
    let recipients: Vec<i64> = recipients.iter().copied().collect::<HashSet<_>>().into_iter().collect();
    if recipients.is_empty() {
        return Ok(0);
    }
    let users = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(recipients.clone()))
        .filter(app_user::Column::Active.eq(true))
        .all(tx)
        .await?;
    let opted_out: HashSet<i64> = mail_optout::Entity::find()
        .filter(mail_optout::Column::UserId.is_in(recipients))
        .filter(mail_optout::Column::Category.eq(notice.category.as_str()))
        .all(tx)
        .await?
        .into_iter()
        .map(|o| o.user_id)
        .collect();
    let mut written = 0;
    for user in users {
        let row = notification::ActiveModel {
            user_id: Set(user.id),
            category: Set(notice.category.as_str().into()),
            title: Set(notice.title.chars().take(200).collect()),
            body: Set(notice.body.clone()),
            link: Set(notice.link.clone()),
            dedupe_key: Set(notice.dedupe.as_ref().map(|key| format!("{key}:{}", user.id))),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        };
        let inserted = notification::Entity::insert(row)
            .on_conflict_do_nothing_on([notification::Column::DedupeKey])
            .exec(tx)
            .await?;
        let TryInsertResult::Inserted(inserted) = inserted else { continue };
        written += 1;
        let Some(address) = user.email.as_deref().map(str::trim).filter(|a| a.contains('@')) else { continue };
        if opted_out.contains(&user.id) {
            continue;
        }
        mail_outbox::ActiveModel {
            message_id: Set(format!("<fp-{}-{:016x}@fanpin>", inserted.last_insert_id, rand::random::<u64>())),
            notification_id: Set(inserted.last_insert_id),
            to_address: Set(address.to_string()),
            subject: Set(format!("【防返贫监测】{}", notice.title).chars().take(200).collect()),
            body: Set(format!(
                "{}：\n\n{}\n\n请登录系统查看：{}\n\n（本邮件由系统发送。如不需要此类邮件，可在系统“通知”页关闭。）",
                user.display_name, notice.body, notice.link
            )),
            created_at: Set(now),
            attempts: Set(0),
            next_attempt_at: Set(now),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    Ok(written)
}

fn view(n: notification::Model) -> NotificationView {
    let category = Category::parse(&n.category).unwrap_or(Category::Assignment);
    NotificationView {
        id: n.id,
        category,
        category_label: category.label().into(),
        title: n.title,
        body: n.body,
        link: n.link,
        created_at: n.created_at,
        read: n.read_at.is_some(),
    }
}

/// The caller's latest 100 notices, unread count and e-mail settings.
pub async fn inbox(db: &DatabaseConnection, ctx: &RequestContext) -> Result<Inbox, AppError> {
    let caller = ctx.caller()?;
    let mine = || notification::Entity::find().filter(notification::Column::UserId.eq(caller.user_id));
    let items =
        mine().order_by_desc(notification::Column::Id).limit(100).all(db).await?.into_iter().map(view).collect();
    let unread = mine().filter(notification::Column::ReadAt.is_null()).count(db).await?;
    let email = app_user::Entity::find_by_id(caller.user_id).one(db).await?.and_then(|u| u.email);
    let off: Vec<String> = mail_optout::Entity::find()
        .filter(mail_optout::Column::UserId.eq(caller.user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.category)
        .collect();
    let email_off = Category::ALL.into_iter().filter(|c| off.iter().any(|o| o == c.as_str())).collect();
    Ok(Inbox { items, unread, email, email_off })
}

/// How many of the caller's notices are unread.
pub async fn unread(db: &DatabaseConnection, ctx: &RequestContext) -> Result<u64, AppError> {
    let caller = ctx.caller()?;
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(caller.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Mark every notice of the caller read; returns how many were unread.
pub async fn mark_all_read(db: &DatabaseConnection, now: DateTime<Utc>, ctx: &RequestContext) -> Result<u64, AppError> {
    let caller = ctx.caller()?;
    let result = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, sea_orm::sea_query::Expr::value(now))
        .filter(notification::Column::UserId.eq(caller.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// E-mail on for these categories, off for the others (audited).
pub async fn set_email_on(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    on: &[Category],
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let off: Vec<Category> = Category::ALL.into_iter().filter(|c| !on.contains(c)).collect();
    let tx = begin_write(db).await?;
    mail_optout::Entity::delete_many().filter(mail_optout::Column::UserId.eq(caller.user_id)).exec(&tx).await?;
    for category in &off {
        mail_optout::ActiveModel {
            user_id: Set(caller.user_id),
            category: Set(category.as_str().into()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        Entry {
            action: "notification.settings",
            entity_type: "user",
            entity_id: caller.user_id.to_string(),
            org_code: None,
            changes: json!({ "email_off": off.iter().map(|c| c.label()).collect::<Vec<_>>() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
