//! The statutory documents' settings: who reviews a refusal (named in every
//! 不予受理 and 不予许可 decision), the CJK font the PDFs embed, and the
//! departments' seal images.

use std::path::PathBuf;

use clap::Args;

/// How the centre's documents are written and printed.
#[derive(Clone, Debug, Args)]
pub struct DocumentSettings {
    /// The authority an applicant may ask for 行政复议 (named in refusals), e.g. 示范县人民政府.
    #[arg(long, env = "BIANMIN_REVIEW_AUTHORITY", default_value = "本级人民政府")]
    pub review_authority: String,
    /// The font the PDFs embed (a subset of it): an OpenType or TrueType file or collection with
    /// simplified Chinese (Debian: fonts-noto-cjk).
    #[arg(
        long,
        env = "BIANMIN_DOCUMENT_FONT",
        default_value = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    )]
    pub document_font: PathBuf,
    /// The face in a font collection (Noto Sans CJK's simplified Chinese face is 2).
    #[arg(long, env = "BIANMIN_DOCUMENT_FONT_INDEX", default_value_t = 2)]
    pub document_font_index: u32,
    /// A folder of seal images, one PNG per department named after it (县交通运输局.png),
    /// printed over the issuer on its documents; a department without one issues them unsealed.
    #[arg(long, env = "BIANMIN_SEAL_DIR")]
    pub seal_dir: Option<PathBuf>,
}
