//! Submitting an application once (e-submission): what is sent, the material
//! rules the server checks against its own checklist, and the receipt.

/// The most uploads one submission or supplement may name (checked before any of them is looked at).
pub const MAX_UPLOADS_PER_REQUEST: usize = 100;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::form::{ApplicationForm, FieldError};
use crate::catalog::checklist::Checklist;
use crate::catalog::situation::Answers;
use crate::catalog::{MaterialForm, Necessity};

/// `POST /api/services/{code}/submissions`, sent with an `Idempotency-Key` header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub answers: Answers,
    pub form: ApplicationForm,
    /// Finished uploads by material id.
    #[serde(default)]
    pub files: BTreeMap<String, Vec<String>>,
    /// 材料复用: files from the signed-in applicant's earlier cases, by material
    /// id (each the upload id `GET /api/my/materials` lists); stored once, referenced again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reused: BTreeMap<String, Vec<String>>,
    /// 容缺: materials to supply after acceptance.
    #[serde(default)]
    pub later: Vec<String>,
    /// The applicant accepted the 容缺受理承诺书.
    #[serde(default)]
    pub pledge_accepted: bool,
    /// Where progress notices go besides the status page: an email address the
    /// applicant chose on the review page ("" for none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Progress by SMS to the form's mobile number ([`ApplicationForm::notice_phone`]):
    /// only when the applicant asked for it on the review page and proved the
    /// number with a one-time code ([`crate::apply::phone_code`]).
    #[serde(default)]
    pub sms: bool,
}

/// 容缺受理承诺书: what the applicant accepts when supplying materials later.
/// The app shows exactly this text; the server records that it was accepted.
pub const TOLERANCE_PLEDGE: &str = "本人（本单位）申请容缺受理，承诺在规定期限内补齐所列材料，并对所提交材料的真实性负责。\
逾期未补齐的，同意按未通过审查处理，本次申请终止；如有不实，愿意承担相应的法律责任。";

/// How many working days after acceptance the 容缺 materials are due: never
/// beyond the item's promised limit (a same-day item still gets one day).
pub fn tolerance_deadline_days(promised_limit_days: u16) -> u16 {
    promised_limit_days.max(1)
}

/// The day the 容缺 materials of a case accepted on `accepted` are due.
pub fn tolerance_deadline(
    calendar: &crate::time::calendar::Calendar,
    accepted: crate::time::date::Date,
    promised_limit_days: u16,
) -> crate::time::date::Date {
    calendar.add_working_days(accepted, u32::from(tolerance_deadline_days(promised_limit_days)))
}

/// A problem with one material of the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialError {
    pub material: String,
    pub message: String,
}

/// Everything wrong with a submission, for the app to show in place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionProblems {
    #[serde(default)]
    pub fields: Vec<FieldError>,
    #[serde(default)]
    pub materials: Vec<MaterialError>,
}

impl SubmissionProblems {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.materials.is_empty()
    }

    pub fn count(&self) -> usize {
        self.fields.len() + self.materials.len()
    }
}

/// The words for a file named twice (two picks that became one upload, or one
/// upload sent for two materials).
pub const DUPLICATE_FILE: &str = "同一个文件只能交一次，请删除重复的文件";

/// A file is part of an application once: every repeat of an upload id, across
/// all materials, is a problem of the material it repeats in. The task list
/// refuses it the moment it appears; the server refuses it again.
pub fn duplicate_uploads(uploads: &BTreeMap<String, Vec<String>>) -> Vec<MaterialError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for (material, ids) in uploads {
        for id in ids {
            if !seen.insert(id.as_str()) {
                problems.push(MaterialError { material: material.clone(), message: DUPLICATE_FILE.to_owned() });
            }
        }
    }
    problems
}

/// The words for the same content twice (one photo picked for both sides).
pub const DUPLICATE_CONTENT: &str =
    "这个文件和这项材料里已上传的一个文件内容完全相同（同一张照片选了两次），请删除它，换成另一面或另一页";

