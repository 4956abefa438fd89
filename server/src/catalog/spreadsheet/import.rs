//! `bianmin catalog import FILE.xlsx --out DIR`: items from a workbook in the
//! 实施清单 layout, one TOML file each. Every cell that cannot be read is
//! reported as sheet:row:column: message, all at once; the items read are
//! then checked by the catalog's own rules, whose problems point at cells too.

use std::path::Path;

use calamine::{Data, Xlsx};
use domain::catalog::check::check_items;
use domain::{Fee, Material, ServiceItem, Step};

use super::sheet::{Row, Sheet, paper_copies};
use super::{ITEM_COLUMNS, ITEMS, LIST, MATERIAL_COLUMNS, MATERIALS, column_name};

pub use super::sheet::CellProblem;

/// What a workbook gave: the items that passed, and every problem.
#[derive(Debug, Default)]
pub struct Imported {
    pub items: Vec<ServiceItem>,
    pub problems: Vec<CellProblem>,
}

/// Read the workbook at `path`.
pub fn read(path: &Path) -> anyhow::Result<Imported> {
    let mut book: Xlsx<_> =
        calamine::open_workbook(path).map_err(|e| anyhow::anyhow!("{} 不是能读的 .xlsx 文件：{e}", path.display()))?;
    let mut problems = Vec::new();
    let items_sheet = Sheet::read(&mut book, ITEMS, &ITEM_COLUMNS, &mut problems);
    let materials_sheet = Sheet::read(&mut book, MATERIALS, &MATERIAL_COLUMNS, &mut problems);
    let (Some(items_sheet), Some(materials_sheet)) = (items_sheet, materials_sheet) else {
        return Ok(Imported { items: Vec::new(), problems });
    };
    if !problems.is_empty() {
        return Ok(Imported { items: Vec::new(), problems });
    }
    let mut items: Vec<ServiceItem> = Vec::new();
    // Where each item and each of its materials came from, for the rules' problems.
    let mut item_rows: Vec<u32> = Vec::new();
    let mut material_rows: Vec<Vec<u32>> = Vec::new();
    let mut bad_items: Vec<usize> = Vec::new();
    for (i, cells) in items_sheet.rows.iter().enumerate() {
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let before = problems.len();
        let mut row = Row { sheet: &items_sheet, number: i as u32 + 2, cells, problems: &mut problems };
        let code = row.optional("实施编码").or_else(|| row.optional("基本编码")).unwrap_or_default();
        let kinds = "行政许可、行政确认、行政给付、行政备案、其他行政权力、公共服务";
        let kind = row.term("事项类型", kinds);
        let case_kind = row.term("办件类型", "即办件、承诺件、联办件、上报件");
        let procedure = row
            .list("办理流程", "\n")
            .into_iter()
            .map(|line| match line.split_once('：') {
                Some((name, description)) => {
                    Step { name: name.trim().to_owned(), description: description.trim().to_owned() }
                }
                None => Step { name: line, description: String::new() },
            })
            .collect();
        let item = ServiceItem {
            code: code.clone(),
            basic_code: row.text("基本编码"),
            name: row.text("事项名称"),
            summary: row.text("事项简介"),
            kind: kind.unwrap_or(domain::ItemKind::Licensing),
            department: row.text("实施主体"),
            applicants: row.terms("服务对象", "自然人、法人"),
            case_kind: case_kind.unwrap_or(domain::CaseKind::Promised),
            legal_limit_days: row.number("法定办结时限", None),
            promised_limit_days: row.number("承诺办结时限", None),
            visits: row.number("到办事现场次数", None),
            sign_in_level: None,
            fee: Fee {
                free: !row.yes("是否收费"), standard: row.text("收费标准"), basis: row.text("收费依据")
            },
            keywords: row.list("关键词", LIST),
            english_name: row.text("英文名称"),
            english_keywords: row.list("英文关键词", LIST),
            conditions: row.list("受理条件", "\n"),
            procedure,
            legal_basis: row.list("设定依据", "\n"),
            place: row.text("办理地点"),
            hours: row.text("办理时间"),
            consult_phone: row.text("咨询电话"),
            complaint_phone: row.text("监督投诉电话"),
            questions: Vec::new(),
            materials: Vec::new(),
            fields: Vec::new(),
            parties: Vec::new(),
        };
        if items.iter().any(|other| other.code == code) {
            row.problem("实施编码", format!("实施编码 {code} 重复：每个事项一行"));
        }
        if problems.len() > before {
            bad_items.push(items.len());
        }
        items.push(item);
        item_rows.push(i as u32 + 2);
        material_rows.push(Vec::new());
    }
    for (i, cells) in materials_sheet.rows.iter().enumerate() {
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let before = problems.len();
        let mut row = Row { sheet: &materials_sheet, number: i as u32 + 2, cells, problems: &mut problems };
        let code = row.text("实施编码");
        let Some(index) = items.iter().position(|item| item.code == code) else {
            row.problem("实施编码", format!("实施编码“{code}”在“{ITEMS}”表里没有"));
            continue;
        };
        let copies_text = row.text("纸质材料份数");
        let (originals, copies) = paper_copies(&copies_text).unwrap_or_else(|| {
            row.problem("纸质材料份数", format!("“纸质材料份数”应写成“原件1份、复印件2份”，这里是“{copies_text}”"));
            (0, 0)
        });
        let position = items[index].materials.len() + 1;
        let id = row.optional("材料编号").unwrap_or_else(|| format!("m{position}"));
        let material = Material {
            id,
            name: row.text("材料名称"),
            forms: row.terms("材料形式", "纸质原件、纸质复印件、电子"),
            originals,
            copies,
            necessity: row.term("材料必要性", "必要、非必要、容缺后补").unwrap_or(domain::Necessity::Required),
            source: row
                .term("来源渠道", "申请人自备、政府部门核发、电子证照库")
                .unwrap_or(domain::MaterialSource::Applicant),
            standard: row.text("受理标准"),
            file_types: row.terms("文件类型", "PDF、JPG、PNG"),
            max_file_mb: row.number("单个文件上限（MB）", Some(20)),
            max_files: row.number("文件个数上限", Some(5)),
            slots: row.list("分面", LIST),
            party: None,
            blank_form: row.optional("空白表格"),
            sample: row.optional("示例样表"),
            legal_basis: row.optional("材料依据"),
            note: row.optional("说明"),
            when: None,
            repeat: None,
            held_by_government: row.yes("由政府部门提供"),
            // Empty (an older workbook): reusable, as in the TOML.
            reusable: row.text("可以复用").is_empty() || row.yes("可以复用"),
        };
        if problems.len() > before {
            bad_items.push(index);
        }
        items[index].materials.push(material);
        material_rows[index].push(i as u32 + 2);
    }
    // The catalog's own rules, pointed at cells (files the forms name need not
    // exist yet; the form's fields are written in the TOML, the sheets hold none).
    for problem in check_items(&items, &|_| true).into_iter().filter(|p| p.field != "fields") {
        let (sheet, row, column) = locate(&problem.field, item_rows[problem.item], &material_rows[problem.item]);
        let column = match sheet {
            ITEMS => ITEM_COLUMNS.iter().position(|c| *c == column),
            _ => MATERIAL_COLUMNS.iter().position(|c| *c == column),
        }
        .map(column_name)
        .unwrap_or_default();
        problems.push(CellProblem { sheet, row, column, message: problem.message });
        bad_items.push(problem.item);
    }
    let items = items.into_iter().enumerate().filter(|(i, _)| !bad_items.contains(i)).map(|(_, item)| item).collect();
    problems.sort_by(|a, b| (a.sheet != ITEMS, a.row, &a.column).cmp(&(b.sheet != ITEMS, b.row, &b.column)));
    Ok(Imported { items, problems })
}

