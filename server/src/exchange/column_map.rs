//! A province's own spelling of the national-format front tables
//! (`BIANMIN_PROVINCE_COLUMN_MAP`): many provinces keep the national
//! datasets under their own table and column names. A TOML file renames
//! tables (`[tables]`), each table's columns (`[columns.<table>]`) and the
//! sync columns every table has (`[sync]`); anything not named keeps the
//! national name. Every name is checked at start-up: a map that names a
//! table or column the profile does not write, or a name that is not a
//! plain identifier, stops the server with the line to mend.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// The sync columns every front table has.
pub const SYNC_COLUMNS: [&str; 5] = ["sync_id", "batch_id", "operation", "sync_time", "event_seq"];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    #[serde(default)]
    tables: BTreeMap<String, String>,
    #[serde(default)]
    columns: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    sync: BTreeMap<String, String>,
}

/// A name that may reach SQL text: ASCII letters, digits and `_`, not starting with a digit.
pub fn plain(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The tables and columns `schema` (the profile's `CREATE TABLE`s) makes.
fn known(schema: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut table: Option<String> = None;
    for line in schema.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("CREATE TABLE IF NOT EXISTS ") {
            let name = rest.trim_end_matches('(').trim().to_owned();
            out.entry(name.clone()).or_default();
            table = Some(name);
        } else if line.starts_with(')') {
            table = None;
        } else if let Some(table) = &table {
            for column in line.split(',').filter_map(|c| c.split_whitespace().next()) {
                out.entry(table.clone()).or_default().push(column.to_owned());
            }
        }
    }
    out
}

impl ColumnMap {
    /// The map in `path`, checked against the profile's tables.
    pub fn load(path: &Path, schema: &str) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let map: Self = toml::from_str(&text).with_context(|| format!("{} is not a column map", path.display()))?;
        let known = known(schema);
        let mut problems = Vec::new();
        fn name(problems: &mut Vec<String>, what: String, to: &str) {
            if !plain(to) {
                problems.push(format!("{what} = {to:?}: only letters, digits and _"));
            }
        }
        for (table, to) in &map.tables {
            if !known.contains_key(table) {
                problems.push(format!("[tables] {table}: the profile writes no such table"));
            }
            name(&mut problems, format!("[tables] {table}"), to);
        }
        for (table, columns) in &map.columns {
            let Some(has) = known.get(table) else {
                problems.push(format!("[columns.{table}]: the profile writes no such table"));
                continue;
            };
            for (column, to) in columns {
                if !has.contains(column) || SYNC_COLUMNS.contains(&column.as_str()) {
                    problems.push(format!("[columns.{table}] {column}: no such column (sync columns go in [sync])"));
                }
                name(&mut problems, format!("[columns.{table}] {column}"), to);
            }
        }
        for (column, to) in &map.sync {
            if !SYNC_COLUMNS.contains(&column.as_str()) {
                problems.push(format!("[sync] {column}: the sync columns are {}", SYNC_COLUMNS.join(", ")));
            }
            name(&mut problems, format!("[sync] {column}"), to);
        }
        if !problems.is_empty() {
            bail!("{}:\n{}", path.display(), problems.join("\n"));
        }
        Ok(map)
    }

    pub fn table<'a>(&'a self, table: &'a str) -> &'a str {
        self.tables.get(table).map_or(table, String::as_str)
    }

    pub fn column<'a>(&'a self, table: &str, column: &'a str) -> &'a str {
        self.columns.get(table).and_then(|c| c.get(column)).map_or(column, String::as_str)
    }

    pub fn sync<'a>(&'a self, column: &'a str) -> &'a str {
        self.sync.get(column).map_or(column, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> anyhow::Result<ColumnMap> {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("map.toml");
        std::fs::write(&path, text).unwrap();
        ColumnMap::load(&path, crate::exchange::national::SCHEMA)
    }

    #[test]
    fn a_map_renames_what_it_names_and_keeps_the_rest() {
        let m = map("[tables]\nup_pro_accept = \"T_ACCEPT\"\n[columns.up_pro_accept]\nproject_no = \"PROJID\"\n\
             [sync]\nsync_id = \"SYNC_ID\"\n")
        .unwrap();
        assert_eq!(m.table("up_pro_accept"), "T_ACCEPT");
        assert_eq!(m.table("up_pro_result"), "up_pro_result");
        assert_eq!(m.column("up_pro_accept", "project_no"), "PROJID");
        assert_eq!(m.column("up_pro_result", "project_no"), "project_no");
        assert_eq!(m.sync("sync_id"), "SYNC_ID");
    }

    #[test]
    fn a_map_with_a_typo_or_an_unsafe_name_says_which_line() {
        let wrong = map(
            "[tables]\nup_pro_acept = \"T\"\n[columns.up_pro_accept]\nprojectno = \"P\"\napply_date = \"A; DROP\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(wrong.contains("[tables] up_pro_acept: the profile writes no such table"), "{wrong}");
        assert!(wrong.contains("[columns.up_pro_accept] projectno: no such column"), "{wrong}");
        assert!(wrong.contains("[columns.up_pro_accept] apply_date = \"A; DROP\""), "{wrong}");
        assert!(map("[colums]\n").is_err(), "an unknown section");
    }
}
