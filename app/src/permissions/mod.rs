//! The one permissions model: which roles may take each action ([`Action`]) and each step of the state
//! machines ([`Step`]), and the time-window grants ([`WindowGrant`]). Pure, compiled for both builds: the
//! server (`authz`) adds the scope of each grant and the query filters; pages show only what the
//! caller's roles can use, from the same rules. No other module lists roles to decide who may do something.

mod roles;
mod steps;
mod window;

pub use roles::{Caller, Role, RoleGrant};
pub use steps::Step;
pub use window::WindowGrant;

/// What a caller may want to do. Each area adds its actions here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    ReadOrgUnit,
    ManageOrgUnits,
    ReadHousehold,
    EditHousehold,
    RevealResidentId,
    /// Assign a household's monitoring contact and 挂钩干部.
    AssignCadres,
    ReadUserRoster,
    ManageUsers,
    ReadAudit,
    ManagePolicy,
    /// Push department screening warnings (部门筛查预警).
    ImportWarnings,
    /// See and verify department warnings that matched no household.
    VerifyWarnings,
    /// Record a visit of a household and add addenda to saved visits.
    RecordVisit,
    /// Be named a case's owner (责任人) in a unit the grant covers.
    OwnCase,
    /// Be named a household's monitoring contact (监测联系人 / 帮扶责任人) [T][Y].
    ServeAsContact,
    /// Be named a household's 挂钩干部: cadres above the village [F].
    ServeAsLiaison,
    /// Plan and run special supervision rounds (专项督查) [Y].
    ManageSupervision,
    /// Plan the annual cross-township spot check (交叉检查): teams, their pairing with townships, the draw [Y].
    ManageCrossCheck,
    /// Answer for a checked township in the cross-check: hand its problems to owners, enter its self-assessment.
    AnswerCrossCheck,
    /// Read the accountability records of a unit: the discipline team, the county office, the unit's leaders.
    ReadAccountability,
    /// See the candidates for accountability, dismiss them or open records, review statements [Y] 四（四）.
    ManageAccountability,
    /// Decide on an accountability record, correct or revoke a decision (held at the county).
    DecideAccountability,
    /// Approve the heavier measures of accountability and one-vote vetoes (held at the county).
    ApproveAccountability,
    /// Compute and publish the county's annual assessment of its townships and villages (考核).
    ManageAssessment,
}

impl Action {
    pub const ALL: [Action; 24] = [
        Action::ReadOrgUnit,
        Action::ManageOrgUnits,
        Action::ReadHousehold,
        Action::EditHousehold,
        Action::RevealResidentId,
        Action::AssignCadres,
        Action::ReadUserRoster,
        Action::ManageUsers,
        Action::ReadAudit,
        Action::ManagePolicy,
        Action::ImportWarnings,
        Action::VerifyWarnings,
        Action::RecordVisit,
        Action::OwnCase,
        Action::ServeAsContact,
        Action::ServeAsLiaison,
        Action::ManageSupervision,
        Action::ManageCrossCheck,
        Action::AnswerCrossCheck,
        Action::ReadAccountability,
        Action::ManageAccountability,
        Action::DecideAccountability,
        Action::ApproveAccountability,
        Action::ManageAssessment,
    ];

