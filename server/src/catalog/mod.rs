//! Loading the catalog directory: one TOML file per service item.
//!
//! Every problem in every file is collected before giving up, each with file,
//! line and field, so the person editing the catalog sees them all at once.
//! The rules themselves live in `domain::catalog::check`; this module reads files and
//! finds lines.

/// Read-only answers prepared once.
pub mod answers;
/// Searches written the way citizens type them, and their hit rate.
pub mod query_set;
/// The catalog's routes: search, guides, checklists (and the form check).
pub mod routes;
/// The national 实施清单 workbook: import and export.
pub mod spreadsheet;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use domain::ServiceItem;
use domain::catalog::bundle::{Bundle, BundleDetail, assemble};
use domain::catalog::search::{SearchIndex, Synonyms};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A loaded, checked catalog, with what search and the read-only answers
/// need prepared (it never changes while the server runs).
#[derive(Debug)]
pub struct Catalog {
    pub items: Vec<ServiceItem>,
    /// Joint applications, each with its items.
    pub bundles: Vec<BundleDetail>,
    /// Fingerprint of the catalog files' contents.
    pub version: String,
    pub search: SearchIndex,
    by_code: HashMap<String, usize>,
    bundle_by_code: HashMap<String, usize>,
    /// Each item's and bundle's JSON, serialised and compressed on first use.
    pub answers: answers::Answers,
    /// The deciding departments' codes, for the provincial exchange (`departments.toml`).
    pub departments: domain::catalog::department::Departments,
}

impl Catalog {
    pub fn new(items: Vec<ServiceItem>, bundles: Vec<BundleDetail>, synonyms: Synonyms, version: String) -> Self {
        let by_code = items.iter().enumerate().map(|(i, item)| (item.code.clone(), i)).collect();
        let bundle_by_code = bundles.iter().enumerate().map(|(i, d)| (d.bundle.code.clone(), i)).collect();
        let answers = answers::Answers::new(items.len(), bundles.len());
        Self {
            search: SearchIndex::new(&items, &bundles, synonyms),
            items,
            bundles,
            version,
            by_code,
            bundle_by_code,
            answers,
            departments: domain::catalog::department::Departments::default(),
        }
    }

    /// What reporting cases upward needs that this catalog lacks (none: ready).
    pub fn exchange_problems(&self) -> Vec<String> {
        domain::catalog::department::exchange_problems(&self.items, &self.departments)
    }

    pub fn get(&self, code: &str) -> Option<&ServiceItem> {
        self.by_code.get(code).map(|&i| &self.items[i])
    }

    pub fn bundle(&self, code: &str) -> Option<&BundleDetail> {
        self.bundle_by_code.get(code).map(|&i| &self.bundles[i])
    }

    /// What an application with this code is for: an item or a bundle.
    pub fn applying(&self, code: &str) -> Option<domain::catalog::applying::Applying<'_>> {
        use domain::catalog::applying::Applying;
        self.get(code).map(Applying::Item).or_else(|| self.bundle(code).map(Applying::Bundle))
    }

    /// The material an upload is for: an item's material by its id, or a
    /// bundle's by its checklist id (`CODE.material`, of an item in the bundle).
    pub fn material(&self, code: &str, id: &str) -> Option<&domain::Material> {
        if let Some(item) = self.get(code) {
            return item.materials.iter().find(|m| m.id == id);
        }
        self.bundle(code)?.document(id)
    }

    /// An item's guide JSON, prepared once.
    pub fn item_answer(&self, code: &str) -> Option<&crate::hosting::prepared::Prepared> {
        let i = *self.by_code.get(code)?;
        Some(self.answers.item(i, &self.items[i]))
    }

    /// A bundle's JSON, prepared once.
    pub fn bundle_answer(&self, code: &str) -> Option<&crate::hosting::prepared::Prepared> {
        let i = *self.bundle_by_code.get(code)?;
        Some(self.answers.bundle(i, &self.bundles[i]))
    }
}

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

struct SourceFile {
    path: PathBuf,
    text: String,
}

/// The synonym list beside the items (`catalog/synonyms.toml`, optional).
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// The deciding departments' codes beside the items (`catalog/departments.toml`, optional).
pub const DEPARTMENTS_FILE: &str = "departments.toml";

