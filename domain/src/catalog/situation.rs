//! Situation questions (情形引导) and the conditions that select what applies.
//!
//! An item asks a few questions (个人还是企业？新办还是变更？投入几辆车？). Questions,
//! materials and form fields may carry a condition over the answers. A question may
//! depend only on earlier questions, so answers are evaluated in one pass, in order:
//! an answer to a question that is not shown counts as no answer at all.

use std::collections::BTreeMap;

use serde::de::{Error as DeError, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Serialize};

/// One question about the applicant's situation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// Key of the answer (`applicant_type`), unique within the item; appears in share links.
    #[serde(default)]
    pub id: String,
    /// The question, in plain words.
    #[serde(default)]
    pub text: String,
    /// Help under the question.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    pub kind: QuestionKind,
    /// For single and multiple choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// For numbers: both bounds are required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// For numbers: the unit (辆, 人).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// Asked only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    #[cfg_attr(feature = "aliases", serde(alias = "单选"))]
    Single,
    #[cfg_attr(feature = "aliases", serde(alias = "多选"))]
    Multiple,
    #[cfg_attr(feature = "aliases", serde(alias = "是否"))]
    YesNo,
    #[cfg_attr(feature = "aliases", serde(alias = "数字"))]
    Number,
}

/// One option of a choice question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
}

/// One answer. On the wire: a string (single choice), a list (multiple choice),
/// true/false (yes/no) or a whole number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    YesNo(bool),
    Number(i64),
    Choices(Vec<String>),
    Choice(String),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

/// A text or a whole number, for `equals`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Text(String),
}

// Answers are read by what the value is. Derived, an untagged enum buffers
// the value and tries each variant in turn: the same answers, but about 0.5 KB
// of brotli more in every page that reads them.
impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnswerVisitor)
    }
}

/// A scalar is an answer that is a whole number or a text.
impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Answer::deserialize(deserializer)? {
            Answer::Number(n) => Ok(Self::Int(n)),
            Answer::Choice(text) => Ok(Self::Text(text)),
            Answer::YesNo(_) | Answer::Choices(_) => Err(DeError::custom("expected a whole number or a text")),
        }
    }
}

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("true/false, a whole number, an option or a list of options")
    }

    fn visit_bool<E: DeError>(self, value: bool) -> Result<Answer, E> {
        Ok(Answer::YesNo(value))
    }

    fn visit_i64<E: DeError>(self, value: i64) -> Result<Answer, E> {
        Ok(Answer::Number(value))
    }

    fn visit_u64<E: DeError>(self, value: u64) -> Result<Answer, E> {
        i64::try_from(value).map(Answer::Number).map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
    }

    fn visit_str<E: DeError>(self, value: &str) -> Result<Answer, E> {
        Ok(Answer::Choice(value.to_owned()))
    }

    fn visit_string<E: DeError>(self, value: String) -> Result<Answer, E> {
        Ok(Answer::Choice(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
        let mut options = Vec::new();
        while let Some(option) = seq.next_element::<String>()? {
            options.push(option);
        }
        Ok(Answer::Choices(options))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    AtLeast,
    AtMost,
    MoreThan,
    LessThan,
}

impl Compare {
    fn holds(self, answer: i64, value: i64) -> bool {
        match self {
            Self::AtLeast => answer >= value,
            Self::AtMost => answer <= value,
            Self::MoreThan => answer > value,
            Self::LessThan => answer < value,
        }
    }
}

/// A condition over the answers. Unanswered questions satisfy no test, so
/// `not` of a test on an unanswered question holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// A single choice is this option, or a number is this value.
    Equals {
        question: String,
        value: Scalar,
    },
    /// A single choice is one of these options.
    In {
        question: String,
        options: Vec<String>,
    },
    /// A multiple choice includes any of these options.
    AnyOf {
        question: String,
        options: Vec<String>,
    },
    /// A yes/no question is answered so.
    Is {
        question: String,
        value: bool,
    },
    /// A number compares so.
    Compare {
        question: String,
        compare: Compare,
        value: i64,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    pub fn holds(&self, answers: &Answers) -> bool {
        let answer = |q: &String| answers.get(q);
        match self {
            Self::Equals { question, value } => match (answer(question), value) {
                (Some(Answer::Choice(chosen)), Scalar::Text(v)) => chosen == v,
                (Some(Answer::Number(n)), Scalar::Int(v)) => n == v,
                _ => false,
            },
            Self::In { question, options } => {
                matches!(answer(question), Some(Answer::Choice(c)) if options.contains(c))
            }
            Self::AnyOf { question, options } => {
                matches!(answer(question), Some(Answer::Choices(cs)) if cs.iter().any(|c| options.contains(c)))
            }
            Self::Is { question, value } => matches!(answer(question), Some(Answer::YesNo(b)) if b == value),
            Self::Compare { question, compare, value } => {
                matches!(answer(question), Some(Answer::Number(n)) if compare.holds(*n, *value))
            }
            Self::All(all) => all.iter().all(|c| c.holds(answers)),
            Self::Any(any) => any.iter().any(|c| c.holds(answers)),
            Self::Not(inner) => !inner.holds(answers),
        }
    }

    /// Every question this condition reads, in first-mention order.
    pub fn questions(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_questions(&mut out);
        out
    }

    fn collect_questions<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Self::Equals { question, .. }
            | Self::In { question, .. }
            | Self::AnyOf { question, .. }
            | Self::Is { question, .. }
            | Self::Compare { question, .. } => {
                if !out.contains(&question.as_str()) {
                    out.push(question);
                }
            }
            Self::All(list) | Self::Any(list) => list.iter().for_each(|c| c.collect_questions(out)),
            Self::Not(inner) => inner.collect_questions(out),
        }
    }
}

