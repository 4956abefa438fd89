//! A case (办件) after submission: its statuses, what moves it from one to the
//! next and who may, and what the applicant should do now. Every move is
//! recorded (time, actor, note); a move the table does not allow is refused
//! with a sentence saying why.

/// The law's clocks: answering in five working days, extensions, special procedures.
pub mod clock;
/// What 办结 decided: granted or not, the document number, the certificate.
pub mod decision;
/// The statutory documents: 受理通知书, 不予受理决定书, 补正告知书, 许可决定书.
pub mod document;
/// What a move does to a case besides its status.
pub mod effect;
/// Everything that can happen to a case, and what each is called where.
pub mod event;
/// The records a province is sent of a case (GB/T 39046-2020).
pub mod exchange;
/// The joint case (联办件) of a bundle: the lead's whole and the departments' parts.
pub mod joint;
/// The department's ledger (台账): one line per case, as CSV or a workbook.
pub mod ledger;
/// What the applicant is told when something happens to the case.
pub mod notices;
/// Where a file of a case came from: the submission, a 补正 round, 容缺.
pub mod origin;
/// 好差评 at 受理 and 办结, by channel, the default rating, the second round.
pub mod rating;
/// 找回查询码: a new query code for whoever proves the application's phone.
pub mod recovery;
/// Finding a case by its number or by who applied.
pub mod search;
/// What an SMS says: one registered template per notice event and its variables.
pub mod sms;
/// The applicant's and the staff's views of a case, ratings, complaints and the public figures.
pub mod view;
/// What a WeChat 模板消息 says: four facts in the centre's template's fields.
pub mod wechat;
/// 差评 and complaints as work orders, answered within fifteen working days.
pub mod work_order;

use serde::{Deserialize, Serialize};

use crate::time::calendar::Calendar;
use crate::time::date::Date;

