//! The roles of DOMAIN.md, a user's role grants and the caller of a request as the server resolved it.

use serde::{Deserialize, Serialize};

use super::WindowGrant;
use crate::org::{OrgCode, OrgLevel};

/// The roles of DOMAIN.md. A user may hold several, each bound to an org unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    Admin,
    CountyOffice,
    TownshipLeader,
    TownshipStaff,
    DisciplineTeam,
    VillageSecretary,
    VillageCadre,
    ResidentCadre,
    InfoOfficer,
    MonitoringContact,
    DepartmentUser,
    CrossChecker,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Admin,
        Role::CountyOffice,
        Role::TownshipLeader,
        Role::TownshipStaff,
        Role::DisciplineTeam,
        Role::VillageSecretary,
        Role::VillageCadre,
        Role::ResidentCadre,
        Role::InfoOfficer,
        Role::MonitoringContact,
        Role::DepartmentUser,
        Role::CrossChecker,
    ];

    /// The code stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CountyOffice => "county_office",
            Role::TownshipLeader => "township_leader",
            Role::TownshipStaff => "township_staff",
            Role::DisciplineTeam => "discipline",
            Role::VillageSecretary => "village_secretary",
            Role::VillageCadre => "village_cadre",
            Role::ResidentCadre => "resident_cadre",
            Role::InfoOfficer => "info_officer",
            Role::MonitoringContact => "monitoring_contact",
            Role::DepartmentUser => "department",
            Role::CrossChecker => "cross_checker",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::CountyOffice => "县级乡村振兴部门",
            Role::TownshipLeader => "镇街分管领导",
            Role::TownshipStaff => "镇街经发办工作人员",
            Role::DisciplineTeam => "纪（工）委督查组",
            Role::VillageSecretary => "村党支部书记",
            Role::VillageCadre => "村干部",
            Role::ResidentCadre => "驻村干部",
            Role::InfoOfficer => "防贫监测信息员",
            Role::MonitoringContact => "监测联系人",
            Role::DepartmentUser => "行业部门用户",
            Role::CrossChecker => "交叉检查人员",
        }
    }

    /// The org levels a role may be bound to.
    pub fn allowed_levels(self) -> &'static [OrgLevel] {
        match self {
            Role::Admin => &[OrgLevel::County, OrgLevel::Township],
            Role::CountyOffice | Role::DepartmentUser => &[OrgLevel::County],
            Role::DisciplineTeam => &[OrgLevel::County, OrgLevel::Township],
            Role::TownshipLeader | Role::TownshipStaff | Role::CrossChecker => &[OrgLevel::Township],
            Role::VillageSecretary | Role::VillageCadre | Role::ResidentCadre | Role::InfoOfficer => {
                &[OrgLevel::Village]
            }
            Role::MonitoringContact => &[OrgLevel::Village, OrgLevel::Group],
        }
    }
}

/// One role of the caller with the unit it is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoleGrant {
    pub role: Role,
    pub role_label: String,
    pub org_code: String,
    pub org_name: String,
    pub department: Option<String>,
}

impl RoleGrant {
    /// The subtree this grant covers. A grant whose stored code does not parse covers nothing.
    pub fn scope(&self) -> Option<OrgCode> {
        OrgCode::parse(&self.org_code).ok()
    }
}

/// The signed-in caller as the server resolved it for this request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub roles: Vec<RoleGrant>,
    /// The time-window grants open when the request arrived (server side only).
    #[serde(skip)]
    pub windows: Vec<WindowGrant>,
    /// The actions (codes) those windows grant, for the pages that open to a window (a checker's sample).
    #[serde(default)]
    pub window_actions: Vec<String>,
}

impl Caller {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|g| g.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
