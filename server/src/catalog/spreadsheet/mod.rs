//! The national 实施清单 spreadsheet: the layout departments exchange their
//! items in on the provincial 一体化平台, read (`bianmin catalog import`) and
//! written (`bianmin catalog export`), so a centre's staff edit in a
//! spreadsheet and import again instead of typing TOML.
//!
//! Two sheets: 事项 (one row an item) and 材料 (one row a material, keyed by
//! 实施编码). The national columns come first, in the national names; the
//! catalog's own fields the layout lacks follow (简介, 关键词, 办理流程, 英文名称; a
//! material's 编号, 文件类型, sizes, 说明), so a round trip loses nothing the
//! sheets can hold. Situation questions, form fields and a material's
//! condition stay in TOML: the export names the items that have them.

pub mod export;
pub mod import;
pub mod sheet;

/// The items' sheet.
pub const ITEMS: &str = "事项";
/// The materials' sheet.
pub const MATERIALS: &str = "材料";

/// The items' columns, in order.
pub const ITEM_COLUMNS: [&str; 25] = [
    "基本编码",
    "实施编码",
    "事项名称",
    "事项类型",
    "办件类型",
    "法定办结时限",
    "承诺办结时限",
    "实施主体",
    "服务对象",
    "受理条件",
    "设定依据",
    "办理地点",
    "办理时间",
    "咨询电话",
    "监督投诉电话",
    "是否收费",
    "到办事现场次数",
    // The catalog's own, after the national columns.
    "收费标准",
    "收费依据",
    "事项简介",
    "关键词",
    "办理流程",
    "英文名称",
    "英文关键词",
    "备注",
];

/// The materials' columns, in order.
pub const MATERIAL_COLUMNS: [&str; 19] = [
    "实施编码",
    "材料名称",
    "材料形式",
    "材料必要性",
    "来源渠道",
    "纸质材料份数",
    "受理标准",
    "空白表格",
    "示例样表",
    // The catalog's own.
    "材料编号",
    "文件类型",
    "单个文件上限（MB）",
    "文件个数上限",
    "材料依据",
    "说明",
    "由政府部门提供",
    "备注",
    // Named sides (人像面、国徽面), one file each.
    "分面",
    // 否: a signed-in applicant's earlier file is never offered for it (empty: 是).
    "可以复用",
];

/// English codes and the national terms written in the sheets (reading
/// accepts every Chinese spelling the catalog does).
pub const TERMS: [(&str, &str); 24] = [
    ("licensing", "行政许可"),
    ("confirmation", "行政确认"),
    ("benefit", "行政给付"),
    ("filing", "行政备案"),
    ("other_power", "其他行政权力"),
    ("public_service", "公共服务"),
    ("individual", "自然人"),
    ("organisation", "法人"),
    ("immediate", "即办件"),
    ("promised", "承诺件"),
    ("joint", "联办件"),
    ("forwarded", "上报件"),
    ("paper_original", "纸质原件"),
    ("paper_copy", "纸质复印件"),
    ("electronic", "电子"),
    ("required", "必要"),
    ("optional", "非必要"),
    ("tolerated", "容缺后补"),
    ("applicant", "申请人自备"),
    ("government", "政府部门核发"),
    ("e_licence", "电子证照库"),
    ("pdf", "PDF"),
    ("jpg", "JPG"),
    ("png", "PNG"),
];

/// The separator of list cells (受理条件 and 设定依据 take one a line).
pub const LIST: &str = "、";

/// `A` for column 0, `AA` for 26: the column as a spreadsheet names it.
pub fn column_name(index: usize) -> String {
    let mut name = String::new();
    let mut n = index + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        name.insert(0, (b'A' + rest as u8) as char);
        n = (n - 1) / 26;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(ITEM_COLUMNS.len() - 1), "Y");
    }
}

#[cfg(test)]
mod round_trip {
    use std::path::{Path, PathBuf};

    use domain::ServiceItem;

    use super::{export, import};

    fn repo(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
    }

    fn shipped() -> Vec<ServiceItem> {
        crate::catalog::load(&repo("catalog"), &repo("public")).expect("the shipped catalog loads").items
    }

    /// What the sheets hold of an item: all but questions, form fields and a
    /// material's condition.
    fn sheet_part(item: &ServiceItem) -> ServiceItem {
        let mut item = item.clone();
        item.questions.clear();
        item.fields.clear();
        item.parties.clear();
        item.sign_in_level = None;
        for material in &mut item.materials {
            material.when = None;
            material.repeat = None;
            material.party = None;
        }
        item
    }