/// 办件状态.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已提交: waiting for the department to look at it.
    Submitted,
    /// 预审中.
    PreReview,
    /// 已受理: the promised time limit runs from here.
    Accepted,
    /// 待补正: the department listed what to add or fix.
    NeedsSupplement,
    /// 不予受理.
    NotAccepted,
    /// 办理中.
    InProgress,
    /// 已暂停: the clock stops (an expert review, a site inspection…).
    Suspended,
    /// 已办结.
    Completed,
    /// 已撤回 by the applicant, at any time before the decision.
    Withdrawn,
    /// 已终止: a 容缺 material was not supplied in time.
    Terminated,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Self::Submitted,
        Self::PreReview,
        Self::Accepted,
        Self::NeedsSupplement,
        Self::NotAccepted,
        Self::InProgress,
        Self::Suspended,
        Self::Completed,
        Self::Withdrawn,
        Self::Terminated,
    ];

    /// Whether the promised time limit is running: accepted and being handled
    /// (a pause, a supplement request or an end stops it).
    pub fn clock_runs(self) -> bool {
        matches!(self, Self::Accepted | Self::InProgress)
    }

    /// Waiting for the department's first answer (a supplement request is
    /// one): the answer clock ([`clock::deemed_accepted`]) runs.
    pub fn waits_for_answer(self) -> bool {
        matches!(self, Self::Submitted | Self::PreReview)
    }

    /// Whether the applicant may withdraw now, as the one transition table says.
    pub fn may_withdraw(self) -> bool {
        transition(self, &Action::Withdraw, &Actor::Applicant, &[]).is_ok()
    }

    /// Whether 容缺 materials left for later can be supplied: after acceptance,
    /// until the case ends (a pause does not stop the applicant supplying them).
    pub fn takes_later_materials(self) -> bool {
        matches!(self, Self::Accepted | Self::InProgress | Self::Suspended)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "已提交，等待审查",
            Self::PreReview => "预审中",
            Self::Accepted => "已受理",
            Self::NeedsSupplement => "需要补正材料",
            Self::NotAccepted => "不予受理",
            Self::InProgress => "办理中",
            Self::Suspended => "暂停办理",
            Self::Completed => "已办结",
            Self::Withdrawn => "已撤回",
            Self::Terminated => "已终止",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::PreReview => "pre_review",
            Self::Accepted => "accepted",
            Self::NeedsSupplement => "needs_supplement",
            Self::NotAccepted => "not_accepted",
            Self::InProgress => "in_progress",
            Self::Suspended => "suspended",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
            Self::Terminated => "terminated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No move leads out of it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::NotAccepted | Self::Completed | Self::Withdrawn | Self::Terminated)
    }

    /// Ended with no result to keep: its files are kept only a short while.
    pub fn ended_without_result(self) -> bool {
        match self {
            Self::NotAccepted | Self::Withdrawn | Self::Terminated => true,
            Self::Submitted
            | Self::PreReview
            | Self::Accepted
            | Self::NeedsSupplement
            | Self::InProgress
            | Self::Suspended
            | Self::Completed => false,
        }
    }

    /// Accepted and not yet ended: the promised time limit is running (or paused).
    pub fn is_accepted(self) -> bool {
        matches!(self, Self::Accepted | Self::InProgress | Self::Suspended | Self::Completed)
    }

    /// What the applicant should do now, in plain words.
    pub fn next_step(self) -> &'static str {
        match self {
            Self::Submitted | Self::PreReview => {
                "不用做什么。工作人员正在审查材料，有结果会更新在这里。作出决定前您可以撤回申请。"
            }
            Self::NeedsSupplement => "请按下面的补正告知，补交或重新上传所列材料，然后提交。其余材料不用重传。",
            Self::Accepted | Self::InProgress => {
                "不用做什么，等待办结。有容缺材料的，请在期限内补交。作出决定前您可以撤回申请。"
            }
            Self::Suspended => "办理暂停，暂停期间不计入办理时限。恢复后会继续办理，不用做什么。",
            Self::Completed => "已经办结。请按您选择的方式领取结果，并为这次服务打个分。",
            Self::NotAccepted => "申请没有被受理，原因见下方。可以按原因准备后重新申请，或拨打咨询电话。",
            Self::Withdrawn => "申请已撤回。需要办理时请重新申请。",
            Self::Terminated => "要补交的材料没有在期限内补齐，本次申请已终止，原因见下方。需要办理时请重新申请。",
        }
    }
}

/// Who moved the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Applicant,
    /// A department's staff system or console, by department name, and the
    /// label of the token it used (a person or a system), recorded in the events.
    Staff {
        department: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// A rule the service applies by itself (a 容缺 deadline passed).
    System,
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Self::Applicant => "申请人".to_owned(),
            Self::Staff { department, .. } => department.clone(),
            Self::System => "系统".to_owned(),
        }
    }
}

/// One material to add or fix, with the reason (补正告知: all of them at once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementItem {
    /// A material id of the item.
    pub material: String,
    pub reason: String,
}

/// What may be asked of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 开始预审.
    PreReview,
    /// A joint case's co-department, before acceptance: nothing to supplement,
    /// it agrees to the lead accepting (征求意见的答复).
    Agree,
    /// 受理: the promised limit starts.
    Accept,
    /// 视为受理 (the service itself): nobody answered within
    /// [`clock::ANSWER_DAYS`] working days, so the application counts as
    /// accepted from the day it was received.
    DeemAccept,
    /// 延长办理期限: approved by `approver`, for `reason`, by `days` working days.
    Extend {
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
        days: u16,
        approver: String,
        reason: String,
    },
    /// 补正告知: every material to add or fix, each with its reason, to be
    /// supplied within `days` working days (a joint case's parts name
    /// none: the lead's notice does).
    RequestSupplement {
        items: Vec<SupplementItem>,
        #[serde(default = "clock::default_supply_days")]
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
        days: u16,
    },
    /// 不予受理, with the reason.
    Refuse { reason: String },
    /// 补正后重新提交 (the applicant).
    Resubmit,
    /// 开始办理.
    Start,
    /// 暂停 for a special procedure (the clock stops), with the reason.
    Suspend {
        #[serde(default)]
        procedure: clock::Procedure,
        reason: String,
    },
    /// 恢复办理.
    Resume,
    /// 办结, with the result and how it reaches the applicant.
    Complete {
        result: String,
        /// 准予/不予许可 with the document number and the certificate issued.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<decision::Decision>,
    },
    /// 撤回 (the applicant, until the decision: 行政许可 may be withdrawn
    /// while it is being handled, not once granted or refused).
    Withdraw,
    /// 终止: a 容缺 deadline passed (the service itself).
    Terminate { reason: String },
}

