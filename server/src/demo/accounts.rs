//! The demo county's accounts: a user for every role in several units, the cadres of each household,
//! and the one-time passwords printed and written to the data folder.

use super::people::person_name;
use super::{COUNTY_CODE, DemoLogin};
use crate::config::Settings;
use anyhow::Context;
use app::audit::service::Actor;
use app::users::NewUser;
use chrono::{DateTime, Utc};
use entities::{household, org_unit};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{DatabaseTransaction, EntityTrait};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const DEPARTMENTS: [(&str, &str); 12] = [
    ("jiaoyu", "区教委"),
    ("weijian", "区卫生健康委"),
    ("yibao", "区医保局"),
    ("zhujian", "区住房城乡建委"),
    ("shuili", "区水利局"),
    ("minzheng", "区民政局"),
    ("renshe", "区人力社保局"),
    ("nongye", "区农业农村委"),
    ("yingji", "区应急管理局"),
    ("gongan", "区公安局"),
    ("tongji", "区统计局"),
    ("canlian", "区残联"),
];

pub(super) async fn load_users(
    tx: &DatabaseTransaction,
    actor: &Actor,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
    townships: &[org_unit::Model],
    villages: &[(org_unit::Model, Vec<org_unit::Model>, String)],
) -> anyhow::Result<Vec<DemoLogin>> {
    use app::permissions::Role;
    // (username, role, org code, department)
    let mut plan: Vec<(String, Role, String, Option<String>)> = vec![
        ("admin".into(), Role::Admin, COUNTY_CODE.into(), None),
        ("xian.fupin1".into(), Role::CountyOffice, COUNTY_CODE.into(), None),
        ("xian.fupin2".into(), Role::CountyOffice, COUNTY_CODE.into(), None),
        ("xian.jiwei".into(), Role::DisciplineTeam, COUNTY_CODE.into(), None),
    ];
    for (key, name) in DEPARTMENTS {
        plan.push((format!("bm.{key}"), Role::DepartmentUser, COUNTY_CODE.into(), Some(name.into())));
    }
    for township in townships {
        let t = township.code.get(6..9).unwrap_or_default();
        plan.push((format!("z{t}.lingdao"), Role::TownshipLeader, township.code.clone(), None));
        plan.push((format!("z{t}.jingfa"), Role::TownshipStaff, township.code.clone(), None));
        plan.push((format!("z{t}.jiwei"), Role::DisciplineTeam, township.code.clone(), None));
        plan.push((format!("z{t}.jiancha"), Role::CrossChecker, township.code.clone(), None));
    }
    for (village, groups, _) in villages {
        let v = village.code.get(6..12).unwrap_or_default();
        plan.push((format!("c{v}.shuji"), Role::VillageSecretary, village.code.clone(), None));
        plan.push((format!("c{v}.ganbu"), Role::VillageCadre, village.code.clone(), None));
        plan.push((format!("c{v}.zhucun"), Role::ResidentCadre, village.code.clone(), None));
        plan.push((format!("c{v}.xinxi"), Role::InfoOfficer, village.code.clone(), None));
        plan.push((format!("c{v}.lianxi"), Role::MonitoringContact, village.code.clone(), None));
        if let Some(group) = groups.first() {
            plan.push((format!("c{v}.zuzhang"), Role::MonitoringContact, group.code.clone(), None));
        }
    }

    let units: HashMap<String, String> =
        org_unit::Entity::find().all(tx).await?.into_iter().map(|u| (u.code, u.name)).collect();
    let mut logins = Vec::with_capacity(plan.len());
    let mut prepared = Vec::with_capacity(plan.len());
    for (username, role, org_code, department) in plan {
        let password = app::users::service::one_time_password();
        let hash = app::auth::service::hash_password(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let male = rng.random_bool(0.6);
        let display_name = person_name(rng, male);
        logins.push(DemoLogin {
            username: username.clone(),
            password,
            display_name: display_name.clone(),
            role_label: role.label().into(),
            org_name: units.get(&org_code).cloned().unwrap_or_default(),
        });
        prepared.push((
            NewUser {
                username,
                display_name,
                role: role.as_str().into(),
                org_code,
                department,
                phone: None,
                email: None,
            },
            hash,
        ));
    }
    for (input, hash) in prepared {
        app::users::service::insert_user(tx, actor, now, &input, hash)
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", input.username))?;
    }
    Ok(logins)
}

/// Every monitored household gets its village's monitoring contact (c…lianxi) and, as 挂钩干部, its
/// township's leader (z…lingdao), whose rank and experience are recorded.
pub(super) async fn assign_cadres(
    tx: &DatabaseTransaction,
    villages: &[(org_unit::Model, Vec<org_unit::Model>, String)],
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let users: HashMap<String, i64> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.username, u.id)).collect();
    // The township leaders who serve as 挂钩干部 are 副科级 cadres, and the village contacts experienced ones,
    // as Fujian's policy would ask [F] 11.
    entities::app_user::Entity::update_many()
        .col_expr(entities::app_user::Column::CadreRank, Expr::value(app::policy::CadreRank::DeputySection.as_str()))
        .filter(entities::app_user::Column::Username.like("z%.lingdao"))
        .exec(tx)
        .await?;
    entities::app_user::Entity::update_many()
        .col_expr(entities::app_user::Column::Experienced, Expr::value(true))
        .filter(entities::app_user::Column::Username.like("c%.lianxi"))
        .exec(tx)
        .await?;
    for (village, _, _) in villages {
        let contact = users.get(&format!("c{}.lianxi", village.code.get(6..12).unwrap_or_default())).copied();
        let liaison = users.get(&format!("z{}.lingdao", village.code.get(6..9).unwrap_or_default())).copied();
        household::Entity::update_many()
            .col_expr(household::Column::ContactUserId, Expr::value(contact))
            .col_expr(household::Column::LiaisonUserId, Expr::value(liaison))
            .filter(household::Column::OrgCode.starts_with(&village.code))
            .filter(household::Column::MonitoringStatus.eq("monitored"))
            .exec(tx)
            .await?;
    }
    Ok(())
}

pub(super) fn print_logins(logins: &[DemoLogin], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "\n演示账号（一次性密码，首次登录后请修改；完整名单另存于数据目录 demo-logins.txt）：")?;
    let mut shown_roles = std::collections::HashSet::new();
    for login in logins {
        if shown_roles.insert(login.role_label.clone()) {
            writeln!(
                out,
                "  {:<22} {:<16} {} · {}（{}）",
                login.username, login.password, login.org_name, login.role_label, login.display_name
            )?;
        }
    }
    Ok(())
}

/// Where the demo logins are written.
pub fn logins_path(settings: &Settings) -> PathBuf {
    settings.data_dir.join("demo-logins.txt")
}

/// Write every demo login to `path` (`logins_path`), readable by the owner only.
pub(super) fn write_logins(path: &Path, logins: &[DemoLogin]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = String::from("# 演示账号与一次性密码（首次登录后须修改）\n# 用户名\t一次性密码\t单位\t角色\t姓名\n");
    for l in logins {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            l.username, l.password, l.org_name, l.role_label, l.display_name
        ));
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
