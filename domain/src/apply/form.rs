//! The application form: who applies (declared once here), and
//! the item's own fields (declared in the catalog, with the same conditions as
//! materials). The browser runs [`validate_application`] on 继续/提交 and the
//! server runs it again on submission: one implementation, field-level errors.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::identity::{ADDRESS_LENGTH, NAME_LENGTH, Rule, check_resident_id, typed_problems};
use crate::apply::parties::{self, Party, PartyPerson};
use crate::catalog::situation::{Answers, Choice, Condition, Question, walk};

pub use crate::apply::identity::Today;

/// 申请人（个人）.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
}

/// 申请单位.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub contact_name: String,
    pub phone: String,
    pub address: String,
}

/// 委托代理人: applies on the applicant's behalf with an authorisation letter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

/// 领取方式: how the result reaches the applicant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case", try_from = "DeliveryRecord")]
pub enum Delivery {
    /// 窗口领取: collect it at the window.
    Window,
    /// 邮寄: sent by post, free of charge.
    Post(PostalAddress),
}

/// Where the result is posted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostalAddress {
    pub recipient: String,
    pub phone: String,
    pub address: String,
}

impl Person {
    /// Each field's first problem, in form order.
    fn problems(&self, today: Today) -> Vec<(&'static str, &'static str)> {
        typed_problems(&[
            ("name", &self.name, "请填写姓名", NAME_LENGTH),
            ("id_number", &self.id_number, "请填写身份证号码", Rule::ResidentId(today)),
            ("phone", &self.phone, "请填写手机号码", Rule::Mobile),
            ("address", &self.address, "请填写联系地址，写到门牌号", ADDRESS_LENGTH),
        ])
    }
}

impl Organisation {
    /// Each field's first problem, in form order.
    fn problems(&self) -> Vec<(&'static str, &'static str)> {
        typed_problems(&[
            ("name", &self.name, "请填写单位名称，与营业执照一致", Rule::Longest(100, "单位名称不能超过100个字")),
            ("credit_code", &self.credit_code, "请填写统一社会信用代码", Rule::CreditCode),
            ("legal_representative", &self.legal_representative, "请填写法定代表人（负责人）姓名", NAME_LENGTH),
            ("contact_name", &self.contact_name, "请填写联系人姓名", NAME_LENGTH),
            ("phone", &self.phone, "请填写联系人手机号码", Rule::Mobile),
            ("address", &self.address, "请填写单位地址，写到门牌号", ADDRESS_LENGTH),
        ])
    }
}

impl Agent {
    /// Each field's first problem, in form order.
    fn problems(&self, today: Today) -> Vec<(&'static str, &'static str)> {
        typed_problems(&[
            ("name", &self.name, "请填写代理人姓名", NAME_LENGTH),
            ("id_number", &self.id_number, "请填写代理人身份证号码", Rule::ResidentId(today)),
            ("phone", &self.phone, "请填写代理人手机号码", Rule::Mobile),
        ])
    }
}

impl PostalAddress {
    /// Each field's first problem, in form order.
    fn problems(&self) -> Vec<(&'static str, &'static str)> {
        typed_problems(&[
            ("recipient", &self.recipient, "请填写收件人姓名", NAME_LENGTH),
            ("phone", &self.phone, "请填写收件人手机号码", Rule::Mobile),
            ("address", &self.address, "请填写邮寄地址，写到门牌号", ADDRESS_LENGTH),
        ])
    }
}

/// Who applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", try_from = "ApplicantRecord")]
pub enum Applicant {
    Person(Person),
    Organisation(Organisation),
}

// `Applicant` and `Delivery` are written tagged (`{"type": "person", …}`) and
// read through flat records of the same shape: serde's derived reading of a
// tagged enum buffers the whole value first, about 2 KB of brotli in every
// page that reads a form.

/// [`Applicant`] as read: its `type` and every field either kind has.
#[derive(Deserialize)]
struct ApplicantRecord {
    #[serde(rename = "type")]
    kind: ApplicantKind,
    name: Option<String>,
    id_number: Option<String>,
    credit_code: Option<String>,
    legal_representative: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ApplicantKind {
    Person,
    Organisation,
}

/// A field a record must have.
fn needed(value: Option<String>, name: &str) -> Result<String, String> {
    value.ok_or_else(|| ["missing field `", name, "`"].concat())
}

impl TryFrom<ApplicantRecord> for Applicant {
    type Error = String;

