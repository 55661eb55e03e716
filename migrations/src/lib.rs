//! Schema migrations. They run at start-up (and with `server migrate`) and are the same on SQLite and PostgreSQL.
//! Each runs in one transaction with its row in `seaql_migrations`, on both databases (SQLite's DDL is
//! transactional too): a migration killed midway leaves nothing behind, and the next start runs it again.

#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261122_000001_foundation;
mod m20261122_000002_policy;
mod m20261122_000003_deductible;
mod m20261122_000004_assessment;
mod m20261122_000005_identification;
mod m20261122_000006_holiday_notice;
mod m20261122_000007_household_risk;
mod m20261122_000008_household_register;
mod m20261122_000009_import_batch;
mod m20261122_000010_rigid_expenditure_items;
mod m20261122_000011_risk_case;
mod m20261122_000012_assistance_measure;
mod m20261122_000013_evidence;
mod m20261122_000014_notifications;
mod m20261122_000015_screening;
mod m20261202_000016_visit;
mod m20261202_000017_visit_photos;
mod m20261202_000018_meeting;
mod m20261202_000019_visit_duties;
mod m20261204_000020_window_grant;
mod m20261205_000021_co_residence;
mod m20261205_000022_insurance_cause;
mod m20261205_000023_cadres_and_warning_kinds;
mod m20261205_000024_supervision;
mod m20261206_000025_supervision_evidence_and_followup;
mod m20261206_000026_cross_check;
mod m20261207_000027_cross_check_sheets;
mod m20261207_000028_accountability;
mod m20261208_000029_assessment;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let migrations: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_policy::Migration),
            Box::new(m20261122_000003_deductible::Migration),
            Box::new(m20261122_000004_assessment::Migration),
            Box::new(m20261122_000005_identification::Migration),
            Box::new(m20261122_000006_holiday_notice::Migration),
            Box::new(m20261122_000007_household_risk::Migration),
            Box::new(m20261122_000008_household_register::Migration),
            Box::new(m20261122_000009_import_batch::Migration),
            Box::new(m20261122_000010_rigid_expenditure_items::Migration),
            Box::new(m20261122_000011_risk_case::Migration),
            Box::new(m20261122_000012_assistance_measure::Migration),
            Box::new(m20261122_000013_evidence::Migration),
            Box::new(m20261122_000014_notifications::Migration),
            Box::new(m20261122_000015_screening::Migration),
            Box::new(m20261202_000016_visit::Migration),
            Box::new(m20261202_000017_visit_photos::Migration),
            Box::new(m20261202_000018_meeting::Migration),
            Box::new(m20261202_000019_visit_duties::Migration),
            Box::new(m20261204_000020_window_grant::Migration),
            Box::new(m20261205_000021_co_residence::Migration),
            Box::new(m20261205_000022_insurance_cause::Migration),
            Box::new(m20261205_000023_cadres_and_warning_kinds::Migration),
            Box::new(m20261205_000024_supervision::Migration),
            Box::new(m20261206_000025_supervision_evidence_and_followup::Migration),
            Box::new(m20261206_000026_cross_check::Migration),
            Box::new(m20261207_000027_cross_check_sheets::Migration),
            Box::new(m20261207_000028_accountability::Migration),
            Box::new(m20261208_000029_assessment::Migration),
        ];
        migrations.into_iter().map(|migration| Box::new(Transactional(migration)) as Box<dyn MigrationTrait>).collect()
    }
}

/// A migration that runs in a transaction on every backend (sea-orm-migration's default wraps only
/// PostgreSQL's): its changes and its version record are committed together, or not at all.
struct Transactional(Box<dyn MigrationTrait>);

impl MigrationName for Transactional {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Transactional {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }
}