/// The cell a rule's field path (`materials[2].standard`, `promised_limit_days`) names.
fn locate(field: &str, item_row: u32, material_rows: &[u32]) -> (&'static str, u32, &'static str) {
    if let Some(rest) = field.strip_prefix("materials[") {
        let (index, rest) = rest.split_once(']').unwrap_or((rest, ""));
        let row = index.parse::<usize>().ok().and_then(|i| material_rows.get(i)).copied().unwrap_or(item_row);
        let column = match rest.trim_start_matches('.') {
            "name" => "材料名称",
            "forms" => "材料形式",
            "necessity" => "材料必要性",
            "source" => "来源渠道",
            "originals" | "copies" => "纸质材料份数",
            "standard" => "受理标准",
            "blank_form" => "空白表格",
            "sample" => "示例样表",
            "id" => "材料编号",
            "file_types" => "文件类型",
            "max_file_mb" => "单个文件上限（MB）",
            "max_files" => "文件个数上限",
            "slots" => "分面",
            "reusable" => "可以复用",
            _ => "",
        };
        return (MATERIALS, row, column);
    }
    let column = match field.split(['.', '[']).next().unwrap_or_default() {
        "code" => "实施编码",
        "name" => "事项名称",
        "summary" => "事项简介",
        "kind" => "事项类型",
        "department" => "实施主体",
        "applicants" => "服务对象",
        "case_kind" => "办件类型",
        "legal_limit_days" => "法定办结时限",
        "promised_limit_days" => "承诺办结时限",
        "visits" => "到办事现场次数",
        "fee" => "是否收费",
        "keywords" => "关键词",
        "english_name" => "英文名称",
        "english_keywords" => "英文关键词",
        "conditions" => "受理条件",
        "procedure" => "办理流程",
        "legal_basis" => "设定依据",
        "place" => "办理地点",
        "hours" => "办理时间",
        "consult_phone" => "咨询电话",
        "complaint_phone" => "监督投诉电话",
        _ => "",
    };
    (ITEMS, item_row, column)
}

/// An item as its catalog file: `<code>.toml` (lower case) under `dir`.
pub fn write_toml(item: &ServiceItem, dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join(format!("{}.toml", item.code.to_lowercase()));
    std::fs::write(&path, toml::to_string(item)?)?;
    Ok(path)
}
