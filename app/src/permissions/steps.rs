//! Every step of the state machines (cases, the identification and elimination procedures, the monthly
//! judgment meetings) with the roles that may take it. The state machines decide *when* a step may be
//! taken; this table decides *who*. A role counts when its grant covers the record (or, for a meeting, is
//! at exactly the meeting's unit).

use crate::org::OrgLevel;
use crate::permissions::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// 案件：开始核实
    CaseStartVerification,
    /// 案件：核实后纳入帮扶或不予纳入
    CaseDecide,
    /// 案件：开始整改、整改完成提请验收
    CaseWork,
    /// 案件：验收通过或退回整改
    CaseAccept,
    /// 案件：重新打开已销号或不予纳入的案件
    CaseReopen,
    /// 案件：在帮扶、整改期间添加或修改帮扶措施
    CaseMeasures,
    /// 识别纳入、风险消除：村级核实和民主评议
    ProcedureVillageVerify,
    /// 识别纳入、风险消除：村内公示
    ProcedurePostNotice,
    /// 识别纳入、风险消除：乡镇复核
    ProcedureTownshipReview,
    /// 识别纳入、风险消除：县级审批
    ProcedureCountyApprove,
    /// 村级研判会议：主持并签署纪要
    VillageMeetingChair,
    /// 村级研判会议：准备议程、记录
    VillageMeetingRecord,
    /// 镇级研判会议：主持并签署纪要
    TownshipMeetingChair,
    /// 镇级研判会议：准备议程、记录
    TownshipMeetingRecord,
    /// 专项督查交办的问题：复核销号或退回整改 (by a round member, not the rectifier, not from the unit)
    SupervisionRecheck,
}

/// Village staff who work cases on the ground.
const VILLAGE_STAFF: [Role; 5] =
    [Role::VillageSecretary, Role::VillageCadre, Role::ResidentCadre, Role::InfoOfficer, Role::MonitoringContact];

impl Step {
    pub const ALL: [Step; 15] = [
        Step::CaseStartVerification,
        Step::CaseDecide,
        Step::CaseWork,
        Step::CaseAccept,
        Step::CaseReopen,
        Step::CaseMeasures,
        Step::ProcedureVillageVerify,
        Step::ProcedurePostNotice,
        Step::ProcedureTownshipReview,
        Step::ProcedureCountyApprove,
        Step::VillageMeetingChair,
        Step::VillageMeetingRecord,
        Step::TownshipMeetingChair,
        Step::TownshipMeetingRecord,
        Step::SupervisionRecheck,
    ];

