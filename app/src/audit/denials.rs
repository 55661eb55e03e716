//! Repeated refusals are aggregated: the first refusal of a caller from an address for an action is an
//! audit record at once; further refusals of the same within [`WINDOW_MINUTES`] are only counted, and one
//! record with the count and the units asked for closes the window. Someone probing thousands of records
//! leaves a handful of records, not one per probe. The counts are kept in the server's memory: a window
//! open when the server stops loses its count, never its first record.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use super::service::{Actor, Entry};
use crate::permissions::Action;

/// How long refusals of the same kind are counted into one record.
pub const WINDOW_MINUTES: i64 = 10;
/// The units a closing record names at most.
const MAX_UNITS: usize = 20;

/// The open windows of this server (shared by its requests through the application state).
#[derive(Clone, Debug, Default)]
pub struct Denials(Arc<Mutex<HashMap<Key, Window>>>);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    user_id: Option<i64>,
    ip: Option<String>,
    action: Action,
}

#[derive(Debug)]
struct Window {
    actor: Actor,
    started: DateTime<Utc>,
    last: DateTime<Utc>,
    repeated: u64,
    units: BTreeSet<String>,
}

/// A refusal to write to the audit log.
#[derive(Debug)]
pub struct Record {
    pub actor: Actor,
    pub entry: Entry,
}

/// The record of a refusal.
fn refusal(action: Action, org_code: &str) -> Entry {
    Entry {
        action: "access.denied",
        entity_type: "org_unit",
        entity_id: org_code.to_string(),
        org_code: Some(org_code.to_string()),
        changes: serde_json::json!({ "requested": action.as_str() }),
    }
}

impl Window {
    /// The closing record, when refusals were counted after the first.
    fn close(self, action: Action) -> Option<Record> {
        if self.repeated == 0 {
            return None;
        }
        let mut entry = refusal(action, self.units.iter().next().map(String::as_str).unwrap_or_default());
        entry.action = "access.denied_repeated";
        if let Some(changes) = entry.changes.as_object_mut() {
            changes.insert("count".into(), self.repeated.into());
            changes.insert("since".into(), self.started.to_rfc3339_opts(SecondsFormat::Secs, true).into());
            changes.insert("until".into(), self.last.to_rfc3339_opts(SecondsFormat::Secs, true).into());
            changes.insert("units".into(), self.units.iter().take(MAX_UNITS).cloned().collect::<Vec<_>>().into());
        }
        Some(Record { actor: self.actor, entry })
    }
}

impl Denials {
    /// Note a refusal; returns the records to write now: the refusal itself when it opens a window
    /// (after the record closing the previous window of the same kind, if that one has run out).
    pub fn note(&self, actor: &Actor, action: Action, org_code: &str, now: DateTime<Utc>) -> Vec<Record> {
        let key = Key { user_id: actor.user_id, ip: actor.ip.clone(), action };
        let mut windows = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        let mut records = Vec::new();
        if let Some(window) = windows.get_mut(&key)
            && now < window.started + Duration::minutes(WINDOW_MINUTES)
        {
            window.repeated += 1;
            window.last = now;
            window.units.insert(org_code.to_string());
            return records;
        }
        if let Some(expired) = windows.remove(&key) {
            records.extend(expired.close(action));
        }
        let units = BTreeSet::from([org_code.to_string()]);
        windows.insert(key, Window { actor: actor.clone(), started: now, last: now, repeated: 0, units });
        records.push(Record { actor: actor.clone(), entry: refusal(action, org_code) });
        records
    }

    /// Write the closing records of the windows that have run out by `now` (the jobs loop, every minute).
    pub async fn write_expired(
        &self,
        db: &sea_orm::DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<usize, sea_orm::DbErr> {
        let records = self.close_expired(now);
        let written = records.len();
        for record in records {
            super::service::record_event(db, &record.actor, now, record.entry).await?;
        }
        Ok(written)
    }

    /// Close the windows that have run out by `now`; returns their closing records.
    fn close_expired(&self, now: DateTime<Utc>) -> Vec<Record> {
        let mut windows = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        let expired: Vec<Key> = windows
            .iter()
            .filter(|(_, w)| now >= w.started + Duration::minutes(WINDOW_MINUTES))
            .map(|(k, _)| k.clone())
            .collect();
        expired.into_iter().filter_map(|k| windows.remove(&k).and_then(|w| w.close(k.action))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_counted_into_one_closing_record() {
        let denials = Denials::default();
        let actor = Actor { user_id: Some(7), name: "张三（zhang）".into(), ip: Some("10.0.0.9".into()) };
        let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 2, 1, 0, 0).unwrap();
        let first = denials.note(&actor, Action::ReadHousehold, "500152102201", start);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].entry.action, "access.denied");
        for i in 1..=99 {
            let at = start + Duration::seconds(i);
            assert!(denials.note(&actor, Action::ReadHousehold, "500152102202", at).is_empty());
        }
        assert!(denials.note(&actor, Action::ManageUsers, "500152102201", start).len() == 1, "another action");
        assert!(denials.close_expired(start + Duration::minutes(9)).is_empty(), "the window is still open");
        let closed = denials.close_expired(start + Duration::minutes(WINDOW_MINUTES));
        assert_eq!(closed.len(), 1, "the other action was refused once: nothing to close");
        assert_eq!(closed[0].entry.action, "access.denied_repeated");
        assert_eq!(closed[0].entry.changes["count"], 99);
        assert_eq!(closed[0].entry.changes["units"], serde_json::json!(["500152102201", "500152102202"]));
        assert_eq!(closed[0].entry.changes["until"], "2026-03-02T01:01:39Z");
        let again = denials.note(&actor, Action::ReadHousehold, "500152102201", start + Duration::minutes(11));
        assert_eq!(again.len(), 1, "a new window opens with its own first record");
    }
}