impl Action {
    pub fn label(&self) -> &'static str {
        match self {
            Self::PreReview => "开始预审",
            Self::Agree => "无补正意见，同意受理",
            Self::Accept => "受理",
            Self::DeemAccept => "视为受理",
            Self::Extend { .. } => "延长办理期限",
            Self::RequestSupplement { .. } => "补正告知",
            Self::Refuse { .. } => "不予受理",
            Self::Resubmit => "补正材料后重新提交",
            Self::Start => "开始办理",
            Self::Suspend { .. } => "暂停办理",
            Self::Resume => "恢复办理",
            Self::Complete { .. } => "办结",
            Self::Withdraw => "撤回申请",
            Self::Terminate { .. } => "终止",
        }
    }

    /// The machine name, as the staff API's `action` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PreReview => "pre_review",
            Self::Agree => "agree",
            Self::Accept => "accept",
            Self::DeemAccept => "deem_accept",
            Self::Extend { .. } => "extend",
            Self::RequestSupplement { .. } => "request_supplement",
            Self::Refuse { .. } => "refuse",
            Self::Resubmit => "resubmit",
            Self::Start => "start",
            Self::Suspend { .. } => "suspend",
            Self::Resume => "resume",
            Self::Complete { .. } => "complete",
            Self::Withdraw => "withdraw",
            Self::Terminate { .. } => "terminate",
        }
    }

    /// The staff action named `name` (as `StaffCase::actions` lists it), carrying
    /// `note` where it takes one. `None` for an unknown name, for the request
    /// for supplements (a list of its own) and the extension (days and approver).
    pub fn with_note(name: &str, note: String) -> Option<Self> {
        Some(match name {
            "pre_review" => Self::PreReview,
            "agree" => Self::Agree,
            "accept" => Self::Accept,
            "refuse" => Self::Refuse { reason: note },
            "start" => Self::Start,
            "suspend" => Self::Suspend { procedure: clock::Procedure::Other, reason: note },
            "resume" => Self::Resume,
            "complete" => Self::Complete { result: note, decision: None },
            _ => return None,
        })
    }

    /// The note recorded with the move (reason or result), if any, naming
    /// materials by their ids.
    pub fn note(&self) -> Option<String> {
        self.note_naming(&[])
    }

    /// The note, naming materials as `materials` (id, name) does.
    pub fn note_naming(&self, materials: &[(String, String)]) -> Option<String> {
        match self {
            Self::Refuse { reason } | Self::Terminate { reason } => Some(reason.clone()),
            Self::Suspend { procedure, reason } => Some(procedure.with_reason(reason)),
            Self::Complete { result, decision: None } => Some(result.clone()),
            Self::Complete { result, decision: Some(decision) } => Some(format!("{result}；{}", decision.summary())),
            Self::RequestSupplement { items, days } if items.is_empty() => Some(format!("请在 {days} 个工作日内补正")),
            Self::RequestSupplement { items, days } => {
                Some(format!("{}。请在 {days} 个工作日内补正", supplement_list(items, materials)))
            }
            Self::DeemAccept => Some(format!(
                "收到申请材料后 {} 个工作日内未告知补正，依法自收到材料之日起视为受理",
                clock::ANSWER_DAYS
            )),
            Self::Extend { days, approver, reason } => {
                Some(format!("延长 {days} 个工作日，经{approver}批准。原因：{reason}"))
            }
            Self::PreReview
            | Self::Agree
            | Self::Accept
            | Self::Resubmit
            | Self::Start
            | Self::Resume
            | Self::Withdraw => None,
        }
    }

    pub(crate) fn allowed_for(&self, actor: &Actor) -> bool {
        match self {
            Self::Resubmit | Self::Withdraw => matches!(actor, Actor::Applicant),
            Self::Terminate { .. } | Self::DeemAccept => matches!(actor, Actor::System),
            Self::PreReview
            | Self::Agree
            | Self::Accept
            | Self::Extend { .. }
            | Self::RequestSupplement { .. }
            | Self::Refuse { .. }
            | Self::Start
            | Self::Suspend { .. }
            | Self::Resume
            | Self::Complete { .. } => matches!(actor, Actor::Staff { .. }),
        }
    }

    /// Where this action leads from `from`, when the table allows it.
    pub(crate) fn target(&self, from: Status) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Self::PreReview, Submitted) => Some(PreReview),
            // A joint case's part only: decided by `joint`, never by this table.
            (Self::Agree, _) => None,
            (Self::Accept | Self::DeemAccept, Submitted | PreReview) => Some(Accepted),
            // The status stays; the due date moves.
            (Self::Extend { .. }, Accepted | InProgress) => Some(from),
            (Self::RequestSupplement { .. }, Submitted | PreReview) => Some(NeedsSupplement),
            (Self::Refuse { .. }, Submitted | PreReview | NeedsSupplement) => Some(NotAccepted),
            (Self::Resubmit, NeedsSupplement) => Some(Submitted),
            (Self::Start, Accepted) => Some(InProgress),
            (Self::Suspend { .. }, Accepted | InProgress) => Some(Suspended),
            (Self::Resume, Suspended) => Some(InProgress),
            (Self::Complete { .. }, Accepted | InProgress) => Some(Completed),
            (Self::Withdraw, Submitted | PreReview | NeedsSupplement | Accepted | InProgress | Suspended) => {
                Some(Withdrawn)
            }
            // 容缺 not supplied in time, or a 补正 not supplied in time.
            (Self::Terminate { .. }, Accepted | InProgress | Suspended | NeedsSupplement) => Some(Terminated),
            _ => None,
        }
    }
}

