//! Catalog rules for situation questions and conditions: rules that cannot work
//! are refused with the place and the reason.

use crate::catalog::ServiceItem;
use crate::catalog::situation::{Answer, Answers, Choice, Condition, Question, QuestionKind, Scalar, walk};

/// More answer combinations than this and the "can it ever be selected" check is skipped.
const MAX_COMBINATIONS: usize = 100_000;

pub(crate) fn check_questions(item: &ServiceItem, report: &mut impl FnMut(&str, String)) {
    for (i, question) in item.questions.iter().enumerate() {
        let at = |field: &str| format!("questions[{i}].{field}");
        check_question_shape(question, &item.questions[..i], &at, report);
        if question.id == crate::apply::form::AGENT_QUESTION && question.kind != QuestionKind::YesNo {
            report(
                &at("kind"),
                format!("问题 {} 表示是否委托代理人办理，必须是是否题", crate::apply::form::AGENT_QUESTION),
            );
        }
        if let Some(when) = &question.when {
            let sound =
                check_sound(when, &item.questions[..i], &item.questions, &at("when"), Some(&question.id), report);
            if sound && !can_hold(when, &item.questions) {
                report(&at("when"), format!("问题 {} 在任何回答下都不会出现：请检查它的条件", question.id));
            }
        }
    }
    for (i, field) in item.fields.iter().enumerate() {
        let at = |name: &str| format!("fields[{i}].{name}");
        if field.id.is_empty() || !field.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            report(&at("id"), "字段标识不能为空，只能包含字母、数字和下划线".to_owned());
        } else if item.fields[..i].iter().any(|f| f.id == field.id) {
            report(&at("id"), format!("字段标识 {} 重复", field.id));
        }
        if field.label.trim().is_empty() {
            report(&at("label"), "缺少字段名称 label".to_owned());
        }
        if field.kind == crate::apply::form::FieldKind::Choice {
            check_options(&field.options, &at("options"), report);
        }
        check_bounds(field.min, field.max, &at("min"), report);
        if let Some(when) = &field.when {
            let sound = check_sound(when, &item.questions, &item.questions, &at("when"), None, report);
            if sound && !can_hold(when, &item.questions) {
                report(&at("when"), format!("没有任何回答会显示字段“{}”：请检查它的条件", field.label));
            }
        }
    }
    for (i, material) in item.materials.iter().enumerate() {
        let at = |field: &str| format!("materials[{i}].{field}");
        if let Some(when) = &material.when {
            let sound = check_sound(when, &item.questions, &item.questions, &at("when"), None, report);
            if sound && !can_hold(when, &item.questions) {
                report(&at("when"), format!("没有任何回答能选中材料“{}”：请检查它的条件", material.name));
            }
        }
        if let Some(repeat) = &material.repeat {
            match item.questions.iter().find(|q| &q.id == repeat) {
                None => report(&at("repeat"), format!("repeat 引用了不存在的问题 {repeat}")),
                Some(q) if q.kind != QuestionKind::Number => {
                    report(&at("repeat"), format!("repeat 只能引用数字问题，{repeat} 不是数字问题"))
                }
                Some(_) => {}
            }
        }
    }
}

fn check_question_shape(
    question: &Question,
    earlier: &[Question],
    at: &dyn Fn(&str) -> String,
    report: &mut impl FnMut(&str, String),
) {
    if question.id.is_empty() {
        report(&at("id"), "缺少必填字段 id（问题标识）".to_owned());
    } else if !question.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        report(&at("id"), format!("问题标识 {} 只能包含字母、数字和下划线（它会出现在分享链接中）", question.id));
    } else if earlier.iter().any(|q| q.id == question.id) {
        report(&at("id"), format!("问题标识 {} 重复", question.id));
    }
    if question.text.trim().is_empty() {
        report(&at("text"), "缺少必填字段 text（问题内容）".to_owned());
    }
    match question.kind {
        QuestionKind::Single | QuestionKind::Multiple => check_options(&question.options, &at("options"), report),
        QuestionKind::YesNo | QuestionKind::Number if !question.options.is_empty() => {
            report(&at("options"), "只有选择题可以有 options".to_owned());
        }
        _ => {}
    }
    if question.kind == QuestionKind::Number {
        if question.min.is_none() || question.max.is_none() {
            report(&at("max"), format!("数字问题 {} 必须同时写明 min 和 max（取值范围）", question.id));
        }
        check_bounds(question.min, question.max, &at("min"), report);
    }
}