    fn try_from(r: ApplicantRecord) -> Result<Self, String> {
        Ok(match r.kind {
            ApplicantKind::Person => Self::Person(Person {
                name: needed(r.name, "name")?,
                id_number: needed(r.id_number, "id_number")?,
                phone: needed(r.phone, "phone")?,
                address: needed(r.address, "address")?,
            }),
            ApplicantKind::Organisation => Self::Organisation(Organisation {
                name: needed(r.name, "name")?,
                credit_code: needed(r.credit_code, "credit_code")?,
                legal_representative: needed(r.legal_representative, "legal_representative")?,
                contact_name: needed(r.contact_name, "contact_name")?,
                phone: needed(r.phone, "phone")?,
                address: needed(r.address, "address")?,
            }),
        })
    }
}

/// [`Delivery`] as read: its `method` and the address when posted.
#[derive(Deserialize)]
struct DeliveryRecord {
    method: DeliveryMethod,
    recipient: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum DeliveryMethod {
    Window,
    Post,
}

impl TryFrom<DeliveryRecord> for Delivery {
    type Error = String;

    fn try_from(r: DeliveryRecord) -> Result<Self, String> {
        Ok(match r.method {
            DeliveryMethod::Window => Self::Window,
            DeliveryMethod::Post => Self::Post(PostalAddress {
                recipient: needed(r.recipient, "recipient")?,
                phone: needed(r.phone, "phone")?,
                address: needed(r.address, "address")?,
            }),
        })
    }
}

/// One item-specific field of the form, declared in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    pub kind: FieldKind,
    #[serde(default = "yes")]
    pub required: bool,
    /// For `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// For `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// For `text` and `address`: most characters.
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// Asked only when this holds over the situation answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// The party it is about (婴儿's 姓名): the form asks it under that party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
}

fn yes() -> bool {
    true
}

fn default_max_length() -> usize {
    200
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[cfg_attr(feature = "aliases", serde(alias = "文本"))]
    Text,
    #[cfg_attr(feature = "aliases", serde(alias = "数字"))]
    Number,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "aliases", serde(alias = "日期"))]
    Date,
    #[cfg_attr(feature = "aliases", serde(alias = "选择"))]
    Choice,
    #[cfg_attr(feature = "aliases", serde(alias = "地址"))]
    Address,
    /// 居民身份证号码 of someone the matter is about (a child), checked as the applicant's is.
    #[cfg_attr(feature = "aliases", serde(alias = "身份证号码"))]
    IdNumber,
}

/// The whole form as submitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationForm {
    pub applicant: Applicant,
    /// Present when the situation says an agent applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Agent>,
    /// Item fields by id, as typed.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// 领取方式; required before the form is complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// Which of the item's parties the applicant is (`buyer`), where it has parties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_party: Option<String>,
    /// The other person parties by id, as the applicant names them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parties: BTreeMap<String, PartyPerson>,
}

impl ApplicationForm {
    /// Who applies, by name: the person, or the organisation.
    pub fn applicant_name(&self) -> &str {
        match &self.applicant {
            Applicant::Person(p) => &p.name,
            Applicant::Organisation(o) => &o.name,
        }
    }

    /// Who applied for whom, when an agent applied (代办), names masked:
    /// the status page and 我的办件 say it to both of them.
    pub fn on_behalf(&self) -> Option<String> {
        let agent = self.agent.as_ref()?;
        let mask = crate::apply::identity::mask_name;
        Some(format!("由代理人 {} 代 {} 申请", mask(&agent.name), mask(self.applicant_name())))
    }

    /// The mobile number progress SMS go to: the applicant's (a person's own,
    /// an organisation's contact), as the details page says under it.
    pub fn notice_phone(&self) -> &str {
        self.text("applicant.phone")
    }

