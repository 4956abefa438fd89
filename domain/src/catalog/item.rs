//! The service catalog (事项目录): what can be applied for and what its guide says.
//!
//! Field names follow the national implementation list (实施清单). Enum values are
//! English codes on the wire; the catalog files may use the Chinese term instead
//! (`case_kind = "承诺件"` and `case_kind = "promised"` mean the same).

use serde::{Deserialize, Serialize};

use crate::apply::form::Field;
use crate::apply::parties::Party;
use crate::catalog::situation::{Condition, Question};

/// 政务服务事项: one thing a citizen or company can apply for.
///
/// Text fields default to empty so that the catalog checker can report every
/// missing one at once instead of stopping at the first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceItem {
    /// 事项编码, unique in the catalog; used in URLs.
    #[serde(default)]
    pub code: String,
    /// 基本编码: the national code of the item this one implements (the
    /// province's records name both); needed when cases are reported upward.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basic_code: String,
    #[serde(default)]
    pub name: String,
    /// One sentence in plain words: what this item gets you.
    #[serde(default)]
    pub summary: String,
    pub kind: ItemKind,
    /// 实施主体: the department that decides.
    #[serde(default)]
    pub department: String,
    /// Who may apply (个人 / 法人).
    #[serde(default)]
    pub applicants: Vec<ApplicantType>,
    pub case_kind: CaseKind,
    /// 法定办结时限, working days.
    pub legal_limit_days: u16,
    /// 承诺办结时限, working days; never above the legal limit.
    pub promised_limit_days: u16,
    /// 到办事现场次数: 0 means fully online (全程网办).
    pub visits: u8,
    /// Sign-in this item requires, as an assurance level (1–4, see
    /// `domain::account::identity::Assurance`); none: anyone may apply without signing in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_level: Option<u8>,
    pub fee: Fee,
    /// Other words people search with (俗称).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The name in English, for residents who search in English (the
    /// checker requires it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub english_name: String,
    /// English words people search with ("tobacco", "cigarettes").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub english_keywords: Vec<String>,
    /// 受理条件.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// 办理流程.
    #[serde(default)]
    pub procedure: Vec<Step>,
    /// 设定依据.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// 办理地点.
    #[serde(default)]
    pub place: String,
    /// 办理时间.
    #[serde(default)]
    pub hours: String,
    /// 咨询电话.
    #[serde(default)]
    pub consult_phone: String,
    /// 监督投诉电话.
    #[serde(default)]
    pub complaint_phone: String,
    /// 情形引导: questions whose answers select the materials that apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// 申请材料.
    #[serde(default)]
    pub materials: Vec<Material>,
    /// The item's own form fields, beyond who applies (declared in `domain::apply::form`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// 当事人 where the law has more than one (declared in `domain::apply::parties`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Party>,
}

impl ServiceItem {
    /// Its materials as (id, name): what a 补正 may name, in people's words.
    pub fn material_names(&self) -> Vec<(String, String)> {
        self.materials.iter().map(|m| (m.id.clone(), m.name.clone())).collect()
    }
}

/// 事项类型.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    #[cfg_attr(feature = "aliases", serde(alias = "行政许可"))]
    Licensing,
    #[cfg_attr(feature = "aliases", serde(alias = "行政确认"))]
    Confirmation,
    #[cfg_attr(feature = "aliases", serde(alias = "行政给付"))]
    Benefit,
    #[cfg_attr(feature = "aliases", serde(alias = "行政备案"))]
    Filing,
    #[cfg_attr(feature = "aliases", serde(alias = "其他行政权力"))]
    OtherPower,
    #[cfg_attr(feature = "aliases", serde(alias = "公共服务"))]
    PublicService,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Licensing => "行政许可",
            Self::Confirmation => "行政确认",
            Self::Benefit => "行政给付",
            Self::Filing => "行政备案",
            Self::OtherPower => "其他行政权力",
            Self::PublicService => "公共服务",
        }
    }
}

