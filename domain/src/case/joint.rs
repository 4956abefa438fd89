//! The joint case (联办件) of a bundle: one part per item, each with its own
//! department, status and clock. The lead department (牵头部门) pre-reviews and
//! accepts the whole (一窗受理) and sends every department's supplement requests
//! as one notice (一次告知); after acceptance each department handles its part
//! in parallel (并联审批) with the single case's table. What the whole is, in
//! every combination of its parts, is [`Joint::status`].

use serde::{Deserialize, Serialize};

use crate::case::{Action, Actor, Status, SupplementItem, TransitionError, transition};

/// The status of the joint case as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JointStatus {
    Submitted,
    PreReview,
    NeedsSupplement,
    NotAccepted,
    Withdrawn,
    /// Accepted; no department has started yet.
    Accepted,
    /// At least one part is being handled (or done) and some are still open.
    InProgress,
    /// Every open part is paused.
    Suspended,
    /// Every part is complete.
    Completed,
    /// 部分办结: every part has ended, some completed and some refused or terminated.
    PartlyCompleted,
    /// Every part accepted was terminated (容缺 deadlines missed).
    Terminated,
}

impl JointStatus {
    /// The whole as a single case's status, for the ledger and the status
    /// page's logic; 部分办结 counts as 办结 (it ended with results).
    pub fn as_case_status(self) -> Status {
        match self {
            Self::Submitted => Status::Submitted,
            Self::PreReview => Status::PreReview,
            Self::NeedsSupplement => Status::NeedsSupplement,
            Self::NotAccepted => Status::NotAccepted,
            Self::Withdrawn => Status::Withdrawn,
            Self::Accepted => Status::Accepted,
            Self::InProgress => Status::InProgress,
            Self::Suspended => Status::Suspended,
            Self::Completed | Self::PartlyCompleted => Status::Completed,
            Self::Terminated => Status::Terminated,
        }
    }

    pub const ALL: [JointStatus; 11] = [
        Self::Submitted,
        Self::PreReview,
        Self::NeedsSupplement,
        Self::NotAccepted,
        Self::Withdrawn,
        Self::Accepted,
        Self::InProgress,
        Self::Suspended,
        Self::Completed,
        Self::PartlyCompleted,
        Self::Terminated,
    ];

    pub fn is_final(self) -> bool {
        matches!(self, Self::NotAccepted | Self::Withdrawn | Self::Completed | Self::PartlyCompleted | Self::Terminated)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "已提交，等待牵头部门审查",
            Self::PreReview => "牵头部门预审中",
            Self::NeedsSupplement => "需要补正材料",
            Self::NotAccepted => "不予受理",
            Self::Withdrawn => "已撤回",
            Self::Accepted => "已受理，各部门同时办理",
            Self::InProgress => "各部门办理中",
            Self::Suspended => "暂停办理",
            Self::Completed => "全部办结",
            Self::PartlyCompleted => "部分办结",
            Self::Terminated => "已终止",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::PreReview => "pre_review",
            Self::NeedsSupplement => "needs_supplement",
            Self::NotAccepted => "not_accepted",
            Self::Withdrawn => "withdrawn",
            Self::Accepted => "accepted",
            Self::InProgress => "in_progress",
            Self::Suspended => "suspended",
            Self::Completed => "completed",
            Self::PartlyCompleted => "partly_completed",
            Self::Terminated => "terminated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// What the applicant should do now, in plain words.
    pub fn next_step(self) -> &'static str {
        match self {
            Self::Submitted | Self::PreReview => {
                "不用做什么。牵头部门正在审查全部材料，有结果会更新在这里。作出决定前您可以撤回申请。"
            }
            Self::NeedsSupplement => "请按下面的补正告知，一次补交各部门要求的全部材料，然后提交。其余材料不用重传。",
            Self::Accepted | Self::InProgress => {
                "不用做什么。各部门正在同时办理，每个部门的进度见下方。还没办结的部分，您可以撤回。"
            }
            Self::Suspended => "办理暂停，暂停期间不计入办理时限。恢复后会继续办理，不用做什么。",
            Self::Completed => "全部办结。请按您选择的方式领取结果，并为这次服务打个分。",
            Self::PartlyCompleted => {
                "已经结束，但不是每个部门都办成了，原因见各部门的进度。办成的请领取结果，其余的可按原因准备后重新申请。"
            }
            Self::NotAccepted => "申请没有被受理，原因见下方。可以按原因准备后重新申请，或拨打咨询电话。",
            Self::Withdrawn => "申请已撤回。需要办理时请重新申请。",
            Self::Terminated => "要补交的材料没有在期限内补齐，本次申请已终止，原因见下方。需要办理时请重新申请。",
        }
    }
}

