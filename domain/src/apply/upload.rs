//! The applicant's side of uploading materials, as plain rules the browser's
//! tus client follows and the tests pin down: what a finished upload is, how
//! creation metadata is written, how big a chunk is, when to retry, which
//! photos are worth compressing and to what size, and what still stands
//! between an application and its submission.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::submission::{MaterialError, check_materials};
use crate::catalog::checklist::Checklist;
use crate::catalog::{FileType, Material, MaterialForm};

/// Bytes sent per PATCH: on a weak 4G signal a lost chunk costs at most this.
pub const CHUNK_BYTES: u64 = 5 * 1024 * 1024;

/// A photo's longest edge after compression, in pixels: sharp enough to read an
/// ID card or a licence, small enough to upload on a weak signal.
pub const PHOTO_LONG_EDGE: u32 = 2000;

/// JPEG quality of compressed photos.
pub const PHOTO_QUALITY: f64 = 0.85;

/// Photos below this size are sent as they are.
pub const COMPRESS_ABOVE_BYTES: u64 = 1024 * 1024;

/// A finished, checked upload of one material file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedFile {
    /// The tus upload id (the last part of its `/api/uploads/` address).
    pub upload: String,
    pub name: String,
    pub size: u64,
    /// The size before compression in the browser, when it was compressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_size: Option<u64>,
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

    /// Upload ids by material, as a submission sends them.
    pub fn upload_ids(&self) -> BTreeMap<String, Vec<String>> {
        self.files
            .iter()
            .filter(|(_, files)| !files.is_empty())
            .map(|(id, files)| (id.clone(), files.iter().map(|f| f.upload.clone()).collect()))
            .collect()
    }

    /// What is still missing or wrong, by material, with the same rules the
    /// server applies on submission. Materials marked for later that the
    /// checklist no longer allows to be late are reported, not silently kept.
    pub fn problems(&self, checklist: &Checklist) -> Vec<MaterialError> {
        let mut problems = crate::apply::submission::duplicate_uploads(&self.upload_ids());
        problems.extend(check_materials(checklist, &self.counts(), &self.later, self.pledge_accepted));
        problems
    }

    /// Forget files and 容缺 choices of materials this checklist no longer
    /// asks for (the applicant changed an answer). Returns the upload ids let go.
    pub fn keep_only(&mut self, checklist: &Checklist) -> Vec<String> {
        let wanted = |id: &str| checklist.entries.iter().any(|e| e.material.id == id);
        let mut dropped = Vec::new();
        self.files.retain(|id, files| {
            let keep = wanted(id);
            if !keep {
                dropped.extend(files.iter().map(|f| f.upload.clone()));
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

/// The `Upload-Metadata` header of a tus creation: `key base64(value)` pairs.
pub fn metadata_header(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k} {}", base64(v.as_bytes()))).collect::<Vec<_>>().join(",")
}

/// Standard base64 with padding (what tus metadata uses).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The byte range of the next PATCH from `offset` of a `size`-byte file.
pub fn next_chunk(offset: u64, size: u64) -> (u64, u64) {
    (offset, size.min(offset.saturating_add(CHUNK_BYTES)))
}

/// How long to wait before retry number `attempt` (0-based), in milliseconds,
/// or `None` once retrying should stop and the applicant be asked.
pub fn retry_delay_ms(attempt: u32) -> Option<u32> {
    const DELAYS: [u32; 6] = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
    DELAYS.get(attempt as usize).copied()
}

/// Whether a failed tus request may succeed if tried again (network trouble,
/// a busy or restarting server, a lock or offset race) rather than being a
/// refusal that needs the applicant.
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 0 | 408 | 409 | 423 | 429 | 500 | 502 | 503 | 504)
}

/// What identifies "the same file" for resuming after a reload: the browser
/// cannot keep the file itself, so the applicant picks it again and this finds
/// the unfinished upload.
pub fn fingerprint(item: &str, material: &str, name: &str, size: u64, last_modified: u64) -> String {
    format!("{item}/{material}/{size}/{last_modified}/{name}")
}

/// Whether a picked image should go through compression first: a photo the
/// material may take as JPEG, big enough for compression to matter.
pub fn should_compress(material: &Material, picked: FileType, size: u64) -> bool {
    matches!(picked, FileType::Jpg | FileType::Png)
        && material.file_types.contains(&FileType::Jpg)
        && size > COMPRESS_ABOVE_BYTES
}

/// The browser's check of a picked file. A photo that will be compressed is
/// held to the size limit only afterwards (a 12 MB phone photo becomes about
/// 1 MB), so the caller checks the compressed file again with
/// [`crate::apply::files::check_file`]. Returns the type and whether to compress.
pub fn check_picked(
    material: &Material,
    name: &str,
    size: u64,
    first_bytes: &[u8],
) -> Result<(FileType, bool), String> {
    let compress = crate::apply::files::from_extension(name).is_some_and(|kind| should_compress(material, kind, size));
    let kind = crate::apply::files::check_file(material, name, if compress { 1 } else { size }, first_bytes)?;
    Ok((kind, compress))
}

/// The size to draw a `width` × `height` photo at: its longest edge at most
/// [`PHOTO_LONG_EDGE`], proportions kept, never enlarged.
pub fn compressed_size(width: u32, height: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= PHOTO_LONG_EDGE || long == 0 {
        return (width, height);
    }
    let scale = f64::from(PHOTO_LONG_EDGE) / f64::from(long);
    let fit = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
    (fit(width), fit(height))
}

/// The compressed file's name: the same name, as a JPEG.
pub fn compressed_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    format!("{stem}.jpg")
}

