//! Reading a workbook's sheets: the cells of one sheet within bounds, its
//! columns by name, and one row's cells as text, numbers and terms, every
//! cell that cannot be read kept as a problem at its place.

use std::collections::HashMap;

use calamine::{Data, Xlsx};
use serde::de::DeserializeOwned;

use super::{ITEMS, LIST, column_name};

/// One cell that could not be read or breaks a catalog rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellProblem {
    pub sheet: &'static str,
    /// 1-based, as the spreadsheet shows it.
    pub row: u32,
    /// `A`, `B`, … (empty for the whole row or sheet).
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.sheet, self.row, self.column, self.message)
    }
}

/// A sheet's rows by column name.
pub(super) struct Sheet {
    pub name: &'static str,
    pub columns: HashMap<String, usize>,
    pub rows: Vec<Vec<Data>>,
}

impl Sheet {
    pub fn read(
        book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
        name: &'static str,
        expected: &[&str],
        problems: &mut Vec<CellProblem>,
    ) -> Option<Self> {
        let grid = match cells(book, name) {
            Ok(grid) => grid,
            Err(message) => {
                problems.push(CellProblem { sheet: name, row: 0, column: String::new(), message });
                return None;
            }
        };
        let mut rows = grid.into_iter();
        let header = rows.next().unwrap_or_default();
        let columns: HashMap<String, usize> =
            header.iter().enumerate().map(|(i, cell)| (cell.to_string().trim().to_owned(), i)).collect();
        for column in expected.iter().take(if name == ITEMS { 17 } else { 9 }) {
            if !columns.contains_key(*column) {
                problems.push(CellProblem {
                    sheet: name,
                    row: 1,
                    column: String::new(),
                    message: format!("缺少“{column}”列"),
                });
            }
        }
        Some(Self { name, columns, rows: rows.collect() })
    }
}

/// Reads the cells of one row, collecting problems.
pub(super) struct Row<'a> {
    pub sheet: &'a Sheet,
    /// 1-based spreadsheet row.
    pub number: u32,
    pub cells: &'a [Data],
    pub problems: &'a mut Vec<CellProblem>,
}

impl Row<'_> {
    pub fn problem(&mut self, column: &str, message: String) {
        let col = self.sheet.columns.get(column).map(|&i| column_name(i)).unwrap_or_default();
        self.problems.push(CellProblem { sheet: self.sheet.name, row: self.number, column: col, message });
    }

    pub fn text(&self, column: &str) -> String {
        let Some(&i) = self.sheet.columns.get(column) else { return String::new() };
        match self.cells.get(i) {
            Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
            Some(Data::Empty) | None => String::new(),
            Some(cell) => cell.to_string().trim().to_owned(),
        }
    }

    pub fn list(&self, column: &str, separator: &str) -> Vec<String> {
        self.text(column).split(separator).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    pub fn optional(&self, column: &str) -> Option<String> {
        Some(self.text(column)).filter(|t| !t.is_empty())
    }

    /// A whole number: `20`, `20个工作日`, `20 天`.
    pub fn number<T: TryFrom<u64> + Default>(&mut self, column: &str, default: Option<T>) -> T {
        let text = self.text(column);
        if text.is_empty()
            && let Some(default) = default
        {
            return default;
        }
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        match digits.parse::<u64>().ok().and_then(|n| T::try_from(n).ok()) {
            Some(n) => n,
            None => {
                self.problem(column, format!("“{column}”应为整数（例如 20 或 20个工作日），这里是“{text}”"));
                T::default()
            }
        }
    }

    /// An enum value from its national term or English code.
    pub fn term<T: DeserializeOwned>(&mut self, column: &str, allowed: &str) -> Option<T> {
        let text = self.text(column);
        self.parse_term(column, &text, allowed)
    }

    fn parse_term<T: DeserializeOwned>(&mut self, column: &str, text: &str, allowed: &str) -> Option<T> {
        let code = super::TERMS.iter().find(|(_, t)| *t == text).map_or(text.to_lowercase(), |(c, _)| (*c).to_owned());
        let value = serde_json::from_value::<T>(serde_json::Value::String(code))
            .or_else(|_| serde_json::from_value::<T>(serde_json::Value::String(text.to_owned())));
        match value {
            Ok(value) => Some(value),
            Err(_) => {
                let shown = if text.is_empty() { "空白".to_owned() } else { format!("“{text}”") };
                self.problem(column, format!("“{column}”不认识{shown}：应为 {allowed}"));
                None
            }
        }
    }

    pub fn terms<T: DeserializeOwned>(&mut self, column: &str, allowed: &str) -> Vec<T> {
        let list = self.list(column, LIST);
        list.iter().filter_map(|text| self.parse_term(column, text, allowed)).collect()
    }

    pub fn yes(&mut self, column: &str) -> bool {
        match self.text(column).as_str() {
            "是" | "收费" | "true" | "1" => true,
            "否" | "不收费" | "免费" | "false" | "0" | "" => false,
            other => {
                let other = other.to_owned();
                self.problem(column, format!("“{column}”应为“是”或“否”，这里是“{other}”"));
                false
            }
        }
    }
}

/// "原件1份、复印件2份" → (1, 2).
pub(super) fn paper_copies(text: &str) -> Option<(u8, u8)> {
    let mut originals = 0;
    let mut copies = 0;
    for part in
        text.split([LIST.chars().next().unwrap_or('、'), ',', '，', ';', '；']).map(str::trim).filter(|p| !p.is_empty())
    {
        let number = |rest: &str| rest.trim_end_matches('份').trim().parse::<u8>().ok();
        if let Some(rest) = part.strip_prefix("原件") {
            originals = number(rest)?;
        } else if let Some(rest) = part.strip_prefix("复印件") {
            copies = number(rest)?;
        } else {
            return None;
        }
    }
    Some((originals, copies))
}

/// The most rows and columns a sheet may span: a real 实施清单 has a few
/// hundred rows and under forty columns, and a sheet claiming a cell at
/// XFD1048576 must not make the reader allocate for every cell before it.
const MAX_ROWS: u32 = 20_000;
const MAX_COLUMNS: u32 = 100;

/// A sheet's cells as rows, from its first used row and column, read cell
/// by cell so only cells that exist cost memory; refused past the bounds.
fn cells(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Result<Vec<Vec<Data>>, String> {
    let mut reader = book.worksheet_cells_reader(name).map_err(|_| format!("没有名为“{name}”的工作表"))?;
    let too_big = || format!("工作表“{name}”太大（超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列），请删去多余的行和列后再导入");
    let mut found: Vec<((u32, u32), Data)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| format!("工作表“{name}”读不出来：{e}"))? {
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(too_big());
        }
        if found.len() as u64 >= u64::from(MAX_ROWS) * u64::from(MAX_COLUMNS) {
            return Err(too_big());
        }
        found.push(((row, column), Data::from(cell.get_value().clone())));
    }
    let (Some(top), Some(left)) = (found.iter().map(|((r, _), _)| *r).min(), found.iter().map(|((_, c), _)| *c).min())
    else {
        return Ok(Vec::new());
    };
    let bottom = found.iter().map(|((r, _), _)| *r).max().unwrap_or(top);
    let right = found.iter().map(|((_, c), _)| *c).max().unwrap_or(left);
    let width = (right - left + 1) as usize;
    let mut grid = vec![vec![Data::Empty; width]; (bottom - top + 1) as usize];
    for ((row, column), value) in found {
        grid[(row - top) as usize][(column - left) as usize] = value;
    }
    Ok(grid)
}
