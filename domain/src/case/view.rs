//! What crosses the API about cases: the applicant's view of a case, the
//! staff's, ratings (好差评) with their rules, and the public figures (数据公开)
//! computed from the ledger.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::form::FieldError;
use crate::case::{Event, Status, SupplementItem};
use crate::time::calendar::{Calendar, Light};
use crate::time::date::Date;

/// A case number with its query code: the only way to a case for the applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseKey {
    pub case_number: String,
    /// Empty for one of the signed-in person's own cases (我的办件), sent with the session.
    pub query_code: String,
}

impl CaseKey {
    /// What is wrong with a typed key's shape, before anything is asked of the
    /// server: both codes as the receipt prints them.
    pub fn typed_problem(&self) -> Option<&'static str> {
        let well_formed = crate::reference::CaseNumber::parse(&self.case_number).is_some()
            && crate::reference::QueryCode::parse(&self.query_code).is_some();
        (!well_formed).then_some("请输入回执上的办件编号和查询码，例如 ABCD-EFGH")
    }
}

/// `POST /api/cases/documents`: the applicant's copy of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRequest {
    #[serde(flatten)]
    pub key: CaseKey,
    /// The document's id, as the case lists it.
    pub id: String,
    #[serde(default)]
    pub format: crate::case::document::Format,
}

/// A material as the applicant sees it on the status page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialAsk {
    pub material: String,
    pub name: String,
    /// Why it is asked for (补正), empty for a 容缺 material.
    #[serde(default)]
    pub reason: String,
    /// The material as the catalog defines it (file types, size, sides), its
    /// id the ask's: the status page takes the upload from it without reading
    /// the whole item or bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<crate::catalog::Material>,
}

/// `POST /api/cases/lookup`: where the case stands, in plain words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub case_number: String,
    /// The province's number of the case (办件编号), where the centre numbers cases for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_number: Option<String>,
    /// The province gives the case its number and has not yet (已提交（待赋码）).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province_pending: bool,
    /// Where this case is rated, when the province collects ratings on its own
    /// page (shown instead of Bianmin's form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_rating_url: Option<String>,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    pub status: Status,
    pub status_label: String,
    pub next_step: String,
    pub submitted_at: String,
    pub promised_limit_days: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Working days left (negative once overdue), while the clock runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<Light>,
    pub timeline: Vec<Event>,
    /// 补正告知: every material to add or fix, with reasons.
    #[serde(default)]
    pub supplement: Vec<MaterialAsk>,
    /// The last day to supply them (after it the application counts as withdrawn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply_by: Option<Date>,
    /// 容缺 materials still to supply, and by when.
    #[serde(default)]
    pub later: Vec<MaterialAsk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later_due: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// 办结's decision: granted or not, the document number, the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::case::decision::Decision>,
    /// The written notices and decisions issued (受理通知书 …), to download.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<crate::case::document::DocumentRef>,
    pub can_withdraw: bool,
    /// The completion may be rated now (first, or again after the department's answer).
    pub can_rate: bool,
    /// The completion's rating that stands (the last round).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// The acceptance may be rated now.
    #[serde(default)]
    pub can_rate_acceptance: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_rating: Option<Rating>,
    /// A joint case (联办件): each department's part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartView>,
    /// Who applied for whom, when an agent applied (`ApplicationForm::on_behalf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf: Option<String>,
}

/// One part of a joint case as the applicant sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartView {
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub status: Status,
    pub status_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<Light>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::case::decision::Decision>,
}

impl CaseView {
    /// What the applicant must do now, when it is more than waiting: 容缺
    /// materials still due after acceptance, named with their last day (the
    /// general next step would say 不用做什么).
    pub fn what_is_due(&self) -> Option<String> {
        match self.to_supply() {
            Some((asks, false)) => {
                let names = asks.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("、");
                let by =
                    self.later_due.map(|d| format!("请在 {} 前", d.chinese())).unwrap_or_else(|| "请尽快".to_owned());
                Some(format!("{by}补交 {} 项容缺材料：{names}。逾期未补交的，将终止办理。", asks.len()))
            }
            Some((_, true)) | None => None,
        }
    }