/// A co-department's answer to the lead's consultation before acceptance
/// (征求意见): it agrees or asks for supplements or refuses its part; one
/// that stays silent past the bundle's deadline is taken to agree (缺席默认).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Consult {
    /// Answered (the lead's own part is answered from the start).
    #[default]
    Answered,
    /// Not answered yet.
    Awaited,
    /// 缺席默认: silent past the deadline, taken to agree.
    Defaulted,
}

impl Consult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Awaited => "awaited",
            Self::Defaulted => "defaulted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Answered, Self::Awaited, Self::Defaulted].into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Answered => "已答复",
            Self::Awaited => "待答复",
            Self::Defaulted => "缺席默认（视为同意）",
        }
    }
}

/// One item of the joint case, handled by its department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    pub item: String,
    pub department: String,
    pub status: Status,
    /// Supplements this department asked for in pre-review, waiting for the
    /// lead's combined notice.
    #[serde(default)]
    pub pending: Vec<SupplementItem>,
    /// Its answer to the lead before acceptance.
    #[serde(default)]
    pub consult: Consult,
}

/// One line of the combined supplement notice: which department asks for what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JointSupplement {
    pub item: String,
    pub department: String,
    pub material: String,
    pub reason: String,
}

/// What a move acts on: the whole (the lead, or the applicant) or one part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Whole,
    Part(usize),
}

/// The joint case's state: the lead's handling of the whole before acceptance,
/// then the parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Joint {
    pub lead_department: String,
    /// The whole before acceptance: submitted, pre-review, needs supplement,
    /// not accepted, withdrawn; `Accepted` once the lead has accepted it.
    pub stage: Status,
    pub parts: Vec<Part>,
    /// The notice sent to the applicant, while it waits for the supplements.
    #[serde(default)]
    pub notice: Vec<JointSupplement>,
    /// The consultation's deadline has passed: a silent co-department no
    /// longer holds the acceptance up (known from the clock, not stored).
    #[serde(skip)]
    pub consult_over: bool,
}

