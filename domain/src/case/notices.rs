//! What the applicant is told when something happens to the case: short
//! Chinese, naming the centre, with a link to the status page (the link holds
//! the case number only; the query code is never sent) and no personal data.
//! Email carries the whole text ([`notice`]); an SMS goes through a template the
//! centre registered with its provider ([`sms`], [`templates`](super::sms::templates)).

use super::event::CaseEvent;
use super::joint::{Joint, JointStatus, Target};

/// One message: a subject line and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// What a notice is about, with what it needs to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeEvent {
    Submitted,
    Accepted,
    /// Accepted by law: nobody answered within five working days of receipt.
    DeemedAccepted,
    /// The time limit extended by so many working days, for the reason.
    Extended {
        days: u16,
        reason: String,
    },
    /// Every material to supply, with its reason, within so many working days.
    SupplementRequested {
        items: Vec<(String, String)>,
        days: u16,
    },
    Suspended(String),
    Resumed,
    /// The result, and how it reaches the applicant.
    Completed(String),
    NotAccepted(String),
    Terminated(String),
    /// 容缺 materials due in a few working days: the deadline (`2026年12月7日`) and their names.
    LaterDueSoon {
        due: String,
        materials: Vec<String>,
    },
    /// 容缺 materials due today: their names.
    LaterDueToday(Vec<String>),
    /// The department's reply to a 差评 or a complaint.
    Replied(String),
}

impl NoticeEvent {
    /// The case event it tells of.
    pub fn event(&self) -> CaseEvent {
        match self {
            Self::Submitted => CaseEvent::Submitted,
            Self::Accepted => CaseEvent::Accepted,
            Self::DeemedAccepted => CaseEvent::DeemedAccepted,
            Self::Extended { .. } => CaseEvent::Extended,
            Self::SupplementRequested { .. } => CaseEvent::SupplementRequested,
            Self::Suspended(_) => CaseEvent::Suspended,
            Self::Resumed => CaseEvent::Resumed,
            Self::Completed(_) => CaseEvent::Completed,
            Self::NotAccepted(_) => CaseEvent::Refused,
            Self::Terminated(_) => CaseEvent::Terminated,
            Self::LaterDueSoon { .. } => CaseEvent::LaterDueSoon,
            Self::LaterDueToday(_) => CaseEvent::LaterDueToday,
            Self::Replied(_) => CaseEvent::Replied,
        }
    }

    /// The machine name, as the outbox records it (`notice.accepted`).
    pub fn name(&self) -> &'static str {
        self.event().notice_name().unwrap_or("unknown")
    }
}

/// What the applicant is told when `action` moves a single case (or a
/// part the applicant hears of directly), naming materials as `item` does.
pub fn of_move(item: &crate::ServiceItem, action: &super::Action) -> Option<NoticeEvent> {
    use super::Action;
    let name = |id: &str| item.materials.iter().find(|m| m.id == id).map_or(id.to_owned(), |m| m.name.clone());
    match action {
        Action::Accept => Some(NoticeEvent::Accepted),
        Action::DeemAccept => Some(NoticeEvent::DeemedAccepted),
        Action::Extend { days, reason, .. } => Some(NoticeEvent::Extended { days: *days, reason: reason.clone() }),
        Action::RequestSupplement { items, days } => Some(NoticeEvent::SupplementRequested {
            items: items.iter().map(|s| (name(&s.material), s.reason.clone())).collect(),
            days: *days,
        }),
        Action::Suspend { procedure, reason } => Some(NoticeEvent::Suspended(procedure.with_reason(reason))),
        Action::Resume => Some(NoticeEvent::Resumed),
        Action::Complete { .. } => Some(NoticeEvent::Completed(action.note().unwrap_or_default())),
        Action::Refuse { reason } => Some(NoticeEvent::NotAccepted(reason.clone())),
        Action::Terminate { reason } => Some(NoticeEvent::Terminated(reason.clone())),
        // The applicant's own moves and the quiet steps between: nothing to tell.
        Action::PreReview | Action::Agree | Action::Start | Action::Resubmit | Action::Withdraw => None,
    }
}

