//! The catalog checker's rules: everything that makes a catalog unusable or untrue.
//!
//! It reports every problem it finds, never only the first, so whoever edits the
//! catalog fixes them all in one go. Where the problem is (file and line) is the
//! caller's business: the rules name the item and the field path, such as
//! `materials[2].blank_form`, and the loader turns that into a line.

pub mod bundle;
mod parties;
mod situation;

use std::collections::HashMap;

use crate::catalog::{CaseKind, FileType, Material, MaterialForm, ServiceItem};

/// The seeds' rule "两次终结": an applicant comes in person at most twice.
pub const MAX_VISITS: u8 = 2;
/// Largest file the platform takes for one material file, in MB.
pub const MAX_FILE_MB: u16 = 200;

/// One thing wrong with the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Index of the item in the slice given to [`check_items`].
    pub item: usize,
    /// Field path inside the item, such as `materials[2].name`; empty for the whole item.
    pub field: String,
    pub message: String,
}

/// Check a whole catalog. `link_exists` answers whether a blank-form or sample
/// path (relative to `public/`) names an existing file.
pub fn check_items(items: &[ServiceItem], link_exists: &dyn Fn(&str) -> bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut first_with_code: HashMap<&str, usize> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        let mut report =
            |field: &str, message: String| problems.push(Problem { item: index, field: field.to_owned(), message });
        check_item(item, link_exists, &mut report);
        if !item.code.is_empty() {
            if let Some(&first) = first_with_code.get(item.code.as_str()) {
                report(
                    "code",
                    format!("事项编码 {} 重复：第 {} 个事项（{}）已经使用", item.code, first + 1, items[first].name),
                );
            } else {
                first_with_code.insert(&item.code, index);
            }
        }
    }
    problems
}

fn required_text(report: &mut impl FnMut(&str, String), field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        report(field, format!("缺少必填字段 {field}（{what}）"));
    }
}

/// An English name and words, for residents who search in English: plain
/// ASCII, so the page shows them as written.
pub(crate) fn check_english(report: &mut impl FnMut(&str, String), name: &str, keywords: &[String]) {
    required_text(report, "english_name", name, "英文名称，供用英文搜索的人找到");
    if keywords.is_empty() {
        report("english_keywords", "缺少英文关键词 english_keywords（人们用英文搜索时会用的词）".to_owned());
    }
    let english = std::iter::once(("english_name".to_owned(), name))
        .chain(keywords.iter().enumerate().map(|(i, k)| (format!("english_keywords[{i}]"), k.as_str())));
    for (field, text) in english {
        if !text.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
            report(&field, format!("“{text}”里有非英文字符：英文名称和关键词只用英文字母、数字和标点"));
        }
    }
}

fn check_item(item: &ServiceItem, link_exists: &dyn Fn(&str) -> bool, report: &mut impl FnMut(&str, String)) {
    required_text(report, "code", &item.code, "事项编码");
    if !item.code.is_empty() && !item.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        report("code", format!("事项编码 {} 只能包含字母、数字和连字符（它会出现在网址中）", item.code));
    }
    required_text(report, "name", &item.name, "事项名称");
    check_english(report, &item.english_name, &item.english_keywords);
    required_text(report, "summary", &item.summary, "一句话说明");
    required_text(report, "department", &item.department, "实施部门");
    required_text(report, "place", &item.place, "办理地点");
    required_text(report, "hours", &item.hours, "办理时间");
    required_text(report, "consult_phone", &item.consult_phone, "咨询电话");
    required_text(report, "complaint_phone", &item.complaint_phone, "投诉电话");
    if item.applicants.is_empty() {
        report("applicants", "缺少必填字段 applicants（申请人类型：个人、法人）".to_owned());
    }
    if item.conditions.is_empty() {
        report("conditions", "缺少必填字段 conditions（受理条件）".to_owned());
    }
    if item.procedure.is_empty() {
        report("procedure", "缺少必填字段 procedure（办理流程）".to_owned());
    }
    for (i, step) in item.procedure.iter().enumerate() {
        required_text(report, &format!("procedure[{i}].name"), &step.name, "环节名称");
    }
    if item.legal_basis.is_empty() {
        report("legal_basis", "缺少必填字段 legal_basis（设定依据）".to_owned());
    }
    check_limits(item, report);
    if let Some(level) = item.sign_in_level
        && !(1..=crate::account::identity::MAX_LEVEL).contains(&level)
    {
        report(
            "sign_in_level",
            format!("登录等级 sign_in_level 应为 1 到 {} 之间，现在是 {level}", crate::account::identity::MAX_LEVEL),
        );
    }
    if item.visits > MAX_VISITS {
        report("visits", format!("到现场次数为 {}，超过“两次终结”的上限 {MAX_VISITS} 次", item.visits));
    }
    if !item.fee.free && item.fee.standard.trim().is_empty() {
        report("fee.standard", "收费事项缺少收费标准 fee.standard".to_owned());
    }
    if item.materials.is_empty() {
        report("materials", "缺少申请材料 materials：一次性告知需要完整的材料清单".to_owned());
    }
    crate::catalog::check::situation::check_questions(item, report);
    crate::catalog::check::parties::check_parties(item, report);
    let mut seen_ids: HashMap<&str, usize> = HashMap::new();
    for (i, material) in item.materials.iter().enumerate() {
        let at = |field: &str| format!("materials[{i}].{field}");
        check_material(material, &at, link_exists, report);
        if !material.id.is_empty()
            && let Some(first) = seen_ids.insert(&material.id, i)
        {
            report(&at("id"), format!("材料标识 {} 重复：第 {} 项材料已经使用", material.id, first + 1));
        }
    }
}