impl Joint {
    /// A joint case just submitted: every part waits for the lead.
    pub fn submitted(lead_department: &str, parts: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            lead_department: lead_department.to_owned(),
            stage: Status::Submitted,
            parts: parts
                .into_iter()
                .map(|(item, department)| Part {
                    consult: if department == lead_department { Consult::Answered } else { Consult::Awaited },
                    item,
                    department,
                    status: Status::Submitted,
                    pending: vec![],
                })
                .collect(),
            notice: vec![],
            consult_over: false,
        }
    }

    pub fn accepted(&self) -> bool {
        self.stage == Status::Accepted
    }

    /// The whole, from the lead's stage before acceptance and from the parts after.
    pub fn status(&self) -> JointStatus {
        match self.stage {
            Status::Submitted => return JointStatus::Submitted,
            Status::PreReview => return JointStatus::PreReview,
            Status::NeedsSupplement => return JointStatus::NeedsSupplement,
            Status::NotAccepted => return JointStatus::NotAccepted,
            Status::Withdrawn => return JointStatus::Withdrawn,
            _ => {}
        }
        let open: Vec<Status> = self.parts.iter().map(|p| p.status).filter(|s| !s.is_final()).collect();
        let completed = self.parts.iter().filter(|p| p.status == Status::Completed).count();
        if open.is_empty() {
            return if completed == self.parts.len() {
                JointStatus::Completed
            } else if completed > 0 {
                JointStatus::PartlyCompleted
            } else if self.parts.iter().any(|p| p.status == Status::Withdrawn) {
                JointStatus::Withdrawn
            } else {
                JointStatus::Terminated
            };
        }
        if open.iter().all(|s| *s == Status::Suspended) {
            JointStatus::Suspended
        } else if completed > 0 || open.iter().any(|s| *s != Status::Accepted) {
            JointStatus::InProgress
        } else {
            JointStatus::Accepted
        }
    }

    /// Apply a move, or say why not. `materials(item)` lists the materials
    /// of an item as (id, name) (a supplement request may only name those).
    pub fn apply(
        &self,
        target: Target,
        action: &Action,
        actor: &Actor,
        materials: &dyn Fn(&str) -> Vec<(String, String)>,
    ) -> Result<Joint, TransitionError> {
        if self.status().is_final() {
            return conflict(format!("联办件“{}”，不能再“{}”", self.status().label(), action.label()));
        }
        match target {
            Target::Whole => self.apply_to_whole(action, actor),
            Target::Part(index) => self.apply_to_part(index, action, actor, materials),
        }
    }

    fn apply_to_whole(&self, action: &Action, actor: &Actor) -> Result<Joint, TransitionError> {
        let by_lead = matches!(actor, Actor::Staff { department, .. } if *department == self.lead_department);
        if matches!(actor, Actor::Staff { .. }) && !by_lead {
            return refuse(format!(
                "联办件整体由牵头部门{}预审和受理，{}只能办理自己的部分",
                self.lead_department,
                actor.label()
            ));
        }
        let mut next = self.clone();
        match action {
            // After acceptance the applicant withdraws every part not yet decided;
            // what a department has already granted stays granted.
            Action::Withdraw if self.accepted() => {
                for part in next.parts.iter_mut().filter(|p| !p.status.is_final()) {
                    part.status = transition(part.status, action, actor, &[])?;
                }
            }
            // A 补正 not supplied in time ends the whole (容缺 ends only a part).
            Action::Terminate { .. } if self.stage != Status::NeedsSupplement => {
                return conflict(format!("联办件“{}”时不能整体“{}”", self.status().label(), action.label()));
            }
            Action::PreReview
            | Action::Accept
            | Action::DeemAccept
            | Action::Refuse { .. }
            | Action::Resubmit
            | Action::Withdraw
            | Action::Terminate { .. } => {
                // The single case's table says who may do it from the lead's stage.
                let stage = transition(self.stage, action, actor, &[])?;
                if matches!(action, Action::Accept) {
                    let silent: Vec<&str> = self
                        .parts
                        .iter()
                        .filter(|p| p.consult == Consult::Awaited && !p.status.is_final())
                        .map(|p| p.department.as_str())
                        .collect();
                    if !silent.is_empty() && !self.consult_over {
                        return conflict(format!(
                            "{}还没有答复是否同意受理。请等各部门答复；答复期限过后仍未答复的，按缺席默认（视为同意）受理",
                            silent.join("、")
                        ));
                    }
                    if let Some(part) = self.parts.iter().find(|p| !p.pending.is_empty()) {
                        return conflict(format!(
                            "{}对“{}”提出了补正要求，请先发出补正告知",
                            part.department, part.item
                        ));
                    }
                    if self.parts.iter().all(|p| p.status.is_final()) {
                        return conflict("每个事项都已不予受理，没有可以受理的部分".to_owned());
                    }
                }
                next.stage = stage;
                if matches!(action, Action::Accept | Action::DeemAccept) {
                    for part in next.parts.iter_mut().filter(|p| p.consult == Consult::Awaited) {
                        part.consult = Consult::Defaulted;
                    }
                }
                if matches!(action, Action::DeemAccept) {
                    // Requests the lead never sent in time lapse with the answer clock.
                    for part in next.parts.iter_mut() {
                        part.pending.clear();
                    }
                }
                for part in next.parts.iter_mut().filter(|p| !p.status.is_final()) {
                    part.status = match action {
                        Action::Resubmit if part.status == Status::NeedsSupplement => Status::Submitted,
                        Action::Resubmit => part.status,
                        _ => stage,
                    };
                }
                if matches!(action, Action::Resubmit) {
                    next.notice.clear();
                }
            }
            Action::RequestSupplement { items, days } => {
                if !items.is_empty() {
                    return refuse("请在牵头部门自己的事项上提出补正要求，再发出补正告知".to_owned());
                }
                if *days == 0 || *days > super::clock::MAX_SUPPLY_DAYS {
                    return refuse(format!("补正期限要在 1 到 {} 个工作日之间", super::clock::MAX_SUPPLY_DAYS));
                }
                if !by_lead {
                    return refuse(format!("补正告知由牵头部门{}发出", self.lead_department));
                }
                if !matches!(self.stage, Status::Submitted | Status::PreReview) {
                    return conflict(format!("联办件“{}”时不能“{}”", self.status().label(), action.label()));
                }
                let notice: Vec<JointSupplement> = self
                    .parts
                    .iter()
                    .flat_map(|p| {
                        p.pending.iter().map(|s| JointSupplement {
                            item: p.item.clone(),
                            department: p.department.clone(),
                            material: s.material.clone(),
                            reason: s.reason.clone(),
                        })
                    })
                    .collect();
                if notice.is_empty() {
                    return refuse("还没有部门提出补正要求，不需要发补正告知".to_owned());
                }
                next.stage = Status::NeedsSupplement;
                next.notice = notice;
                for part in next.parts.iter_mut() {
                    if !part.pending.is_empty() {
                        part.status = Status::NeedsSupplement;
                        part.pending.clear();
                    }
                }
            }
            _ => {
                return refuse(format!(
                    "联办件整体只能预审、受理、发补正告知或不予受理；“{}”请在各部门的部分上操作",
                    action.label()
                ));
            }
        }
        Ok(next)
    }

    fn apply_to_part(
        &self,
        index: usize,
        action: &Action,
        actor: &Actor,
        materials: &dyn Fn(&str) -> Vec<(String, String)>,
    ) -> Result<Joint, TransitionError> {
        let Some(part) = self.parts.get(index) else {
            return refuse(format!("联办件没有第 {} 部分", index + 1));
        };
        if let Actor::Staff { department, .. } = actor
            && *department != part.department
        {
            return refuse(format!("“{}”由{}办理，{}不能操作", part.item, part.department, department));
        }
        let mut next = self.clone();
        if self.accepted() {
            next.parts[index].status = transition(part.status, action, actor, &materials(&part.item))?;
            return Ok(next);
        }
        match action {
            Action::Agree => {
                if !action.allowed_for(actor) {
                    return refuse(format!("{}不能“{}”", actor.label(), action.label()));
                }
                if part.consult != Consult::Awaited {
                    return conflict(format!("“{}”已经答复过牵头部门", part.item));
                }
                if !matches!(part.status, Status::Submitted | Status::PreReview) {
                    return conflict(format!("“{}”{}时不用再答复", part.item, part.status.label()));
                }
                next.parts[index].consult = Consult::Answered;
                Ok(next)
            }
            Action::RequestSupplement { .. } | Action::Refuse { .. } => {
                let to = transition(part.status, action, actor, &materials(&part.item))?;
                let part = &mut next.parts[index];
                part.consult = Consult::Answered;
                if let Action::RequestSupplement { items, .. } = action {
                    // Waits for the lead's combined notice; the applicant sees it then.
                    part.pending = items.clone();
                } else {
                    part.status = to;
                    part.pending.clear();
                    if next.parts.iter().all(|p| p.status.is_final()) {
                        next.stage = Status::NotAccepted;
                    }
                }
                Ok(next)
            }
            _ => refuse(format!(
                "联办件由牵头部门{}统一受理；受理后各部门再“{}”自己的部分",
                self.lead_department,
                action.label()
            )),
        }
    }
}