    /// What the applicant may supply now, and whether it is a supplement (补正:
    /// what the department asked for) rather than 容缺 materials left for later,
    /// which the case takes while [`Status::takes_later_materials`] says so.
    pub fn to_supply(&self) -> Option<(Vec<MaterialAsk>, bool)> {
        asked(&self.supplement, &self.later, self.status)
    }

    /// The stage the applicant may rate now (好差评): the completion once it
    /// may be rated, else the acceptance; none when neither may.
    pub fn rating_stage(&self) -> Option<crate::case::rating::Stage> {
        use crate::case::rating::Stage;
        if self.can_rate {
            Some(Stage::Completion)
        } else if self.can_rate_acceptance {
            Some(Stage::Acceptance)
        } else {
            None
        }
    }

    /// A new round of the completion's rating, after the department answered
    /// the last (the page says 再次评价, not 评价).
    pub fn rates_again(&self) -> bool {
        self.can_rate && self.rating.is_some()
    }
}

/// See [`CaseView::to_supply`].
fn asked(supplement: &[MaterialAsk], later: &[MaterialAsk], status: Status) -> Option<(Vec<MaterialAsk>, bool)> {
    if !supplement.is_empty() {
        Some((supplement.to_vec(), true))
    } else if !later.is_empty() && status.takes_later_materials() {
        Some((later.to_vec(), false))
    } else {
        None
    }
}

/// What the supply page reads of a [`CaseView`]: the same JSON, the rest
/// skipped. The whole view's reader belongs to the status page; the page of
/// uploads carries only this one.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SupplyView {
    pub item_code: String,
    pub item_name: String,
    pub status: Status,
    #[serde(default)]
    pub supplement: Vec<MaterialAsk>,
    #[serde(default)]
    pub supply_by: Option<Date>,
    #[serde(default)]
    pub later: Vec<MaterialAsk>,
    #[serde(default)]
    pub later_due: Option<Date>,
}

impl SupplyView {
    /// As [`CaseView::to_supply`].
    pub fn to_supply(&self) -> Option<(Vec<MaterialAsk>, bool)> {
        asked(&self.supplement, &self.later, self.status)
    }
}

/// `POST /api/cases/supplement`: the requested (or 容缺) materials' new uploads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementBody {
    #[serde(flatten)]
    pub key: CaseKey,
    /// Upload ids by material id.
    pub files: BTreeMap<String, Vec<String>>,
}

/// The five levels of 好差评.
pub const LEVELS: [(u8, &str); 5] = [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")];

/// The online indicators rated besides the overall level.
pub const INDICATORS: [(&str, &str); 4] =
    [("efficiency", "办事效率"), ("guide", "办事指南准确"), ("convenience", "办理便捷"), ("ease", "网站好不好用")];

pub fn level_label(level: u8) -> &'static str {
    LEVELS.iter().find(|(l, _)| *l == level).map_or("", |(_, label)| label)
}

/// One rating of a completed case (一事一评).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// 1–5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub overall: u8,
    /// Indicator id → 1–5 (optional each).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = indicators_schema))]
    pub indicators: BTreeMap<String, u8>,
    /// Required for 不满意 and 非常不满意.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: String,
}

/// `indicators` as the schema says it: the known ids only, each 1–5.
#[cfg(feature = "openapi")]
fn indicators_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let level = || ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(5));
    INDICATORS
        .iter()
        .fold(ObjectBuilder::new().schema_type(Type::Object), |object, (id, label)| {
            object.property(*id, level().description(Some(*label)))
        })
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)))
        .build()
}

/// `POST /api/cases/rating`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingBody {
    #[serde(flatten)]
    pub key: CaseKey,
    pub rating: Rating,
    /// 受理 or 办结 (the default).
    #[serde(default)]
    pub stage: crate::case::rating::Stage,
    /// Where it was given (电脑端 unless said).
    #[serde(default)]
    pub channel: crate::case::rating::Channel,
}

/// `POST /api/staff/cases/{case}/rating`: a rating given on the window's pad.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PadRating {
    pub rating: Rating,
}

/// What the pad recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PadRated {
    pub stage: crate::case::rating::Stage,
    pub round: u8,
}