/// The same bytes twice in one material (both sides from one photo) are
/// refused; across materials one scan may honestly serve two. The browser
/// checks the digests of what was picked; the server those of what it stored.
pub fn duplicate_contents(digests: &BTreeMap<String, Vec<String>>) -> Vec<MaterialError> {
    let mut problems = Vec::new();
    for (material, digests) in digests {
        let mut seen = std::collections::BTreeSet::new();
        for digest in digests.iter().filter(|d| !d.is_empty()) {
            if !seen.insert(digest.as_str()) {
                problems.push(MaterialError { material: material.clone(), message: DUPLICATE_CONTENT.to_owned() });
            }
        }
    }
    problems
}

/// One file as the side rules see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filled {
    /// The named side it was put in.
    pub slot: Option<u8>,
    /// A PDF: a scan may hold every side in one file.
    pub pdf: bool,
}

/// Materials with named sides (`Material::slots`): one file per side, no side
/// twice, no side that does not exist, and every side once any is given —
/// unless a PDF is among the files (a scan of both sides in one document).
pub fn slot_problems(checklist: &Checklist, files: &BTreeMap<String, Vec<Filled>>) -> Vec<MaterialError> {
    let mut problems = Vec::new();
    for entry in checklist.entries.iter().filter(|e| !e.material.slots.is_empty()) {
        let material = &entry.material;
        let Some(files) = files.get(&material.id).filter(|f| !f.is_empty()) else { continue };
        let mut report = |message: String| problems.push(MaterialError { material: material.id.clone(), message });
        let mut taken = std::collections::BTreeSet::new();
        for slot in files.iter().filter_map(|f| f.slot) {
            match material.slots.get(usize::from(slot)) {
                None => report(format!("“{}”没有第 {} 面，请重新上传", material.name, u16::from(slot) + 1)),
                Some(name) if !taken.insert(slot) => report(format!("“{}”的{name}只能上传一个文件", material.name)),
                Some(_) => {}
            }
        }
        let missing = missing_sides(material, files);
        if !missing.is_empty() {
            report(format!("请上传“{}”的{}", material.name, missing.join("、")));
        }
    }
    problems
}

/// Check the materials of a submission against the checklist the server
/// recomputed. `file_counts` holds, per material, how many of its uploads
/// passed the file checks; problems with single files are the caller's.
/// The named sides of `material` no file fills yet: none once a PDF is among
/// the files (a scan may hold every side), none before any file is given.
pub fn missing_sides<'a>(material: &'a crate::catalog::Material, files: &[Filled]) -> Vec<&'a str> {
    if files.is_empty() || files.iter().any(|f| f.pdf) {
        return Vec::new();
    }
    let filled = |i: usize| files.iter().any(|f| f.slot.is_some_and(|s| usize::from(s) == i));
    material.slots.iter().enumerate().filter(|(i, _)| !filled(*i)).map(|(_, name)| name.as_str()).collect()
}

pub fn check_materials(
    checklist: &Checklist,
    file_counts: &BTreeMap<String, usize>,
    later: &[String],
    pledge_accepted: bool,
) -> Vec<MaterialError> {
    let mut problems = Vec::new();
    let mut report =
        |material: &str, message: String| problems.push(MaterialError { material: material.to_owned(), message });
    for (id, _) in file_counts.iter().filter(|(_, n)| **n > 0) {
        if !checklist.entries.iter().any(|e| &e.material.id == id) {
            report(id, "这项材料按您的情况不需要提交，请删除它的文件".to_owned());
        }
    }
    for id in later {
        match checklist.entries.iter().find(|e| &e.material.id == id) {
            Some(entry) if entry.material.necessity == Necessity::Tolerated => {}
            Some(entry) => report(id, format!("“{}”不能容缺后补，请现在上传", entry.material.name)),
            None => report(id, "这项材料按您的情况不需要提交".to_owned()),
        }
    }
    if !later.is_empty() && !pledge_accepted {
        report(&later[0], "选择容缺后补的，需要先阅读并同意容缺受理承诺书".to_owned());
    }
    for entry in &checklist.entries {
        let material = &entry.material;
        if material.not_needed_from_applicant() || !material.forms.contains(&MaterialForm::Electronic) {
            continue;
        }
        let have = file_counts.get(&material.id).copied().unwrap_or(0);
        let most = usize::from(material.max_files) * entry.count as usize;
        if have > most {
            report(&material.id, format!("“{}”最多上传 {most} 个文件，现在有 {have} 个", entry.title()));
            continue;
        }
        let needed = match material.necessity {
            Necessity::Required => entry.count as usize,
            Necessity::Tolerated if !later.contains(&material.id) => entry.count as usize,
            _ => 0,
        };
        if have < needed {
            let message = if needed == 1 {
                format!("请上传“{}”", entry.title())
            } else {
                format!("请上传“{}”，共 {needed} 份，现在有 {have} 份", entry.title())
            };
            report(&material.id, message);
        }
    }
    problems
}