/// Why an answer does not fit its question, in words for the applicant.
pub fn answer_problem(question: &Question, answer: &Answer) -> Option<String> {
    let known = |id: &String| question.options.iter().any(|o| &o.id == id);
    match (question.kind, answer) {
        (QuestionKind::Single, Answer::Choice(c)) if known(c) => None,
        (QuestionKind::Single, _) => Some("请选择一项".to_owned()),
        (QuestionKind::Multiple, Answer::Choices(cs)) if !cs.is_empty() && cs.iter().all(known) => None,
        (QuestionKind::Multiple, _) => Some("请至少选择一项".to_owned()),
        (QuestionKind::YesNo, Answer::YesNo(_)) => None,
        (QuestionKind::YesNo, _) => Some("请选择“是”或“否”".to_owned()),
        (QuestionKind::Number, Answer::Number(n)) => {
            let (min, max) = (question.min.unwrap_or(i64::MIN), question.max.unwrap_or(i64::MAX));
            if (min..=max).contains(n) {
                None
            } else {
                Some(format!("请输入 {min} 到 {max} 之间的整数{}", unit_suffix(&question.unit)))
            }
        }
        (QuestionKind::Number, _) => Some("请输入一个整数".to_owned()),
    }
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() { String::new() } else { format!("（单位：{unit}）") }
}

/// The questions as the applicant meets them: in order, each shown only when its
/// condition holds over the answers to the questions shown before it. Returns the
/// shown questions and the answers that count (shown and fitting their question).
pub fn walk<'a>(questions: &'a [Question], answers: &Answers) -> (Vec<&'a Question>, Answers) {
    let mut shown = Vec::new();
    let mut effective = Answers::new();
    for question in questions {
        if question.when.as_ref().is_none_or(|c| c.holds(&effective)) {
            shown.push(question);
            if let Some(answer) = answers.get(&question.id)
                && answer_problem(question, answer).is_none()
            {
                effective.insert(question.id.clone(), answer.clone());
            }
        }
    }
    (shown, effective)
}

/// The first shown question without a fitting answer, if any.
pub fn next_question<'a>(questions: &'a [Question], answers: &Answers) -> Option<&'a Question> {
    let (shown, effective) = walk(questions, answers);
    shown.into_iter().find(|q| !effective.contains_key(&q.id))
}

/// Answers as query-string pairs, for share links: choices by option id, several
/// joined by commas, yes/no as `yes`/`no`.
pub fn to_pairs(answers: &Answers) -> Vec<(String, String)> {
    answers
        .iter()
        .map(|(id, answer)| {
            let value = match answer {
                Answer::YesNo(true) => "yes".to_owned(),
                Answer::YesNo(false) => "no".to_owned(),
                Answer::Number(n) => n.to_string(),
                Answer::Choices(cs) => cs.join(","),
                Answer::Choice(c) => c.clone(),
            };
            (id.clone(), value)
        })
        .collect()
}