impl Joint {
    /// The staff actions `department` may take on `target` now, by machine name
    /// (the whole's `request_supplement` sends the combined notice, with no items).
    pub fn staff_actions(&self, target: Target, department: &str) -> Vec<&'static str> {
        let staff = Actor::Staff { department: department.to_owned(), by: None };
        // The whole's notice carries no items; a part's request names a material.
        let ask = Action::RequestSupplement {
            items: match target {
                Target::Whole => vec![],
                Target::Part(_) => vec![SupplementItem { material: "*".to_owned(), reason: "原因".to_owned() }],
            },
            days: super::clock::SUPPLY_DAYS,
        };
        let probes = [
            Action::PreReview,
            Action::Agree,
            Action::Accept,
            ask,
            Action::Refuse { reason: "原因".to_owned() },
            Action::Start,
            Action::Extend { days: 1, approver: "批准人".to_owned(), reason: "原因".to_owned() },
            Action::Suspend { procedure: crate::case::clock::Procedure::Other, reason: "原因".to_owned() },
            Action::Resume,
            Action::Complete { result: "结果".to_owned(), decision: None },
        ];
        let any_material = |_: &str| vec![("*".to_owned(), "*".to_owned())];
        probes.iter().filter(|a| self.apply(target, a, &staff, &any_material).is_ok()).map(Action::name).collect()
    }
}