/// What the applicant is told of a joint case's move: the lead's moves of the
/// whole, and the end once every part has ended (each part's outcome).
pub fn of_joint_move(
    detail: &crate::catalog::bundle::BundleDetail,
    target: Target,
    action: Option<&super::Action>,
    before: JointStatus,
    after: &Joint,
) -> Option<NoticeEvent> {
    use super::Action;
    let status = after.status();
    if status.is_final() && !before.is_final() && after.accepted() {
        let results: Vec<String> = after
            .parts
            .iter()
            .map(|part| {
                let name = detail.items.iter().find(|i| i.code == part.item).map_or("", |i| i.name.as_str());
                format!("{name}：{}", part.status.label())
            })
            .collect();
        return match status {
            JointStatus::Terminated => Some(NoticeEvent::Terminated(results.join("；"))),
            JointStatus::Completed | JointStatus::PartlyCompleted => Some(NoticeEvent::Completed(results.join("；"))),
            // The applicant's own withdrawal needs no notice.
            JointStatus::Withdrawn => None,
            JointStatus::Submitted
            | JointStatus::PreReview
            | JointStatus::NeedsSupplement
            | JointStatus::NotAccepted
            | JointStatus::Accepted
            | JointStatus::InProgress
            | JointStatus::Suspended => None,
        };
    }
    if target != Target::Whole {
        return None;
    }
    match action? {
        Action::Accept => Some(NoticeEvent::Accepted),
        Action::DeemAccept => Some(NoticeEvent::DeemedAccepted),
        Action::RequestSupplement { days, .. } => Some(NoticeEvent::SupplementRequested {
            items: after
                .notice
                .iter()
                .map(|n| {
                    let name = detail
                        .document_key(&n.item, &n.material)
                        .map_or(n.material.clone(), |k| detail.document_name(&k));
                    (name, format!("{}：{}", n.department, n.reason))
                })
                .collect(),
            days: *days,
        }),
        Action::Refuse { reason } => Some(NoticeEvent::NotAccepted(reason.clone())),
        // The parts' own moves are told when the whole ends; the applicant's need no notice.
        Action::PreReview
        | Action::Agree
        | Action::Resubmit
        | Action::Start
        | Action::Extend { .. }
        | Action::Suspend { .. }
        | Action::Resume
        | Action::Complete { .. }
        | Action::Withdraw
        | Action::Terminate { .. } => None,
    }
}

/// What a notice was about, in words for the staff console (`notice.accepted` → 已受理).
pub fn label(outbox_event: &str) -> Option<&'static str> {
    notice_label(CaseEvent::of_notice(outbox_event.strip_prefix("notice.")?)?)
}

/// What the console calls the notice of `event`; `None`: the applicant is not told.
pub fn notice_label(event: CaseEvent) -> Option<&'static str> {
    Some(match event {
        CaseEvent::Submitted => "已提交",
        CaseEvent::Accepted => "已受理",
        CaseEvent::DeemedAccepted => "视为受理",
        CaseEvent::Extended => "延长办理期限",
        CaseEvent::SupplementRequested => "需要补正材料",
        CaseEvent::Suspended => "暂停办理",
        CaseEvent::Resumed => "恢复办理",
        CaseEvent::Completed => "已办结",
        CaseEvent::Refused => "不予受理",
        CaseEvent::Terminated => "已终止",
        CaseEvent::LaterDueSoon => "容缺材料补交提醒",
        CaseEvent::LaterDueToday => "容缺材料最后一天提醒",
        CaseEvent::Replied => "评价和投诉的答复",
        CaseEvent::PreReviewStarted
        | CaseEvent::Agreed
        | CaseEvent::Resubmitted
        | CaseEvent::Started
        | CaseEvent::Withdrawn
        | CaseEvent::LaterSupplied
        | CaseEvent::DueSoon
        | CaseEvent::Overdue => return None,
    })
}

