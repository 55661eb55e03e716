//! Any bytes as an uploaded file: the household import's sheet reader (.xlsx by its signature, else CSV
//! in UTF-8 or GB18030) and the department-warning file (every row parsed: ID number, name, risk type,
//! level, place). Each reads or refuses the file in Chinese, never panics, and accounts for every row.
#![no_main]

use app::screening::Department;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match app::excel::workbook::read_sheet(bytes) {
        Ok(sheet) => assert!(!sheet.encoding.is_empty()),
        Err(refusal) => assert!(!refusal.to_string().is_ascii(), "{refusal}"),
    }
    match app::screening::service::intake::read_file(bytes, "预警.csv", Department::Health) {
        Ok(prepared) => assert_eq!(prepared.warnings.len() + prepared.errors.len(), prepared.rows),
        Err(refusal) => assert!(!refusal.to_string().is_ascii(), "{refusal}"),
    }
});