/// Load and check `dir` (items), `dir/bundles` (joint applications, optional),
/// `dir/synonyms.toml` and `dir/departments.toml` (optional); blank forms and samples must exist
/// under `public_dir`.
pub fn load(dir: &Path, public_dir: &Path) -> Result<Catalog, CatalogErrors> {
    let files = read_dir(dir, true)?;
    let bundle_dir = dir.join("bundles");
    let bundle_files = if bundle_dir.is_dir() { read_dir(&bundle_dir, false)? } else { Vec::new() };
    let mut problems = Vec::new();
    let (items, item_files) = parse_all::<ServiceItem>(&files, &mut problems);
    let (bundles, bundle_index) = parse_all::<Bundle>(&bundle_files, &mut problems);
    let link_exists = |link: &str| public_dir.join(link).is_file();
    let mut locate = |found: Vec<domain::catalog::check::Problem>, sources: &[SourceFile], index: &[usize]| {
        for problem in found {
            let file = &sources[index[problem.item]];
            problems.push(CatalogProblem {
                file: file.path.clone(),
                line: line_of_field(&file.text, &problem.field),
                field: problem.field,
                message: problem.message,
            });
        }
    };
    locate(domain::catalog::check::check_items(&items, &link_exists), &files, &item_files);
    locate(domain::catalog::check::bundle::check_bundles(&bundles, &items), &bundle_files, &bundle_index);
    let synonyms_path = dir.join(SYNONYMS_FILE);
    let mut synonym_files = Vec::new();
    let mut synonyms = domain::catalog::search::Synonyms::default();
    if synonyms_path.is_file() {
        let text = std::fs::read_to_string(&synonyms_path).unwrap_or_default();
        let file = SourceFile { path: synonyms_path, text };
        let (parsed, mut file_problems) = parse_file::<domain::catalog::search::Synonyms>(&file);
        problems.append(&mut file_problems);
        if let Some(parsed) = parsed {
            let known = known_words(&items, &bundles);
            for problem in domain::catalog::search::synonyms::check(&parsed, |w| known.iter().any(|k| k.contains(w))) {
                let field = format!("group[{}]", problem.group);
                problems.push(CatalogProblem {
                    file: file.path.clone(),
                    line: line_of_field(&file.text, &field),
                    field,
                    message: problem.message,
                });
            }
            synonyms = parsed;
        }
        synonym_files.push(file);
    }
    let departments_path = dir.join(DEPARTMENTS_FILE);
    let mut department_files = Vec::new();
    let mut departments = domain::catalog::department::Departments::default();
    if departments_path.is_file() {
        let text = std::fs::read_to_string(&departments_path).unwrap_or_default();
        let file = SourceFile { path: departments_path, text };
        let (parsed, mut file_problems) = parse_file::<domain::catalog::department::Departments>(&file);
        problems.append(&mut file_problems);
        departments = parsed.unwrap_or_default();
        department_files.push(file);
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(CatalogErrors(problems));
    }
    let bundles = assemble(&bundles, &items);
    let all_files: Vec<&SourceFile> =
        files.iter().chain(&bundle_files).chain(&synonym_files).chain(&department_files).collect();
    let mut catalog = Catalog::new(items, bundles, synonyms, fingerprint(&all_files));
    catalog.departments = departments;
    Ok(catalog)
}

/// The catalog's own words, normalised as search normalises them: a synonym
/// group must name at least one of them.
fn known_words(items: &[ServiceItem], bundles: &[Bundle]) -> Vec<String> {
    use domain::catalog::search::normalise::normalise;
    let mut words = Vec::new();
    for item in items {
        words.push(normalise(&item.name));
        words.push(normalise(&item.summary));
        words.extend(item.keywords.iter().map(|k| normalise(k)));
    }
    for bundle in bundles {
        words.push(normalise(&bundle.name));
        words.push(normalise(&bundle.summary));
        words.extend(bundle.keywords.iter().map(|k| normalise(k)));
    }
    words
}

/// Parse every file; returns what parsed and, for each, the index of its file.
fn parse_all<T: DeserializeOwned>(files: &[SourceFile], problems: &mut Vec<CatalogProblem>) -> (Vec<T>, Vec<usize>) {
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

fn read_dir(dir: &Path, required: bool) -> Result<Vec<SourceFile>, CatalogErrors> {
    let whole_dir = |message: String| {
        CatalogErrors(vec![CatalogProblem { file: dir.to_path_buf(), line: 0, field: String::new(), message }])
    };
    let entries = std::fs::read_dir(dir).map_err(|e| whole_dir(format!("无法读取目录：{e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .filter(|path| path.file_name().is_none_or(|name| name != SYNONYMS_FILE && name != DEPARTMENTS_FILE))
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
fn parse_file<T: DeserializeOwned>(file: &SourceFile) -> (Option<T>, Vec<CatalogProblem>) {
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

fn fingerprint(files: &[&SourceFile]) -> String {
    let mut hash = Sha256::new();
    for file in files {
        hash.update(file.path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
        hash.update([0]);
        hash.update(file.text.as_bytes());
        hash.update([0]);
    }
    hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
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

    /// Whoever adopts the catalog can check each item's fields against the
    /// form its window hands out: the README names that form for every item.
    #[test]
    fn the_readme_names_the_form_of_every_shipped_item() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let catalog = load(&repo.join("catalog"), &repo.join("public")).expect("the shipped catalog loads");
        let readme = std::fs::read_to_string(repo.join("catalog/README.md")).unwrap();
        let (_, table) = readme.split_once("## The form each item follows").expect("the section");
        let missing: Vec<&str> = catalog
            .items
            .iter()
            .map(|i| i.code.as_str())
            .filter(|code| !table.lines().any(|l| l.starts_with(&format!("| {code} | "))))
            .collect();
        assert!(missing.is_empty(), "add these items to catalog/README.md: {missing:?}");
    }
}