    /// The text at an error path (`applicant.name`, `agent.phone`,
    /// `delivery.address`), as the form's inputs show it: empty where the form
    /// has no such part (another kind of applicant, no agent, no post).
    pub fn text(&self, path: &str) -> &str {
        let (part, name) = path.split_once('.').unwrap_or((path, ""));
        let found = match (part, name) {
            ("applicant", name) => match &self.applicant {
                Applicant::Person(p) => match name {
                    "name" => Some(&p.name),
                    "id_number" => Some(&p.id_number),
                    "phone" => Some(&p.phone),
                    "address" => Some(&p.address),
                    _ => None,
                },
                Applicant::Organisation(o) => match name {
                    "name" => Some(&o.name),
                    "credit_code" => Some(&o.credit_code),
                    "legal_representative" => Some(&o.legal_representative),
                    "contact_name" => Some(&o.contact_name),
                    "phone" => Some(&o.phone),
                    "address" => Some(&o.address),
                    _ => None,
                },
            },
            ("agent", name) => self.agent.as_ref().and_then(|a| match name {
                "name" => Some(&a.name),
                "id_number" => Some(&a.id_number),
                "phone" => Some(&a.phone),
                _ => None,
            }),
            ("delivery", name) => match &self.delivery {
                Some(Delivery::Post(a)) => match name {
                    "recipient" => Some(&a.recipient),
                    "phone" => Some(&a.phone),
                    "address" => Some(&a.address),
                    _ => None,
                },
                _ => None,
            },
            ("fields", id) => self.fields.get(id),
            ("parties", "applicant") => self.applicant_party.as_ref(),
            ("parties", rest) => rest.split_once('.').and_then(|(id, name)| {
                self.parties.get(id).and_then(|p| match name {
                    "name" => Some(&p.name),
                    "id_number" => Some(&p.id_number),
                    "phone" => Some(&p.phone),
                    _ => None,
                })
            }),
            _ => None,
        };
        found.map_or("", String::as_str)
    }

    /// Put `value` at an error path (see [`Self::text`]), making the agent
    /// where there is none; nothing where the form has no such part.
    pub fn set_text(&mut self, path: &str, value: String) {
        let (part, name) = path.split_once('.').unwrap_or((path, ""));
        let slot = match (part, name) {
            ("applicant", name) => match &mut self.applicant {
                Applicant::Person(p) => match name {
                    "name" => Some(&mut p.name),
                    "id_number" => Some(&mut p.id_number),
                    "phone" => Some(&mut p.phone),
                    "address" => Some(&mut p.address),
                    _ => None,
                },
                Applicant::Organisation(o) => match name {
                    "name" => Some(&mut o.name),
                    "credit_code" => Some(&mut o.credit_code),
                    "legal_representative" => Some(&mut o.legal_representative),
                    "contact_name" => Some(&mut o.contact_name),
                    "phone" => Some(&mut o.phone),
                    "address" => Some(&mut o.address),
                    _ => None,
                },
            },
            ("agent", name) => {
                let agent = self.agent.get_or_insert_with(Agent::default);
                match name {
                    "name" => Some(&mut agent.name),
                    "id_number" => Some(&mut agent.id_number),
                    "phone" => Some(&mut agent.phone),
                    _ => None,
                }
            }
            ("delivery", name) => match &mut self.delivery {
                Some(Delivery::Post(a)) => match name {
                    "recipient" => Some(&mut a.recipient),
                    "phone" => Some(&mut a.phone),
                    "address" => Some(&mut a.address),
                    _ => None,
                },
                _ => None,
            },
            ("fields", id) => Some(self.fields.entry(id.to_owned()).or_default()),
            ("parties", "applicant") => {
                self.applicant_party = Some(value).filter(|v| !v.is_empty());
                return;
            }
            ("parties", rest) => rest.split_once('.').and_then(|(id, name)| {
                let party = self.parties.entry(id.to_owned()).or_default();
                match name {
                    "name" => Some(&mut party.name),
                    "id_number" => Some(&mut party.id_number),
                    "phone" => Some(&mut party.phone),
                    _ => None,
                }
            }),
            _ => None,
        };
        if let Some(slot) = slot {
            *slot = value;
        }
    }
}

/// How the result reaches the applicant, in words.
pub fn delivery_text(form: &ApplicationForm) -> String {
    match &form.delivery {
        Some(Delivery::Window) => "到办理窗口领取".to_owned(),
        Some(Delivery::Post(a)) => format!("免费邮寄：{}，{}，{}", a.address, a.recipient, a.phone),
        None => "还没有选择".to_owned(),
    }
}

/// One problem, for the summary at the top and the message beside the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// `applicant.id_number`, `agent.phone`, `fields.vehicle_count`.
    pub field: String,
    pub message: String,
}

/// What the form is checked against: the item's (or bundle's) own fields,
/// parties and questions.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'a> {
    pub fields: &'a [Field],
    pub parties: &'a [Party],
    pub questions: &'a [Question],
}

