//! What an SMS tells the applicant. Chinese SMS providers send only templates
//! the centre registered and they approved, filled with short variables; so
//! each notice event has one template ([`templates`], printed for
//! registration by `bianmin sms templates`) and [`sms`] gives its variables.
//! The provider puts the centre's signature (【示范县政务服务中心】) in front.
//! `{status}` stands for the status page's address, which the centre writes
//! into the template itself (providers refuse links in variables).

use super::event::CaseEvent;
use super::notices::NoticeEvent;

/// Each notice event's template, in Alibaba Cloud's `${name}` form (Tencent
/// Cloud's `{1}` form numbers the variables in order: [`numbered`]); `None`
/// for what the applicant is not told.
pub fn template_of(event: CaseEvent) -> Option<&'static str> {
    Some(match event {
        CaseEvent::Submitted => "您申请的${item}已提交，办件编号${case}。查看进度：{status}",
        CaseEvent::Accepted => "您申请的${item}（办件编号${case}）已受理，将在承诺时限内办结。查看进度：{status}",
        CaseEvent::DeemedAccepted => {
            "您申请的${item}（办件编号${case}）5个工作日内未被告知补正，依法自收到材料之日起视为受理。{status}"
        }
        CaseEvent::Extended => {
            "您申请的${item}（办件编号${case}）经批准延长办理期限${days}个工作日，原因：${reason}。{status}"
        }
        CaseEvent::SupplementRequested => {
            "您申请的${item}（办件编号${case}）需补正${count}项材料：${materials}。请${days}个工作日内补齐：{status}"
        }
        CaseEvent::Suspended => "您申请的${item}（办件编号${case}）暂停办理：${reason}，暂停期间不计入时限。{status}",
        CaseEvent::Resumed => "您申请的${item}（办件编号${case}）已恢复办理。{status}",
        CaseEvent::Completed => "您申请的${item}已办结：${result}。领取方式：${collect}。{status}",
        CaseEvent::Refused => "您申请的${item}（办件编号${case}）不予受理：${reason}。{status}",
        CaseEvent::Terminated => "您申请的${item}（办件编号${case}）已终止：${reason}。{status}",
        CaseEvent::LaterDueSoon => {
            "您申请的${item}（办件编号${case}）的容缺材料请最迟在${date}补交，逾期本次申请终止。{status}"
        }
        CaseEvent::LaterDueToday => {
            "今天是您申请的${item}（办件编号${case}）补交容缺材料的最后一天，逾期本次申请终止。{status}"
        }
        CaseEvent::Replied => "您对${item}（办件编号${case}）的评价或投诉已有答复，请查看：{status}",
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

/// The one-time code that proves the applicant's number before any progress
/// SMS goes to it ([`crate::apply::phone_code`]); providers register it as a
/// verification-code template (one variable, the code).
pub const CODE: &str = "code";
const CODE_TEMPLATE: &str = "您的验证码为${code}，10分钟内有效，用于接收办件进度短信。如非本人操作，请忽略本短信。";

/// Every template by its name, in the order of [`CaseEvent::ALL`] and the
/// code's last: what a centre registers with its provider.
pub fn templates() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> =
        CaseEvent::ALL.into_iter().filter_map(|e| Some((e.notice_name()?, template_of(e)?))).collect();
    all.push((CODE, CODE_TEMPLATE));
    all
}

/// The longest a variable's value may be: Alibaba Cloud allows 35 characters
/// in a notification's variable; shorter ones keep the message in two segments.
const ITEM_CHARS: usize = 16;
const TEXT_CHARS: usize = 16;
const LIST_CHARS: usize = 20;
const COLLECT_CHARS: usize = 28;

/// One SMS: the event's template name and its variables, in the order the template names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sms {
    pub template: &'static str,
    pub params: Vec<(String, String)>,
}

/// The facts an SMS may name.
pub struct SmsContext<'a> {
    pub item_name: &'a str,
    pub case_number: &'a str,
    /// How the result is collected, in a few words ([`super::notices::Collection::short`]).
    pub collect: &'a str,
}

/// The template of `event` and its variables.
pub fn sms(event: &NoticeEvent, c: &SmsContext<'_>) -> Sms {
    let name = event.name();
    let text = template(name).unwrap_or_default();
    let value = |variable: &str| -> String {
        match (variable, event) {
            ("item", _) => clip(c.item_name, ITEM_CHARS),
            ("case", _) => c.case_number.to_owned(),
            ("count", NoticeEvent::SupplementRequested { items, .. }) => items.len().to_string(),
            ("days", NoticeEvent::SupplementRequested { days, .. }) => days.to_string(),
            ("materials", NoticeEvent::SupplementRequested { items, .. }) => {
                clip(&items.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>().join("、"), LIST_CHARS)
            }
            (
                "reason",
                NoticeEvent::Suspended(reason) | NoticeEvent::NotAccepted(reason) | NoticeEvent::Terminated(reason),
            ) => clip(reason, TEXT_CHARS),
            ("reason", NoticeEvent::Extended { reason, .. }) => clip(reason, TEXT_CHARS),
            ("days", NoticeEvent::Extended { days, .. }) => days.to_string(),
            ("result", NoticeEvent::Completed(result)) => clip(result, TEXT_CHARS),
            ("collect", _) => clip(c.collect, COLLECT_CHARS),
            ("date", NoticeEvent::LaterDueSoon { due, .. }) => due.clone(),
            _ => String::new(),
        }
    };
    Sms { template: name, params: variables(text).into_iter().map(|v| (v.to_owned(), value(v))).collect() }
}

