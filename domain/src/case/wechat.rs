//! What a WeChat 模板消息 tells the applicant. A 公众号 sends only a template
//! it chose from WeChat's library for its industry (政务服务); the template
//! names its keyword fields (`thing1`, `character_string2`, …), and each field
//! type has limits: `thing` 20 characters, `character_string` 32 letters,
//! digits and symbols, `time` a date and time. So a notice is four facts
//! ([`Fact`]) kept within those limits; the centre says which field of its
//! template holds which fact. Nothing personal goes in: the item, the case
//! number, what happened and when.

use super::notices::NoticeEvent;
use super::sms::clip;

/// What one field of the template holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fact {
    /// 事项名称: the item's or the bundle's name (a `thing`).
    Item,
    /// 办件编号 (a `character_string`).
    Case,
    /// 办理进度: what happened, in a few words (a `thing`).
    Progress,
    /// 更新时间: when, in Beijing time (a `time`).
    Time,
}

impl Fact {
    pub const ALL: [Fact; 4] = [Self::Item, Self::Case, Self::Progress, Self::Time];

    /// As the setting names it: `item=thing1,case=character_string2,…`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Item => "item",
            Self::Case => "case",
            Self::Progress => "progress",
            Self::Time => "time",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == text)
    }
}

/// The longest a `thing` field's value may be.
pub const THING_CHARS: usize = 20;

/// The facts of one notice.
pub struct WechatContext<'a> {
    pub item_name: &'a str,
    pub case_number: &'a str,
    /// When it happened, in Beijing time: `2026年12月6日 10:30`.
    pub at: &'a str,
}

/// What happened, within a `thing` field: the applicant opens the status page
/// (the message's link) for the rest.
pub fn progress(event: &NoticeEvent) -> String {
    let text = match event {
        NoticeEvent::Submitted => "已提交，等待受理".to_owned(),
        NoticeEvent::Accepted => "已受理".to_owned(),
        NoticeEvent::DeemedAccepted => "依法视为受理".to_owned(),
        NoticeEvent::Extended { days, .. } => format!("办理期限延长{days}个工作日"),
        NoticeEvent::SupplementRequested { items, days } => {
            format!("需补正{}项材料，{days}个工作日内补齐", items.len())
        }
        NoticeEvent::Suspended(_) => "暂停办理，暂停期间不计时限".to_owned(),
        NoticeEvent::Resumed => "已恢复办理".to_owned(),
        NoticeEvent::Completed(result) => format!("已办结：{result}"),
        NoticeEvent::NotAccepted(reason) => format!("不予受理：{reason}"),
        NoticeEvent::Terminated(reason) => format!("已终止：{reason}"),
        NoticeEvent::LaterDueSoon { due, .. } => format!("请在{due}前补交容缺材料"),
        NoticeEvent::LaterDueToday(_) => "今天是补交容缺材料的最后一天".to_owned(),
        NoticeEvent::Replied(_) => "您的评价或投诉已有答复".to_owned(),
    };
    clip(&text, THING_CHARS)
}

/// Each fact's value for `event`.
pub fn message(event: &NoticeEvent, c: &WechatContext<'_>) -> Vec<(Fact, String)> {
    Fact::ALL
        .into_iter()
        .map(|fact| {
            let value = match fact {
                Fact::Item => clip(c.item_name, THING_CHARS),
                Fact::Case => c.case_number.to_owned(),
                Fact::Progress => progress(event),
                Fact::Time => c.at.to_owned(),
            };
            (fact, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_fits_its_field_and_names_no_one() {
        let context = WechatContext {
            item_name: "道路货物运输驾驶员从业资格证核发（含补证、换证）",
            case_number: "ABCD-EFGH",
            at: "2026年12月6日 10:30",
        };
        let supplement = NoticeEvent::SupplementRequested {
            items: vec![("身份证".into(), "背面不清晰".into()), ("照片".into(), "不是白底".into())],
            days: 5,
        };
        let got = message(&supplement, &context);
        assert_eq!(got[0], (Fact::Item, "道路货物运输驾驶员从业资格证核发（含补…".to_owned()));
        assert_eq!(got[1], (Fact::Case, "ABCD-EFGH".to_owned()));
        assert_eq!(got[2], (Fact::Progress, "需补正2项材料，5个工作日内补齐".to_owned()));
        assert_eq!(got[3], (Fact::Time, "2026年12月6日 10:30".to_owned()));
        let long = NoticeEvent::Completed("准予许可，证件已制作完成，可以到窗口领取".into());
        assert_eq!(progress(&long).chars().count(), THING_CHARS);
        let due = NoticeEvent::LaterDueSoon { due: "2026年12月17日".into(), materials: vec!["营业执照".into()] };
        assert_eq!(progress(&due), "请在2026年12月17日前补交容缺材料");
    }

    #[test]
    fn facts_are_read_by_their_names() {
        for fact in Fact::ALL {
            assert_eq!(Fact::parse(fact.name()), Some(fact));
        }
        assert_eq!(Fact::parse("first"), None);
    }
}
