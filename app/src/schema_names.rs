//! The OpenAPI document names each type's schema by its name alone, so two types of one name would share one
//! schema and one of them would be described wrongly (schemathesis found two such). A test reads every `ToSchema`
//! type in the sources with the name its `schema(as = …)` gives it, and finds each name once.

#![cfg(test)]

use std::collections::BTreeMap;
use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("source file")));
        }
    }
}

#[test]
fn every_schema_has_a_name_of_its_own() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, text) in &files {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.contains("derive(utoipa::ToSchema)") {
                continue;
            }
            let rest = lines.iter().skip(i).take(8);
            let mut alias = None;
            for l in rest {
                if let Some(after) = l.split("schema(as = ").nth(1) {
                    alias = after.split(')').next().map(|n| n.trim().to_string());
                }
                let declared =
                    l.trim_start().strip_prefix("pub struct ").or_else(|| l.trim_start().strip_prefix("pub enum "));
                if let Some(declared) = declared {
                    let name = declared.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default();
                    names.entry(alias.clone().unwrap_or_else(|| name.to_string())).or_default().push(file.clone());
                    break;
                }
            }
        }
    }
    let shared: Vec<String> = names
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(name, files)| format!("{name}: {}", files.join(", ")))
        .collect();
    assert!(names.len() > 100, "the sources were read: {} schemas", names.len());
    assert!(shared.is_empty(), "schemas sharing a name (add `schema(as = …)`):\n{}", shared.join("\n"));
}