/// The rules of a rating: a level, known indicators, a reason when unhappy.
pub fn check_rating(rating: &Rating) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut report = |field: &str, message: String| problems.push(FieldError { field: field.to_owned(), message });
    if !(1..=5).contains(&rating.overall) {
        report("overall", "请选择总体评价（非常满意到非常不满意）".to_owned());
    }
    for (id, level) in &rating.indicators {
        match INDICATORS.iter().find(|(known, _)| known == id) {
            None => report(&format!("indicators.{id}"), format!("没有“{id}”这项评价")),
            Some((_, label)) if !(1..=5).contains(level) => {
                report(&format!("indicators.{id}"), format!("请为“{label}”选一个评价"))
            }
            _ => {}
        }
    }
    let reason = rating.reason.trim().chars().count();
    if (1..=2).contains(&rating.overall) && reason == 0 {
        report("reason", "选择不满意的，请写下原因，我们会在 15 个工作日内答复".to_owned());
    }
    if reason > 500 {
        report("reason", "原因不能超过500个字".to_owned());
    }
    problems
}

/// `POST /api/complaints`: a complaint about a case or a window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseKey>,
    /// 5 to 1000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 1000))]
    pub text: String,
    /// For the reply; optional, never shown again.
    #[serde(default)]
    pub phone: String,
}

pub fn check_complaint(body: &ComplaintBody) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let length = body.text.trim().chars().count();
    if length < 5 {
        problems.push(FieldError { field: "text".into(), message: "请写下投诉的事情，至少5个字".into() });
    } else if length > 1000 {
        problems.push(FieldError { field: "text".into(), message: "投诉内容不能超过1000个字".into() });
    }
    if !body.phone.trim().is_empty() && crate::apply::identity::check_mobile(&body.phone).is_err() {
        problems
            .push(FieldError { field: "phone".into(), message: "请输入11位手机号码，或者不填".into() });
    }
    problems
}

/// A case for the staff: everything, files included (downloaded through the API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCase {
    pub case_number: String,
    /// The province's number of the case (办件编号), where the centre numbers cases for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_number: Option<String>,
    /// The province gives the case its number and has not yet (已提交（待赋码）).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province_pending: bool,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub status: Status,
    pub status_label: String,
    pub submitted_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<Light>,
    /// Waiting for the first answer: the last day to accept, refuse or ask
    /// for a supplement before the application counts as accepted (视为受理).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_by: Option<Date>,
    /// 办结's decision, when one was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::case::decision::Decision>,
    /// The application as submitted (answers, form, 容缺 choice).
    pub application: crate::apply::submission::Submission,
    pub files: Vec<CaseFile>,
    #[serde(default)]
    pub supplement: Vec<SupplementItem>,
    /// The last day to supply what the 补正告知 asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply_by: Option<Date>,
    /// A joint case's part: its answer to the lead before acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consult: Option<crate::case::joint::Consult>,
    /// Before a joint case's acceptance: the last day the co-departments answer the lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consult_by: Option<Date>,
    pub timeline: Vec<Event>,
    /// What may be done now: action names.
    pub actions: Vec<String>,
    /// A part of a joint case: the whole's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_number: Option<String>,
    /// The whole of a joint case (the lead's view): every part, side by side.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub parts: Vec<StaffCase>,
    /// The whole: the combined supplement notice it sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notice: Vec<crate::case::joint::JointSupplement>,
    /// A part: what its department asked for, waiting for the lead's notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<SupplementItem>,
    /// The written notices and decisions issued, to download.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<crate::case::document::DocumentRef>,
    /// 差评 and complaints about this case, as work orders (answered or not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub work_orders: Vec<crate::case::work_order::WorkOrder>,
    /// What was sent about this case, to whom (masked), when and with what result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<NotificationView>,
}

/// One notification of a case as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// `webhook` (later `sms`, `email`).
    pub channel: String,
    /// The department, or the applicant's phone or address masked (139****5678).
    pub recipient: String,
    /// `case.accept`, …
    pub event: String,
    /// `pending`, `done` or `dead`.
    pub state: String,
    pub attempts: u32,
    /// RFC 3339, UTC: when it was written, and when it was delivered.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// One file of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFile {
    pub material: String,
    pub material_name: String,
    pub upload: String,
    pub name: String,
    pub size: u64,
    /// RFC 3339; later than submission for supplements.
    pub added_at: String,
    /// `GET` this (with the token) to download.
    pub download: String,
    /// Scanned for viruses and found clean (false: the centre has no scanner, or
    /// the file came before it had one).
    #[serde(default)]
    pub scanned: bool,
}

