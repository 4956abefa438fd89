//! An application's materials as the applicant builds them: the finished
//! uploads by material, the 容缺 choice, and what still stands between the
//! application and its submission (the same rules the server applies).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::submission::{Filled, MaterialError, check_materials, duplicate_contents, slot_problems};
use crate::catalog::checklist::Checklist;
use crate::catalog::{Material, MaterialForm};

/// A finished, checked upload of one material file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedFile {
    /// The tus upload id (the last part of its `/api/uploads/` address).
    pub upload: String,
    pub name: String,
    pub size: u64,
    /// The size before compression in the browser, when it was compressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_size: Option<u64>,
    /// SHA-256 (hex) of the file as picked: the same photo picked twice is
    /// refused before it is sent. Empty where the browser could not compute it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
    /// Which named side it is (`Material::slots`), for materials that have them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 255))]
    pub slot: Option<u8>,
    /// A file of one of the signed-in applicant's earlier cases, used again
    /// (材料复用): sent as `reused`, never deleted from here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reused: bool,
}

impl UploadedFile {
    /// What the side rules need of it (a PDF may hold every side).
    pub fn filled(&self) -> Filled {
        Filled { slot: self.slot, pdf: self.name.to_ascii_lowercase().ends_with(".pdf") }
    }
}

/// The uploads of an application, by material id, with the 容缺 choice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Materials {
    #[serde(default)]
    pub files: BTreeMap<String, Vec<UploadedFile>>,
    /// Materials the applicant will supply after acceptance (容缺后补).
    #[serde(default)]
    pub later: Vec<String>,
    /// The 容缺受理承诺书 was accepted.
    #[serde(default)]
    pub pledge_accepted: bool,
}

impl Materials {
    /// How many finished files each material has.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.files.iter().map(|(id, files)| (id.clone(), files.len())).collect()
    }

    /// This application's own upload ids by material, as a submission sends them.
    pub fn upload_ids(&self) -> BTreeMap<String, Vec<String>> {
        self.ids(false)
    }

    /// The earlier cases' files used again, by material (`Submission::reused`).
    pub fn reused_ids(&self) -> BTreeMap<String, Vec<String>> {
        self.ids(true)
    }

    fn ids(&self, reused: bool) -> BTreeMap<String, Vec<String>> {
        self.files
            .iter()
            .map(|(id, files)| {
                (id.clone(), files.iter().filter(|f| f.reused == reused).map(|f| f.upload.clone()).collect::<Vec<_>>())
            })
            .filter(|(_, uploads)| !uploads.is_empty())
            .collect()
    }

    /// What is still missing or wrong, by material, with the same rules the
    /// server applies on submission. Materials marked for later that the
    /// checklist no longer allows to be late are reported, not silently kept.
    pub fn problems(&self, checklist: &Checklist) -> Vec<MaterialError> {
        let all = self
            .files
            .iter()
            .map(|(id, files)| (id.clone(), files.iter().map(|f| f.upload.clone()).collect()))
            .collect();
        let mut problems = crate::apply::submission::duplicate_uploads(&all);
        let digests = self
            .files
            .iter()
            .map(|(id, files)| (id.clone(), files.iter().map(|f| f.digest.clone()).collect()))
            .collect();
        problems.extend(duplicate_contents(&digests));
        problems.extend(check_materials(checklist, &self.counts(), &self.later, self.pledge_accepted));
        let filled =
            self.files.iter().map(|(id, files)| (id.clone(), files.iter().map(UploadedFile::filled).collect()));
        problems.extend(slot_problems(checklist, &filled.collect()));
        problems
    }

    /// Forget files and 容缺 choices of materials this checklist no longer
    /// asks for (the applicant changed an answer). Returns this application's
    /// own upload ids let go.
    pub fn keep_only(&mut self, checklist: &Checklist) -> Vec<String> {
        let wanted = |id: &str| checklist.entries.iter().any(|e| e.material.id == id);
        let mut dropped = Vec::new();
        self.files.retain(|id, files| {
            let keep = wanted(id);
            if !keep {
                // Only this application's own: an earlier case's file is never discarded from here.
                dropped.extend(files.iter().filter(|f| !f.reused).map(|f| f.upload.clone()));
            }
            keep
        });
        self.later.retain(|id| wanted(id));
        if self.later.is_empty() {
            self.pledge_accepted = false;
        }
        dropped
    }
}

