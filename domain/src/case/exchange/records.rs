//! The records GB/T 39046-2020 asks a province be sent of a case, as one
//! internal model: what every province's profile (a front database's
//! tables, an acceptance platform's calls) is written from. Times are the
//! standard's `YYYYMMDDThhmmss` in Beijing time; codes are the standard's
//! ([`super::codes`]).

use super::codes::{Action, CaseType, IdKind, Satisfaction, Source, SpecialKind};

/// A person or organisation as the records name them (申请人, 代理人).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub id_kind: IdKind,
    /// The ID number or the credit code.
    pub id_number: String,
    pub phone: String,
    pub address: String,
    /// 法定代表人 (an organisation's).
    pub legal_representative: Option<String>,
}

/// One material as received (办事申请's material rows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Material {
    pub name: String,
    /// 是否收取: given, or 容缺 (to come later).
    pub received: bool,
    /// Electronic files (网上申报), how many.
    pub files: u32,
}

/// 办事申请: the application as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    /// 办件编号: the province's number of the case.
    pub case_number: String,
    /// 实施编码.
    pub item_code: String,
    pub item_name: String,
    pub case_type: CaseType,
    pub applicant: Party,
    pub agent: Option<Party>,
    /// 申报来源.
    pub source: Source,
    /// 申请时间.
    pub applied_at: String,
    /// 行政区划 of the deciding unit.
    pub region: String,
    pub materials: Vec<Material>,
}

/// 事项受理: accepted (受理, 视为受理) or not (不予受理).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acceptance {
    pub case_number: String,
    /// 基本编码.
    pub basic_code: String,
    pub item_code: String,
    /// 受理单位 and its 统一社会信用代码.
    pub unit: String,
    pub unit_credit_code: String,
    /// 受理人员.
    pub clerk: String,
    /// 受理时间.
    pub at: String,
    /// 受理文书编号 (受理通知书, 不予受理决定书).
    pub document_number: String,
    /// 承诺办结时间 (the end of the promised day); none when not accepted.
    pub promised_by: Option<String>,
    pub case_type: CaseType,
    pub accepted: bool,
    /// Why not (不予受理).
    pub reason: Option<String>,
}

/// 事项办理: one step of the handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handling {
    pub case_number: String,
    /// 业务动作.
    pub action: Action,
    /// 环节名称.
    pub step: String,
    /// 处理人.
    pub handler: String,
    /// 处理意见.
    pub opinion: String,
    /// 办理时间.
    pub at: String,
}

/// 特别程序: an extension, or a pause for a procedure the law allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Special {
    pub case_number: String,
    pub kind: SpecialKind,
    /// The procedure's name (延长审批, 现场核查, 听证 …).
    pub name: String,
    pub reason: String,
    /// Who approved or asked for it.
    pub approver: String,
    pub started_at: String,
    /// Set when the procedure ended (恢复办理); an extension ends when given.
    pub ended_at: Option<String>,
    /// 特别程序结果 (what came of it), once ended.
    pub result: Option<String>,
    /// Working days it adds (an extension).
    pub days: Option<u16>,
    pub unit: String,
}

/// How a case ended (事项办结).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// 办结: granted (准予) or done.
    Granted,
    /// 办结: denied (不予许可).
    Denied,
    /// 撤回: withdrawn by the applicant.
    Withdrawn,
    /// 终止 (作废): ended by the rules (a 容缺 deadline missed).
    Terminated,
}

/// 事项办结.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub case_number: String,
    pub ending: Ending,
    /// 办理人.
    pub handler: String,
    /// 办结时间.
    pub at: String,
    /// 办件结果描述.
    pub result: String,
    /// 决定书文号.
    pub document_number: Option<String>,
    /// 结果证照名称, 编号, 有效期限 (`YYYYMMDD`; none: 长期).
    pub certificate: Option<(String, String, Option<String>)>,
    /// 发证单位.
    pub unit: String,
    /// 是否快递寄送结果.
    pub posted: bool,
    /// 是否收费.
    pub charged: bool,
}

/// 评价: one rating of the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub case_number: String,
    /// 评价渠道 (the standard's code).
    pub channel: &'static str,
    pub at: String,
    /// 评价次数: 1, or 2 after a 差评 was answered.
    pub round: u8,
    pub satisfaction: Satisfaction,
    /// Why, for 不满意 and 非常不满意.
    pub reason: String,
    /// 受理 (false) or 办结 (true) stage.
    pub at_completion: bool,
}

/// One record of one case, as the exchange sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Application(Application),
    Acceptance(Acceptance),
    Handling(Handling),
    Special(Special),
    Completion(Completion),
    Evaluation(Evaluation),
}

impl Record {
    /// The dataset's name, as the outbox and the console name a record.
    pub fn dataset(&self) -> &'static str {
        match self {
            Self::Application(_) => "办事申请",
            Self::Acceptance(_) => "事项受理",
            Self::Handling(_) => "事项办理",
            Self::Special(_) => "特别程序",
            Self::Completion(_) => "事项办结",
            Self::Evaluation(_) => "评价",
        }
    }
}