/// One line of the staff's case list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCaseSummary {
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub status: Status,
    pub status_label: String,
    pub submitted_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<Light>,
    /// Waiting for the first answer: the last day to give it (the light then
    /// says how close it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_by: Option<Date>,
    /// Who applied, masked (`李*`): the applicant or the organisation.
    #[serde(default)]
    pub applicant: String,
    /// A part of a joint case: the whole's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_number: Option<String>,
    /// The whole of a joint case: each department's part, in the bundle's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartSummary>,
}

/// One part of a joint case in the staff list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartSummary {
    pub case_number: String,
    pub item_name: String,
    pub department: String,
    pub status_label: String,
}

/// What the public figures are computed from: one case of the ledger (台账).
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerEntry {
    pub department: String,
    /// Counted in the overall figures (a joint case once, as its whole) and
    /// in its department's (a joint case's parts, each in its own).
    pub overall: bool,
    pub per_department: bool,
    pub status: Status,
    pub promised_days: u16,
    pub accepted_on: Option<Date>,
    pub due: Option<Date>,
    pub completed_on: Option<Date>,
    pub rating: Option<u8>,
    /// 补正告知 sent for the case (each a round).
    pub supplement_rounds: u32,
}

/// One work order (差评 or complaint), as the figures count it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderEntry {
    pub department: String,
    pub opened_on: Date,
    pub due: Date,
    pub replied_on: Option<Date>,
}

/// 数据公开: one department's (or everyone's) figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// The department, or "全部" for the whole centre.
    pub department: String,
    /// 受理件: cases accepted.
    pub received: u32,
    /// 办结件.
    pub completed: u32,
    /// 即办件 share: completed on the day of acceptance, of completed (percent).
    pub on_the_spot_percent: Option<f64>,
    /// 按时办结率: completed by the due date, of completed (percent).
    pub on_time_percent: Option<f64>,
    /// Average working days from acceptance to completion.
    pub average_days: Option<f64>,
    /// Average promised working days of the same cases.
    pub average_promised_days: Option<f64>,
    /// 满意率: 基本满意 or better, of ratings (percent).
    pub satisfaction_percent: Option<f64>,
    pub ratings: u32,
    /// Cases sent at least one 补正告知.
    #[serde(default)]
    pub supplemented: u32,
    /// 一次告知率: of those, the ones asked once only (percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_notice_percent: Option<f64>,
    /// 差评 and complaints to answer (work orders).
    #[serde(default)]
    pub work_orders: u32,
    /// Of those, answered late or still unanswered past the due date.
    #[serde(default)]
    pub overdue_work_orders: u32,
    /// Average working days from a work order to its reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_reply_days: Option<f64>,
}

/// `GET /api/figures`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicFigures {
    pub overall: Figures,
    pub departments: Vec<Figures>,
}

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

