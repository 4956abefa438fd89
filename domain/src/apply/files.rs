//! Checks on material files, before upload in the browser and again on the server
//! (which never trusts the browser): the name's extension and the file's first
//! bytes agree and are a type the material accepts, the file is not empty, and the
//! per-file and per-material limits hold. Every refusal says exactly why.

use crate::catalog::{FileType, Material};
use crate::decimal::megabytes;

/// How many first bytes the checks need.
pub const SNIFF_LEN: usize = 8;

/// What the file's first bytes say it is.
pub fn sniff(first_bytes: &[u8]) -> Option<FileType> {
    if first_bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if first_bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpg)
    } else if first_bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileType::Png)
    } else {
        None
    }
}

/// What the file name says it is.
pub fn from_extension(name: &str) -> Option<FileType> {
    let (_, ext) = name.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "pdf" => Some(FileType::Pdf),
        "jpg" | "jpeg" => Some(FileType::Jpg),
        "png" => Some(FileType::Png),
        _ => None,
    }
}

/// The file name as kept: the last path part only, without control characters
/// or characters that mean something to file systems; never empty.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    let cleaned: String = cleaned.chars().take(100).collect();
    if cleaned.is_empty() { "文件".to_owned() } else { cleaned }
}

fn types_text(material: &Material) -> String {
    material.file_types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、")
}

/// Check one file for a material: its name, size and first bytes.
pub fn check_file(material: &Material, name: &str, size: u64, first_bytes: &[u8]) -> Result<FileType, String> {
    let name = safe_file_name(name);
    if size == 0 {
        return Err(format!("“{name}”是空文件，请重新选择"));
    }
    let limit = u64::from(material.max_file_mb) * 1_048_576;
    if size > limit {
        return Err(format!("“{name}”有 {}，超过了每个文件 {} MB 的上限", megabytes(size), material.max_file_mb));
    }
    let Some(claimed) = from_extension(&name) else {
        return Err(format!("“{name}”的类型不能上传：这项材料只收 {} 文件", types_text(material)));
    };
    if !material.file_types.contains(&claimed) {
        return Err(format!("“{name}”是 {} 文件，这项材料只收 {} 文件", claimed.label(), types_text(material)));
    }
    match sniff(first_bytes) {
        Some(actual) if actual == claimed => Ok(actual),
        Some(actual) => Err(format!(
            "“{name}”的名字是 {}，内容却是 {}：请用原文件重新上传，不要只改文件名",
            claimed.label(),
            actual.label()
        )),
        None if claimed == FileType::Pdf => Err(format!("“{name}”不是有效的 PDF 文件，可能已损坏，请重新导出或扫描")),
        None => Err(format!("“{name}”不是有效的 {} 图片，可能已损坏，请重新拍照", claimed.label())),
    }
}

/// Check how many files a material has (each already passed [`check_file`], so
/// the per-file limit and the count bound the material's total as well).
pub fn check_material_files(material: &Material, count: usize) -> Result<(), String> {
    if count > usize::from(material.max_files) {
        return Err(format!("“{}”最多上传 {} 个文件，现在有 {count} 个", material.name, material.max_files));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::material;

    const PDF: &[u8] = b"%PDF-1.7\n";
    const JPG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    fn photo_material() -> Material {
        let mut m = material("id_card");
        m.name = "居民身份证".into();
        m.file_types = vec![FileType::Jpg, FileType::Png];
        m.max_file_mb = 10;
        m.max_files = 2;
        m
    }

    #[test]
    fn accepts_files_whose_name_and_content_agree() {
        assert_eq!(check_file(&photo_material(), "正面.JPEG", 3_000_000, JPG), Ok(FileType::Jpg));
        assert_eq!(check_file(&photo_material(), "背面.png", 1, PNG), Ok(FileType::Png));
        assert_eq!(check_file(&material("a"), "申请表.pdf", 9, PDF), Ok(FileType::Pdf));
    }

    #[test]
    fn refuses_with_the_exact_reason() {
        let m = photo_material();
        assert_eq!(check_file(&m, "a.jpg", 0, b""), Err("“a.jpg”是空文件，请重新选择".into()));
        assert_eq!(
            check_file(&m, "a.jpg", 11 * 1_048_576, JPG),
            Err("“a.jpg”有 11.0 MB，超过了每个文件 10 MB 的上限".into())
        );
        assert_eq!(check_file(&m, "a.heic", 10, JPG), Err("“a.heic”的类型不能上传：这项材料只收 JPG、PNG 文件".into()));
        assert_eq!(check_file(&m, "a.pdf", 10, PDF), Err("“a.pdf”是 PDF 文件，这项材料只收 JPG、PNG 文件".into()));
        assert_eq!(
            check_file(&m, "a.png", 10, JPG),
            Err("“a.png”的名字是 PNG，内容却是 JPG：请用原文件重新上传，不要只改文件名".into())
        );
        assert_eq!(
            check_file(&material("a"), "a.pdf", 10, b"<html>"),
            Err("“a.pdf”不是有效的 PDF 文件，可能已损坏，请重新导出或扫描".into())
        );
    }

    #[test]
    fn limits_the_count_per_material() {
        let m = photo_material();
        assert_eq!(check_material_files(&m, 2), Ok(()));
        assert_eq!(check_material_files(&m, 3), Err("“居民身份证”最多上传 2 个文件，现在有 3 个".into()));
    }

    #[test]
    fn file_names_lose_their_paths_and_tricks() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\张三\\身份证.jpg"), "身份证.jpg");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name("a\u{0}b<>.pdf"), "ab.pdf");
        assert_eq!(safe_file_name("../"), "文件");
        assert_eq!(safe_file_name(&"长".repeat(300)).chars().count(), 100);
    }
}

