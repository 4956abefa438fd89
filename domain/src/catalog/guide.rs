//! What a guide (办事指南) page shows of an item, read from the item's JSON.
//!
//! The questions' conditions and the form's fields are never read here: serde
//! skips what a type does not name, so the home page's wasm carries no code for
//! them (the questionnaire and the form, in the lazily loaded app, read the
//! whole [`ServiceItem`](super::ServiceItem)).

use serde::Deserialize;

use super::item::{
    ApplicantType, CaseKind, Fee, FileType, ItemKind, Material, MaterialForm, MaterialSource, Necessity, Step,
};

/// An item as its guide shows it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Guide {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub summary: String,
    pub kind: ItemKind,
    pub department: String,
    #[serde(default)]
    pub applicants: Vec<ApplicantType>,
    pub case_kind: CaseKind,
    pub legal_limit_days: u16,
    pub promised_limit_days: u16,
    pub visits: u8,
    pub fee: Fee,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub procedure: Vec<Step>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub consult_phone: String,
    #[serde(default)]
    pub complaint_phone: String,
    #[serde(default)]
    questions: Vec<QuestionId>,
    #[serde(default, deserialize_with = "materials_without_conditions")]
    pub materials: Vec<Material>,
}

/// A material as a guide shows it: every one is listed, so the condition that
/// selects it for a situation is not read.
#[derive(Deserialize)]
struct GuideMaterial {
    #[serde(default)]
    id: String,
    name: String,
    #[serde(default)]
    forms: Vec<MaterialForm>,
    #[serde(default)]
    originals: u8,
    #[serde(default)]
    copies: u8,
    necessity: Necessity,
    source: MaterialSource,
    #[serde(default)]
    standard: String,
    #[serde(default)]
    file_types: Vec<FileType>,
    max_file_mb: u16,
    max_files: u8,
    #[serde(default)]
    slots: Vec<String>,
    #[serde(default)]
    blank_form: Option<String>,
    #[serde(default)]
    sample: Option<String>,
    #[serde(default)]
    legal_basis: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    held_by_government: bool,
}

fn materials_without_conditions<'de, D: serde::Deserializer<'de>>(reader: D) -> Result<Vec<Material>, D::Error> {
    let read = Vec::<GuideMaterial>::deserialize(reader)?;
    Ok(read
        .into_iter()
        .map(|m| Material {
            id: m.id,
            name: m.name,
            forms: m.forms,
            originals: m.originals,
            copies: m.copies,
            necessity: m.necessity,
            source: m.source,
            standard: m.standard,
            file_types: m.file_types,
            max_file_mb: m.max_file_mb,
            max_files: m.max_files,
            slots: m.slots,
            blank_form: m.blank_form,
            party: None,
            sample: m.sample,
            legal_basis: m.legal_basis,
            note: m.note,
            when: None,
            repeat: None,
            held_by_government: m.held_by_government,
            reusable: true,
        })
        .collect())
}

/// A question by its id alone.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct QuestionId {
    id: String,
}

impl Guide {
    /// The questionnaire's first question, if the item asks any.
    pub fn first_question(&self) -> Option<&str> {
        self.questions.first().map(|q| q.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_items_json_and_keeps_the_first_question() {
        let item = crate::fixtures::item("JT-001");
        let json = serde_json::to_string(&item).unwrap();
        let guide: Guide = serde_json::from_str(&json).unwrap();
        assert_eq!(guide.name, item.name);
        let unconditional: Vec<_> =
            item.materials.iter().cloned().map(|m| Material { when: None, repeat: None, ..m }).collect();
        assert_eq!(guide.materials, unconditional);
        assert_eq!(guide.first_question(), item.questions.first().map(|q| q.id.as_str()));
    }
}