fn figures_of(
    department: &str,
    entries: &[&LedgerEntry],
    orders: &[&OrderEntry],
    calendar: &Calendar,
    today: Date,
) -> Figures {
    let received = entries.iter().filter(|e| e.accepted_on.is_some()).count() as u32;
    let done: Vec<(&LedgerEntry, Date, Date)> = entries
        .iter()
        .filter(|e| e.status == Status::Completed)
        .filter_map(|e| Some((*e, e.accepted_on?, e.completed_on?)))
        .collect();
    let completed = done.len() as u32;
    let taken: Vec<u32> = done.iter().map(|(_, from, to)| calendar.working_days_between(*from, *to)).collect();
    let on_the_spot = taken.iter().filter(|d| **d == 0).count() as u32;
    let on_time = done.iter().filter(|(e, _, to)| e.due.is_none_or(|due| *to <= due)).count() as u32;
    let average = |values: &mut dyn Iterator<Item = f64>| {
        let all: Vec<f64> = values.collect();
        (!all.is_empty()).then(|| (all.iter().sum::<f64>() / all.len() as f64 * 10.0).round() / 10.0)
    };
    let ratings: Vec<u8> = entries.iter().filter_map(|e| e.rating).collect();
    let satisfied = ratings.iter().filter(|r| **r >= 3).count() as u32;
    let supplemented = entries.iter().filter(|e| e.supplement_rounds > 0).count() as u32;
    let overdue = orders.iter().filter(|o| o.replied_on.unwrap_or(today) > o.due).count() as u32;
    let mut replies = orders.iter().filter_map(|o| Some(calendar.working_days_between(o.opened_on, o.replied_on?)));
    let once = entries.iter().filter(|e| e.supplement_rounds == 1).count() as u32;
    Figures {
        department: department.to_owned(),
        received,
        completed,
        on_the_spot_percent: percent(on_the_spot, completed),
        on_time_percent: percent(on_time, completed),
        average_days: average(&mut taken.iter().map(|d| f64::from(*d))),
        average_promised_days: average(&mut done.iter().map(|(e, _, _)| f64::from(e.promised_days))),
        satisfaction_percent: percent(satisfied, ratings.len() as u32),
        ratings: ratings.len() as u32,
        supplemented,
        one_notice_percent: percent(once, supplemented),
        work_orders: orders.len() as u32,
        overdue_work_orders: overdue,
        average_reply_days: average(&mut replies.by_ref().map(f64::from)),
    }
}