/// Every problem of the form, in form order. `needs_agent` comes from the
/// situation answers (whether someone applies on the applicant's behalf).
pub fn validate_application(
    form: &ApplicationForm,
    rules: Rules<'_>,
    answers: &Answers,
    needs_agent: bool,
    today: Today,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let applicant = match &form.applicant {
        Applicant::Person(person) => person.problems(today),
        Applicant::Organisation(org) => org.problems(),
    };
    collect("applicant", applicant, &mut errors);
    match (&form.agent, needs_agent) {
        (Some(agent), true) => collect("agent", agent.problems(today), &mut errors),
        (None, true) => {
            errors.push(FieldError { field: "agent.name".into(), message: "请填写代理人信息".into() })
        }
        (_, false) => {}
    }
    match &form.delivery {
        None => errors.push(FieldError { field: "delivery.method".into(), message: "请选择领取方式".into() }),
        Some(Delivery::Post(address)) => collect("delivery", address.problems(), &mut errors),
        Some(Delivery::Window) => {}
    }
    let (_, effective) = walk(rules.questions, answers);
    let active = parties::active(rules.parties, &effective);
    let applicant_id = match &form.applicant {
        Applicant::Person(p) => p.id_number.as_str(),
        Applicant::Organisation(_) => "",
    };
    for (field, message) in
        parties::problems(rules.parties, &active, form.applicant_party.as_deref(), applicant_id, &form.parties, today)
    {
        errors.push(FieldError { field, message });
    }
    for field in rules.fields.iter().filter(|f| f.when.as_ref().is_none_or(|c| c.holds(&effective))) {
        let value = form.fields.get(&field.id).map(|v| v.trim()).unwrap_or_default();
        if let Some(message) = field_problem(field, value, today) {
            errors.push(FieldError { field: format!("fields.{}", field.id), message });
        }
    }
    errors
}

fn collect(prefix: &str, problems: Vec<(&str, &str)>, out: &mut Vec<FieldError>) {
    for (name, message) in problems {
        // The agent's fields repeat the applicant's: say whose it is.
        let message = if prefix == "agent" && !message.contains("代理人") {
            format!("代理人：{message}")
        } else {
            message.to_owned()
        };
        out.push(FieldError { field: format!("{prefix}.{name}"), message });
    }
}

/// Why one item field's value does not do, if it does not.
pub fn field_problem(field: &Field, value: &str, today: Today) -> Option<String> {
    if value.is_empty() {
        return field.required.then(|| format!("请填写{}", field.label));
    }
    match field.kind {
        FieldKind::Text | FieldKind::Address => (value.chars().count() > field.max_length)
            .then(|| format!("{}不能超过{}个字", field.label, field.max_length)),
        FieldKind::IdNumber => check_resident_id(value, today).err().map(|why| format!("{}：{why}", field.label)),
        FieldKind::Number => match value.parse::<i64>() {
            Err(_) => Some(format!("{}请填写整数", field.label)),
            Ok(n) if n < field.min.unwrap_or(i64::MIN) || n > field.max.unwrap_or(i64::MAX) => Some(format!(
                "{}应在{}到{}之间",
                field.label,
                field.min.unwrap_or(i64::MIN),
                field.max.unwrap_or(i64::MAX)
            )),
            Ok(_) => None,
        },
        FieldKind::Date => (!is_date(value)).then(|| format!("{}请按“年-月-日”填写，例如 2026-03-01", field.label)),
        FieldKind::Choice => (!field.options.iter().any(|o| o.id == value)).then(|| format!("请选择{}", field.label)),
    }
}

fn is_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else { return false };
    (1900..=2200).contains(&y) && crate::apply::identity::is_real_date(y, m, d)
}

/// The situation question whose "yes" means an agent applies for the applicant
/// (委托代理): the form then asks for the agent's details too. The catalog
/// checker makes sure an item that asks it asks it as a yes/no question.
pub const AGENT_QUESTION: &str = "agent";

