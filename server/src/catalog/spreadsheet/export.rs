//! `bianmin catalog export DIR --out FILE.xlsx`: the catalog in the 实施清单
//! layout (see the module above).

use std::path::Path;

use domain::ServiceItem;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;

use super::{ITEM_COLUMNS, ITEMS, LIST, MATERIAL_COLUMNS, MATERIALS, TERMS};

/// The national term of an enum value (its English code when there is none).
pub fn term(value: impl Serialize) -> String {
    let code = serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    TERMS.iter().find(|(c, _)| *c == code).map_or(code, |(_, t)| (*t).to_owned())
}

/// "原件1份、复印件2份" (empty when no paper is asked for).
pub fn paper_copies(originals: u8, copies: u8) -> String {
    let mut parts = Vec::new();
    if originals > 0 {
        parts.push(format!("原件{originals}份"));
    }
    if copies > 0 {
        parts.push(format!("复印件{copies}份"));
    }
    parts.join(LIST)
}

/// What of an item stays in TOML (said in the 备注 column and by the command).
pub fn not_exported(item: &ServiceItem) -> Vec<String> {
    let mut left = Vec::new();
    if !item.questions.is_empty() {
        left.push(format!("情形引导 {} 个问题", item.questions.len()));
    }
    if !item.fields.is_empty() {
        left.push(format!("申请表字段 {} 个", item.fields.len()));
    }
    let conditional = item.materials.iter().filter(|m| m.when.is_some() || m.repeat.is_some()).count();
    if conditional > 0 {
        left.push(format!("{conditional} 项材料的适用情形"));
    }
    left
}

fn header(sheet: &mut Worksheet, columns: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, bold)?;
        sheet.set_column_width(col as u16, if col < 3 { 18 } else { 14 })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The workbook of `items`, as bytes.
pub fn workbook(items: &[ServiceItem]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name(ITEMS)?;
    header(sheet, &ITEM_COLUMNS, &bold)?;
    for (i, item) in items.iter().enumerate() {
        let row = i as u32 + 1;
        let applicants: Vec<String> = item.applicants.iter().map(term).collect();
        let procedure: Vec<String> = item
            .procedure
            .iter()
            .map(|s| if s.description.is_empty() { s.name.clone() } else { format!("{}：{}", s.name, s.description) })
            .collect();
        let left = not_exported(item);
        let note = if left.is_empty() {
            String::new()
        } else {
            format!("留在 TOML 里、没有导出：{}", left.join(LIST))
        };
        let texts: [(usize, String); 22] = [
            (0, item.basic_code.clone()),
            (1, item.code.clone()),
            (2, item.name.clone()),
            (3, term(item.kind)),
            (4, term(item.case_kind)),
            (7, item.department.clone()),
            (8, applicants.join(LIST)),
            (9, item.conditions.join("\n")),
            (10, item.legal_basis.join("\n")),
            (11, item.place.clone()),
            (12, item.hours.clone()),
            (13, item.consult_phone.clone()),
            (14, item.complaint_phone.clone()),
            (15, if item.fee.free { "否".to_owned() } else { "是".to_owned() }),
            (17, item.fee.standard.clone()),
            (18, item.fee.basis.clone()),
            (19, item.summary.clone()),
            (20, item.keywords.join(LIST)),
            (21, procedure.join("\n")),
            (22, item.english_name.clone()),
            (23, item.english_keywords.join(LIST)),
            (24, note),
        ];
        for (col, text) in texts {
            sheet.write_string_with_format(row, col as u16, text, &wrap)?;
        }
        sheet.write_number(row, 5, f64::from(item.legal_limit_days))?;
        sheet.write_number(row, 6, f64::from(item.promised_limit_days))?;
        sheet.write_number(row, 16, f64::from(item.visits))?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name(MATERIALS)?;
    header(sheet, &MATERIAL_COLUMNS, &bold)?;
    let mut row = 0;
    for item in items {
        for material in &item.materials {
            row += 1;
            let forms: Vec<String> = material.forms.iter().map(term).collect();
            let types: Vec<String> = material.file_types.iter().map(term).collect();
            let mut note = Vec::new();
            if material.when.is_some() {
                note.push("适用情形留在 TOML 里");
            }
            if material.repeat.is_some() {
                note.push("按情形重复留在 TOML 里");
            }
            let texts: [(usize, String); 16] = [
                (0, item.code.clone()),
                (1, material.name.clone()),
                (2, forms.join(LIST)),
                (3, term(material.necessity)),
                (4, term(material.source)),
                (5, paper_copies(material.originals, material.copies)),
                (6, material.standard.clone()),
                (7, material.blank_form.clone().unwrap_or_default()),
                (8, material.sample.clone().unwrap_or_default()),
                (9, material.id.clone()),
                (10, types.join(LIST)),
                (13, material.legal_basis.clone().unwrap_or_default()),
                (14, material.note.clone().unwrap_or_default()),
                (15, if material.held_by_government { "是".to_owned() } else { "否".to_owned() }),
                (17, material.slots.join(LIST)),
                (18, if material.reusable { "是".to_owned() } else { "否".to_owned() }),
            ];
            for (col, text) in texts {
                sheet.write_string_with_format(row, col as u16, text, &wrap)?;
            }
            sheet.write_number(row, 11, f64::from(material.max_file_mb))?;
            sheet.write_number(row, 12, f64::from(material.max_files))?;
            sheet.write_string(row, 16, note.join("；"))?;
        }
    }
    book.save_to_buffer()
}

/// Write the workbook of `items` to `path`.
pub fn write(items: &[ServiceItem], path: &Path) -> anyhow::Result<()> {
    std::fs::write(path, workbook(items)?)?;
    Ok(())
}
