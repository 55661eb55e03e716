//! Who the caller is: roles, sign-in, sessions, API tokens, and the account page.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;

/// Password rules, checked in the browser and again on the server.
pub fn check_new_password(username: &str, password: &str) -> Result<(), crate::error::AppError> {
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if password.chars().count() < 10 {
        return Err(crate::error::AppError::validation("new_password", "新密码至少需要 10 个字符。"));
    }
    if classes < 2 {
        return Err(crate::error::AppError::validation("new_password", "新密码需包含字母、数字、符号中的至少两类。"));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(crate::error::AppError::validation("new_password", "新密码不能与用户名相同。"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_new_password("zhang", "short1").is_err());
        assert!(check_new_password("zhang", "onlyletterslong").is_err());
        assert!(check_new_password("zhangsan123", "ZHANGSAN123").is_err());
        assert!(check_new_password("zhang", "river-stone-42").is_ok());
    }
}