/// Whether the answers say an agent applies (see [`AGENT_QUESTION`]).
pub fn needs_agent(answers: &crate::catalog::situation::Answers) -> bool {
    matches!(answers.get(AGENT_QUESTION), Some(crate::catalog::situation::Answer::YesNo(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicant_and_delivery_are_read_as_written() {
        let person = Applicant::Person(Person {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800138000".into(),
            address: "北京".into(),
        });
        let organisation = Applicant::Organisation(Organisation {
            name: "某某有限公司".into(),
            credit_code: "91350100M000100Y43".into(),
            ..Default::default()
        });
        for applicant in [person, organisation] {
            let json = serde_json::to_string(&applicant).unwrap();
            assert_eq!(serde_json::from_str::<Applicant>(&json).unwrap(), applicant, "{json}");
        }
        let post = Delivery::Post(PostalAddress {
            recipient: "李四".into(),
            phone: "13800138000".into(),
            address: "某路1号".into(),
        });
        for delivery in [Delivery::Window, post] {
            let json = serde_json::to_string(&delivery).unwrap();
            assert_eq!(serde_json::from_str::<Delivery>(&json).unwrap(), delivery, "{json}");
        }
        let err = |json: &str| serde_json::from_str::<Applicant>(json).unwrap_err().to_string();
        assert!(err(r#"{"type":"person","name":"张三","phone":"1","address":"x"}"#).contains("id_number"));
        assert!(err(r#"{"type":"robot","name":"x"}"#).contains("robot"));
        assert!(err(r#"{"name":"x"}"#).contains("type"));
        assert!(serde_json::from_str::<Delivery>(r#"{"method":"post","recipient":"x"}"#).is_err());
    }

    #[test]
    fn every_text_path_reads_back_what_was_put_there() {
        let person = ["applicant.name", "applicant.id_number", "applicant.phone", "applicant.address"];
        let organisation = [
            "applicant.name",
            "applicant.credit_code",
            "applicant.legal_representative",
            "applicant.contact_name",
            "applicant.phone",
            "applicant.address",
        ];
        let others = [
            "agent.name",
            "agent.id_number",
            "agent.phone",
            "delivery.recipient",
            "delivery.phone",
            "delivery.address",
        ];
        for (applicant, paths) in [
            (Applicant::Person(Person::default()), &person[..]),
            (Applicant::Organisation(Organisation::default()), &organisation[..]),
        ] {
            let mut form = ApplicationForm {
                applicant,
                agent: None,
                fields: BTreeMap::new(),
                delivery: Some(Delivery::Post(PostalAddress::default())),
                applicant_party: None,
                parties: BTreeMap::new(),
            };
            let parties =
                ["parties.applicant", "parties.seller.name", "parties.seller.id_number", "parties.seller.phone"];
            for (n, path) in paths.iter().chain(&others).chain(&["fields.start"]).chain(&parties).enumerate() {
                assert_eq!(form.text(path), "", "{path} starts empty");
                form.set_text(path, format!("v{n}"));
                assert_eq!(form.text(path), format!("v{n}"), "{path}");
            }
            assert!(form.agent.is_some(), "typing an agent's field makes the agent");
        }
        let mut window = ApplicationForm {
            applicant: Applicant::Person(Person::default()),
            agent: None,
            fields: BTreeMap::new(),
            delivery: Some(Delivery::Window),
            applicant_party: None,
            parties: BTreeMap::new(),
        };
        window.set_text("delivery.address", "x".into());
        window.set_text("applicant.credit_code", "x".into());
        assert_eq!((window.text("delivery.address"), window.text("applicant.credit_code")), ("", ""));
        assert_eq!(window.delivery, Some(Delivery::Window), "no part is made that the form has not");
    }

    const TODAY: Today = (2026, 11, 21);

    fn person() -> Person {
        Person {
            name: "张三".into(),
            id_number: "11010519491231002x".into(),
            phone: "+86 138 1234 5678".into(),
            address: "示范县人民路 88 号".into(),
        }
    }

    fn form(applicant: Applicant) -> ApplicationForm {
        ApplicationForm {
            applicant,
            agent: None,
            fields: BTreeMap::new(),
            delivery: Some(Delivery::Window),
            applicant_party: None,
            parties: BTreeMap::new(),
        }
    }

    fn field(id: &str, kind: FieldKind) -> Field {
        Field {
            id: id.into(),
            label: "车辆数".into(),
            hint: String::new(),
            kind,
            required: true,
            options: vec![],
            min: Some(1),
            max: Some(200),
            max_length: 10,
            when: None,
            party: None,
        }
    }

    fn check(form: &ApplicationForm, fields: &[Field], needs_agent: bool) -> Vec<(String, String)> {
        validate_application(form, Rules { fields, parties: &[], questions: &[] }, &Answers::new(), needs_agent, TODAY)
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_complete_person_passes() {
        assert_eq!(check(&form(Applicant::Person(person())), &[], false), vec![]);
    }

    #[test]
    fn every_problem_is_reported_in_form_order_with_specific_words() {
        let p = Person {
            name: " ".into(),
            id_number: "110105194912310021".into(),
            phone: "1381234567".into(),
            address: String::new(),
        };
        assert_eq!(
            check(&form(Applicant::Person(p)), &[], false),
            vec![
                ("applicant.name".into(), "请填写姓名".into()),
                ("applicant.id_number".into(), "身份证号码校验位不正确，请核对最后一位".into()),
                ("applicant.phone".into(), "请输入11位手机号码".into()),
                ("applicant.address".into(), "请填写联系地址，写到门牌号".into()),
            ]
        );
    }

    #[test]
    fn empty_fields_say_which_field_to_fill() {
        let mut f = form(Applicant::Person(Person { id_number: String::new(), phone: " ".into(), ..person() }));
        f.agent = Some(Agent { name: "赵六".into(), id_number: String::new(), phone: String::new() });
        assert_eq!(
            check(&f, &[], true),
            vec![
                ("applicant.id_number".into(), "请填写身份证号码".into()),
                ("applicant.phone".into(), "请填写手机号码".into()),
                ("agent.id_number".into(), "请填写代理人身份证号码".into()),
                ("agent.phone".into(), "请填写代理人手机号码".into()),
            ]
        );
    }

    #[test]
    fn delivery_must_be_chosen_and_a_postal_address_complete() {
        let mut f = form(Applicant::Person(person()));
        f.delivery = None;
        assert_eq!(check(&f, &[], false), vec![("delivery.method".into(), "请选择领取方式".into())]);
        f.delivery = Some(Delivery::Post(PostalAddress {
            recipient: "张三".into(),
            phone: "1381234".into(),
            address: String::new(),
        }));
        assert_eq!(
            check(&f, &[], false),
            vec![
                ("delivery.phone".into(), "请输入11位手机号码".into()),
                ("delivery.address".into(), "请填写邮寄地址，写到门牌号".into()),
            ]
        );
    }

    #[test]
    fn organisations_need_a_valid_credit_code() {
        let org = Organisation {
            name: "示范物流有限公司".into(),
            credit_code: "91350100M000100Y44".into(),
            legal_representative: "李四".into(),
            contact_name: "王五".into(),
            phone: "13912345678".into(),
            address: "示范县工业园 1 号".into(),
        };
        assert_eq!(
            check(&form(Applicant::Organisation(org)), &[], false),
            vec![("applicant.credit_code".into(), "统一社会信用代码校验位不正确，请核对最后一位".into())]
        );
    }

    #[test]
    fn an_agent_is_required_only_when_the_situation_says_so() {
        let mut f = form(Applicant::Person(person()));
        assert_eq!(check(&f, &[], true), vec![("agent.name".into(), "请填写代理人信息".into())]);
        f.agent =
            Some(Agent { name: "赵六".into(), id_number: "440304200002291236".into(), phone: "13712345678".into() });
        assert_eq!(check(&f, &[], true), vec![]);
        f.agent.as_mut().unwrap().id_number = "440304209902281236".into();
        assert_eq!(
            check(&f, &[], true),
            vec![("agent.id_number".into(), "代理人：身份证号码中的出生日期晚于今天，请核对第7到14位".into())]
        );
    }

    #[test]
    fn item_fields_follow_their_kind_and_condition() {
        let mut f = form(Applicant::Person(person()));
        let mut date = field("start", FieldKind::Date);
        date.label = "开业日期".into();
        let fields = [field("cars", FieldKind::Number), date];
        assert_eq!(
            check(&f, &fields, false),
            vec![("fields.cars".into(), "请填写车辆数".into()), ("fields.start".into(), "请填写开业日期".into())]
        );
        f.fields.insert("cars".into(), "300".into());
        f.fields.insert("start".into(), "2026-02-30".into());
        assert_eq!(
            check(&f, &fields, false),
            vec![
                ("fields.cars".into(), "车辆数应在1到200之间".into()),
                ("fields.start".into(), "开业日期请按“年-月-日”填写，例如 2026-03-01".into()),
            ]
        );
        f.fields.insert("cars".into(), "3".into());
        f.fields.insert("start".into(), "2026-03-01".into());
        assert_eq!(check(&f, &fields, false), vec![]);
        let mut conditional = field("cars", FieldKind::Number);
        conditional.when = Some(serde_json::from_str(r#"{"question":"agent","is":true}"#).unwrap());
        assert_eq!(check(&form(Applicant::Person(person())), &[conditional], false), vec![], "not asked, not checked");
    }
}
