//! Photos taken on a phone: which are worth compressing in the browser, to
//! what size and name, and how a picked file is checked before and after.

use crate::catalog::{FileType, Material};

/// A photo's longest edge after compression, in pixels: sharp enough to read an
/// ID card or a licence, small enough to upload on a weak signal.
pub const PHOTO_LONG_EDGE: u32 = 2000;

/// JPEG quality of compressed photos.
pub const PHOTO_QUALITY: f64 = 0.85;

/// Photos below this size are sent as they are.
pub const COMPRESS_ABOVE_BYTES: u64 = 1024 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::material;

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
}
