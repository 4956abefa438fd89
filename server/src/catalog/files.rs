//! Reading the catalog's TOML files: every problem of every file, each
//! with the line of its field, so the person editing sees them all at once.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use std::fmt;

/// One problem, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogProblem {
    pub file: PathBuf,
    pub line: usize,
    /// Field path such as `materials[2].blank_form`; empty for the whole file.
    pub field: String,
    pub message: String,
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file.display(), self.line)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem of a catalog that could not be loaded.
#[derive(Debug)]
pub struct CatalogErrors(pub Vec<CatalogProblem>);

impl fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "目录有 {} 个问题：", self.0.len())?;
        for problem in &self.0 {
            writeln!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogErrors {}

/// One file as read, for its lines.
pub(super) struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Parse every file; returns what parsed and, for each, the index of its file.
pub(super) fn parse_all<T: DeserializeOwned>(
    files: &[SourceFile],
    problems: &mut Vec<CatalogProblem>,
) -> (Vec<T>, Vec<usize>) {
    let mut parsed = Vec::new();
    let mut index = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let (value, mut file_problems) = parse_file::<T>(file);
        problems.append(&mut file_problems);
        if let Some(value) = value {
            parsed.push(value);
            index.push(i);
        }
    }
    (parsed, index)
}

/// The `.toml` files of `dir`, but those named in `skip`.
pub(super) fn read_dir(dir: &Path, required: bool, skip: &[&str]) -> Result<Vec<SourceFile>, CatalogErrors> {
    let whole_dir = |message: String| {
        CatalogErrors(vec![CatalogProblem { file: dir.to_path_buf(), line: 0, field: String::new(), message }])
    };
    let entries = std::fs::read_dir(dir).map_err(|e| whole_dir(format!("无法读取目录：{e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_none_or(|name| !skip.contains(&name)))
        .collect();
    paths.sort();
    if paths.is_empty() && required {
        return Err(whole_dir("目录中没有 .toml 事项文件".to_owned()));
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push(SourceFile { path, text }),
            Err(e) => problems.push(CatalogProblem {
                file: path,
                line: 0,
                field: String::new(),
                message: format!("无法读取文件：{e}"),
            }),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(CatalogErrors(problems)) }
}

/// Parse one file, reporting syntax errors, type errors and every unknown key.
/// An item with unknown keys is still returned, so its other rules get checked too.
pub(super) fn parse_file<T: DeserializeOwned>(file: &SourceFile) -> (Option<T>, Vec<CatalogProblem>) {
    let mut unknown = Vec::new();
    let deserializer = toml::Deserializer::new(&file.text);
    let result: Result<T, _> = serde_ignored::deserialize(deserializer, |path| {
        unknown.push(field_path(&path));
    });
    let mut problems: Vec<CatalogProblem> = unknown
        .into_iter()
        .map(|field| CatalogProblem {
            file: file.path.clone(),
            line: line_of_field(&file.text, &field),
            message: format!("未知字段 {field}：请检查拼写，可用字段见 catalog/README.md"),
            field,
        })
        .collect();
    match result {
        Ok(item) => (Some(item), problems),
        Err(error) => {
            let detail: Vec<&str> = error.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            problems.push(CatalogProblem {
                file: file.path.clone(),
                line: error.span().map_or(1, |span| line_at(&file.text, span.start)),
                field: String::new(),
                message: format!("无法读取（TOML 格式或字段类型有误）：{}", detail.join("; ")),
            });
            (None, problems)
        }
    }
}

/// `serde_ignored`'s path in the checker's notation: `materials[2].name`.
fn field_path(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        P::Map { parent, key } => {
            let parent = field_path(parent);
            if parent.is_empty() { key.clone() } else { format!("{parent}.{key}") }
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => field_path(parent),
    }
}

/// The line where a field path is written; where the field is missing, the
/// line of the nearest enclosing table that exists.
pub fn line_of_field(text: &str, field: &str) -> usize {
    let Ok(doc) = toml_edit::ImDocument::parse(text) else { return 1 };
    let mut item: &toml_edit::Item = doc.as_item();
    let mut best = 1;
    for segment in segments(field) {
        let next = match segment {
            Segment::Key(key) => item.get(key),
            Segment::Index(index) => item.get(index),
        };
        let Some(next) = next else { break };
        item = next;
        if let Some(span) = span_of(item) {
            best = line_at(text, span.start);
        }
    }
    best
}

fn span_of(item: &toml_edit::Item) -> Option<std::ops::Range<usize>> {
    match item {
        toml_edit::Item::Table(table) => table.span(),
        toml_edit::Item::Value(value) => value.span(),
        toml_edit::Item::ArrayOfTables(array) => array.span().or_else(|| array.get(0).and_then(|t| t.span())),
        toml_edit::Item::None => None,
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(field: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in field.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for index in rest.split('[') {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "code = \"A\"\nname = \"x\"\n\n[fee]\nfree = true\n\n[[materials]]\nid = \"a\"\n\n[[materials]]\nid = \"b\"\nname = \"申请书\"\n";

    #[test]
    fn finds_lines_of_fields() {
        assert_eq!(line_of_field(TEXT, "name"), 2);
        assert_eq!(line_of_field(TEXT, "fee.free"), 5);
        assert_eq!(line_of_field(TEXT, "materials[1].name"), 12);
        assert_eq!(line_of_field(TEXT, "materials[0].id"), 8);
    }

    #[test]
    fn missing_fields_point_at_their_table() {
        assert_eq!(line_of_field(TEXT, "materials[1].standard"), 10);
        assert_eq!(line_of_field(TEXT, "fee.standard"), 4);
        assert_eq!(line_of_field(TEXT, "place"), 1);
    }
}
