//! Sheets in and out, knowing no area: a one-sheet workbook written from rows of text, and an uploaded
//! .xlsx or CSV read as rows of text cells.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::error::AppError;

/// A finished file.
pub struct ExportFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Data rows written.
    pub rows: usize,
}

impl From<XlsxError> for AppError {
    fn from(e: XlsxError) -> AppError {
        AppError::internal(format!("xlsx: {e}"))
    }
}

/// A one-sheet workbook: a title row, a header with hand-set widths, the rows numbered in the first
/// column and written as text (codes and ID numbers keep every digit), or a line saying why it is empty.
pub fn workbook_bytes(
    sheet_name: &str,
    heading: &str,
    cols: &[(&str, f64)],
    table: &[Vec<String>],
    empty: &str,
) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let last_col = (cols.len() - 1) as u16;
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let header = Format::new().set_bold().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    sheet.merge_range(0, 0, 0, last_col, heading, &title)?;
    sheet.set_row_height(0, 28)?;
    for (i, (name, width)) in cols.iter().enumerate() {
        sheet.write_string_with_format(1, i as u16, *name, &header)?;
        sheet.set_column_width(i as u16, *width)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    for (n, line) in table.iter().enumerate() {
        let row = n as u32 + 2;
        sheet.write_number_with_format(row, 0, (n + 1) as f64, &cell)?;
        for (i, value) in line.iter().enumerate() {
            sheet.write_string_with_format(row, (i + 1) as u16, value, &cell)?;
        }
    }
    if table.is_empty() {
        sheet.merge_range(2, 0, 2, last_col, empty, &cell)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A sheet as text cells, with the encoding it was read in.
pub struct Sheet {
    pub encoding: String,
    pub rows: Vec<Vec<String>>,
}

/// Read an .xlsx (by its zip signature) or a CSV (UTF-8, with or without BOM, else GB18030).
pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, AppError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    let (text, encoding) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.trim_start_matches('\u{feff}').to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(AppError::validation(
                    "file",
                    "无法识别文件的文字编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx 文件。",
                ));
            }
            (text.into_owned(), "GB18030")
        }
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            tracing::info!(error = %e, "csv row unreadable");
            AppError::validation("file", format!("第 {} 行无法读取：引号或分隔符不配对。", i + 1))
        })?;
        rows.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(Sheet { encoding: encoding.into(), rows })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, AppError> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let unreadable = |e: &dyn std::fmt::Display| {
        tracing::info!(error = %e, "xlsx unreadable");
        AppError::validation("file", "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。")
    };
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::validation("file", "该 Excel 文件没有工作表。"))?
        .map_err(|e| unreadable(&e))?;
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => s.trim().to_string(),
                    Data::Int(n) => n.to_string(),
                    // A number with 16 or more digits has lost its last digits in Excel: mark it.
                    Data::Float(f) if f.abs() >= 1e15 => format!("#NUMBER:{f}"),
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    Ok(Sheet { encoding: "xlsx".into(), rows })
}