/// Options of a choice: at least two, each with a usable, unique id and a label.
fn check_options(options: &[Choice], at: &str, report: &mut impl FnMut(&str, String)) {
    if options.len() < 2 {
        report(at, "选项至少要有 2 个".to_owned());
    }
    for (j, option) in options.iter().enumerate() {
        if option.id.is_empty() || !option.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            report(&format!("{at}[{j}].id"), "选项标识不能为空，只能包含字母、数字和下划线".to_owned());
        } else if options[..j].iter().any(|o| o.id == option.id) {
            report(&format!("{at}[{j}].id"), format!("选项标识 {} 重复", option.id));
        }
        if option.label.trim().is_empty() {
            report(&format!("{at}[{j}].label"), "缺少选项文字 label".to_owned());
        }
    }
}

fn check_bounds(min: Option<i64>, max: Option<i64>, at: &str, report: &mut impl FnMut(&str, String)) {
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        report(at, format!("最小值 {min} 大于最大值 {max}"));
    }
}

/// Check a condition; true when it has no problem (only then is "can it ever
/// hold" worth asking, and a second message about the same mistake is noise).
pub(super) fn check_sound(
    condition: &Condition,
    visible: &[Question],
    all: &[Question],
    at: &str,
    own_id: Option<&str>,
    report: &mut impl FnMut(&str, String),
) -> bool {
    let mut sound = true;
    check_condition(condition, visible, all, at, own_id, &mut |field: &str, message: String| {
        sound = false;
        report(field, message);
    });
    sound
}

/// Each test in `condition` must name a question in `visible` (questions before it)
/// and fit that question's kind and options.
fn check_condition(
    condition: &Condition,
    visible: &[Question],
    all: &[Question],
    at: &str,
    own_id: Option<&str>,
    report: &mut impl FnMut(&str, String),
) {
    let (question_id, test): (&str, &str) = match condition {
        Condition::All(list) | Condition::Any(list) => {
            if list.is_empty() {
                report(at, "all 或 any 里至少要有一个条件".to_owned());
            }
            for c in list {
                check_condition(c, visible, all, at, own_id, report);
            }
            return;
        }
        Condition::Not(inner) => return check_condition(inner, visible, all, at, own_id, report),
        Condition::Equals { question, .. } => (question, "equals"),
        Condition::In { question, .. } => (question, "in"),
        Condition::AnyOf { question, .. } => (question, "any_of"),
        Condition::Is { question, .. } => (question, "is"),
        Condition::Compare { question, .. } => (question, "at_least / at_most / more_than / less_than"),
    };
    let Some(question) = visible.iter().find(|q| q.id == question_id) else {
        let message = if own_id == Some(question_id) {
            format!("问题 {question_id} 的条件不能引用它自己")
        } else if all.iter().any(|q| q.id == question_id) {
            format!("条件引用的问题 {question_id} 排在后面：问题只能依赖它前面的问题")
        } else {
            format!("条件引用了不存在的问题 {question_id}")
        };
        return report(at, message);
    };
    let fits = matches!(
        (condition, question.kind),
        (Condition::Equals { value: Scalar::Text(_), .. }, QuestionKind::Single)
            | (Condition::In { .. }, QuestionKind::Single)
            | (Condition::AnyOf { .. }, QuestionKind::Multiple)
            | (Condition::Is { .. }, QuestionKind::YesNo)
            | (Condition::Equals { value: Scalar::Int(_), .. }, QuestionKind::Number)
            | (Condition::Compare { .. }, QuestionKind::Number)
    );
    if !fits {
        return report(at, format!("问题 {question_id} 是{}，不能用 {test} 判断", kind_label(question.kind)));
    }
    let named: Vec<&String> = match condition {
        Condition::Equals { value: Scalar::Text(v), .. } => vec![v],
        Condition::In { options, .. } | Condition::AnyOf { options, .. } => options.iter().collect(),
        _ => vec![],
    };
    for option in named {
        if !question.options.iter().any(|o| &o.id == option) {
            report(at, format!("问题 {question_id} 没有选项 {option}"));
        }
    }
}

fn kind_label(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "单选题",
        QuestionKind::Multiple => "多选题",
        QuestionKind::YesNo => "是否题",
        QuestionKind::Number => "数字题",
    }
}