fn check_limits(item: &ServiceItem, report: &mut impl FnMut(&str, String)) {
    if item.promised_limit_days > item.legal_limit_days {
        report(
            "promised_limit_days",
            format!("承诺时限 {} 个工作日超过了法定时限 {} 个工作日", item.promised_limit_days, item.legal_limit_days),
        );
    }
    let immediate = item.case_kind == CaseKind::Immediate;
    if !immediate && item.promised_limit_days == 0 {
        report("promised_limit_days", format!("承诺时限为 0 只适用于即办件，本事项是{}", item.case_kind.label()));
    }
    if immediate && item.promised_limit_days > 1 {
        report(
            "promised_limit_days",
            format!("即办件应当场或当日办结，承诺时限不能是 {} 个工作日", item.promised_limit_days),
        );
    }
}

fn check_material(
    material: &Material,
    at: &dyn Fn(&str) -> String,
    link_exists: &dyn Fn(&str) -> bool,
    report: &mut impl FnMut(&str, String),
) {
    required_text(report, &at("id"), &material.id, "材料标识");
    if !material.id.is_empty() && !material.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        report(&at("id"), format!("材料标识 {} 只能包含字母、数字、下划线和连字符", material.id));
    }
    required_text(report, &at("name"), &material.name, "材料名称");
    required_text(report, &at("standard"), &material.standard, "受理标准");
    if material.forms.is_empty() {
        report(&at("forms"), "缺少材料形式 forms（原件、复印件或电子版）".to_owned());
    }
    if material.forms.contains(&MaterialForm::PaperOriginal) && material.originals == 0 {
        report(&at("originals"), "材料需要原件，但原件份数 originals 为 0".to_owned());
    }
    if material.forms.contains(&MaterialForm::PaperCopy) && material.copies == 0 {
        report(&at("copies"), "材料需要复印件，但复印件份数 copies 为 0".to_owned());
    }
    if material.forms.contains(&MaterialForm::Electronic) && material.file_types.is_empty() {
        report(&at("file_types"), "电子版材料缺少可上传的文件类型 file_types".to_owned());
    }
    if material.max_file_mb == 0 || material.max_file_mb > MAX_FILE_MB {
        report(
            &at("max_file_mb"),
            format!("单个文件大小上限为 {} MB，应在 1 到 {MAX_FILE_MB} MB 之间", material.max_file_mb),
        );
    }
    if material.max_files == 0 {
        report(&at("max_files"), "文件数量上限 max_files 不能为 0".to_owned());
    }
    check_slots(material, at, report);
    for (field, link) in [("blank_form", &material.blank_form), ("sample", &material.sample)] {
        if let Some(link) = link {
            if let Some(why) = unsafe_link(link) {
                report(&at(field), format!("文件链接 {link} 无效：{why}"));
            } else if !link_exists(link) {
                report(&at(field), format!("文件链接 {link} 指向的文件在 public/ 中不存在"));
            }
        }
    }
}