/// What the applicant keeps after submitting (回执).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// 办件编号: unambiguous characters only.
    pub case_number: String,
    /// The province's number of the case (办件编号), where the centre numbers cases for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_number: Option<String>,
    /// The province gives the case its number and has not yet (已提交（待赋码）).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province_pending: bool,
    /// 查询码: with the case number, opens the case's status; shown once.
    pub query_code: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    pub promised_limit_days: u16,
    pub consult_phone: String,
    /// 容缺 materials still to supply.
    pub later: Vec<String>,
    /// Working days after acceptance to supply them ([`tolerance_deadline_days`]).
    #[serde(default)]
    pub later_due_days: u16,
    /// A bundle's joint case (联办件): each item and the department that handles it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<ReceiptPart>,
    /// Where progress notices will go besides the status page (none when the
    /// centre sends none or the applicant chose none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<ReceiptNotice>,
    /// Where the law has several parties, each by side with the name masked
    /// (`买方 张*`): the receipt says whose application it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<ReceiptParty>,
}

/// One party on the receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptParty {
    pub label: String,
    /// Masked (`张*`).
    pub name: String,
    pub applicant: bool,
}

/// The parties in one line, as the receipt and the notices say them:
/// `买方 张*（申请人）、卖方 李*`.
pub fn parties_line(parties: &[ReceiptParty]) -> String {
    let each: Vec<String> = parties
        .iter()
        .map(|p| format!("{} {}{}", p.label, p.name, if p.applicant { "（申请人）" } else { "" }))
        .collect();
    each.join("、")
}

impl ReceiptParty {
    pub fn from_named(named: &crate::apply::parties::Named) -> Self {
        Self {
            label: named.label.clone(),
            name: crate::apply::identity::mask_name(&named.name),
            applicant: named.applicant,
        }
    }
}

/// One channel the applicant will be told by, with its address masked (`138****5678`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptNotice {
    /// `sms`, `email` or `wechat`.
    pub channel: String,
    pub to: String,
}