/// Whether some answers make `condition` hold, trying every answer of the
/// questions it depends on (directly or through when a question is shown).
pub(super) fn can_hold(condition: &Condition, questions: &[Question]) -> bool {
    let mut involved: Vec<&Question> = Vec::new();
    let mut pending: Vec<&str> = condition.questions();
    while let Some(id) = pending.pop() {
        if let Some(q) = questions.iter().find(|q| q.id == id)
            && !involved.iter().any(|i| i.id == q.id)
        {
            involved.push(q);
            pending.extend(q.when.iter().flat_map(|w| w.questions()));
        }
    }
    let constants = numbers_in(condition, questions);
    let domains: Vec<Vec<Option<Answer>>> = involved.iter().map(|q| domain(q, &constants)).collect();
    if domains.iter().try_fold(1usize, |n, d| n.checked_mul(d.len())).is_none_or(|n| n > MAX_COMBINATIONS) {
        return true;
    }
    let mut index = vec![0usize; domains.len()];
    loop {
        let answers: Answers = involved
            .iter()
            .zip(&index)
            .zip(&domains)
            .filter_map(|((q, &i), d)| d[i].clone().map(|a| (q.id.clone(), a)))
            .collect();
        let (_, effective) = walk(questions, &answers);
        if condition.holds(&effective) {
            return true;
        }
        // Next combination, like an odometer.
        let mut k = 0;
        loop {
            if k == index.len() {
                return false;
            }
            index[k] += 1;
            if index[k] < domains[k].len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

/// Every number a condition (or a question's condition) compares with.
fn numbers_in(condition: &Condition, questions: &[Question]) -> Vec<i64> {
    fn walk_numbers(c: &Condition, out: &mut Vec<i64>) {
        match c {
            Condition::Equals { value: Scalar::Int(v), .. } | Condition::Compare { value: v, .. } => out.push(*v),
            Condition::All(l) | Condition::Any(l) => l.iter().for_each(|c| walk_numbers(c, out)),
            Condition::Not(inner) => walk_numbers(inner, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk_numbers(condition, &mut out);
    questions.iter().filter_map(|q| q.when.as_ref()).for_each(|w| walk_numbers(w, &mut out));
    out
}

/// The answers worth trying for one question, "no answer" included.
fn domain(question: &Question, constants: &[i64]) -> Vec<Option<Answer>> {
    let mut out = vec![None];
    match question.kind {
        QuestionKind::Single => out.extend(question.options.iter().map(|o| Some(Answer::Choice(o.id.clone())))),
        QuestionKind::Multiple => {
            let n = question.options.len().min(10);
            for mask in 1u32..(1 << n) {
                let chosen = (0..n).filter(|b| mask & (1 << b) != 0).map(|b| question.options[b].id.clone()).collect();
                out.push(Some(Answer::Choices(chosen)));
            }
        }
        QuestionKind::YesNo => out.extend([Some(Answer::YesNo(true)), Some(Answer::YesNo(false))]),
        QuestionKind::Number => {
            let (min, max) = (question.min.unwrap_or(0), question.max.unwrap_or(0));
            let mut values: Vec<i64> = vec![min, max];
            for c in constants {
                values.extend([c.saturating_sub(1), *c, c.saturating_add(1)]);
            }
            values.retain(|v| (min..=max).contains(v));
            values.sort_unstable();
            values.dedup();
            out.extend(values.into_iter().map(|v| Some(Answer::Number(v))));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::ServiceItem;
    use crate::catalog::check::check_items;
    use crate::catalog::situation::{Choice, Question, QuestionKind};
    use crate::fixtures::{item, material};

    fn question(id: &str, kind: QuestionKind) -> Question {
        Question {
            id: id.into(),
            text: format!("{id}？"),
            hint: String::new(),
            kind,
            options: match kind {
                QuestionKind::Single | QuestionKind::Multiple => ["a", "b"]
                    .iter()
                    .map(|o| Choice { id: o.to_string(), label: o.to_string(), hint: String::new() })
                    .collect(),
                _ => vec![],
            },
            min: (kind == QuestionKind::Number).then_some(0),
            max: (kind == QuestionKind::Number).then_some(20),
            unit: String::new(),
            when: None,
        }
    }

    fn when(json: &str) -> Option<crate::catalog::situation::Condition> {
        Some(serde_json::from_str(json).unwrap())
    }

    fn problems(item: ServiceItem) -> Vec<(String, String)> {
        check_items(&[item], &|_: &str| true).into_iter().map(|p| (p.field, p.message)).collect()
    }

    #[test]
    fn the_agent_question_must_be_yes_or_no() {
        let mut it = item("X-1");
        it.questions = vec![question(crate::apply::form::AGENT_QUESTION, QuestionKind::YesNo)];
        assert!(problems(it.clone()).is_empty());
        it.questions = vec![question(crate::apply::form::AGENT_QUESTION, QuestionKind::Single)];
        let found = problems(it);
        assert!(found.iter().any(|(at, m)| at == "questions[0].kind" && m.contains("是否委托代理人")), "{found:?}");
    }

    fn with_questions() -> ServiceItem {
        let mut it = item("A-1");
        it.questions = vec![
            question("who", QuestionKind::Single),
            question("agent", QuestionKind::YesNo),
            question("cars", QuestionKind::Number),
            question("extras", QuestionKind::Multiple),
        ];
        it
    }

    #[test]
    fn a_sound_questionnaire_passes() {
        let mut it = with_questions();
        it.questions[1].when = when(r#"{"question":"who","equals":"a"}"#);
        let mut m = material("licence");
        m.when = when(r#"{"all":[{"question":"cars","at_least":1},{"not":{"question":"agent","is":true}}]}"#);
        m.repeat = Some("cars".into());
        it.materials.push(m);
        assert_eq!(problems(it), vec![]);
    }

    #[test]
    fn unknown_questions_and_options_are_named() {
        let mut it = with_questions();
        let mut m = material("x");
        m.when = when(r#"{"any":[{"question":"colour","equals":"red"},{"question":"who","in":["a","z"]}]}"#);
        it.materials.push(m);
        assert_eq!(
            problems(it),
            vec![
                ("materials[1].when".into(), "条件引用了不存在的问题 colour".into()),
                ("materials[1].when".into(), "问题 who 没有选项 z".into()),
            ]
        );
    }

    #[test]
    fn questions_depend_only_on_earlier_ones() {
        let mut it = with_questions();
        it.questions[0].when = when(r#"{"question":"who","equals":"a"}"#);
        it.questions[1].when = when(r#"{"question":"cars","at_least":1}"#);
        let found = problems(it);
        assert!(found.contains(&("questions[0].when".into(), "问题 who 的条件不能引用它自己".into())), "{found:?}");
        assert!(
            found.contains(&(
                "questions[1].when".into(),
                "条件引用的问题 cars 排在后面：问题只能依赖它前面的问题".into()
            )),
            "{found:?}"
        );
    }

    #[test]
    fn tests_must_fit_the_question_kind() {
        let mut it = with_questions();
        let mut m = material("x");
        m.when = when(r#"{"question":"agent","at_least":1}"#);
        it.materials.push(m);
        assert_eq!(
            problems(it),
            vec![(
                "materials[1].when".into(),
                "问题 agent 是是否题，不能用 at_least / at_most / more_than / less_than 判断".into()
            )]
        );
    }

    #[test]
    fn number_questions_need_bounds() {
        let mut it = with_questions();
        it.questions[2].max = None;
        assert_eq!(
            problems(it),
            vec![("questions[2].max".into(), "数字问题 cars 必须同时写明 min 和 max（取值范围）".into())]
        );
    }

    #[test]
    fn materials_no_answers_can_select_are_refused() {
        let mut it = with_questions();
        let mut never = material("never");
        never.name = "永远用不上的材料".into();
        never.when = when(r#"{"all":[{"question":"cars","more_than":5},{"question":"cars","less_than":3}]}"#);
        it.materials.push(never);
        let mut hidden = material("hidden");
        // agent is asked only for who = a, and this needs it together with who = b.
        it.questions[1].when = when(r#"{"question":"who","equals":"a"}"#);
        hidden.when = when(r#"{"all":[{"question":"who","equals":"b"},{"question":"agent","is":true}]}"#);
        it.materials.push(hidden);
        assert_eq!(
            problems(it),
            vec![
                ("materials[1].when".into(), "没有任何回答能选中材料“永远用不上的材料”：请检查它的条件".into()),
                ("materials[2].when".into(), "没有任何回答能选中材料“申请书”：请检查它的条件".into()),
            ]
        );
    }

    #[test]
    fn form_fields_are_checked_like_materials() {
        let mut it = with_questions();
        it.fields = serde_json::from_str(
            r#"[{"id":"start","label":"开业日期","kind":"date"},
                {"id":"start","label":"","kind":"choice","options":[{"id":"a","label":"a"}]},
                {"id":"cars","label":"车辆数","kind":"number","min":5,"max":1,"when":{"question":"ghost","is":true}}]"#,
        )
        .unwrap();
        assert_eq!(
            problems(it),
            vec![
                ("fields[1].id".into(), "字段标识 start 重复".into()),
                ("fields[1].label".into(), "缺少字段名称 label".into()),
                ("fields[1].options".into(), "选项至少要有 2 个".into()),
                ("fields[2].min".into(), "最小值 5 大于最大值 1".into()),
                ("fields[2].when".into(), "条件引用了不存在的问题 ghost".into()),
            ]
        );
    }

    #[test]
    fn repeat_needs_a_number_question() {
        let mut it = with_questions();
        let mut m = material("x");
        m.repeat = Some("who".into());
        it.materials.push(m);
        assert_eq!(
            problems(it),
            vec![("materials[1].repeat".into(), "repeat 只能引用数字问题，who 不是数字问题".into())]
        );
    }
}