/// 申请人类型: a person, or a company or other organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicantType {
    #[cfg_attr(feature = "aliases", serde(alias = "个人", alias = "自然人"))]
    Individual,
    #[cfg_attr(feature = "aliases", serde(alias = "法人", alias = "法人及其他组织"))]
    Organisation,
}

impl ApplicantType {
    pub const ALL: [Self; 2] = [Self::Individual, Self::Organisation];

    pub fn label(self) -> &'static str {
        match self {
            Self::Individual => "个人",
            Self::Organisation => "企业和组织",
        }
    }

    /// The code used in query strings (`?applicant=individual`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Organisation => "organisation",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// 办件类型.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 即办件: done on the spot, the same day.
    #[cfg_attr(feature = "aliases", serde(alias = "即办件"))]
    Immediate,
    /// 承诺件 (承办件): reviewed, finished within the promised limit.
    #[cfg_attr(feature = "aliases", serde(alias = "承诺件", alias = "承办件"))]
    Promised,
    /// 联办件: several departments, one lead.
    #[cfg_attr(feature = "aliases", serde(alias = "联办件"))]
    Joint,
    /// 上报件: forwarded to a higher level for the decision.
    #[cfg_attr(feature = "aliases", serde(alias = "上报件"))]
    Forwarded,
}

impl CaseKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "即办件",
            Self::Promised => "承诺件",
            Self::Joint => "联办件",
            Self::Forwarded => "上报件",
        }
    }

    /// What the kind means for the applicant, in plain words.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Immediate => "材料齐全的当场办结",
            Self::Promised => "受理后审核，在承诺时限内办结",
            Self::Joint => "多个部门联合办理，由牵头部门统一受理和答复",
            Self::Forwarded => "初审后报上级部门决定",
        }
    }
}

/// 收费: one fee per item (一费制), or free.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    pub free: bool,
    /// 收费标准, in words ("每证 10 元"); required when not free.
    #[serde(default)]
    pub standard: String,
    /// 收费依据.
    #[serde(default)]
    pub basis: String,
}

impl Fee {
    pub fn label(&self) -> &str {
        if self.free { "不收费" } else { &self.standard }
    }
}

/// One step of the procedure (办理流程).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// 申请材料: one document of the checklist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    /// Stable key within the item (uploads and rules refer to it).
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// 材料形式: paper original, paper copy, electronic.
    #[serde(default)]
    pub forms: Vec<MaterialForm>,
    /// 原件份数.
    #[serde(default)]
    pub originals: u8,
    /// 复印件份数.
    #[serde(default)]
    pub copies: u8,
    pub necessity: Necessity,
    pub source: MaterialSource,
    /// 受理标准: what makes the document acceptable.
    #[serde(default)]
    pub standard: String,
    /// Accepted electronic file types for upload.
    #[serde(default)]
    pub file_types: Vec<FileType>,
    /// Largest single file, in MB.
    #[serde(default = "default_max_file_mb")]
    pub max_file_mb: u16,
    /// Most files for this material (front and back of an ID card = 2).
    #[serde(default = "default_max_files")]
    pub max_files: u8,
    /// Named sides or pages (人像面, 国徽面), one file each: the applicant sees
    /// which side is still missing, and staff see which file is which.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<String>,
    /// The party whose document it is (卖方's 婚姻状况证明).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// 空白表格: a path under `public/`, such as `forms/xxx.pdf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_form: Option<String>,
    /// 示例样表: a path under `public/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// 材料依据.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// Anything else the applicant should know (备注).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Needed only when this holds over the situation answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// One of these per unit of a number answer (one 行驶证 per vehicle): the question id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    /// The government already holds it and fetches it itself: the applicant need
    /// not provide it. Always so for `source = e_licence`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held_by_government: bool,
    /// Whether a signed-in applicant may use a file of theirs from an earlier
    /// case for it (材料复用): false where the department needs a new one (a
    /// photo taken for this application).
    #[serde(default = "reusable_by_default", skip_serializing_if = "Clone::clone")]
    pub reusable: bool,
}