/// Read answers back from query-string pairs, typed by the questions; pairs that
/// name no question are ignored (other parameters share the query string).
pub fn from_pairs<'a>(questions: &[Question], pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Answers {
    let mut answers = Answers::new();
    for (key, value) in pairs {
        let Some(question) = questions.iter().find(|q| q.id == key) else { continue };
        let answer = match question.kind {
            QuestionKind::Single => Answer::Choice(value.to_owned()),
            QuestionKind::Multiple => {
                Answer::Choices(value.split(',').filter(|v| !v.is_empty()).map(str::to_owned).collect())
            }
            QuestionKind::YesNo => match value {
                "yes" => Answer::YesNo(true),
                "no" => Answer::YesNo(false),
                _ => continue,
            },
            QuestionKind::Number => match value.trim().parse() {
                Ok(n) => Answer::Number(n),
                Err(_) => continue,
            },
        };
        answers.insert(key.to_owned(), answer);
    }
    answers
}

// ---- How conditions are written in the catalog ----

/// The written form of a condition: exactly one test (`question` with one of
/// `equals`, `in`, `any_of`, `is`, `at_least`, `at_most`, `more_than`,
/// `less_than`) or exactly one of `all`, `any`, `not`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    equals: Option<Scalar>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    in_: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at_least: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at_most: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    more_than: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    less_than: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not: Option<Box<Condition>>,
}

impl TryFrom<ConditionSpec> for Condition {
    type Error = String;

    fn try_from(spec: ConditionSpec) -> Result<Self, String> {
        let mut forms: Vec<Condition> = Vec::new();
        let q = spec.question.clone();
        let need_q = |test: &str| q.clone().ok_or_else(|| format!("条件写了 {test}，但缺少 question（针对哪个问题）"));
        if let Some(value) = spec.equals {
            forms.push(Self::Equals { question: need_q("equals")?, value });
        }
        if let Some(options) = spec.in_ {
            forms.push(Self::In { question: need_q("in")?, options });
        }
        if let Some(options) = spec.any_of {
            forms.push(Self::AnyOf { question: need_q("any_of")?, options });
        }
        if let Some(value) = spec.is {
            forms.push(Self::Is { question: need_q("is")?, value });
        }
        for (name, compare, value) in [
            ("at_least", Compare::AtLeast, spec.at_least),
            ("at_most", Compare::AtMost, spec.at_most),
            ("more_than", Compare::MoreThan, spec.more_than),
            ("less_than", Compare::LessThan, spec.less_than),
        ] {
            if let Some(value) = value {
                forms.push(Self::Compare { question: need_q(name)?, compare, value });
            }
        }
        let tests = forms.len();
        if let Some(all) = spec.all {
            forms.push(Self::All(all));
        }
        if let Some(any) = spec.any {
            forms.push(Self::Any(any));
        }
        if let Some(not) = spec.not {
            forms.push(Self::Not(not));
        }
        if tests == 0 && spec.question.is_some() {
            return Err("条件写了 question，但没有写怎样判断（equals、in、any_of、is、at_least 等）".to_owned());
        }
        if forms.len() != 1 {
            return Err(format!(
                "一个条件只能写一种判断，这里写了 {} 种；多个判断请用 all（都满足）或 any（满足其一）组合",
                forms.len()
            ));
        }
        Ok(forms.pop().expect("exactly one"))
    }
}

impl From<Condition> for ConditionSpec {
    fn from(condition: Condition) -> Self {
        let mut spec = Self::default();
        match condition {
            Condition::Equals { question, value } => (spec.question, spec.equals) = (Some(question), Some(value)),
            Condition::In { question, options } => (spec.question, spec.in_) = (Some(question), Some(options)),
            Condition::AnyOf { question, options } => (spec.question, spec.any_of) = (Some(question), Some(options)),
            Condition::Is { question, value } => (spec.question, spec.is) = (Some(question), Some(value)),
            Condition::Compare { question, compare, value } => {
                spec.question = Some(question);
                *match compare {
                    Compare::AtLeast => &mut spec.at_least,
                    Compare::AtMost => &mut spec.at_most,
                    Compare::MoreThan => &mut spec.more_than,
                    Compare::LessThan => &mut spec.less_than,
                } = Some(value);
            }
            Condition::All(all) => spec.all = Some(all),
            Condition::Any(any) => spec.any = Some(any),
            Condition::Not(not) => spec.not = Some(not),
        }
        spec
    }
}

