//! sea-orm entities: one module per table, no behaviour.
//! Every record that belongs to the organisation carries `org_code`, the statistical area code of its
//! unit, so that "records in my scope" is a prefix match on an indexed column.

#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod api_token;
pub mod app_secret;
pub mod app_user;
pub mod assistance_measure;
pub mod audit_log;
pub mod case_event;
pub mod cross_check;
pub mod cross_check_addendum;
pub mod cross_check_answer;
pub mod cross_check_conflict;
pub mod cross_check_draw;
pub mod cross_check_exclusion;
pub mod cross_check_finding;
pub mod cross_check_member;
pub mod cross_check_self_score;
pub mod cross_check_sheet;
pub mod cross_check_team;
pub mod cross_check_unit;
pub mod evidence;
pub mod holiday_notice;
pub mod household;
pub mod household_income;
pub mod household_member;
pub mod identification;
pub mod identification_event;
pub mod import_batch;
pub mod job_run;
pub mod login_failure;
pub mod mail_optout;
pub mod mail_outbox;
pub mod meeting;
pub mod meeting_addendum;
pub mod meeting_item;
pub mod notification;
pub mod org_unit;
pub mod policy_set;
pub mod risk_case;
pub mod screening_row;
pub mod security_assessment;
pub mod session;
pub mod supervision_finding;
pub mod supervision_followup;
pub mod supervision_followup_check;
pub mod supervision_member;
pub mod supervision_round;
pub mod user_role;
pub mod visit;
pub mod visit_addendum;
pub mod window_grant;
pub mod window_grant_record;