    /// The step in Chinese, as the role × step table names it.
    pub fn label(self) -> &'static str {
        match self {
            Step::CaseStartVerification => "案件：开始核实",
            Step::CaseDecide => "案件：决定是否纳入帮扶",
            Step::CaseWork => "案件：开始整改、提请验收",
            Step::CaseAccept => "案件：验收或退回整改",
            Step::CaseReopen => "案件：重新打开",
            Step::CaseMeasures => "案件：添加和修改帮扶措施",
            Step::ProcedureVillageVerify => "识别纳入、风险消除：村级核实和民主评议",
            Step::ProcedurePostNotice => "识别纳入、风险消除：村内公示",
            Step::ProcedureTownshipReview => "识别纳入、风险消除：乡镇复核",
            Step::ProcedureCountyApprove => "识别纳入、风险消除：县级审批",
            Step::VillageMeetingChair => "村级研判会议：主持、签署纪要",
            Step::VillageMeetingRecord => "村级研判会议：准备议程、记录",
            Step::TownshipMeetingChair => "镇级研判会议：主持、签署纪要",
            Step::TownshipMeetingRecord => "镇级研判会议：准备议程、记录",
            Step::SupervisionRecheck => "督查问题：复核销号或退回整改",
        }
    }

    /// The roles that may take the step.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Step::CaseStartVerification => &[VillageSecretary, VillageCadre, TownshipStaff],
            // [Y] the village decides with the township; the township may decide alone.
            Step::CaseDecide => &[VillageSecretary, TownshipStaff, TownshipLeader],
            Step::CaseWork => &VILLAGE_STAFF,
            Step::CaseAccept => &[TownshipStaff, TownshipLeader, CountyOffice],
            // Supervision that finds a closed problem unsolved re-opens it.
            Step::CaseReopen => &[TownshipLeader, TownshipStaff, CountyOffice, DisciplineTeam],
            Step::CaseMeasures => &[
                VillageSecretary,
                VillageCadre,
                ResidentCadre,
                InfoOfficer,
                MonitoringContact,
                TownshipStaff,
                TownshipLeader,
            ],
            Step::ProcedureVillageVerify => &[VillageSecretary, VillageCadre],
            Step::ProcedurePostNotice => &[VillageSecretary, VillageCadre, InfoOfficer],
            Step::ProcedureTownshipReview => &[TownshipLeader, TownshipStaff],
            Step::ProcedureCountyApprove => &[CountyOffice],
            // [Y] the village Party secretary chairs; the township leader in charge chairs the township's.
            Step::VillageMeetingChair => &[VillageSecretary],
            Step::VillageMeetingRecord => &[VillageSecretary, VillageCadre, ResidentCadre, InfoOfficer],
            Step::TownshipMeetingChair => &[TownshipLeader],
            Step::TownshipMeetingRecord => &[TownshipLeader, TownshipStaff],
            // [Y] 纪（工）委 leads, 经发办 and the departments take part; membership and independence are
            // checked by the round.
            Step::SupervisionRecheck => &[DisciplineTeam, CountyOffice, TownshipLeader, TownshipStaff, DepartmentUser],
        }
    }

    /// Whether a case's owner (责任人) may take the step whatever their role.
    pub fn owner_may(self) -> bool {
        matches!(self, Step::CaseStartVerification | Step::CaseWork | Step::CaseMeasures)
    }

    /// Whether the caller, holding `roles` over the record and owning it or not, may take the step.
    pub fn allowed(self, roles: &[Role], is_owner: bool) -> bool {
        self.roles().iter().any(|r| roles.contains(r)) || (self.owner_may() && is_owner)
    }

    /// Who takes the step, for a message: "镇街经发办工作人员、镇街分管领导或县级乡村振兴部门",
    /// with the case's owner first when the owner may take it.
    pub fn who(self) -> String {
        let who: Vec<&str> = self
            .owner_may()
            .then_some("案件责任人")
            .into_iter()
            .chain(self.roles().iter().map(|r| r.label()))
            .collect();
        match who.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}或{last}", rest.join("、")),
            _ => who.concat(),
        }
    }

    /// Who chairs (and signs the minutes of) a meeting of this level; none for other levels.
    pub fn meeting_chair(level: OrgLevel) -> Option<Step> {
        match level {
            OrgLevel::Village => Some(Step::VillageMeetingChair),
            OrgLevel::Township => Some(Step::TownshipMeetingChair),
            _ => None,
        }
    }

    /// Who prepares and records a meeting of this level; none for other levels.
    pub fn meeting_record(level: OrgLevel) -> Option<Step> {
        match level {
            OrgLevel::Village => Some(Step::VillageMeetingRecord),
            OrgLevel::Township => Some(Step::TownshipMeetingRecord),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_works_a_case_but_does_not_decide_it() {
        assert!(Step::CaseWork.allowed(&[], true));
        assert!(!Step::CaseDecide.allowed(&[Role::MonitoringContact], true));
        assert!(Step::CaseDecide.allowed(&[Role::TownshipLeader], false));
        assert!(!Step::CaseAccept.allowed(&[Role::VillageSecretary], true));
    }

    #[test]
    fn who_names_the_owner_first_and_joins_the_last_with_or() {
        assert_eq!(Step::CaseAccept.who(), "镇街经发办工作人员、镇街分管领导或县级乡村振兴部门");
        assert!(Step::CaseWork.who().starts_with("案件责任人、村党支部书记"));
        assert_eq!(Step::ProcedureCountyApprove.who(), "县级乡村振兴部门");
    }

    #[test]
    fn only_villages_and_townships_hold_meetings() {
        assert_eq!(Step::meeting_chair(OrgLevel::Village), Some(Step::VillageMeetingChair));
        assert_eq!(Step::meeting_record(OrgLevel::Township), Some(Step::TownshipMeetingRecord));
        assert_eq!(Step::meeting_chair(OrgLevel::County), None);
        assert_eq!(Step::meeting_record(OrgLevel::Group), None);
    }
}