/// The template text of an event name.
pub fn template(name: &str) -> Option<&'static str> {
    if name == CODE {
        return Some(CODE_TEMPLATE);
    }
    CaseEvent::of_notice(name).and_then(template_of)
}

/// The variables of a template, in order of first appearance.
pub fn variables(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        if !out.contains(&&after[..end]) {
            out.push(&after[..end]);
        }
        rest = &after[end + 1..];
    }
    out
}

/// The template as Tencent Cloud registers it: `{1}`, `{2}` … in order.
pub fn numbered(text: &str) -> String {
    let mut out = text.to_owned();
    for (i, v) in variables(text).iter().enumerate() {
        out = out.replace(&format!("${{{v}}}"), &format!("{{{}}}", i + 1));
    }
    out
}

/// The message a phone shows: the signature, the template filled in, `{status}` replaced.
pub fn render(sign_name: &str, text: &str, params: &[(String, String)], status_url: &str) -> String {
    let mut out = text.replace("{status}", status_url);
    for (k, v) in params {
        out = out.replace(&format!("${{{k}}}"), v);
    }
    format!("【{sign_name}】{out}")
}

/// At most `max` characters, the last one `…` when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> SmsContext<'static> {
        SmsContext {
            item_name: "道路货物运输驾驶员从业资格证核发",
            case_number: "ABCD-EFGH",
            collect: "免费邮寄到您填写的地址",
        }
    }

    #[test]
    fn every_event_has_a_template_and_its_variables_in_order() {
        let events = [
            NoticeEvent::Submitted,
            NoticeEvent::SupplementRequested {
                items: vec![("身份证".into(), "背面不清晰".into()), ("照片".into(), "不是白底".into())],
                days: 10,
            },
            NoticeEvent::Completed("准予许可".into()),
            NoticeEvent::LaterDueSoon { due: "2026年12月7日".into(), materials: vec!["营业执照".into()] },
            NoticeEvent::LaterDueToday(vec!["营业执照".into()]),
        ];
        let got: Vec<Sms> = events.iter().map(|e| sms(e, &context())).collect();
        let item = "道路货物运输驾驶员从业资格证核发".to_owned();
        assert_eq!(got[0].params, [("item".into(), item.clone()), ("case".into(), "ABCD-EFGH".into())]);
        assert_eq!(got[1].template, "supplement_requested");
        assert_eq!(
            got[1].params[2..],
            [("count".into(), "2".into()), ("materials".into(), "身份证、照片".into()), ("days".into(), "10".into())]
        );
        assert_eq!(
            got[2].params,
            [
                ("item".into(), item.clone()),
                ("result".into(), "准予许可".into()),
                ("collect".into(), "免费邮寄到您填写的地址".into())
            ]
        );
        assert_eq!(got[3].params[2], ("date".into(), "2026年12月7日".into()));
        assert_eq!(got[4].params.len(), 2);
        assert_eq!(numbered(template("completed").unwrap()), "您申请的{1}已办结：{2}。领取方式：{3}。{status}");
    }

    #[test]
    fn every_message_fits_two_segments_with_the_longest_values() {
        // A long signature, a 30-character site address, and every variable at its limit.
        let long = "长".repeat(40);
        let events = [
            NoticeEvent::Submitted,
            NoticeEvent::Accepted,
            NoticeEvent::DeemedAccepted,
            NoticeEvent::Extended { days: 30, reason: long.clone() },
            NoticeEvent::SupplementRequested { items: vec![(long.clone(), long.clone()); 12], days: 60 },
            NoticeEvent::Suspended(long.clone()),
            NoticeEvent::Resumed,
            NoticeEvent::Completed(long.clone()),
            NoticeEvent::NotAccepted(long.clone()),
            NoticeEvent::Terminated(long.clone()),
            NoticeEvent::LaterDueSoon { due: "2026年12月17日".into(), materials: vec![long.clone()] },
            NoticeEvent::LaterDueToday(vec![long.clone()]),
            NoticeEvent::Replied(long.clone()),
        ];
        let c = SmsContext { item_name: &long, case_number: "ABCD-EFGH", collect: &long };
        for event in &events {
            let message = sms(event, &c);
            let text = template(message.template).unwrap();
            let shown = render(
                "某某市某某县政务服务中心",
                text,
                &message.params,
                "https://zwfw.abcdefgh.gov.cn/cases/ABCD-EFGH",
            );
            // A long SMS is cut into 67-character segments.
            assert!(
                shown.chars().count() <= 134,
                "{} has {} characters: {shown}",
                message.template,
                shown.chars().count()
            );
            assert!(message.params.iter().all(|(_, v)| v.chars().count() <= 35), "{message:?}");
            assert!(!shown.contains("${"), "{shown}");
        }
        assert_eq!(templates().len(), events.len() + 1, "one template per event, and the code's");
        let code = render("示范县政务服务中心", template(CODE).unwrap(), &[("code".into(), "123456".into())], "");
        assert_eq!(variables(template(CODE).unwrap()), ["code"], "a verification template has the code alone");
        assert!(code.chars().count() <= 67, "one segment: {code}");
    }
}