/// The facts every notice names.
pub struct NoticeContext<'a> {
    pub centre: &'a str,
    pub item_name: &'a str,
    pub case_number: &'a str,
    /// The province's number of the case, where the centre reports to one.
    pub province_number: Option<&'a str>,
    /// The status page, e.g. `https://bianmin.example.gov.cn/cases/ABCD-EFGH`.
    pub status_url: &'a str,
    /// How the result reaches the applicant ([`collection`]), said on completion.
    pub collect: &'a str,
    /// Where the law has several parties, each side masked
    /// (`submission::parties_line`); empty otherwise. Said on submission.
    pub parties: &'a str,
}

/// How the applicant gets the result, in a sentence for email and in a few
/// words for an SMS variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    pub text: String,
    pub short: String,
}

/// How the applicant gets the result: at the window (where and when), or by post.
pub fn collection(delivery: Option<&crate::apply::form::Delivery>, place: &str, hours: &str) -> Collection {
    let (place, hours) = (place.trim(), hours.trim());
    match delivery {
        Some(crate::apply::form::Delivery::Post(_)) => Collection {
            text: "结果会免费邮寄到您填写的地址，请留意快递电话。".to_owned(),
            short: "免费邮寄到您填写的地址".to_owned(),
        },
        _ if place.is_empty() => Collection {
            text: "请带身份证到办事窗口领取结果。".to_owned(),
            short: "带身份证到办事窗口领取".to_owned(),
        },
        _ if hours.is_empty() => {
            Collection { text: format!("请带身份证到{place}领取结果。"), short: format!("到{place}领取") }
        }
        _ => Collection {
            text: format!("请带身份证到{place}领取结果（{hours}）。"),
            short: format!("到{place}领取（{hours}）"),
        },
    }
}

