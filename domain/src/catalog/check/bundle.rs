//! Catalog rules for bundles (一件事): every item exists, shared questions agree.

use crate::catalog::ServiceItem;
use crate::catalog::bundle::Bundle;
use crate::catalog::check::Problem;

/// Problems of each bundle; `Problem::item` is the index into `bundles`.
pub fn check_bundles(bundles: &[Bundle], items: &[ServiceItem]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (index, bundle) in bundles.iter().enumerate() {
        let mut report =
            |field: &str, message: String| problems.push(Problem { item: index, field: field.to_owned(), message });
        for (field, value, what) in [
            ("code", &bundle.code, "编码"),
            ("name", &bundle.name, "名称"),
            ("summary", &bundle.summary, "一句话说明"),
            ("lead_department", &bundle.lead_department, "牵头部门"),
        ] {
            if value.trim().is_empty() {
                report(field, format!("缺少必填字段 {field}（{what}）"));
            }
        }
        super::check_english(&mut report, &bundle.english_name, &bundle.english_keywords);
        if items.iter().any(|i| i.code == bundle.code) || bundles[..index].iter().any(|b| b.code == bundle.code) {
            report("code", format!("编码 {} 已被其他事项或一件事使用", bundle.code));
        }
        if bundle.items.len() < 2 {
            report("items", "一件事至少包含 2 个事项".to_owned());
        }
        let mut found: Vec<&ServiceItem> = Vec::new();
        for (i, code) in bundle.items.iter().enumerate() {
            match items.iter().find(|item| &item.code == code) {
                None => report(&format!("items[{i}]"), format!("事项 {code} 不存在")),
                Some(_) if bundle.items[..i].contains(code) => {
                    report(&format!("items[{i}]"), format!("事项 {code} 重复"))
                }
                Some(item) => found.push(item),
            }
        }
        for (i, item) in found.iter().enumerate() {
            for question in &item.questions {
                let earlier = found[..i]
                    .iter()
                    .find_map(|other| other.questions.iter().find(|q| q.id == question.id).map(|q| (other, q)));
                if let Some((other, q)) = earlier
                    && q != question
                {
                    report(
                        "items",
                        format!(
                            "问题 {} 在 {} 和 {} 中的写法不同：一件事中同一个问题只问一次，写法必须完全一致",
                            question.id, other.code, item.code
                        ),
                    );
                }
            }
        }
        if !found.is_empty() && !found.iter().any(|i| i.department == bundle.lead_department) {
            report(
                "lead_department",
                format!(
                    "牵头部门 {} 不办理其中任何一个事项：牵头部门要负责受理，必须办理至少一个事项",
                    bundle.lead_department
                ),
            );
        }
        for (i, id) in bundle.shared_fields.iter().enumerate() {
            let declared: Vec<(&str, &crate::apply::form::Field)> = found
                .iter()
                .filter_map(|item| item.fields.iter().find(|f| &f.id == id).map(|f| (item.code.as_str(), f)))
                .collect();
            let field = format!("shared_fields[{i}]");
            match declared.as_slice() {
                [] | [_] => {
                    report(&field, format!("共用字段 {id} 要有至少 2 个事项填写，现在有 {} 个", declared.len()))
                }
                [(first_code, first), rest @ ..] => {
                    if let Some((code, _)) = rest.iter().find(|(_, f)| f != first) {
                        report(
                            &field,
                            format!(
                                "共用字段 {id} 在 {first_code} 和 {code} 中的定义不同：只问一次的字段，定义必须完全一致"
                            ),
                        );
                    }
                }
            }
            if bundle.shared_fields[..i].contains(id) {
                report(&field, format!("共用字段 {id} 重复"));
            }
        }
        let parallel = found.iter().map(|i| i.promised_limit_days).max().unwrap_or(0);
        if let Some(own) = bundle.promised_limit_days
            && own > parallel
        {
            report(
                "promised_limit_days",
                format!("一件事的承诺时限 {own} 个工作日长于各事项并联办理的 {parallel} 个工作日"),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::item;

    fn bundle(items: &[&str]) -> Bundle {
        Bundle {
            code: "K-1".into(),
            name: "开餐馆".into(),
            summary: "一次办".into(),
            lead_department: "民政局".into(),
            items: items.iter().map(|s| s.to_string()).collect(),
            promised_limit_days: None,
            keywords: vec![],
            english_name: "Test bundle".into(),
            english_keywords: vec!["test".into()],
            shared_fields: vec![],
            consult_days: 2,
        }
    }

    fn messages(problems: Vec<Problem>) -> Vec<String> {
        problems.into_iter().map(|p| format!("{}: {}", p.field, p.message)).collect()
    }

    #[test]
    fn a_sound_bundle_passes() {
        assert_eq!(check_bundles(&[bundle(&["A-1", "B-1"])], &[item("A-1"), item("B-1")]), vec![]);
    }

    #[test]
    fn unknown_and_repeated_items_and_too_long_a_promise() {
        let mut b = bundle(&["A-1", "A-1", "Z-9"]);
        b.promised_limit_days = Some(30);
        assert_eq!(
            messages(check_bundles(&[b], &[item("A-1")])),
            [
                "items[1]: 事项 A-1 重复",
                "items[2]: 事项 Z-9 不存在",
                "promised_limit_days: 一件事的承诺时限 30 个工作日长于各事项并联办理的 15 个工作日",
            ]
        );
    }

    #[test]
    fn the_lead_must_run_an_item_and_shared_fields_must_be_alike() {
        let field: crate::apply::form::Field =
            serde_json::from_str(r#"{"id":"address","label":"房屋坐落","kind":"address"}"#).unwrap();
        let (mut a, mut b, c) = (item("A-1"), item("B-1"), item("C-1"));
        a.fields = vec![field.clone()];
        b.fields = vec![crate::apply::form::Field { label: "地址".into(), ..field }];
        let mut k = bundle(&["A-1", "B-1", "C-1"]);
        k.lead_department = "县税务局".into();
        k.shared_fields = vec!["address".into(), "shop".into()];
        assert_eq!(
            messages(check_bundles(&[k], &[a, b, c])),
            [
                "lead_department: 牵头部门 县税务局 不办理其中任何一个事项：牵头部门要负责受理，必须办理至少一个事项",
                "shared_fields[0]: 共用字段 address 在 A-1 和 B-1 中的定义不同：只问一次的字段，定义必须完全一致",
                "shared_fields[1]: 共用字段 shop 要有至少 2 个事项填写，现在有 0 个",
            ]
        );
    }

    #[test]
    fn shared_questions_must_agree() {
        let question: crate::catalog::situation::Question =
            serde_json::from_str(r#"{"id":"agent","text":"委托他人吗？","kind":"yes_no"}"#).unwrap();
        let (mut a, mut b) = (item("A-1"), item("B-1"));
        a.questions = vec![question.clone()];
        b.questions = vec![crate::catalog::situation::Question { text: "代办吗？".into(), ..question }];
        assert_eq!(
            messages(check_bundles(&[bundle(&["A-1", "B-1"])], &[a, b])),
            ["items: 问题 agent 在 A-1 和 B-1 中的写法不同：一件事中同一个问题只问一次，写法必须完全一致"]
        );
    }
}