    /// What the action is, in Chinese (refusals in the audit log name it).
    pub fn label(self) -> &'static str {
        match self {
            Action::ReadOrgUnit => "查看组织机构",
            Action::ManageOrgUnits => "管理组织机构",
            Action::ReadHousehold => "查看农户",
            Action::EditHousehold => "修改农户信息",
            Action::RevealResidentId => "查看完整身份证号",
            Action::AssignCadres => "指定监测联系人和挂钩干部",
            Action::ReadUserRoster => "查看用户名单",
            Action::ManageUsers => "管理用户与角色",
            Action::ReadAudit => "查看审计日志",
            Action::ManagePolicy => "设置政策参数",
            Action::ImportWarnings => "推送部门预警",
            Action::VerifyWarnings => "核实部门预警",
            Action::RecordVisit => "记录走访",
            Action::OwnCase => "担任风险案件责任人",
            Action::ServeAsContact => "担任监测联系人",
            Action::ServeAsLiaison => "担任挂钩干部",
            Action::ManageSupervision => "组织专项督查",
            Action::ManageCrossCheck => "组织交叉检查",
            Action::AnswerCrossCheck => "交叉检查被查镇街：交办问题、填报自评",
            Action::ReadAccountability => "问责：查看本单位的问责记录",
            Action::ManageAccountability => "问责：查看候选事项、立案、审查",
            Action::DecideAccountability => "问责：作出、更正、撤销决定（县级）",
            Action::ApproveAccountability => "问责：审批组织处理、移送和一票否决（县级）",
            Action::ManageAssessment => "考核：计算、发布年度考核结果（县级）",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == code)
    }

    /// Whether the caller holds a role for this action anywhere (pages show or hide what the caller can
    /// use by this; the server also checks the record's unit).
    pub fn allowed_for(self, caller: &Caller) -> bool {
        caller.roles.iter().any(|g| self.roles().contains(&g.role))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ReadOrgUnit => "org.read",
            Action::ManageOrgUnits => "org.manage",
            Action::ReadHousehold => "household.read",
            Action::EditHousehold => "household.edit",
            Action::RevealResidentId => "household.reveal_id",
            Action::AssignCadres => "household.assign_cadres",
            Action::ReadUserRoster => "user.read",
            Action::ManageUsers => "user.manage",
            Action::ReadAudit => "audit.read",
            Action::ManagePolicy => "policy.manage",
            Action::ImportWarnings => "screening.import",
            Action::VerifyWarnings => "screening.verify",
            Action::RecordVisit => "visit.record",
            Action::OwnCase => "case.own",
            Action::ServeAsContact => "household.contact",
            Action::ServeAsLiaison => "household.liaison",
            Action::ManageSupervision => "supervision.manage",
            Action::ManageCrossCheck => "crosscheck.manage",
            Action::AnswerCrossCheck => "crosscheck.answer",
            Action::ReadAccountability => "accountability.read",
            Action::ManageAccountability => "accountability.manage",
            Action::DecideAccountability => "accountability.decide",
            Action::ApproveAccountability => "accountability.approve",
            Action::ManageAssessment => "assessment.manage",
        }
    }

    /// The roles that may perform this action within the scope of their unit.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ReadOrgUnit => &Role::ALL,
            Action::ManageOrgUnits | Action::ManageUsers => &[Admin],
            Action::ReadHousehold => &[
                CountyOffice,
                TownshipLeader,
                TownshipStaff,
                DisciplineTeam,
                VillageSecretary,
                VillageCadre,
                ResidentCadre,
                InfoOfficer,
                MonitoringContact,
            ],
            Action::EditHousehold => {
                &[TownshipStaff, VillageSecretary, VillageCadre, ResidentCadre, InfoOfficer, MonitoringContact]
            }
            // Those who enter data or match department lists by ID number.
            Action::RevealResidentId => {
                &[CountyOffice, TownshipStaff, VillageSecretary, VillageCadre, InfoOfficer, MonitoringContact]
            }
            Action::AssignCadres => &[TownshipLeader, TownshipStaff, VillageSecretary],
            Action::ReadUserRoster => {
                &[Admin, CountyOffice, TownshipLeader, TownshipStaff, DisciplineTeam, VillageSecretary]
            }
            Action::ReadAudit => &[Admin, CountyOffice, DisciplineTeam],
            Action::ManagePolicy => &[Admin, CountyOffice],
            Action::ImportWarnings => &[DepartmentUser, CountyOffice],
            Action::VerifyWarnings => &[CountyOffice, TownshipLeader, TownshipStaff],
            // Village staff and contacts, and the township and county cadres who serve as 挂钩干部.
            Action::RecordVisit => &[
                CountyOffice,
                TownshipLeader,
                TownshipStaff,
                VillageSecretary,
                VillageCadre,
                ResidentCadre,
                InfoOfficer,
                MonitoringContact,
            ],
            Action::OwnCase => &[
                MonitoringContact,
                VillageCadre,
                VillageSecretary,
                ResidentCadre,
                InfoOfficer,
                TownshipStaff,
                TownshipLeader,
            ],
            Action::ServeAsContact => &[MonitoringContact, VillageCadre, VillageSecretary, ResidentCadre, InfoOfficer],
            Action::ServeAsLiaison => &[CountyOffice, TownshipLeader, TownshipStaff, ResidentCadre],
            // [Y] "街道纪（工）委牵头": the discipline team, and the county office that organises with it.
            Action::ManageSupervision => &[DisciplineTeam, CountyOffice],
            // [Y] "区级每年组织一次乡镇（街道）间交叉检查": the county office.
            Action::ManageCrossCheck => &[CountyOffice],
            // The checked township answers for what was found in it: its leaders and staff.
            Action::AnswerCrossCheck => &[TownshipLeader, TownshipStaff],
            // [Y] the discipline teams (纪委、纪工委) run accountability; the county's decides, the county approves.
            Action::ReadAccountability => {
                &[DisciplineTeam, CountyOffice, TownshipLeader, VillageSecretary, VillageCadre]
            }
            Action::ManageAccountability | Action::DecideAccountability => &[DisciplineTeam],
            Action::ApproveAccountability => &[CountyOffice],
            // The county's office organises the annual assessment of its townships and villages.
            Action::ManageAssessment => &[CountyOffice],
        }
    }

    /// Whether a refusal should look like "not found" (reads) rather than "forbidden".
    pub fn is_read(self) -> bool {
        matches!(self, Action::ReadOrgUnit | Action::ReadHousehold | Action::ReadUserRoster | Action::ReadAudit)
    }
}
