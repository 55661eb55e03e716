//! The floors of `app/src`: which module may use which, written in one place and checked by a test that
//! reads every `crate::…` and `super::…` path in the sources.
//!
//! The list below runs from the ground up. A module may use the modules listed before it, never one listed
//! after it: so no two modules use each other, and a newcomer reads the app bottom-up. Each domain area
//! appears once per part:
//! - `area`: its types and pure rules (`mod.rs` and the files beside it), compiled for both builds;
//! - `area::service`: its server-side rules on the database (`service.rs` and the modules its `mod.rs`
//!   declares for the `ssr` feature only);
//! - `area::api`: its server functions (`api.rs`), the only door from the browser;
//! - `area::pages`: its pages and components (`pages.rs`, `*_pages.rs`).
//!
//! A file listed on its own (`audit::labels`) is its own module here. The floors are headings: pure rules
//! stand on the foundation, the platform (state, request, audit log, authorisation) on the rules, the
//! areas' services on the platform, the server functions on the services, the pages on the server
//! functions, and the pages that compose several areas (the household's file, the app's frame) on top.

#![cfg(test)]

/// The floors, lowest first; within a floor, a module may use the ones listed before it.
const FLOORS: &[(&str, &[&str])] = &[
    (
        "foundation: time, errors, the database, random tokens, reproducible samples",
        &["time", "error", "db", "token", "sampling"],
    ),
    (
        "rules: each area's types and pure rules (both builds)",
        &[
            "org",
            "permissions",
            "auth",
            "policy",
            "risk",
            "calendar",
            "audit",
            "excel",
            "households",
            "workflow",
            "evidence",
            "cases",
            "visits",
            "notify",
            "screening",
            "self_report",
            "meetings",
            "supervision",
            "crosscheck",
            "accountability",
            "assessment",
            "users",
            "reports",
            "prints",
            "household_file",
            "audit::labels",
        ],
    ),
    (
        "platform: the audit log, per-server memory, state, the request, authorisation, sessions",
        &[
            "audit::checkpoint",
            "audit::service",
            "audit::denials",
            "evidence::store",
            "screening::progress",
            "self_report::rate_limit",
            "refill::input",
            "refill::stash",
            "state",
            "request",
            "authz",
            "auth::service",
        ],
    ),
    (
        "services: each area's rules on the database",
        &[
            "org::service",
            "users::service",
            "calendar::service",
            "notify::service",
            "policy::service",
            "excel::workbook",
            "households::service",
            "workflow::service",
            "evidence::listing",
            "cases::service",
            "household_file::service",
            "prints::service",
            "visits::service",
            "self_report::service",
            "screening::service",
            "meetings::service",
            "supervision::service",
            "crosscheck::service",
            "accountability::service",
            "assessment::service",
            "evidence::service",
            "excel::service",
            "reports::service",
            "jobs",
        ],
    ),
    (
        "server functions: the browser's door to the services",
        &[
            "auth::api",
            "org::api",
            "users::api",
            "audit::api",
            "calendar::api",
            "notify::api",
            "policy::api",
            "households::api",
            "workflow::api",
            "cases::api",
            "visits::api",
            "evidence::api",
            "self_report::api",
            "screening::api",
            "meetings::api",
            "supervision::api",
            "crosscheck::api",
            "accountability::api",
            "assessment::api",
            "reports::api",
            "household_file::api",
        ],
    ),
    (
        "pages: each area's pages and components",
        &[
            "ui",
            "refill",
            "auth::pages",
            "org::pages",
            "users::pages",
            "audit::pages",
            "calendar::pages",
            "notify::pages",
            "policy::pages",
            "households::pages",
            "workflow::pages",
            "evidence::pages",
            "cases::pages",
            "visits::pages",
            "self_report::pages",
            "screening::pages",
            "meetings::pages",
            "supervision::pages",
            "crosscheck::pages",
            "accountability::pages",
            "assessment::pages",
            "excel::pages",
            "reports::pages",
        ],
    ),
    (
        "composition: pages made of several areas, and the app's frame",
        &["household_file::pages", "shell::assets", "shell"],
    ),
];

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The position of every listed module, lowest first.
fn ranks() -> BTreeMap<&'static str, usize> {
    FLOORS.iter().flat_map(|(_, modules)| modules.iter().copied()).enumerate().map(|(i, m)| (m, i)).collect()
}