/// The notice for `event`.
pub fn notice(event: &NoticeEvent, c: &NoticeContext<'_>) -> Notice {
    let numbers = crate::case::document::numbers(c.case_number, c.province_number);
    let head = format!("【{}】您申请的“{}”（{numbers}）", c.centre, c.item_name);
    let (what, text) = match event {
        NoticeEvent::Submitted => match c.parties {
            "" => ("已提交", "已提交，我们会尽快审查。".to_owned()),
            parties => ("已提交", format!("已提交，我们会尽快审查。申请各方：{parties}。")),
        },
        NoticeEvent::Accepted => ("已受理", "已受理，将在承诺时限内办结。".to_owned()),
        NoticeEvent::DeemedAccepted => (
            "视为受理",
            "在收到材料后 5 个工作日内没有被告知补正，依法自收到材料之日起视为受理，办理时限从那天算起。".to_owned(),
        ),
        NoticeEvent::Extended { days, reason } => (
            "延长办理期限",
            format!("经批准延长办理期限 {days} 个工作日，原因：{reason}。新的办结期限见办理进度页面。"),
        ),
        NoticeEvent::SupplementRequested { items, days } => {
            let list: Vec<String> = items.iter().map(|(name, reason)| format!("· {name}：{reason}")).collect();
            (
                "需要补正材料",
                format!(
                    "需要补正以下材料，请在 {days} 个工作日内一次补齐后在办理进度页面上传（逾期未补正的，视为撤回申请）：\n{}",
                    list.join("\n")
                ),
            )
        }
        NoticeEvent::Suspended(reason) => ("暂停办理", format!("暂停办理（{reason}），暂停期间不计入办理时限。")),
        NoticeEvent::Resumed => ("恢复办理", "已恢复办理。".to_owned()),
        NoticeEvent::Completed(result) => ("已办结", format!("已办结：{result}。{}", c.collect)),
        NoticeEvent::NotAccepted(reason) => ("不予受理", format!("不予受理，原因：{reason}")),
        NoticeEvent::Terminated(reason) => ("已终止", format!("已终止，原因：{reason}")),
        NoticeEvent::LaterDueSoon { due, materials } => (
            "请按期补交容缺材料",
            format!("容缺受理的材料请最迟在{due}补交：{}。逾期未补交的，本次申请终止。", materials.join("、")),
        ),
        NoticeEvent::LaterDueToday(materials) => (
            "今天是补交容缺材料的最后一天",
            format!("今天是补交容缺材料的最后一天：{}。今天不补交的，本次申请终止。", materials.join("、")),
        ),
        NoticeEvent::Replied(reply) => ("对您的评价或投诉的答复", format!("的评价或投诉有了答复：{reply}")),
    };
    Notice {
        subject: format!("{what}：{}（{}）", c.item_name, c.case_number),
        body: format!("{head}{text}\n\n查看办理进度：{}\n（打开后输入回执上的查询码）", c.status_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joint_case_tells_the_lead_s_moves_and_the_end_with_each_part() {
        use crate::case::joint::{Joint, JointStatus, Target};
        use crate::case::{Action, Actor, SupplementItem};
        use crate::catalog::bundle::{Bundle, BundleDetail};
        let (lead, other) = ("市场监管局", "城管局");
        let mut a = crate::fixtures::item("A-1");
        a.name = "食品经营许可".into();
        let mut b = crate::fixtures::item("B-1");
        b.name = "户外招牌设置".into();
        let detail = BundleDetail {
            bundle: Bundle {
                code: "K-1".into(),
                name: "开餐馆".into(),
                summary: String::new(),
                lead_department: lead.into(),
                items: vec!["A-1".into(), "B-1".into()],
                promised_limit_days: None,
                keywords: vec![],
                english_name: String::new(),
                english_keywords: vec![],
                shared_fields: vec![],
                consult_days: 2,
            },
            items: vec![a, b],
        };
        let staff = |d: &str| Actor::Staff { department: d.into(), by: None };
        let ids = |_: &str| vec![("application".to_owned(), "申请书".to_owned())];
        let start = Joint {
            consult_over: true,
            ..Joint::submitted(lead, [("A-1".to_owned(), lead.to_owned()), ("B-1".to_owned(), other.to_owned())])
        };
        let ask = Action::RequestSupplement {
            items: vec![SupplementItem { material: "application".into(), reason: "缺少签字".into() }],
            days: 10,
        };
        let asked = start.apply(Target::Part(1), &ask, &staff(other), &ids).unwrap();
        assert_eq!(
            of_joint_move(&detail, Target::Part(1), Some(&ask), start.status(), &asked),
            None,
            "waits for the lead"
        );
        let notice = Action::RequestSupplement { items: vec![], days: 10 };
        let sent = asked.apply(Target::Whole, &notice, &staff(lead), &ids).unwrap();
        assert_eq!(
            of_joint_move(&detail, Target::Whole, Some(&notice), asked.status(), &sent),
            Some(NoticeEvent::SupplementRequested {
                items: vec![("申请书".into(), "城管局：缺少签字".into())],
                days: 10
            })
        );
        let accepted = start.apply(Target::Whole, &Action::Accept, &staff(lead), &ids).unwrap();
        let done = Action::Complete { result: "准予许可".into(), decision: None };
        let one = accepted.apply(Target::Part(0), &done, &staff(lead), &ids).unwrap();
        assert_eq!(of_joint_move(&detail, Target::Part(0), Some(&done), accepted.status(), &one), None);
        let both = one.apply(Target::Part(1), &done, &staff(other), &ids).unwrap();
        assert_eq!(both.status(), JointStatus::Completed);
        assert_eq!(
            of_joint_move(&detail, Target::Part(1), Some(&done), one.status(), &both),
            Some(NoticeEvent::Completed("食品经营许可：已办结；户外招牌设置：已办结".into()))
        );
    }

    fn context() -> NoticeContext<'static> {
        NoticeContext {
            centre: "示范县政务服务中心",
            item_name: "道路货物运输驾驶员从业资格证核发",
            case_number: "ABCD-EFGH",
            province_number: None,
            status_url: "https://bianmin.example.gov.cn/cases/ABCD-EFGH",
            collect: "请带身份证到示范县政务服务中心一楼领取结果（工作日9:00-17:00）。",
            parties: "",
        }
    }

    #[test]
    fn a_submission_with_several_parties_names_each_side_masked() {
        let c = NoticeContext { province_number: Some("330102202612070000001"), ..context() };
        assert!(
            notice(&NoticeEvent::Accepted, &c)
                .body
                .contains("（办件编号 ABCD-EFGH，省平台办件编号 330102202612070000001）"),
            "the province's number beside Bianmin's"
        );
        let c = NoticeContext { parties: "买方 张*（申请人）、卖方 李*", ..context() };
        let told = notice(&NoticeEvent::Submitted, &c);
        assert!(told.body.contains("申请各方：买方 张*（申请人）、卖方 李*。"), "{}", told.body);
        assert!(!notice(&NoticeEvent::Submitted, &context()).body.contains("申请各方"));
    }

    #[test]
    fn a_supplement_notice_lists_every_material_with_its_reason_and_the_link() {
        let n = notice(
            &NoticeEvent::SupplementRequested {
                items: vec![("近期一寸免冠照片".into(), "背景不是白色".into()), ("身份证".into(), "背面不清晰".into())],
                days: 10,
            },
            &context(),
        );
        assert_eq!(n.subject, "需要补正材料：道路货物运输驾驶员从业资格证核发（ABCD-EFGH）");
        assert!(
            n.body
                .starts_with("【示范县政务服务中心】您申请的“道路货物运输驾驶员从业资格证核发”（办件编号 ABCD-EFGH）")
        );
        assert!(n.body.contains("· 近期一寸免冠照片：背景不是白色\n· 身份证：背面不清晰"));
        assert!(n.body.contains("请在 10 个工作日内一次补齐"));
        assert!(n.body.contains("https://bianmin.example.gov.cn/cases/ABCD-EFGH"));
    }

    #[test]
    fn every_notice_names_the_centre_and_links_to_the_status_page() {
        for event in [
            NoticeEvent::Submitted,
            NoticeEvent::Accepted,
            NoticeEvent::Suspended("现场核查".into()),
            NoticeEvent::Resumed,
            NoticeEvent::Completed("准予许可，到窗口领取".into()),
            NoticeEvent::NotAccepted("不符合条件".into()),
            NoticeEvent::Terminated("容缺材料逾期未补齐".into()),
        ] {
            let n = notice(&event, &context());
            assert!(n.body.contains("示范县政务服务中心") && n.body.contains("/cases/ABCD-EFGH"), "{event:?}");
        }
    }

    #[test]
    fn every_event_has_a_label_for_the_staff() {
        let names = ["submitted", "accepted", "supplement_requested", "suspended", "resumed", "completed"];
        assert!(names.iter().all(|n| label(&format!("notice.{n}")).is_some()));
        assert_eq!(label("notice.later_due_today"), Some("容缺材料最后一天提醒"));
        assert_eq!(label("case.accept"), None);
    }

    #[test]
    fn the_completion_notice_says_how_to_collect_the_result() {
        let n = notice(&NoticeEvent::Completed("准予许可".into()), &context());
        assert!(
            n.body.contains("已办结：准予许可。请带身份证到示范县政务服务中心一楼领取结果（工作日9:00-17:00）。"),
            "{}",
            n.body
        );
        let post = crate::apply::form::Delivery::Post(Default::default());
        let by_post = collection(Some(&post), "一楼", "工作日");
        assert_eq!(by_post.short, "免费邮寄到您填写的地址");
        let window = collection(Some(&crate::apply::form::Delivery::Window), " 县政务服务中心2号窗口 ", "");
        assert_eq!(window.text, "请带身份证到县政务服务中心2号窗口领取结果。");
    }

    #[test]
    fn the_later_reminders_name_the_deadline_and_every_material() {
        let soon = NoticeEvent::LaterDueSoon {
            due: "2026年12月7日".into(),
            materials: vec!["营业执照".into(), "租赁合同".into()],
        };
        let n = notice(&soon, &context());
        assert_eq!(n.subject, "请按期补交容缺材料：道路货物运输驾驶员从业资格证核发（ABCD-EFGH）");
        assert!(n.body.contains("请最迟在2026年12月7日补交：营业执照、租赁合同。"), "{}", n.body);
        let today = notice(&NoticeEvent::LaterDueToday(vec!["营业执照".into()]), &context());
        assert!(today.body.contains("今天是补交容缺材料的最后一天：营业执照。"), "{}", today.body);
    }
}
