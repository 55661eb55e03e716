//! Department warnings in the database: reading and checking a file, taking a batch in one
//! transaction (cases opened or updated, unmatched rows kept), the unmatched list and its
//! verification, the daily digest per township, and batches left running by a stopped server.

pub mod batches;
pub mod digest;
pub mod intake;
pub mod taking;

use super::Department;
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::permissions::Role;

/// Whether the caller pushes warnings for every department: a role with the right other than a department
/// user's (whose grant names its one department), i.e. the county office.
fn imports_for_every_department(caller: &crate::permissions::Caller) -> bool {
    caller.roles.iter().any(|g| g.role != Role::DepartmentUser && Action::ImportWarnings.roles().contains(&g.role))
}

/// The departments the caller may push warnings for: a department user their own, the county office any.
pub fn departments_of(caller: &crate::permissions::Caller) -> Vec<Department> {
    if imports_for_every_department(caller) {
        return Department::ALL.to_vec();
    }
    caller
        .roles
        .iter()
        .filter(|g| g.role == Role::DepartmentUser)
        .filter_map(|g| g.department.as_deref().and_then(Department::of_grant))
        .collect()
}

/// Where the caller may bring in warnings; `Forbidden` for one who may bring in none (no department or
/// no scope). Cheap enough to run before a request's body is read.
pub fn import_scopes(caller: &crate::permissions::Caller) -> Result<Vec<String>, AppError> {
    let scopes = authz::scope_prefixes(caller, Action::ImportWarnings);
    if scopes.is_empty() || departments_of(caller).is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(scopes)
}