/// Named sides take one file each: as many files as sides, distinct names,
/// and a photo type; a material repeated per vehicle or person takes no sides.
fn check_slots(material: &Material, at: &dyn Fn(&str) -> String, report: &mut impl FnMut(&str, String)) {
    let slots = &material.slots;
    if slots.is_empty() {
        return;
    }
    if slots.len() != usize::from(material.max_files) {
        report(
            &at("max_files"),
            format!("材料分 {} 面（slots），文件数量上限 max_files 应为 {}", slots.len(), slots.len()),
        );
    }
    let distinct: std::collections::BTreeSet<&str> = slots.iter().map(|s| s.trim()).collect();
    if slots.iter().any(|s| s.trim().is_empty() || s.chars().count() > 10) || distinct.len() != slots.len() {
        report(&at("slots"), "每一面（slots）要有不重复的名称，不超过 10 个字".to_owned());
    }
    if !material.file_types.iter().any(|t| matches!(t, FileType::Jpg | FileType::Png)) {
        report(&at("slots"), "分面上传的材料要能上传照片（file_types 含 jpg 或 png）".to_owned());
    }
    if material.repeat.is_some() {
        report(&at("slots"), "按数量重复的材料（repeat）不能分面上传".to_owned());
    }
}

/// Links must stay inside `public/`: relative, no `..`, no scheme.
fn unsafe_link(link: &str) -> Option<&'static str> {
    if link.trim().is_empty() {
        Some("链接为空")
    } else if link.starts_with('/') || link.contains('\\') {
        Some("应写成 public/ 下的相对路径，例如 forms/申请表.pdf")
    } else if link.contains("://") {
        Some("不能链接到外部网站")
    } else if link.split('/').any(|part| part == ".." || part == "." || part.is_empty()) {
        Some("路径中不能有 .、.. 或空的部分")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::*;

    use crate::fixtures::{item, material};

    fn good(code: &str) -> ServiceItem {
        item(code)
    }

    fn exists(link: &str) -> bool {
        link == "forms/a.pdf"
    }

    fn fields(problems: &[Problem]) -> Vec<(usize, &str)> {
        problems.iter().map(|p| (p.item, p.field.as_str())).collect()
    }

    #[test]
    fn every_item_needs_an_english_name_and_words_in_english() {
        let mut bare = good("A");
        bare.english_name.clear();
        bare.english_keywords.clear();
        let mut chinese = good("B");
        chinese.english_name = "营业执照".into();
        let problems = check_items(&[bare, chinese], &exists);
        assert_eq!(fields(&problems), [(0, "english_name"), (0, "english_keywords"), (1, "english_name")]);
    }

    #[test]
    fn a_good_catalog_has_no_problems() {
        assert_eq!(check_items(&[good("A-1"), good("A-2")], &exists), vec![]);
    }

    #[test]
    fn reports_every_missing_field_at_once() {
        let mut item = good("A-1");
        item.name.clear();
        item.place = "  ".into();
        item.applicants.clear();
        item.materials[0].standard.clear();
        let problems = check_items(&[item], &exists);
        assert_eq!(fields(&problems), [(0, "name"), (0, "place"), (0, "applicants"), (0, "materials[0].standard")]);
        assert_eq!(problems[0].message, "缺少必填字段 name（事项名称）");
    }

    #[test]
    fn duplicate_codes_name_the_first_user() {
        let problems = check_items(&[good("A-1"), good("A-2"), good("A-1")], &exists);
        assert_eq!(fields(&problems), [(2, "code")]);
        assert_eq!(problems[0].message, "事项编码 A-1 重复：第 1 个事项（社会团体成立登记）已经使用");
    }

    #[test]
    fn promised_limit_may_not_exceed_the_legal_limit() {
        let mut item = good("A-1");
        item.promised_limit_days = 61;
        let problems = check_items(&[item], &exists);
        assert_eq!(problems[0].field, "promised_limit_days");
        assert_eq!(problems[0].message, "承诺时限 61 个工作日超过了法定时限 60 个工作日");
    }

    #[test]
    fn zero_day_promise_only_for_immediate_items() {
        let mut item = good("A-1");
        item.promised_limit_days = 0;
        assert_eq!(fields(&check_items(&[item.clone()], &exists)), [(0, "promised_limit_days")]);
        item.case_kind = CaseKind::Immediate;
        assert_eq!(check_items(&[item.clone()], &exists), vec![]);
        item.promised_limit_days = 3;
        assert_eq!(fields(&check_items(&[item], &exists)), [(0, "promised_limit_days")]);
    }

    #[test]
    fn broken_and_unsafe_links_are_reported() {
        let mut item = good("A-1");
        item.materials[0].blank_form = Some("forms/missing.pdf".into());
        item.materials[0].sample = Some("../secret.pdf".into());
        let problems = check_items(&[item], &exists);
        assert_eq!(fields(&problems), [(0, "materials[0].blank_form"), (0, "materials[0].sample")]);
        assert_eq!(problems[0].message, "文件链接 forms/missing.pdf 指向的文件在 public/ 中不存在");
        assert!(problems[1].message.contains("不能有 .、.."), "{}", problems[1].message);
        for bad in ["/forms/a.pdf", "https://example.com/a.pdf", "forms//a.pdf", ""] {
            assert!(unsafe_link(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn material_counts_must_fit_their_forms() {
        let mut item = good("A-1");
        item.materials[0].originals = 0;
        item.materials[0].forms.push(MaterialForm::PaperCopy);
        item.materials[0].file_types.clear();
        item.materials[0].max_files = 0;
        item.materials[0].max_file_mb = 500;
        item.materials.push(material("application"));
        let problems = check_items(&[item], &exists);
        assert_eq!(
            fields(&problems),
            [
                (0, "materials[0].originals"),
                (0, "materials[0].copies"),
                (0, "materials[0].file_types"),
                (0, "materials[0].max_file_mb"),
                (0, "materials[0].max_files"),
                (0, "materials[1].id"),
            ]
        );
    }

    #[test]
    fn sides_take_one_file_each_and_a_photo() {
        let mut item = good("A-1");
        item.materials[0].slots = vec!["人像面".into(), "人像面".into(), "国徽面".into()];
        item.materials[0].file_types = vec![crate::FileType::Pdf];
        item.materials[0].repeat = Some("vehicles".into());
        let problems = check_items(&[item], &exists);
        let found: Vec<_> = problems.iter().map(|p| (p.field.as_str(), p.message.as_str())).collect();
        assert!(found.contains(&("materials[0].max_files", "材料分 3 面（slots），文件数量上限 max_files 应为 3")));
        assert!(found.contains(&("materials[0].slots", "每一面（slots）要有不重复的名称，不超过 10 个字")));
        assert!(found.contains(&("materials[0].slots", "分面上传的材料要能上传照片（file_types 含 jpg 或 png）")));
        assert!(found.contains(&("materials[0].slots", "按数量重复的材料（repeat）不能分面上传")));
        let mut good_sides = good("A-2");
        good_sides.materials[0].slots = vec!["人像面".into(), "国徽面".into()];
        good_sides.materials[0].file_types = vec![crate::FileType::Jpg];
        good_sides.materials[0].max_files = 2;
        assert!(
            check_items(&[good_sides], &exists)
                .iter()
                .all(|p| !p.field.contains("slots") && !p.field.contains("max_files"))
        );
    }

    #[test]
    fn visits_fee_and_code_rules() {
        let mut item = good("A 1");
        item.visits = 3;
        item.fee.free = false;
        let problems = check_items(&[item], &exists);
        assert_eq!(fields(&problems), [(0, "code"), (0, "visits"), (0, "fee.standard")]);
        assert_eq!(problems[1].message, "到现场次数为 3，超过“两次终结”的上限 2 次");
    }

    #[test]
    #[cfg(feature = "aliases")]
    fn chinese_enum_names_are_accepted() {
        let json =
            r#"{"kind":"行政许可","case":"承诺件","who":"法人","nec":"容缺后补","src":"电子证照库","form":"复印件"}"#;
        #[derive(serde::Deserialize)]
        struct Probe {
            kind: ItemKind,
            case: CaseKind,
            who: ApplicantType,
            nec: Necessity,
            src: MaterialSource,
            form: MaterialForm,
        }
        let p: Probe = serde_json::from_str(json).unwrap();
        assert_eq!(
            (p.kind, p.case, p.who, p.nec, p.src, p.form),
            (
                ItemKind::Licensing,
                CaseKind::Promised,
                ApplicantType::Organisation,
                Necessity::Tolerated,
                MaterialSource::ELicence,
                MaterialForm::PaperCopy
            )
        );
    }
}