/// Human size: "820 KB", "12.4 MB".
pub fn size_text(bytes: u64) -> String {
    if bytes < 1_048_576 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Necessity;
    use crate::catalog::checklist::ChecklistEntry;
    use crate::fixtures::material;

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64("身份证.jpg".as_bytes()), "6Lqr5Lu96K+BLmpwZw==");
    }

    #[test]
    fn metadata_is_written_as_tus_wants() {
        assert_eq!(metadata_header(&[("item", "JT-001"), ("filename", "a.pdf")]), "item SlQtMDAx,filename YS5wZGY=");
    }

    #[test]
    fn chunks_cover_the_file_without_gaps() {
        let size = 12 * 1024 * 1024 + 7;
        let mut offset = 0;
        let mut chunks = 0;
        while offset < size {
            let (start, end) = next_chunk(offset, size);
            assert_eq!(start, offset);
            assert!(end > start && end - start <= CHUNK_BYTES);
            offset = end;
            chunks += 1;
        }
        assert_eq!((offset, chunks), (size, 3));
    }

    #[test]
    fn retries_back_off_then_stop() {
        let delays: Vec<u32> = (0..10).map_while(retry_delay_ms).collect();
        assert!(delays.windows(2).all(|w| w[0] < w[1]), "each wait is longer");
        assert_eq!(delays.len(), 6);
        assert!(is_retryable(0) && is_retryable(503) && is_retryable(409));
        assert!(!is_retryable(413) && !is_retryable(415) && !is_retryable(460) && !is_retryable(404));
    }

    #[test]
    fn photos_shrink_to_the_long_edge_and_never_grow() {
        assert_eq!(compressed_size(4000, 3000), (2000, 1500));
        assert_eq!(compressed_size(3000, 4000), (1500, 2000));
        assert_eq!(compressed_size(1600, 1200), (1600, 1200));
        assert_eq!(compressed_size(9000, 10), (2000, 2));
        assert_eq!(compressed_name("IMG_0001.PNG"), "IMG_0001.jpg");
        assert_eq!(compressed_name("身份证"), "身份证.jpg");
    }

    #[test]
    fn only_big_photos_for_materials_taking_jpeg_are_compressed() {
        let mut m = material("id");
        m.file_types = vec![FileType::Jpg, FileType::Pdf];
        assert!(should_compress(&m, FileType::Jpg, 6_000_000));
        assert!(should_compress(&m, FileType::Png, 6_000_000));
        assert!(!should_compress(&m, FileType::Jpg, 500_000), "small photos go as they are");
        assert!(!should_compress(&m, FileType::Pdf, 6_000_000), "scans in PDF are never touched");
        m.file_types = vec![FileType::Png];
        assert!(!should_compress(&m, FileType::Png, 6_000_000), "a PNG-only material keeps PNG");
    }

    #[test]
    fn big_photos_pass_the_size_limit_only_after_compression() {
        let mut m = material("id");
        m.file_types = vec![FileType::Jpg, FileType::Pdf];
        m.max_file_mb = 10;
        let jpg = [0xFF, 0xD8, 0xFF, 0xE0];
        assert_eq!(check_picked(&m, "photo.jpg", 14_000_000, &jpg), Ok((FileType::Jpg, true)));
        assert_eq!(check_picked(&m, "small.jpg", 400_000, &jpg), Ok((FileType::Jpg, false)));
        let too_big = check_picked(&m, "scan.pdf", 14_000_000, b"%PDF-1.7").unwrap_err();
        assert!(too_big.contains("超过了每个文件 10 MB 的上限"), "{too_big}");
        let lying = check_picked(&m, "photo.jpg", 14_000_000, b"%PDF-1.7").unwrap_err();
        assert!(lying.contains("内容却是 PDF"), "{lying}");
    }

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
        let file = |n: &str| UploadedFile { upload: n.into(), name: format!("{n}.pdf"), size: 10, original_size: None };
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
        let file = |n: &str| UploadedFile { upload: n.into(), name: n.into(), size: 1, original_size: None };
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
                    original_size: None,
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
            original_size: None,
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
