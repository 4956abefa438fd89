//! 材料复用: a signed-in applicant's files from earlier cases, offered again
//! for a new application — previewed first, chosen per material, stored once
//! and referenced by the new case. A material the department marks as never
//! reusable (a photo taken for this application) is never offered. An
//! 电子证照 source can later offer files in the same shape.

use serde::{Deserialize, Serialize};

/// One earlier file as `GET /api/my/materials?item=` offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarlierFile {
    /// What a submission names it by (`Submission::reused`).
    pub upload: String,
    /// The material of the new item it may stand for.
    pub material: String,
    pub material_name: String,
    /// The file's name, as it was uploaded.
    pub name: String,
    pub size: u64,
    /// The named side it was for (`Material::slots`), where the material has sides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 255))]
    pub slot: Option<u8>,
    /// The case it was submitted with, and when.
    pub case_number: String,
    pub item_name: String,
    pub added_at: String,
}

/// Why a reused file cannot stand for a material (the rest of the checks are the upload's).
pub const NOT_OFFERED: &str = "这份以前提交的材料不能用于这项申请，请重新上传";