impl Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ConditionSpec::from(self.clone()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = ConditionSpec::deserialize(deserializer)?;
        Condition::try_from(spec).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(json: &str) -> Result<Condition, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn reads_answers_and_scalars_by_their_kind() {
        let answer = |json: &str| serde_json::from_str::<Answer>(json).map_err(|e| e.to_string());
        assert_eq!(answer("true"), Ok(Answer::YesNo(true)));
        assert_eq!(answer("3"), Ok(Answer::Number(3)));
        assert_eq!(answer("-2"), Ok(Answer::Number(-2)));
        assert_eq!(answer(r#"["a","b"]"#), Ok(Answer::Choices(vec!["a".into(), "b".into()])));
        assert_eq!(answer(r#""company""#), Ok(Answer::Choice("company".into())));
        for bad in ["1.5", "18446744073709551615", "[1]", "{}", "null"] {
            assert!(answer(bad).is_err(), "{bad}");
        }
        let scalar = |json: &str| serde_json::from_str::<Scalar>(json).ok();
        assert_eq!(scalar("3"), Some(Scalar::Int(3)));
        assert_eq!(scalar(r#""x""#), Some(Scalar::Text("x".into())));
        assert_eq!(scalar("true"), None);
        assert_eq!(scalar(r#"["x"]"#), None);
    }

    #[test]
    fn parses_every_written_form_and_round_trips() {
        for json in [
            r#"{"question":"who","equals":"company"}"#,
            r#"{"question":"cars","equals":3}"#,
            r#"{"question":"mode","in":["new","change"]}"#,
            r#"{"question":"services","any_of":["a","b"]}"#,
            r#"{"question":"agent","is":true}"#,
            r#"{"question":"cars","at_least":2}"#,
            r#"{"all":[{"question":"agent","is":true},{"not":{"question":"who","equals":"person"}}]}"#,
            r#"{"any":[{"question":"cars","less_than":1},{"question":"cars","more_than":10}]}"#,
        ] {
            let c = cond(json).unwrap();
            assert_eq!(serde_json::to_string(&c).unwrap(), json);
        }
    }

    #[test]
    fn rejects_ambiguous_or_incomplete_conditions_with_reasons() {
        assert!(cond(r#"{"question":"a","equals":"x","is":true}"#).unwrap_err().contains("只能写一种判断"));
        assert!(cond(r#"{"equals":"x"}"#).unwrap_err().contains("缺少 question"));
        assert!(cond(r#"{"question":"a"}"#).unwrap_err().contains("没有写怎样判断"));
        assert!(cond(r#"{}"#).unwrap_err().contains("这里写了 0 种"));
        assert!(cond(r#"{"question":"a","eqals":"x"}"#).unwrap_err().contains("eqals"));
    }

    #[test]
    fn evaluates_tests_and_combinations() {
        let a = answers(&[
            ("who", Answer::Choice("company".into())),
            ("cars", Answer::Number(3)),
            ("services", Answer::Choices(vec!["b".into()])),
            ("agent", Answer::YesNo(false)),
        ]);
        let holds = |json: &str| cond(json).unwrap().holds(&a);
        assert!(holds(r#"{"question":"who","equals":"company"}"#));
        assert!(!holds(r#"{"question":"who","equals":3}"#), "a number never equals a choice");
        assert!(holds(r#"{"question":"cars","equals":3}"#));
        assert!(holds(r#"{"question":"who","in":["person","company"]}"#));
        assert!(holds(r#"{"question":"services","any_of":["a","b"]}"#));
        assert!(!holds(r#"{"question":"services","any_of":["a"]}"#));
        assert!(holds(r#"{"question":"agent","is":false}"#));
        assert!(holds(r#"{"question":"cars","at_least":3}"#) && !holds(r#"{"question":"cars","more_than":3}"#));
        assert!(holds(r#"{"question":"cars","at_most":3}"#) && !holds(r#"{"question":"cars","less_than":3}"#));
        assert!(holds(r#"{"all":[{"question":"agent","is":false},{"question":"cars","at_least":1}]}"#));
        assert!(holds(r#"{"any":[{"question":"agent","is":true},{"question":"cars","at_least":1}]}"#));
        assert!(holds(r#"{"not":{"question":"missing","is":true}}"#), "unanswered: the test fails, its negation holds");
    }

    fn question(id: &str, kind: QuestionKind, when: Option<&str>) -> Question {
        Question {
            id: id.into(),
            text: id.into(),
            hint: String::new(),
            kind,
            options: ["a", "b"]
                .iter()
                .map(|o| Choice { id: o.to_string(), label: o.to_string(), hint: String::new() })
                .collect(),
            min: Some(0),
            max: Some(10),
            unit: "辆".into(),
            when: when.map(|w| cond(w).unwrap()),
        }
    }

    #[test]
    fn hidden_questions_and_unfitting_answers_do_not_count() {
        let questions = vec![
            question("agent", QuestionKind::YesNo, None),
            question("agent_kind", QuestionKind::Single, Some(r#"{"question":"agent","is":true}"#)),
            question("cars", QuestionKind::Number, None),
        ];
        let given = answers(&[
            ("agent", Answer::YesNo(false)),
            ("agent_kind", Answer::Choice("a".into())),
            ("cars", Answer::Number(11)),
        ]);
        let (shown, effective) = walk(&questions, &given);
        assert_eq!(shown.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(), ["agent", "cars"]);
        assert_eq!(effective, answers(&[("agent", Answer::YesNo(false))]));
        assert_eq!(next_question(&questions, &given).unwrap().id, "cars");
        assert_eq!(
            answer_problem(&questions[2], &Answer::Number(11)).unwrap(),
            "请输入 0 到 10 之间的整数（单位：辆）"
        );
    }

    #[test]
    fn answers_travel_in_query_strings() {
        let questions = vec![
            question("agent", QuestionKind::YesNo, None),
            question("kind", QuestionKind::Single, None),
            question("many", QuestionKind::Multiple, None),
            question("cars", QuestionKind::Number, None),
        ];
        let given = answers(&[
            ("agent", Answer::YesNo(true)),
            ("kind", Answer::Choice("b".into())),
            ("many", Answer::Choices(vec!["a".into(), "b".into()])),
            ("cars", Answer::Number(4)),
        ]);
        let pairs = to_pairs(&given);
        let back = from_pairs(&questions, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain([("utm", "x")]));
        assert_eq!(back, given);
        assert_eq!(from_pairs(&questions, [("cars", "many"), ("agent", "maybe")]), Answers::new());
    }
}

/// Answers kept from a draft made against an older catalog: those whose question
/// still exists and still accepts them. Returns the kept answers and the ids of
/// the dropped ones, so the applicant can be told which to answer again.
pub fn reconcile(questions: &[Question], answers: &Answers) -> (Answers, Vec<String>) {
    let mut kept = Answers::new();
    let mut dropped = Vec::new();
    for (id, answer) in answers {
        match questions.iter().find(|q| &q.id == id) {
            Some(q) if answer_problem(q, answer).is_none() => {
                kept.insert(id.clone(), answer.clone());
            }
            _ => dropped.push(id.clone()),
        }
    }
    (kept, dropped)
}

#[cfg(test)]
mod reconcile_tests {
    use super::*;

    #[test]
    fn keeps_what_still_applies_and_names_the_rest() {
        let questions: Vec<Question> = serde_json::from_str(
            r#"[{"id":"who","text":"?","kind":"single","options":[{"id":"a","label":"a"},{"id":"b","label":"b"}]},
                {"id":"cars","text":"?","kind":"number","min":0,"max":5}]"#,
        )
        .unwrap();
        let answers: Answers = serde_json::from_str(r#"{"who":"c","cars":3,"gone":true}"#).unwrap();
        let (kept, dropped) = reconcile(&questions, &answers);
        assert_eq!(kept, serde_json::from_str::<Answers>(r#"{"cars":3}"#).unwrap());
        assert_eq!(dropped, ["gone", "who"]);
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Condition {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A condition over the situation answers, as the catalog writes it: { question, equals | in | any_of | is | \
                 at_least | at_most | more_than | less_than } or { all | any: [conditions] } or { not: condition }.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Condition {}