fn refuse<T>(message: String) -> Result<T, TransitionError> {
    Err(TransitionError { message, conflict: false })
}

fn conflict<T>(message: String) -> Result<T, TransitionError> {
    Err(TransitionError { message, conflict: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAD: &str = "县市场监督管理局";

    /// Just submitted, the co-departments' consultation still open.
    fn consulting() -> Joint {
        Joint::submitted(
            LEAD,
            [
                ("SC-001".to_owned(), LEAD.to_owned()),
                ("CG-001".to_owned(), "县城市管理局".to_owned()),
                ("XF-001".to_owned(), "县消防救援大队".to_owned()),
            ],
        )
    }

    /// Past the consultation's deadline: silence holds nothing up.
    fn joint() -> Joint {
        Joint { consult_over: true, ..consulting() }
    }

    #[test]
    fn a_silent_co_department_holds_acceptance_until_the_deadline_then_counts_as_agreeing() {
        let j = consulting();
        assert_eq!(
            go(&j, Target::Whole, Action::Accept, staff(LEAD)).unwrap_err(),
            "县城市管理局、县消防救援大队还没有答复是否同意受理。请等各部门答复；答复期限过后仍未答复的，按缺席默认（视为同意）受理"
        );
        assert_eq!(j.staff_actions(Target::Part(1), "县城市管理局"), ["agree", "request_supplement", "refuse"]);
        assert!(!j.staff_actions(Target::Whole, LEAD).contains(&"accept"), "not offered while it would be refused");
        let j = go(&j, Target::Part(1), Action::Agree, staff("县城市管理局")).unwrap();
        assert_eq!(j.parts[1].consult, Consult::Answered);
        assert!(go(&j, Target::Part(1), Action::Agree, staff("县城市管理局")).unwrap_err().contains("已经答复过"));
        assert!(go(&j, Target::Part(2), Action::Agree, staff("县城市管理局")).is_err(), "only its own part");
        assert!(go(&j, Target::Whole, Action::Agree, staff(LEAD)).is_err(), "the lead accepts instead");
        assert!(
            go(&j, Target::Whole, Action::Accept, staff(LEAD)).unwrap_err().starts_with("县消防救援大队还没有答复")
        );
        // Past the deadline the lead proceeds; the silent department is marked 缺席默认.
        let j = go(&Joint { consult_over: true, ..j }, Target::Whole, Action::Accept, staff(LEAD)).unwrap();
        let answers: Vec<Consult> = j.parts.iter().map(|p| p.consult).collect();
        assert_eq!(answers, [Consult::Answered, Consult::Answered, Consult::Defaulted]);
        assert!(go(&j, Target::Part(2), Action::Agree, staff("县消防救援大队")).is_err(), "too late to answer");
    }

    fn staff(department: &str) -> Actor {
        Actor::Staff { department: department.into(), by: None }
    }

    fn materials(_: &str) -> Vec<(String, String)> {
        vec![("application".into(), "申请书".into()), ("floor_plan".into(), "平面图".into())]
    }

    fn go(joint: &Joint, target: Target, action: Action, actor: Actor) -> Result<Joint, String> {
        joint.apply(target, &action, &actor, &materials).map_err(|e| e.message)
    }

    fn ask(reason: &str) -> Action {
        Action::RequestSupplement {
            items: vec![SupplementItem { material: "floor_plan".into(), reason: reason.into() }],
            days: 10,
        }
    }

    fn done() -> Action {
        Action::Complete { result: "准予许可".into(), decision: None }
    }

    #[test]
    fn the_lead_accepts_the_whole_then_departments_work_in_parallel() {
        let j = go(&joint(), Target::Whole, Action::PreReview, staff(LEAD)).unwrap();
        assert_eq!(j.status(), JointStatus::PreReview);
        let j = go(&j, Target::Whole, Action::Accept, staff(LEAD)).unwrap();
        assert_eq!(j.status(), JointStatus::Accepted);
        assert!(j.parts.iter().all(|p| p.status == Status::Accepted));
        let j = go(&j, Target::Part(1), Action::Start, staff("县城市管理局")).unwrap();
        let j = go(&j, Target::Part(2), done(), staff("县消防救援大队")).unwrap();
        assert_eq!(j.status(), JointStatus::InProgress);
        let j = go(&j, Target::Part(1), done(), staff("县城市管理局")).unwrap();
        assert_eq!(j.status(), JointStatus::InProgress, "the lead's own part is still open");
        let j = go(&j, Target::Part(0), done(), staff(LEAD)).unwrap();
        assert_eq!(j.status(), JointStatus::Completed);
        assert!(go(&j, Target::Part(0), Action::Resume, staff(LEAD)).unwrap_err().contains("全部办结"));
    }

    #[test]
    fn supplements_from_several_departments_go_out_as_one_notice() {
        let j = go(&joint(), Target::Part(1), ask("招牌尺寸没有标注"), staff("县城市管理局")).unwrap();
        let j = go(&j, Target::Part(2), ask("安全出口没有标出"), staff("县消防救援大队")).unwrap();
        assert_eq!(j.status(), JointStatus::Submitted, "the applicant sees nothing until the lead sends the notice");
        assert_eq!(
            go(&j, Target::Whole, Action::Accept, staff(LEAD)),
            Err("县城市管理局对“CG-001”提出了补正要求，请先发出补正告知".into())
        );
        let j = go(&j, Target::Whole, Action::RequestSupplement { items: vec![], days: 10 }, staff(LEAD)).unwrap();
        assert_eq!(j.status(), JointStatus::NeedsSupplement);
        let who: Vec<(&str, &str)> = j.notice.iter().map(|n| (n.department.as_str(), n.reason.as_str())).collect();
        assert_eq!(who, [("县城市管理局", "招牌尺寸没有标注"), ("县消防救援大队", "安全出口没有标出")]);
        let late = Action::Terminate { reason: "逾期未补正".into() };
        let ended = go(&j, Target::Whole, late.clone(), Actor::System).unwrap();
        assert_eq!(ended.status(), JointStatus::Terminated, "a 补正 not supplied in time ends the whole");
        let j = go(&j, Target::Whole, Action::Resubmit, Actor::Applicant).unwrap();
        assert!(go(&j, Target::Whole, late, Actor::System).is_err(), "only while the 补正 is due");
        assert_eq!(j.status(), JointStatus::Submitted);
        assert!(j.notice.is_empty() && j.parts.iter().all(|p| p.status == Status::Submitted && p.pending.is_empty()));
        assert_eq!(
            go(&j, Target::Whole, Action::RequestSupplement { items: vec![], days: 10 }, staff(LEAD)),
            Err("还没有部门提出补正要求，不需要发补正告知".into())
        );
    }

    #[test]
    fn each_department_moves_only_its_own_part_and_only_after_acceptance() {
        let j = joint();
        assert_eq!(
            go(&j, Target::Whole, Action::Accept, staff("县城市管理局")),
            Err("联办件整体由牵头部门县市场监督管理局预审和受理，县城市管理局只能办理自己的部分".into())
        );
        assert_eq!(
            go(&j, Target::Part(2), ask("x"), staff("县城市管理局")),
            Err("“XF-001”由县消防救援大队办理，县城市管理局不能操作".into())
        );
        assert_eq!(
            go(&j, Target::Part(1), Action::Accept, staff("县城市管理局")),
            Err("联办件由牵头部门县市场监督管理局统一受理；受理后各部门再“受理”自己的部分".into())
        );
        let j = go(&j, Target::Whole, Action::Accept, staff(LEAD)).unwrap();
        assert!(go(&j, Target::Whole, Action::Start, staff(LEAD)).unwrap_err().contains("请在各部门的部分上操作"));
        assert!(go(&j, Target::Part(1), ask("x"), staff("县城市管理局")).unwrap_err().contains("已受理"));
    }

    #[test]
    fn a_refused_or_terminated_part_does_not_complete_the_whole() {
        let j = go(
            &joint(),
            Target::Part(1),
            Action::Refuse { reason: "该路段禁止设置招牌".into() },
            staff("县城市管理局"),
        )
        .unwrap();
        let j = go(&j, Target::Whole, Action::Accept, staff(LEAD)).unwrap();
        assert_eq!(j.parts[1].status, Status::NotAccepted);
        let j = go(&j, Target::Part(0), done(), staff(LEAD)).unwrap();
        let j = go(&j, Target::Part(2), Action::Terminate { reason: "容缺材料逾期".into() }, Actor::System).unwrap();
        assert_eq!(j.status(), JointStatus::PartlyCompleted);

        let all_refused = ["SC-001", "CG-001", "XF-001"].iter().enumerate().fold(joint(), |j, (i, _)| {
            let department = j.parts[i].department.clone();
            go(&j, Target::Part(i), Action::Refuse { reason: "不符合条件".into() }, staff(&department)).unwrap()
        });
        assert_eq!(all_refused.status(), JointStatus::NotAccepted);
    }

    #[test]
    fn staff_actions_say_who_may_do_what_where() {
        let j = joint();
        assert_eq!(j.staff_actions(Target::Whole, LEAD), ["pre_review", "accept", "refuse"]);
        assert_eq!(j.staff_actions(Target::Whole, "县城市管理局"), Vec::<&str>::new());
        assert_eq!(j.staff_actions(Target::Part(1), "县城市管理局"), ["agree", "request_supplement", "refuse"]);
        let asked = go(&j, Target::Part(1), ask("x"), staff("县城市管理局")).unwrap();
        assert_eq!(asked.staff_actions(Target::Part(1), "县城市管理局"), ["request_supplement", "refuse"], "answered");
        assert_eq!(asked.staff_actions(Target::Whole, LEAD), ["pre_review", "request_supplement", "refuse"]);
        let accepted = go(&j, Target::Whole, Action::Accept, staff(LEAD)).unwrap();
        assert_eq!(accepted.staff_actions(Target::Part(1), "县城市管理局"), ["start", "extend", "suspend", "complete"]);
        assert_eq!(accepted.staff_actions(Target::Part(1), LEAD), Vec::<&str>::new());
    }

    #[test]
    fn the_whole_pauses_only_when_every_open_part_does() {
        let j = go(&joint(), Target::Whole, Action::Accept, staff(LEAD)).unwrap();
        let pause =
            || Action::Suspend { procedure: crate::case::clock::Procedure::Inspection, reason: "现场核查".into() };
        let j = go(&j, Target::Part(1), pause(), staff("县城市管理局")).unwrap();
        assert_eq!(j.status(), JointStatus::InProgress);
        let j = go(&j, Target::Part(0), done(), staff(LEAD)).unwrap();
        let j = go(&j, Target::Part(2), pause(), staff("县消防救援大队")).unwrap();
        assert_eq!(j.status(), JointStatus::Suspended);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn action() -> impl Strategy<Value = Action> {
            prop_oneof![
                Just(Action::PreReview),
                Just(Action::Accept),
                Just(ask("不清晰")),
                Just(Action::RequestSupplement { items: vec![], days: 10 }),
                Just(Action::Refuse { reason: "不符合条件".into() }),
                Just(Action::Resubmit),
                Just(Action::Start),
                Just(Action::Suspend {
                    procedure: crate::case::clock::Procedure::Inspection,
                    reason: "现场核查".into()
                }),
                Just(Action::Resume),
                Just(done()),
                Just(Action::Withdraw),
                Just(Action::Terminate { reason: "容缺材料逾期未补".into() }),
            ]
        }

        fn actor() -> impl Strategy<Value = Actor> {
            prop_oneof![
                Just(Actor::Applicant),
                Just(Actor::System),
                Just(staff(LEAD)),
                Just(staff("县城市管理局")),
                Just(staff("县消防救援大队")),
            ]
        }

        fn target() -> impl Strategy<Value = Target> {
            prop_oneof![Just(Target::Whole), (0usize..4).prop_map(Target::Part)]
        }

        proptest! {
            /// Whatever is tried, by whomever, in whatever order: the whole is
            /// complete exactly when every part is; a refused or terminated part
            /// never lets it be complete; it is final exactly when every part
            /// is; final stays final; once accepted it never goes back; a part
            /// moves only by its own department (or the service's rules).
            #[test]
            fn no_sequence_of_moves_breaks_the_whole(steps in prop::collection::vec((target(), action(), actor()), 0..40)) {
                let mut j = joint();
                let mut was_accepted = false;
                for (target, action, actor) in steps {
                    let before = j.clone();
                    let Ok(next) = j.apply(target, &action, &actor, &materials) else {
                        continue;
                    };
                    prop_assert!(!before.status().is_final());
                    for (i, (old, new)) in before.parts.iter().zip(&next.parts).enumerate() {
                        if old != new
                            && let (Target::Part(_), Actor::Staff { department, .. }) = (target, &actor)
                        {
                            prop_assert_eq!(department, &old.department, "part {} moved by another department", i);
                        }
                    }
                    j = next;
                    let status = j.status();
                    let all_complete = j.parts.iter().all(|p| p.status == Status::Completed);
                    prop_assert_eq!(status == JointStatus::Completed, j.accepted() && all_complete);
                    if j.parts.iter().any(|p| matches!(p.status, Status::NotAccepted | Status::Terminated)) {
                        prop_assert_ne!(status, JointStatus::Completed);
                    }
                    prop_assert_eq!(status.is_final(), j.parts.iter().all(|p| p.status.is_final()), "{:?} {:?}", status, j.parts);
                    if was_accepted {
                        prop_assert!(j.accepted());
                        prop_assert!(j.parts.iter().all(|p| !matches!(p.status, Status::Submitted | Status::PreReview | Status::NeedsSupplement)));
                    }
                    was_accepted |= j.accepted();
                }
            }
        }
    }
}