/// Why a move was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionError {
    pub message: String,
    /// The case's status does not allow it (rather than the request lacking something).
    pub conflict: bool,
}

/// What a 补正 asks for, in words: "需补正 2 项材料：申请书（缺少签字）；…".
pub fn supplement_list(items: &[SupplementItem], materials: &[(String, String)]) -> String {
    let each: Vec<String> =
        items.iter().map(|i| format!("{}（{}）", material_name(materials, &i.material), i.reason)).collect();
    format!("需补正 {} 项材料：{}", items.len(), each.join("；"))
}

/// The name of material `id` among `materials` (id, name), or the id.
fn material_name<'a>(materials: &'a [(String, String)], id: &'a str) -> &'a str {
    materials.iter().find(|(m, _)| m == id).map_or(id, |(_, name)| name)
}

/// Decide a move: the status it leads to, or why not. `materials` are the
/// item's materials as (id, name) (a supplement may only name those).
pub fn transition(
    from: Status,
    action: &Action,
    actor: &Actor,
    materials: &[(String, String)],
) -> Result<Status, TransitionError> {
    let refuse = |message: String| Err(TransitionError { message, conflict: false });
    if !action.allowed_for(actor) {
        return refuse(format!("{}不能“{}”", actor.label(), action.label()));
    }
    let Some(to) = action.target(from) else {
        return Err(TransitionError {
            message: format!("办件“{}”时不能“{}”", from.label(), action.label()),
            conflict: true,
        });
    };
    match action {
        Action::RequestSupplement { items, days } => {
            if items.is_empty() {
                return refuse("补正告知要列出需要补正的每一项材料".to_owned());
            }
            for item in items {
                if !materials.iter().any(|(id, _)| *id == item.material) {
                    return refuse(format!("本事项没有编号为 {} 的材料", item.material));
                }
                if item.reason.trim().is_empty() {
                    return refuse(format!("请写明“{}”需要补正的原因", material_name(materials, &item.material)));
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            if let Some(twice) = items.iter().find(|i| !seen.insert(&i.material)) {
                return refuse(format!("“{}”列了两次，请合并为一条", material_name(materials, &twice.material)));
            }
            if *days == 0 || *days > clock::MAX_SUPPLY_DAYS {
                return refuse(format!("补正期限要在 1 到 {} 个工作日之间", clock::MAX_SUPPLY_DAYS));
            }
        }
        Action::Refuse { reason } | Action::Suspend { reason, .. } | Action::Terminate { reason }
            if reason.trim().is_empty() =>
        {
            return refuse(format!("“{}”要写明原因", action.label()));
        }
        Action::Extend { days, approver, reason } => {
            if *days == 0 || *days > clock::MAX_EXTENSION_DAYS {
                return refuse(format!("延长的天数要在 1 到 {} 个工作日之间", clock::MAX_EXTENSION_DAYS));
            }
            if approver.trim().is_empty() {
                return refuse("延长办理期限要写明批准人".to_owned());
            }
            if reason.trim().is_empty() {
                return refuse("延长办理期限要写明原因，申请人会收到".to_owned());
            }
        }
        Action::Complete { result, .. } if result.trim().is_empty() => return refuse("办结要写明办理结果".to_owned()),
        _ => {}
    }
    Ok(to)
}

/// Why a case may not be completed yet: 容缺 materials the applicant promised
/// and has not supplied (their names). A case whose 容缺 deadline passes is
/// terminated by the service instead; completing it would grant on a promise.
pub fn completion_blocked(outstanding: &[String]) -> Option<String> {
    (!outstanding.is_empty()).then(|| {
        format!(
            "还有容缺材料没有补齐（{}），不能办结。请等申请人补齐；逾期未补齐的，办件会自动终止",
            outstanding.join("、")
        )
    })
}

/// One recorded move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: Actor,
    /// The action's machine name, or `submit` for the submission itself.
    pub action: String,
    /// For people: what happened.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub status: Status,
}

/// The promised completion date of a case accepted on `accepted_on`.
pub fn due_date(calendar: &Calendar, accepted_on: Date, promised_days: u16) -> Date {
    calendar.add_working_days(accepted_on, u32::from(promised_days))
}

/// The due date after a suspension from `suspended_on` to `resumed_on`: the
/// working days it lasted are added (the clock stopped).
pub fn extend_for_suspension(calendar: &Calendar, due: Date, suspended_on: Date, resumed_on: Date) -> Date {
    calendar.add_working_days(due, calendar.working_days_between(suspended_on, resumed_on))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_case_with_outstanding_later_materials_is_not_completed() {
        assert_eq!(super::completion_blocked(&[]), None);
        let why = super::completion_blocked(&["安全驾驶经历证明".to_owned(), "体检表".to_owned()]).unwrap();
        assert!(why.starts_with("还有容缺材料没有补齐（安全驾驶经历证明、体检表），不能办结"), "{why}");
    }

    use super::*;

    #[test]
    fn every_staff_action_but_the_supplement_request_is_made_from_its_name() {
        for status in Status::ALL {
            for name in status.staff_actions() {
                match Action::with_note(name, "原因".into()) {
                    Some(action) => assert_eq!(action.name(), name),
                    None => assert!(matches!(name, "request_supplement" | "extend"), "{name}"),
                }
            }
        }
        assert_eq!(Action::with_note("refuse", "材料不全".into()), Some(Action::Refuse { reason: "材料不全".into() }));
        assert_eq!(Action::with_note("withdraw", String::new()), None, "not a staff action");
    }

    fn staff() -> Actor {
        Actor::Staff { department: "县交通运输局".into(), by: None }
    }

    fn materials() -> Vec<(String, String)> {
        vec![("application".into(), "申请书".into()), ("id_card".into(), "身份证".into())]
    }

    fn go(from: Status, action: Action, actor: Actor) -> Result<Status, String> {
        transition(from, &action, &actor, &materials()).map_err(|e| e.message)
    }

    #[test]
    fn the_ordinary_path() {
        let mut s = Status::Submitted;
        for action in [
            Action::PreReview,
            Action::Accept,
            Action::Start,
            Action::Complete { result: "准予许可".into(), decision: None },
        ] {
            s = go(s, action, staff()).unwrap();
        }
        assert_eq!(s, Status::Completed);
        assert!(s.is_final());
    }

    #[test]
    fn supplements_list_every_material_with_a_reason() {
        let items = vec![
            SupplementItem { material: "application".into(), reason: "缺少签字".into() },
            SupplementItem { material: "id_card".into(), reason: "背面不清晰".into() },
        ];
        assert_eq!(
            go(Status::PreReview, Action::RequestSupplement { items: items.clone(), days: 10 }, staff()),
            Ok(Status::NeedsSupplement)
        );
        let request = Action::RequestSupplement { items: items.clone(), days: 10 };
        assert_eq!(
            request.note_naming(&materials()).unwrap(),
            "需补正 2 项材料：申请书（缺少签字）；身份证（背面不清晰）。请在 10 个工作日内补正"
        );
        for days in [0, clock::MAX_SUPPLY_DAYS + 1] {
            assert!(
                go(Status::PreReview, Action::RequestSupplement { items: items.clone(), days }, staff())
                    .unwrap_err()
                    .contains("补正期限")
            );
        }
        assert_eq!(go(Status::NeedsSupplement, Action::Resubmit, Actor::Applicant), Ok(Status::Submitted));
        assert_eq!(
            go(Status::PreReview, Action::RequestSupplement { items: vec![], days: 10 }, staff()),
            Err("补正告知要列出需要补正的每一项材料".into())
        );
        let unknown = vec![SupplementItem { material: "ghost".into(), reason: "x".into() }];
        assert_eq!(
            go(Status::PreReview, Action::RequestSupplement { items: unknown, days: 10 }, staff()),
            Err("本事项没有编号为 ghost 的材料".into())
        );
        let no_reason = vec![SupplementItem { material: "id_card".into(), reason: " ".into() }];
        assert_eq!(
            go(Status::PreReview, Action::RequestSupplement { items: no_reason, days: 10 }, staff()),
            Err("请写明“身份证”需要补正的原因".into())
        );
        let twice = vec![items[0].clone(), items[0].clone()];
        assert!(
            go(Status::PreReview, Action::RequestSupplement { items: twice, days: 10 }, staff())
                .unwrap_err()
                .contains("列了两次")
        );
    }

    #[test]
    fn illegal_moves_are_refused_in_words() {
        assert_eq!(go(Status::Completed, Action::Accept, staff()), Err("办件“已办结”时不能“受理”".into()));
        assert_eq!(
            go(Status::Completed, Action::Withdraw, Actor::Applicant),
            Err("办件“已办结”时不能“撤回申请”".into())
        );
        assert_eq!(go(Status::Submitted, Action::Accept, Actor::Applicant), Err("申请人不能“受理”".into()));
        assert_eq!(go(Status::Submitted, Action::Withdraw, staff()), Err("县交通运输局不能“撤回申请”".into()));
        assert_eq!(
            go(Status::Accepted, Action::Refuse { reason: "x".into() }, staff()),
            Err("办件“已受理”时不能“不予受理”".into())
        );
        assert_eq!(
            go(Status::Submitted, Action::Refuse { reason: "".into() }, staff()),
            Err("“不予受理”要写明原因".into())
        );
        assert_eq!(
            go(Status::InProgress, Action::Complete { result: " ".into(), decision: None }, staff()),
            Err("办结要写明办理结果".into())
        );
    }

    #[test]
    fn suspension_stops_the_clock() {
        let calendar = Calendar::default();
        let monday = Date::parse("2026-11-23").unwrap();
        let due = due_date(&calendar, monday, 5);
        assert_eq!(due.to_string(), "2026-11-30");
        // Suspended Wednesday to the next Monday: 3 working days (Thu, Fri, Mon) are added.
        let later = extend_for_suspension(
            &calendar,
            due,
            Date::parse("2026-11-25").unwrap(),
            Date::parse("2026-11-30").unwrap(),
        );
        assert_eq!(later.to_string(), "2026-12-03");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn action() -> impl Strategy<Value = Action> {
            prop_oneof![
                Just(Action::PreReview),
                Just(Action::Accept),
                Just(Action::RequestSupplement {
                    items: vec![SupplementItem { material: "id_card".into(), reason: "不清晰".into() }],
                    days: 10,
                }),
                Just(Action::Refuse { reason: "不符合条件".into() }),
                Just(Action::Resubmit),
                Just(Action::Start),
                Just(Action::Suspend { procedure: clock::Procedure::Inspection, reason: "现场核查".into() }),
                Just(Action::DeemAccept),
                Just(Action::Extend { days: 5, approver: "局长".into(), reason: "需要补充调查".into() }),
                Just(Action::Resume),
                Just(Action::Complete { result: "准予许可".into(), decision: None }),
                Just(Action::Withdraw),
                Just(Action::Terminate { reason: "容缺材料逾期未补".into() }),
            ]
        }

        fn actor() -> impl Strategy<Value = Actor> {
            prop_oneof![Just(Actor::Applicant), Just(staff()), Just(Actor::System)]
        }

        proptest! {
            /// Whatever is tried in whatever order: final statuses stay final,
            /// the applicant can withdraw only before the decision, and once
            /// accepted a case is never "not accepted" or back in supplement.
            #[test]
            fn no_sequence_breaks_the_rules(steps in prop::collection::vec((action(), actor()), 0..30)) {
                let mut status = Status::Submitted;
                let mut accepted = false;
                for (action, actor) in steps {
                    match transition(status, &action, &actor, &materials()) {
                        Ok(next) => {
                            prop_assert!(!status.is_final(), "moved out of {:?}", status);
                            if matches!(action, Action::Withdraw) {
                                prop_assert!(!status.is_final());
                            }
                            if accepted {
                                prop_assert!(!matches!(next, Status::NotAccepted | Status::NeedsSupplement));
                            }
                            accepted |= next.is_accepted();
                            status = next;
                        }
                        Err(e) => prop_assert!(!e.message.is_empty()),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn withdrawal_the_clock_and_later_materials_follow_the_table() {
        let may: Vec<Status> = Status::ALL.into_iter().filter(|s| s.may_withdraw()).collect();
        assert_eq!(may, Status::ALL.into_iter().filter(|s| !s.is_final()).collect::<Vec<_>>(), "until the decision");
        let running: Vec<Status> = Status::ALL.into_iter().filter(|s| s.clock_runs()).collect();
        assert_eq!(running, [Status::Accepted, Status::InProgress]);
        assert!(Status::Suspended.takes_later_materials() && !Status::Completed.takes_later_materials());
        assert!(Status::PreReview.waits_for_answer() && !Status::NeedsSupplement.waits_for_answer());
        let without: Vec<Status> = Status::ALL.into_iter().filter(|s| s.ended_without_result()).collect();
        assert_eq!(without, [Status::NotAccepted, Status::Withdrawn, Status::Terminated]);
        assert!(without.iter().all(|s| s.is_final()), "only an ended case loses its files early");
    }
}