/// The module a path inside the crate belongs to: `segments` is the path after `crate::`.
fn module_of(segments: &[&str], ranks: &BTreeMap<&str, usize>, ssr: &BTreeMap<String, BTreeSet<String>>) -> String {
    let Some(area) = segments.first() else { return String::new() };
    let Some(part) = segments.get(1) else { return area.to_string() };
    let listed = format!("{area}::{part}");
    if ranks.contains_key(listed.as_str()) {
        return listed;
    }
    if *part == "pages" || part.ends_with("_pages") {
        return format!("{area}::pages");
    }
    if *part == "api" {
        return format!("{area}::api");
    }
    if *part == "service" || ssr.get(*area).is_some_and(|mods| mods.contains(*part)) {
        return format!("{area}::service");
    }
    area.to_string()
}

/// The modules an area's `mod.rs` declares for the server build only.
fn ssr_modules(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("app/src is readable").flatten() {
        let mod_rs = entry.path().join("mod.rs");
        let Ok(text) = std::fs::read_to_string(&mod_rs) else { continue };
        let mut gated = false;
        let mut names = BTreeSet::new();
        for line in text.lines().map(str::trim) {
            if line == "#[cfg(feature = \"ssr\")]" {
                gated = true;
                continue;
            }
            if gated && let Some(rest) = line.strip_prefix("pub mod ").or_else(|| line.strip_prefix("mod ")) {
                names.insert(rest.trim_end_matches(';').to_string());
            }
            gated = false;
        }
        out.insert(entry.file_name().to_string_lossy().into_owned(), names);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    text.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Every crate path a file names, each as its segments after `crate::`, with `super::` resolved.
/// Grouped imports (`use crate::{a::b, c}`) are read group by group.
fn paths_in(code: &str, own: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", own[..own.len().saturating_sub(1)].to_vec())] {
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            expand(rest, base.clone(), &mut found);
        }
    }
    found
}

/// Read one path (or `{…}` group of paths) at the start of `text`, after the segments in `base`.
fn expand(text: &str, base: Vec<String>, found: &mut Vec<Vec<String>>) {
    let mut segments = base;
    let mut text = text;
    loop {
        if let Some(group) = text.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        expand(group[start..i].trim_start(), segments.clone(), found);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(group[start..i].trim_start(), segments.clone(), found);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
        let word = &text[..end];
        if word.is_empty() {
            break;
        }
        if word != "self" {
            segments.push(word.to_string());
        }
        match text[end..].strip_prefix("::") {
            Some(next) => text = next.trim_start(),
            None => break,
        }
    }
    if !segments.is_empty() {
        found.push(segments);
    }
}

/// The module path of a source file: `households/service.rs` → `households::service`.
fn file_module(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("inside app/src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every use of a module listed later than its user (or of one in no floor), and the uses that are allowed.
fn check(src: &Path) -> (Vec<String>, BTreeSet<(String, String)>) {
    let ranks = ranks();
    let ssr = ssr_modules(src);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut problems = Vec::new();
    let mut edges = BTreeSet::new();
    for file in files {
        let own = file_module(src, &file);
        let own_segments: Vec<&str> = own.iter().map(String::as_str).collect();
        // The crate root and the tests that read the whole crate stand apart from the floors.
        if matches!(
            own_segments.first(),
            Some(&"lib") | Some(&"floors") | Some(&"parsers_proptest") | Some(&"schema_names")
        ) || own_segments.last() == Some(&"tests")
        {
            continue;
        }
        let user = module_of(&own_segments, &ranks, &ssr);
        let Some(&user_rank) = ranks.get(user.as_str()) else {
            problems.push(format!("{} is in no floor: add `{user}` to FLOORS", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a source file is readable");
        for path in paths_in(&code_of(&text), &own) {
            let segments: Vec<&str> = path.iter().map(String::as_str).collect();
            let used = module_of(&segments, &ranks, &ssr);
            if used == user || used.is_empty() {
                continue;
            }
            match ranks.get(used.as_str()) {
                None => problems.push(format!(
                    "{user} uses `{}`, which is in no floor ({})",
                    path.join("::"),
                    file.display()
                )),
                Some(&rank) if rank > user_rank => problems.push(format!(
                    "{user} uses {used} (`{}` in {}), which stands above it",
                    path.join("::"),
                    file.display()
                )),
                Some(_) => {
                    edges.insert((user.clone(), used));
                }
            }
        }
    }
    (problems, edges)
}

#[test]
fn every_module_uses_only_the_floors_below_it() {
    let src = Path::new(option_env!("CARGO_MANIFEST_DIR").unwrap_or("app")).join("src");
    let (problems, uses) = check(&src);
    assert!(problems.is_empty(), "{} uses against the floors:\n{}", problems.len(), problems.join("\n"));
    // The check reads the sources it is meant to: the household services use the policy's.
    assert!(uses.contains(&("households::service".to_string(), "policy::service".to_string())), "{uses:?}");
}
