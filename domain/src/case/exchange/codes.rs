//! The code lists of GB/T 39046-2020 《政务服务平台基础数据规范》 a case's
//! records are written in, as closed enums: a province's profile spells each
//! by its `code()`, never by Bianmin's own names. Where a province numbers
//! a list differently (Zhejiang's satisfaction runs the other way), the
//! profile maps it explicitly from these.

use crate::case::rating;
use crate::catalog::CaseKind;

/// 办件类型.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseType {
    /// 1 即办件.
    Immediate,
    /// 2 承诺件.
    Promised,
    /// 9 其他 (联办件, 上报件).
    Other,
}

impl CaseType {
    pub fn code(self) -> &'static str {
        match self {
            Self::Immediate => "1",
            Self::Promised => "2",
            Self::Other => "9",
        }
    }

    pub fn of(kind: CaseKind) -> Self {
        match kind {
            CaseKind::Immediate => Self::Immediate,
            CaseKind::Promised => Self::Promised,
            CaseKind::Joint | CaseKind::Forwarded => Self::Other,
        }
    }
}

/// 申报来源: where the application was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// 1 窗口 (entered at the window, the hall pad).
    Window,
    /// 2 电脑端网上申报.
    Pc,
    /// 3 移动端 (a phone's browser, WeChat).
    Mobile,
    /// 4 快递.
    Courier,
    /// 9 其他.
    Other,
}

impl Source {
    /// An online application's source by its browser: a phone's (移动端:
    /// a mobile browser, WeChat, an app's web view) or a computer's (电脑端).
    pub fn of_user_agent(agent: &str) -> Self {
        const PHONES: [&str; 6] = ["Mobile", "Android", "iPhone", "iPad", "MicroMessenger", "HarmonyOS"];
        if PHONES.iter().any(|p| agent.contains(p)) { Self::Mobile } else { Self::Pc }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Window => "1",
            Self::Pc => "2",
            Self::Mobile => "3",
            Self::Courier => "4",
            Self::Other => "9",
        }
    }
}

/// 证件类型: a resident ID card (GA/T 2000.156 `111`) for a person; an
/// organisation's unified social credit code, whose code a province's profile
/// names (most use `001`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    ResidentId,
    CreditCode,
}

impl IdKind {
    /// The code, with the one a profile gives the credit code.
    pub fn code(self, credit_code: &str) -> &str {
        match self {
            Self::ResidentId => "111",
            Self::CreditCode => credit_code,
        }
    }
}

/// 业务动作 of one step (事项办理).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// 通过: the step passed the case on.
    Pass,
    /// 退回: back to the applicant (补正) or out (不予受理).
    Return,
    /// 其他: paused, resumed, withdrawn, ended.
    Other,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Pass => "通过",
            Self::Return => "退回",
            Self::Other => "其他",
        }
    }
}

/// 特别程序种类.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialKind {
    /// 1 延长审批.
    Extension,
    /// 2 其他 (实地核查、听证、检验、检测、检疫、鉴定、专家评审 …).
    Other,
}

impl SpecialKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Extension => "1",
            Self::Other => "2",
        }
    }
}

/// 满意度 as GB/T 39046 codes it: 1 非常满意 … 5 非常不满意 — the reverse
/// of Bianmin's own scale (5 非常满意 … 1 非常不满意).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Satisfaction(u8);

impl Satisfaction {
    /// From Bianmin's 1–5 (5 best); `None` outside it.
    pub fn of_overall(overall: u8) -> Option<Self> {
        (1..=5).contains(&overall).then(|| Self(6 - overall))
    }

    /// From the standard's code (`1` 非常满意 … `5`); `None` outside it.
    pub fn of_code(code: u8) -> Option<Self> {
        (1..=5).contains(&code).then_some(Self(code))
    }

    /// The standard's code, `1` (非常满意) to `5`.
    pub fn code(self) -> u8 {
        self.0
    }

    /// Bianmin's own level again (5 非常满意): what a profile whose scale
    /// runs that way (Zhejiang's) reports.
    pub fn overall(self) -> u8 {
        6 - self.0
    }
}

/// 评价渠道, numbered as the national 好差评 system lists them.
pub fn rating_channel(channel: rating::Channel) -> &'static str {
    match channel {
        rating::Channel::Pc => "1",
        rating::Channel::Mobile => "2",
        rating::Channel::QrCode => "3",
        rating::Channel::HallPad => "4",
        rating::Channel::Phone => "6",
        rating::Channel::Sms => "7",
        // A default rating is the system's own: 其他.
        rating::Channel::Default => "9",
    }
}

/// The rating channel a province's code names (a rating made on its own page); `None` for a code it does not list.
pub fn channel_of(code: &str) -> Option<rating::Channel> {
    rating::Channel::ALL.into_iter().find(|c| rating_channel(*c) == code)
}

/// A time as the standard writes it, in Beijing time: `20261206T103000`.
pub fn stamp(rfc3339: &str) -> Option<String> {
    let secs = crate::time::date::unix_secs(rfc3339)? + 8 * 3600;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let day = crate::time::date::Date::from_days(days).compact();
    Some(format!("{day}T{:02}{:02}{:02}", rest / 3600, rest % 3600 / 60, rest % 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provinces_channel_code_reads_back_as_the_channel_it_was_written_from() {
        for channel in rating::Channel::ALL {
            assert_eq!(channel_of(rating_channel(channel)), Some(channel));
        }
        assert_eq!(channel_of("5"), None);
        assert_eq!(Satisfaction::of_code(1).map(Satisfaction::overall), Some(5));
        assert_eq!(Satisfaction::of_code(6), None);
    }

    #[test]
    fn the_standards_satisfaction_runs_the_other_way() {
        let codes: Vec<u8> = (1..=5).rev().map(|o| Satisfaction::of_overall(o).unwrap().code()).collect();
        assert_eq!(codes, [1, 2, 3, 4, 5], "非常满意 (5 here) is 1 there");
        assert_eq!(Satisfaction::of_overall(0), None);
        assert_eq!(Satisfaction::of_overall(2).unwrap().overall(), 2);
    }

    #[test]
    fn times_are_written_in_beijing_time_without_separators() {
        assert_eq!(stamp("2026-12-05T18:30:05Z").as_deref(), Some("20261206T023005"));
        assert_eq!(stamp("not a time"), None);
    }

    #[test]
    fn a_phones_browser_is_mobile_and_a_desktops_is_pc() {
        let wechat = "Mozilla/5.0 (Linux; Android 12; V2118A) AppleWebKit/537.36 Chrome/107.0 Mobile Safari/537.36 MicroMessenger/8.0.49";
        assert_eq!(Source::of_user_agent(wechat), Source::Mobile);
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
        assert_eq!(Source::of_user_agent(iphone), Source::Mobile);
        let desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
        assert_eq!(Source::of_user_agent(desktop), Source::Pc);
        assert_eq!(Source::of_user_agent(""), Source::Pc);
    }

    #[test]
    fn case_kinds_have_the_standards_types() {
        assert_eq!(CaseType::of(CaseKind::Immediate).code(), "1");
        assert_eq!(CaseType::of(CaseKind::Promised).code(), "2");
        assert_eq!(CaseType::of(CaseKind::Joint).code(), "9");
    }
}