/// The refusal for a file the virus scanner found something in.
pub fn virus_refusal(name: &str) -> String {
    format!(
        "“{}”里发现了病毒或恶意代码，为了安全不能上传，也没有保存。请先用杀毒软件检查电脑或手机，再重新扫描或导出这个文件后上传",
        safe_file_name(name)
    )
}

/// The refusal for a PDF with active content (the server judges a PDF by its
/// structure: see `server/src/apply/uploads/pdf.rs`).
pub fn pdf_refusal(name: &str, what: &str) -> String {
    format!("“{}”里含有{what}，为了安全不能上传。请用“打印为 PDF”或扫描重新生成这个文件后再传", safe_file_name(name))
}

/// How far [`scrub_jpeg_metadata`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scrub {
    /// Not a JPEG: nothing to do.
    NotJpeg,
    /// Every segment before the image data is clean.
    Done,
    /// The header goes on past these bytes (what they held is clean).
    NeedMore,
}

/// Make a JPEG's metadata harmless in place: Exif (with GPS, the camera, the
/// time) and XMP in APP1, IPTC in APP13 and comments each become a comment of
/// zeros. The length and the image stay exactly as they were, so the bytes
/// can be changed as they stream in.
pub fn scrub_jpeg_metadata(data: &mut [u8]) -> Scrub {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return if data.len() < 2 && (data.is_empty() || data[0] == 0xFF) { Scrub::NeedMore } else { Scrub::NotJpeg };
    }
    let mut i = 2;
    loop {
        while i < data.len() && data[i] == 0xFF && data.get(i + 1) == Some(&0xFF) {
            i += 1; // fill bytes
        }
        if i + 2 > data.len() {
            return Scrub::NeedMore;
        }
        if data[i] != 0xFF {
            return Scrub::Done; // not a segment: leave the rest alone
        }
        let marker = data[i + 1];
        if marker == 0xDA || marker == 0xD9 {
            return Scrub::Done; // the image data (or the end) begins
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        if i + 4 > data.len() {
            return Scrub::NeedMore;
        }
        let length = usize::from(u16::from_be_bytes([data[i + 2], data[i + 3]]));
        let end = (i + 2 + length).min(data.len());
        if matches!(marker, 0xE1 | 0xED | 0xFE) {
            data[i + 1] = 0xFE;
            data[(i + 4).min(end)..end].fill(0);
        }
        if i + 2 + length > data.len() {
            return Scrub::NeedMore;
        }
        i += 2 + length;
    }
}

#[cfg(test)]
mod jpeg_tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
        out
    }

    #[test]
    fn exif_and_gps_are_zeroed_and_the_image_stays() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        jpeg.extend(segment(0xE1, b"Exif\0\0GPSLatitude 39.9042 N GPSLongitude 116.4074 E"));
        jpeg.extend(segment(0xDB, &[7; 65]));
        jpeg.extend([0xFF, 0xDA, 0, 4, 1, 2, 0xAB, 0xCD, 0xFF, 0xD9]);
        let before = jpeg.clone();
        assert_eq!(scrub_jpeg_metadata(&mut jpeg), Scrub::Done);
        assert_eq!(jpeg.len(), before.len());
        let text = String::from_utf8_lossy(&jpeg);
        assert!(!text.contains("GPS") && !text.contains("Exif"));
        assert!(text.contains("JFIF"), "the JFIF header stays");
        assert_eq!(jpeg[jpeg.len() - 10..], before[before.len() - 10..], "the image data is untouched");
        assert_eq!(scrub_jpeg_metadata(&mut jpeg.clone()), Scrub::Done, "scrubbing twice changes nothing");
        let mut short = before[..20].to_vec();
        assert_eq!(scrub_jpeg_metadata(&mut short), Scrub::NeedMore);
        assert_eq!(scrub_jpeg_metadata(&mut b"%PDF-1.7".to_vec()), Scrub::NotJpeg);
    }
}