impl Material {
    /// Whether the applicant does not have to provide this.
    pub fn not_needed_from_applicant(&self) -> bool {
        self.held_by_government || self.source == MaterialSource::ELicence
    }
}

fn reusable_by_default() -> bool {
    true
}

fn default_max_file_mb() -> u16 {
    20
}

fn default_max_files() -> u8 {
    5
}

/// 材料形式.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    #[cfg_attr(feature = "aliases", serde(alias = "纸质原件", alias = "原件"))]
    PaperOriginal,
    #[cfg_attr(feature = "aliases", serde(alias = "纸质复印件", alias = "复印件"))]
    PaperCopy,
    #[cfg_attr(feature = "aliases", serde(alias = "电子", alias = "电子版"))]
    Electronic,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            Self::PaperOriginal => "原件",
            Self::PaperCopy => "复印件",
            Self::Electronic => "电子版",
        }
    }
}

/// 必要性: must it be there when applying?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Necessity {
    #[cfg_attr(feature = "aliases", serde(alias = "必要"))]
    Required,
    #[cfg_attr(feature = "aliases", serde(alias = "非必要"))]
    Optional,
    /// 容缺后补: may be supplied after acceptance, against a signed pledge.
    #[cfg_attr(feature = "aliases", serde(alias = "容缺后补", alias = "容缺"))]
    Tolerated,
}

impl Necessity {
    /// The wire code (`required`), for class names.
    pub fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Optional => "optional",
            Self::Tolerated => "tolerated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Required => "必须提交",
            Self::Optional => "按需提交",
            Self::Tolerated => "可容缺后补",
        }
    }
}

/// 来源渠道: who produces the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialSource {
    #[cfg_attr(feature = "aliases", serde(alias = "申请人自备"))]
    Applicant,
    #[cfg_attr(feature = "aliases", serde(alias = "政府部门核发"))]
    Government,
    /// 电子证照库: the centre can fetch it; the applicant need not bring it.
    #[cfg_attr(feature = "aliases", serde(alias = "电子证照库"))]
    ELicence,
}

impl MaterialSource {
    pub fn label(self) -> &'static str {
        match self {
            Self::Applicant => "申请人自备",
            Self::Government => "政府部门核发",
            Self::ELicence => "电子证照库调取，无需提供",
        }
    }
}

/// An electronic file type a material accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    #[cfg_attr(feature = "aliases", serde(alias = "jpeg"))]
    Jpg,
    Png,
}

impl FileType {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Jpg => "JPG",
            Self::Png => "PNG",
        }
    }
}

/// The short form shown in search results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub department: String,
    pub applicants: Vec<ApplicantType>,
    pub case_kind: CaseKind,
    pub promised_limit_days: u16,
    pub legal_limit_days: u16,
    pub visits: u8,
    pub fee: String,
    /// Shown under the name when the search was in English.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub english_name: String,
}

impl From<&ServiceItem> for ServiceSummary {
    fn from(item: &ServiceItem) -> Self {
        Self {
            code: item.code.clone(),
            name: item.name.clone(),
            summary: item.summary.clone(),
            department: item.department.clone(),
            applicants: item.applicants.clone(),
            case_kind: item.case_kind,
            promised_limit_days: item.promised_limit_days,
            legal_limit_days: item.legal_limit_days,
            visits: item.visits,
            fee: item.fee.label().to_owned(),
            english_name: item.english_name.clone(),
        }
    }
}

/// How many visits, in plain words.
pub fn visits_label(visits: u8) -> String {
    match visits {
        0 => "全程网办，不用跑现场".to_owned(),
        n => ["最多跑 ", &crate::decimal::decimal(n), " 次"].concat(),
    }
}
