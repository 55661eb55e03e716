//! Reading a department's warnings, from a file (.xlsx, or CSV in UTF-8 or GBK) or an API call, every
//! row checked before anything is taken.

use crate::error::AppError;
use crate::excel::RowIssue;
use crate::screening::{COLUMNS, Department, Warning, WarningInput};
use sha2::{Digest, Sha256};

/// The largest warning file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A file or API call read and checked, not yet taken.
pub struct Prepared {
    pub department: Department,
    pub file_name: String,
    pub encoding: String,
    pub hash: String,
    pub rows: usize,
    pub warnings: Vec<Warning>,
    pub errors: Vec<RowIssue>,
}

/// Read a warning file (.xlsx, or CSV in UTF-8 or GBK) and check every row.
pub fn read_file(bytes: &[u8], file_name: &str, department: Department) -> Result<Prepared, AppError> {
    if bytes.is_empty() {
        return Err(AppError::validation("file", "请选择要导入的预警文件。"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::validation("file", "文件超过 20 MB，请分批导入。"));
    }
    let sheet = crate::excel::workbook::read_sheet(bytes)?;
    let (header_at, header) = sheet
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c == "身份证号") && r.iter().any(|c| c == "预警内容"))
        .ok_or_else(|| AppError::validation("file", format!("找不到表头行：表头应为 {}。", COLUMNS.join("、"))))?;
    let col = |name: &str| header.iter().position(|h| h == name);
    if col("姓名").is_none() {
        return Err(AppError::validation("file", "表头缺少“姓名”列。"));
    }
    let items: Vec<(usize, WarningInput)> = sheet
        .rows
        .iter()
        .enumerate()
        .skip(header_at + 1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(index, cells)| {
            let get = |name: &str| col(name).and_then(|i| cells.get(i)).cloned().unwrap_or_default();
            let input = WarningInput {
                resident_id: get("身份证号"),
                name: get("姓名"),
                risk_type: get("预警类型"),
                level: get("预警等级"),
                description: get("预警内容"),
                township: get("乡镇（街道）"),
                village: get("村（社区）"),
            };
            (index + 1, input)
        })
        .collect();
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(120).collect();
    Ok(check(items, department, &file_name, &sheet.encoding, hex::encode(Sha256::digest(bytes))))
}

/// Check the items of an API call (numbered from 1).
pub fn from_api(items: &[WarningInput], department: Department) -> Result<Prepared, AppError> {
    if items.is_empty() {
        return Err(AppError::validation("warnings", "没有预警数据。"));
    }
    if items.len() > 10_000 {
        return Err(AppError::validation("warnings", "一次最多报送 10000 条预警，请分批报送。"));
    }
    let body = serde_json::to_vec(items).map_err(AppError::internal)?;
    let numbered = items.iter().cloned().enumerate().map(|(i, item)| (i + 1, item)).collect();
    Ok(check(numbered, department, "接口报送", "JSON", hex::encode(Sha256::digest(&body))))
}

fn check(
    items: Vec<(usize, WarningInput)>,
    department: Department,
    file_name: &str,
    encoding: &str,
    hash: String,
) -> Prepared {
    let rows = items.len();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (row, item) in items {
        match item.parse(row, department) {
            Ok(w) => warnings.push(w),
            Err(issue) => errors.push(issue),
        }
    }
    Prepared { department, file_name: file_name.into(), encoding: encoding.into(), hash, rows, warnings, errors }
}