    fn toml_files(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_tiny_workbook_claiming_the_last_cell_is_refused_not_allocated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name(super::ITEMS).unwrap();
        sheet.write(0, 0, "基本编码").unwrap();
        sheet.write(1_048_575, 16_383, "x").unwrap();
        book.add_worksheet().set_name(super::MATERIALS).unwrap().write(0, 0, "实施编码").unwrap();
        book.save(&path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 8_000, "a small file");
        let imported = import::read(&path).unwrap();
        assert!(imported.items.is_empty());
        assert!(imported.problems.iter().any(|p| p.message.contains("太大")), "{:?}", imported.problems);
    }

    #[test]
    fn import_check_export_import_gives_identical_toml() {
        let dir = tempfile::tempdir().unwrap();
        let items = shipped();
        let first = dir.path().join("first.xlsx");
        export::write(&items, &first).unwrap();
        let imported = import::read(&first).unwrap();
        assert!(imported.problems.is_empty(), "{:?}", imported.problems);
        let expected: Vec<ServiceItem> = items.iter().map(sheet_part).collect();
        assert_eq!(imported.items, expected, "every field the sheets have survives");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        for item in &imported.items {
            import::write_toml(item, &a).unwrap();
        }
        // The written files pass every rule but one: the form's fields, which
        // the sheets do not hold, are still to be written from each 申请表.
        match crate::catalog::load(&a, &repo("public")) {
            Ok(_) => panic!("an item without form fields passes the check"),
            Err(errors) => {
                assert!(errors.0.iter().all(|p| p.field == "fields"), "{errors}");
                assert_eq!(errors.0.len(), imported.items.len());
            }
        }
        let second = dir.path().join("second.xlsx");
        export::write(&imported.items, &second).unwrap();
        for item in import::read(&second).unwrap().items {
            import::write_toml(&item, &b).unwrap();
        }
        assert_eq!(toml_files(&a), toml_files(&b));
    }

    #[test]
    fn a_workbook_with_bad_rows_gets_every_problem_with_sheet_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let mut items = shipped();
        items.truncate(2);
        let path = dir.path().join("good.xlsx");
        export::write(&items, &path).unwrap();
        // Break cells the way a spreadsheet editor would, in a copy written by the export.
        let mut book = rust_xlsxwriter::Workbook::new();
        let good = import_rows(&path);
        for (sheet_name, rows) in good {
            let sheet = book.add_worksheet();
            sheet.set_name(sheet_name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    sheet.write_string(r as u32, c as u16, text).unwrap();
                }
            }
            if sheet_name == super::ITEMS {
                sheet.write_string(1, 3, "许可类").unwrap(); // D2: 事项类型
                sheet.write_string(1, 6, "很快").unwrap(); // G2: 承诺办结时限
                sheet.write_string(2, 6, "99").unwrap(); // G3: longer than the legal limit
            } else {
                sheet.write_string(1, 3, "必须").unwrap(); // D2: 材料必要性
                sheet.write_string(2, 0, "XX-999").unwrap(); // A3: no such item
                sheet.write_string(3, 5, "两份").unwrap(); // F4: 纸质材料份数
            }
        }
        let bad = dir.path().join("bad.xlsx");
        book.save(&bad).unwrap();
        let imported = import::read(&bad).unwrap();
        let found: Vec<String> =
            imported.problems.iter().map(|p| format!("{}:{}:{}", p.sheet, p.row, p.column)).collect();
        for cell in ["事项:2:D", "事项:2:G", "事项:3:G", "材料:2:D", "材料:3:A", "材料:4:F"] {
            assert!(found.contains(&cell.to_owned()), "{cell} not reported: {:?}", imported.problems);
        }
        let text = imported.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(text.contains("事项:2:D: “事项类型”不认识“许可类”"), "{text}");
        assert!(text.contains("材料:3:A: 实施编码“XX-999”"), "{text}");
        assert!(imported.items.is_empty(), "both items have a problem: neither is written");
    }

    /// Every sheet's cells as text.
    fn import_rows(path: &Path) -> Vec<(&'static str, Vec<Vec<String>>)> {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
        [super::ITEMS, super::MATERIALS]
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(name).unwrap();
                let rows = range
                    .rows()
                    .map(|r| {
                        r.iter()
                            .map(|c| match c {
                                calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                                other => other.to_string(),
                            })
                            .collect()
                    })
                    .collect();
                (name, rows)
            })
            .collect()
    }

    #[test]
    fn the_sample_workbook_holds_the_shipped_catalog() {
        let sample = repo("catalog/import-sample.xlsx");
        let items: Vec<ServiceItem> = shipped().iter().map(sheet_part).collect();
        let current =
            sample.is_file() && import::read(&sample).is_ok_and(|i| i.problems.is_empty() && i.items == items);
        if !current {
            // Written from the shipped catalog; commit it with the catalog change.
            export::write(&shipped(), &sample).unwrap();
        }
        let imported = import::read(&sample).unwrap();
        assert_eq!(imported.items, items);
    }
}