/// Whether the applicant uploads this material at all: electronic copies only,
/// and not what the department fetches itself.
pub fn is_uploaded(material: &Material) -> bool {
    material.forms.contains(&MaterialForm::Electronic) && !material.not_needed_from_applicant()
}

/// Human size: "820 KB", "12.4 MB".
pub fn size_text(bytes: u64) -> String {
    if bytes < 1_048_576 { format!("{} KB", bytes.div_ceil(1024)) } else { crate::decimal::megabytes(bytes) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Necessity;
    use crate::catalog::checklist::ChecklistEntry;
    use crate::fixtures::material;

    fn entry(id: &str, necessity: Necessity) -> ChecklistEntry {
        let mut m = material(id);
        m.necessity = necessity;
        m.max_files = 2;
        ChecklistEntry { material: m, count: 1, unit: String::new(), items: vec![] }
    }

    #[test]
    fn the_browser_sees_what_the_server_will_refuse() {
        let list = Checklist {
            entries: vec![entry("form", Necessity::Required), entry("plan", Necessity::Tolerated)],
            unanswered: vec![],
        };
        let file =
            |n: &str| UploadedFile { upload: n.into(), name: format!("{n}.pdf"), size: 10, ..UploadedFile::default() };
        let mut materials = Materials::default();
        assert_eq!(materials.problems(&list).len(), 2);
        materials.files.insert("form".into(), vec![file("a")]);
        materials.later.push("plan".into());
        assert_eq!(materials.problems(&list)[0].message, "选择容缺后补的，需要先阅读并同意容缺受理承诺书");
        materials.pledge_accepted = true;
        assert!(materials.problems(&list).is_empty());
        assert_eq!(materials.upload_ids(), BTreeMap::from([("form".to_owned(), vec!["a".to_owned()])]));
    }

    #[test]
    fn materials_no_longer_asked_for_are_let_go() {
        let list = Checklist { entries: vec![entry("form", Necessity::Required)], unanswered: vec![] };
        let file = |n: &str| UploadedFile { upload: n.into(), name: n.into(), size: 1, ..UploadedFile::default() };
        let mut materials = Materials {
            files: BTreeMap::from([("form".into(), vec![file("a")]), ("gone".into(), vec![file("b"), file("c")])]),
            later: vec!["gone".into()],
            pledge_accepted: true,
        };
        assert_eq!(materials.keep_only(&list), ["b", "c"]);
        assert_eq!(materials.files.len(), 1);
        assert!(materials.later.is_empty() && !materials.pledge_accepted);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// A checklist of up to six materials, each required, 容缺 or optional,
        /// repeated 1–3 times, taking 1–3 files per instance.
        fn checklist() -> impl Strategy<Value = Checklist> {
            prop::collection::vec((0..3u8, 1..4u32, 1..4u8), 1..7).prop_map(|specs| Checklist {
                entries: specs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (kind, count, max_files))| {
                        let mut m = material(&format!("m{i}"));
                        m.necessity =
                            [Necessity::Required, Necessity::Tolerated, Necessity::Optional][usize::from(kind)];
                        m.max_files = max_files;
                        ChecklistEntry { material: m, count, unit: "份".into(), items: vec![] }
                    })
                    .collect(),
                unanswered: vec![],
            })
        }

        fn needed(entry: &ChecklistEntry) -> usize {
            if entry.material.necessity == Necessity::Optional { 0 } else { entry.count as usize }
        }

        fn files(n: usize, tag: &str) -> Vec<UploadedFile> {
            (0..n)
                .map(|i| UploadedFile {
                    upload: format!("{tag}{i}"),
                    name: format!("{tag}{i}.pdf"),
                    size: 1,
                    ..UploadedFile::default()
                })
                .collect()
        }

        /// Files for every material: between what it needs and what it takes.
        fn complete(list: &Checklist, extra: &[usize]) -> Materials {
            let mut materials = Materials::default();
            for (i, entry) in list.entries.iter().enumerate() {
                let most = usize::from(entry.material.max_files) * entry.count as usize;
                let n = (needed(entry) + extra.get(i).copied().unwrap_or(0)).min(most);
                if n > 0 {
                    materials.files.insert(entry.material.id.clone(), files(n, &entry.material.id));
                }
            }
            materials
        }

        proptest! {
            #[test]
            fn a_complete_application_has_no_problems(list in checklist(), extra in prop::collection::vec(0..4usize, 6)) {
                prop_assert_eq!(complete(&list, &extra).problems(&list), vec![]);
            }

            #[test]
            fn one_file_short_names_exactly_that_material(list in checklist(), pick in any::<prop::sample::Index>()) {
                let mut materials = complete(&list, &[]);
                let short: Vec<&ChecklistEntry> = list.entries.iter().filter(|e| needed(e) > 0).collect();
                prop_assume!(!short.is_empty());
                let entry = pick.get(&short);
                materials.files.get_mut(&entry.material.id).unwrap().pop();
                let problems = materials.problems(&list);
                prop_assert_eq!(problems.len(), 1);
                prop_assert_eq!(&problems[0].material, &entry.material.id);
            }

            #[test]
            fn tolerated_materials_may_wait_only_with_the_pledge(list in checklist(), pledge: bool) {
                let mut materials = complete(&list, &[]);
                for entry in list.entries.iter().filter(|e| e.material.necessity == Necessity::Tolerated) {
                    materials.files.remove(&entry.material.id);
                    materials.later.push(entry.material.id.clone());
                }
                materials.pledge_accepted = pledge;
                let problems = materials.problems(&list);
                prop_assert_eq!(problems.is_empty(), materials.later.is_empty() || pledge);
            }

            #[test]
            fn too_many_files_are_always_reported(list in checklist(), pick in any::<prop::sample::Index>()) {
                let mut materials = complete(&list, &[]);
                let entry = pick.get(&list.entries);
                let most = usize::from(entry.material.max_files) * entry.count as usize;
                materials.files.insert(entry.material.id.clone(), files(most + 1, "x"));
                let problems = materials.problems(&list);
                prop_assert!(problems.iter().any(|p| p.material == entry.material.id && p.message.contains("最多上传")));
            }
        }
    }
}
#[cfg(test)]
mod duplicate_tests {
    use super::*;

    #[test]
    fn the_same_upload_twice_is_refused_at_once_in_the_material_it_repeats_in() {
        let file = |id: &str| UploadedFile {
            upload: id.to_owned(),
            name: "正面.png".to_owned(),
            size: 10,
            ..UploadedFile::default()
        };
        let mut materials = Materials::default();
        materials.files.insert("id_card".to_owned(), vec![file("u1"), file("u1")]);
        materials.files.insert("photo".to_owned(), vec![file("u2")]);
        let duplicates = crate::apply::submission::duplicate_uploads(&materials.upload_ids());
        assert_eq!(duplicates.len(), 1);
        assert_eq!(
            (duplicates[0].material.as_str(), duplicates[0].message.as_str()),
            ("id_card", crate::apply::submission::DUPLICATE_FILE)
        );
        materials.files.insert("photo".to_owned(), vec![file("u1")]);
        assert_eq!(
            crate::apply::submission::duplicate_uploads(&materials.upload_ids()).len(),
            2,
            "across materials too"
        );
    }
}