/// The public figures from the ledger, overall and per department.
pub fn public_figures(
    ledger: &[LedgerEntry],
    orders: &[OrderEntry],
    calendar: &Calendar,
    today: Date,
) -> PublicFigures {
    let mut by_department: BTreeMap<&str, (Vec<&LedgerEntry>, Vec<&OrderEntry>)> = BTreeMap::new();
    for entry in ledger.iter().filter(|e| e.per_department) {
        by_department.entry(&entry.department).or_default().0.push(entry);
    }
    for order in orders {
        by_department.entry(&order.department).or_default().1.push(order);
    }
    let all_orders: Vec<&OrderEntry> = orders.iter().collect();
    let overall = ledger.iter().filter(|e| e.overall).collect::<Vec<_>>();
    PublicFigures {
        overall: figures_of("全部", &overall, &all_orders, calendar, today),
        departments: by_department
            .iter()
            .map(|(d, (entries, orders))| figures_of(d, entries, orders, calendar, today))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_typed_key_needs_both_codes_as_printed() {
        use super::CaseKey;
        let key = |n: &str, c: &str| CaseKey { case_number: n.to_owned(), query_code: c.to_owned() };
        assert_eq!(key("ABCD-EFGH", "JKLM-NPRS").typed_problem(), None);
        assert!(key("ABCD-EFGH", "").typed_problem().is_some());
        assert!(key("", "JKLM-NPRS").typed_problem().is_some());
    }

    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_supply_page_reads_its_part_of_a_case_view() {
        // A case view as the server writes it, trimmed to a few of its fields
        // and one the supply page does not know.
        let json = serde_json::json!({
            "case_number": "ABCD-EFGH", "item_code": "JT-001", "item_name": "道路运输经营许可",
            "status": "suspended", "timeline": [], "can_withdraw": false,
            "later": [{ "material": "lease", "name": "租赁合同" }], "later_due": "2026-12-20",
        });
        let view: SupplyView = serde_json::from_value(json).unwrap();
        let (asks, supplement) = view.to_supply().unwrap();
        assert_eq!((asks[0].name.as_str(), supplement), ("租赁合同", false));
        assert_eq!(view.later_due, Some(d("2026-12-20")));
        let done = SupplyView { status: Status::Completed, ..view };
        assert_eq!(done.to_supply(), None, "容缺 materials only while the case takes them");
    }

    #[test]
    fn unhappy_ratings_need_a_reason() {
        let mut rating = Rating { overall: 2, ..Rating::default() };
        assert_eq!(check_rating(&rating)[0].message, "选择不满意的，请写下原因，我们会在 15 个工作日内答复");
        rating.reason = "窗口让我跑了两次".into();
        assert!(check_rating(&rating).is_empty());
        assert!(check_rating(&Rating { overall: 4, ..Rating::default() }).is_empty(), "happy ratings need no reason");
        assert_eq!(check_rating(&Rating { overall: 0, ..Rating::default() })[0].field, "overall");
        let odd = Rating {
            overall: 5,
            indicators: BTreeMap::from([("speed".into(), 5), ("ease".into(), 9)]),
            reason: String::new(),
        };
        let fields: Vec<String> = check_rating(&odd).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["indicators.ease", "indicators.speed"]);
    }

    #[test]
    fn complaints_need_words_and_a_real_phone_if_any() {
        let body = |text: &str, phone: &str| ComplaintBody { case: None, text: text.into(), phone: phone.into() };
        assert!(check_complaint(&body("窗口人员态度不好", "")).is_empty());
        assert_eq!(check_complaint(&body("差", ""))[0].field, "text");
        assert_eq!(check_complaint(&body("窗口人员态度不好", "123"))[0].field, "phone");
    }

    #[test]
    fn figures_come_from_the_ledger() {
        let calendar = Calendar::default();
        let entry = |department: &str, status, accepted: Option<&str>, completed: Option<&str>, rating| LedgerEntry {
            department: department.into(),
            overall: true,
            per_department: true,
            status,
            promised_days: 5,
            accepted_on: accepted.map(d),
            due: accepted.map(|a| calendar.add_working_days(d(a), 5)),
            completed_on: completed.map(d),
            rating,
            supplement_rounds: 0,
        };
        let ledger = vec![
            // Done on the spot, very satisfied.
            entry("交通", Status::Completed, Some("2026-11-23"), Some("2026-11-23"), Some(5)),
            // Done in 3 working days, unhappy.
            entry("交通", Status::Completed, Some("2026-11-23"), Some("2026-11-26"), Some(2)),
            // Done late: 7 working days against 5.
            entry("民政", Status::Completed, Some("2026-11-23"), Some("2026-12-02"), Some(4)),
            // Accepted, still open; and one not accepted at all.
            entry("民政", Status::InProgress, Some("2026-11-23"), None, None),
            entry("民政", Status::Submitted, None, None, None),
            // Asked for a supplement twice, then once.
            LedgerEntry { supplement_rounds: 2, ..entry("民政", Status::NeedsSupplement, None, None, None) },
            LedgerEntry { supplement_rounds: 1, ..entry("民政", Status::Submitted, None, None, None) },
        ];
        let orders = [
            // Answered in 2 working days; answered late; unanswered and overdue today.
            OrderEntry {
                department: "交通".into(),
                opened_on: d("2026-11-23"),
                due: d("2026-12-14"),
                replied_on: Some(d("2026-11-25")),
            },
            OrderEntry {
                department: "民政".into(),
                opened_on: d("2026-11-02"),
                due: d("2026-11-20"),
                replied_on: Some(d("2026-11-24")),
            },
            OrderEntry {
                department: "民政".into(),
                opened_on: d("2026-11-02"),
                due: d("2026-11-20"),
                replied_on: None,
            },
        ];
        let figures = public_figures(&ledger, &orders, &calendar, d("2026-12-01"));
        let all = &figures.overall;
        assert_eq!((all.received, all.completed, all.ratings), (4, 3, 3));
        assert_eq!(all.on_the_spot_percent, Some(33.3));
        assert_eq!(all.on_time_percent, Some(66.7));
        assert_eq!(all.average_days, Some(3.3));
        assert_eq!(all.average_promised_days, Some(5.0));
        assert_eq!(all.satisfaction_percent, Some(66.7));
        assert_eq!(figures.departments.iter().map(|f| f.department.as_str()).collect::<Vec<_>>(), ["交通", "民政"]);
        assert_eq!(figures.departments[1].on_time_percent, Some(0.0));
        assert_eq!((all.supplemented, all.one_notice_percent), (2, Some(50.0)), "一次告知率");
        assert_eq!((all.work_orders, all.overdue_work_orders), (3, 2));
        assert_eq!(figures.departments[0].average_reply_days, Some(2.0));
        assert_eq!(
            public_figures(&[], &[], &calendar, d("2026-12-01")).overall.on_time_percent,
            None,
            "no cases, no percentages"
        );
    }
}
