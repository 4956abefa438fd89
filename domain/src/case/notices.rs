//! What the applicant is told when something happens to the case: short
//! Chinese, naming the centre, with a link to the status page (the link holds
//! the case number only; the query code is never sent) and no personal data.

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
    /// Every material to supply, with its reason.
    SupplementRequested(Vec<(String, String)>),
    Suspended(String),
    Resumed,
    /// The result, and how it reaches the applicant.
    Completed(String),
    NotAccepted(String),
    Terminated(String),
}

impl NoticeEvent {
    /// The machine name, as the outbox records it (`notice.accepted`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::SupplementRequested(_) => "supplement_requested",
            Self::Suspended(_) => "suspended",
            Self::Resumed => "resumed",
            Self::Completed(_) => "completed",
            Self::NotAccepted(_) => "not_accepted",
            Self::Terminated(_) => "terminated",
        }
    }
}

/// The facts every notice names.
pub struct NoticeContext<'a> {
    pub centre: &'a str,
    pub item_name: &'a str,
    pub case_number: &'a str,
    /// The status page, e.g. `https://bianmin.example.gov.cn/cases/ABCD-EFGH`.
    pub status_url: &'a str,
}

/// The notice for `event`.
pub fn notice(event: &NoticeEvent, c: &NoticeContext<'_>) -> Notice {
    let head = format!("【{}】您申请的“{}”（办件编号 {}）", c.centre, c.item_name, c.case_number);
    let (what, text) = match event {
        NoticeEvent::Submitted => ("已提交", "已提交，我们会尽快审查。".to_owned()),
        NoticeEvent::Accepted => ("已受理", "已受理，将在承诺时限内办结。".to_owned()),
        NoticeEvent::SupplementRequested(items) => {
            let list: Vec<String> = items.iter().map(|(name, reason)| format!("· {name}：{reason}")).collect();
            ("需要补正材料", format!("需要补正以下材料，请一次补齐后在办理进度页面上传：\n{}", list.join("\n")))
        }
        NoticeEvent::Suspended(reason) => ("暂停办理", format!("暂停办理（{reason}），暂停期间不计入办理时限。")),
        NoticeEvent::Resumed => ("恢复办理", "已恢复办理。".to_owned()),
        NoticeEvent::Completed(result) => ("已办结", format!("已办结：{result}")),
        NoticeEvent::NotAccepted(reason) => ("不予受理", format!("不予受理，原因：{reason}")),
        NoticeEvent::Terminated(reason) => ("已终止", format!("已终止，原因：{reason}")),
    };
    Notice {
        subject: format!("{what}：{}（{}）", c.item_name, c.case_number),
        body: format!("{head}{text}\n\n查看办理进度：{}\n（打开后输入回执上的查询码）", c.status_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> NoticeContext<'static> {
        NoticeContext {
            centre: "示范县政务服务中心",
            item_name: "道路货物运输驾驶员从业资格证核发",
            case_number: "ABCD-EFGH",
            status_url: "https://bianmin.example.gov.cn/cases/ABCD-EFGH",
        }
    }

    #[test]
    fn a_supplement_notice_lists_every_material_with_its_reason_and_the_link() {
        let n = notice(
            &NoticeEvent::SupplementRequested(vec![
                ("近期一寸免冠照片".into(), "背景不是白色".into()),
                ("身份证".into(), "背面不清晰".into()),
            ]),
            &context(),
        );
        assert_eq!(n.subject, "需要补正材料：道路货物运输驾驶员从业资格证核发（ABCD-EFGH）");
        assert!(
            n.body
                .starts_with("【示范县政务服务中心】您申请的“道路货物运输驾驶员从业资格证核发”（办件编号 ABCD-EFGH）")
        );
        assert!(n.body.contains("· 近期一寸免冠照片：背景不是白色\n· 身份证：背面不清晰"));
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
}
