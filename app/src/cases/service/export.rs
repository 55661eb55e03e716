//! The case list as a workbook.

use super::reading::list;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::cases::CaseFilter;
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

/// The cases of a list (every page) as an .xlsx file; the download is audited.
pub async fn export(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    filter: &CaseFilter,
) -> Result<crate::excel::workbook::ExportFile, AppError> {
    const COLUMNS: [(&str, f64); 12] = [
        ("序号", 6.0),
        ("案件编号", 9.0),
        ("户主", 10.0),
        ("户编号", 20.0),
        ("所在村组", 16.0),
        ("风险类型", 14.0),
        ("来源", 14.0),
        ("红色预警", 9.0),
        ("状态", 11.0),
        ("责任人", 10.0),
        ("期限", 12.0),
        ("情况描述", 48.0),
    ];
    let mut table = Vec::new();
    let mut page = 0;
    loop {
        let result = list(db, now, ctx, filter, page).await?;
        let done = result.items.is_empty() || (page + 1) * 50 >= result.total;
        for c in result.items {
            table.push(vec![
                c.id.to_string(),
                c.household_head.unwrap_or_default(),
                c.household_code.unwrap_or_default(),
                c.org_name,
                c.risk_type_label,
                c.source_label,
                if c.red_alert { "是" } else { "否" }.into(),
                c.status_label,
                c.owner_name,
                format!("{}{}", c.deadline, if c.overdue { "（已逾期）" } else { "" }),
                c.description,
            ]);
        }
        if done {
            break;
        }
        page += 1;
    }
    let today = beijing_date(now);
    let heading = format!("风险案件清单（{today}）");
    let bytes = crate::excel::workbook::workbook_bytes("风险案件", &heading, &COLUMNS, &table, "（无符合条件的案件）")?;
    let tx = begin_write(db).await?;
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "export.downloaded",
            entity_type: "cases",
            entity_id: filter.view.clone().unwrap_or_default(),
            org_code: None,
            changes: json!({ "name": "风险案件清单", "rows": table.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(crate::excel::workbook::ExportFile {
        file_name: format!("风险案件清单-{}.xlsx", today.format("%Y%m%d")),
        rows: table.len(),
        bytes,
    })
}