/// One item of a joint case on the receipt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptPart {
    pub item_name: String,
    pub department: String,
    /// The province's number of the case (办件编号), where the centre numbers cases for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_number: Option<String>,
    /// The province gives the case its number and has not yet (已提交（待赋码）).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province_pending: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MaterialSource;
    use crate::catalog::checklist::ChecklistEntry;
    use crate::fixtures::material;

    fn entry(id: &str, necessity: Necessity, count: u32) -> ChecklistEntry {
        let mut m = material(id);
        m.name = format!("材料{id}");
        m.necessity = necessity;
        m.max_files = 2;
        ChecklistEntry { material: m, count, unit: if count > 1 { "辆".into() } else { String::new() }, items: vec![] }
    }

    fn list() -> Checklist {
        let mut held = entry("licence", Necessity::Required, 1);
        held.material.source = MaterialSource::ELicence;
        Checklist {
            entries: vec![
                entry("form", Necessity::Required, 1),
                entry("cars", Necessity::Required, 3),
                entry("plan", Necessity::Tolerated, 1),
                entry("extra", Necessity::Optional, 1),
                held,
            ],
            unanswered: vec![],
        }
    }

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn messages(problems: Vec<MaterialError>) -> Vec<String> {
        problems.into_iter().map(|p| format!("{}: {}", p.material, p.message)).collect()
    }

    #[test]
    fn the_tolerance_deadline_never_passes_the_promise() {
        assert_eq!(tolerance_deadline_days(5), 5);
        assert_eq!(tolerance_deadline_days(0), 1, "a same-day item still gives a day");
    }

    #[test]
    fn a_complete_submission_passes() {
        let complete = counts(&[("form", 1), ("cars", 3), ("plan", 1)]);
        assert!(check_materials(&list(), &complete, &[], false).is_empty());
        let with_later = counts(&[("form", 2), ("cars", 4)]);
        assert!(check_materials(&list(), &with_later, &["plan".into()], true).is_empty());
    }

    #[test]
    fn every_missing_material_is_named_once() {
        assert_eq!(
            messages(check_materials(&list(), &counts(&[("cars", 1)]), &[], false)),
            [
                "form: 请上传“材料form”",
                "cars: 请上传“材料cars（第 1 辆 … 第 3 辆）”，共 3 份，现在有 1 份",
                "plan: 请上传“材料plan”",
            ]
        );
    }

    #[test]
    fn tolerance_only_where_allowed_and_with_the_pledge() {
        let files = counts(&[("cars", 3)]);
        assert_eq!(
            messages(check_materials(&list(), &files, &["form".into(), "plan".into()], false)),
            [
                "form: “材料form”不能容缺后补，请现在上传",
                "form: 选择容缺后补的，需要先阅读并同意容缺受理承诺书",
                "form: 请上传“材料form”",
            ]
        );
    }

    #[test]
    fn files_for_materials_not_needed_or_too_many_files_are_refused() {
        let files = counts(&[("form", 3), ("cars", 3), ("plan", 1), ("ghost", 1)]);
        assert_eq!(
            messages(check_materials(&list(), &files, &[], false)),
            ["ghost: 这项材料按您的情况不需要提交，请删除它的文件", "form: “材料form”最多上传 2 个文件，现在有 3 个"]
        );
    }

    #[test]
    fn an_id_card_needs_both_sides_each_once_unless_one_pdf_holds_them() {
        let mut card = entry("id_card", Necessity::Required, 1);
        card.material.name = "身份证".into();
        card.material.slots = vec!["人像面".into(), "国徽面".into()];
        let list = Checklist { entries: vec![card], unanswered: vec![] };
        let photo = |slot: Option<u8>| Filled { slot, pdf: false };
        let check =
            |files: Vec<Filled>| messages(slot_problems(&list, &BTreeMap::from([("id_card".to_owned(), files)])));
        assert_eq!(check(vec![photo(Some(0))]), ["id_card: 请上传“身份证”的国徽面"]);
        assert_eq!(check(vec![photo(None)]), ["id_card: 请上传“身份证”的人像面、国徽面"]);
        assert!(check(vec![photo(Some(1)), photo(Some(0))]).is_empty());
        assert_eq!(
            check(vec![photo(Some(0)), photo(Some(0))]),
            ["id_card: “身份证”的人像面只能上传一个文件", "id_card: 请上传“身份证”的国徽面"]
        );
        assert_eq!(
            check(vec![photo(Some(0)), photo(Some(7))]),
            ["id_card: “身份证”没有第 8 面，请重新上传", "id_card: 请上传“身份证”的国徽面"]
        );
        // A scanner's PDF of both sides is honest input.
        assert!(check(vec![Filled { slot: Some(0), pdf: true }]).is_empty());
        // Nothing yet is the checklist's problem (请上传“身份证”), not a side's.
        assert!(check(vec![]).is_empty());
    }

    #[test]
    fn the_same_content_twice_in_one_material_is_refused() {
        let digests = BTreeMap::from([
            ("id_card".to_owned(), vec!["aa".to_owned(), "aa".to_owned()]),
            ("photo".to_owned(), vec!["bb".to_owned(), String::new(), String::new()]),
            ("zz".to_owned(), vec!["bb".to_owned()]),
        ]);
        assert_eq!(
            messages(duplicate_contents(&digests)),
            [format!("id_card: {DUPLICATE_CONTENT}")],
            "unknown digests (empty) are never the same; one scan may serve two materials"
        );
    }
}
