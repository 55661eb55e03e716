//! People who use the system: accounts, their roles in org units, and their API tokens.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::permissions::RoleGrant;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    /// 职级, where recorded [F] 11.
    pub cadre_rank: Option<crate::policy::CadreRank>,
    /// Marked as an experienced cadre [F] 11.
    pub experienced: bool,
    pub roles: Vec<RoleGrantRow>,
    /// Time-window grants, newest first (filled for one user's page, empty in lists).
    pub windows: Vec<WindowGrantRow>,
}

/// A time-window grant as the user page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowGrantRow {
    pub purpose: String,
    /// The action it allows, in Chinese.
    pub right: String,
    /// How many units and households it lists.
    pub records: usize,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// 有效, 未开始, 已结束 or 已撤销.
    pub state: String,
}

/// A role grant with the id needed to revoke it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrantRow {
    pub id: i64,
    pub grant: RoleGrant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A secret shown exactly once (a one-time password or a new API token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeSecret {
    pub username: String,
    pub secret: String,
}

/// What an administrator enters to create a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_code: String,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Usernames: 3 to 32 characters, lower-case letters, digits, `.`, `_`, `-`, starting with a letter.
pub fn check_username(username: &str) -> Result<String, AppError> {
    let username = username.trim().to_lowercase();
    let ok = (3..=32).contains(&username.len())
        && username.starts_with(|c: char| c.is_ascii_lowercase())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(username)
    } else {
        Err(AppError::validation("username", "用户名须为 3 至 32 位小写字母、数字或 . _ -，并以字母开头。"))
    }
}

/// Mobile numbers: 11 digits starting with 1[3-9].
pub fn check_phone(phone: &str) -> Result<String, AppError> {
    let phone = phone.trim();
    let ok = phone.len() == 11
        && phone.starts_with('1')
        && matches!(phone.as_bytes().get(1), Some(b'3'..=b'9'))
        && phone.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(phone.to_string())
    } else {
        Err(AppError::validation("phone", "手机号码应为 11 位数字，以 13–19 开头。"))
    }
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn check_email(email: &str) -> Result<String, AppError> {
    let email = email.trim();
    let ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if ok { Ok(email.to_string()) } else { Err(AppError::validation("email", "电子邮箱格式不正确。")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(check_username(" Zhang.San ").unwrap(), "zhang.san");
        assert!(check_username("1abc").is_err());
        assert!(check_username("ab").is_err());
        assert!(check_username("张三").is_err());
    }

    #[test]
    fn phones_and_emails() {
        assert!(check_phone("13800138000").is_ok());
        assert!(check_phone("12800138000").is_err());
        assert!(check_email("a@b.cn").is_ok());
        assert!(check_email("a@b").is_err());
        assert!(check_email("a b@c.cn").is_err());
    }
}
