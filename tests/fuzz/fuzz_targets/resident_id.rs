//! Any text as a resident ID number (the register forms, the import, department warnings, the search):
//! it parses or is refused with a Chinese message, never panics, and a parsed number prints back as the
//! 18 characters it was read from (upper case X).
#![no_main]

use app::households::ResidentId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match ResidentId::parse(text) {
        Ok(id) => {
            let shown = id.as_str();
            assert_eq!(shown.chars().count(), 18, "{shown}");
            assert_eq!(shown, text.trim().to_ascii_uppercase(), "a parsed number reads back as typed");
        }
        Err(refusal) => assert!(!refusal.to_string().is_ascii(), "a refusal in Chinese: {refusal}"),
    }
});
