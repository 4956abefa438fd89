//! Loading the catalog directory: one TOML file per service item.
//!
//! Every problem in every file is collected before giving up, each with file,
//! line and field, so the person editing the catalog sees them all at once.
//! The rules themselves live in `domain::catalog::check`; this module reads files and
//! finds lines.

/// Read-only answers prepared once.
pub mod answers;
/// Reading the catalog's TOML files and finding the line of a field.
mod files;
/// Searches written the way citizens type them, and their hit rate.
pub mod query_set;
/// The catalog's routes: search, guides, checklists (and the form check).
pub mod routes;
/// The national 实施清单 workbook: import and export.
pub mod spreadsheet;

use std::collections::HashMap;
use std::path::Path;

use domain::ServiceItem;
use domain::catalog::bundle::{Bundle, BundleDetail, assemble};
use domain::catalog::elsewhere::{Elsewhere, ElsewhereList};
use domain::catalog::search::{SearchIndex, Synonyms};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub use files::{CatalogErrors, CatalogProblem};
use files::{SourceFile, line_of_field, parse_all, parse_file, read_dir};

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
    pub fn new(
        items: Vec<ServiceItem>,
        bundles: Vec<BundleDetail>,
        synonyms: Synonyms,
        elsewhere: &[Elsewhere],
        version: String,
    ) -> Self {
        let by_code = items.iter().enumerate().map(|(i, item)| (item.code.clone(), i)).collect();
        let bundle_by_code = bundles.iter().enumerate().map(|(i, d)| (d.bundle.code.clone(), i)).collect();
        let answers = answers::Answers::new(items.len(), bundles.len());
        Self {
            search: SearchIndex::new(&items, &bundles, synonyms, elsewhere),
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

/// The synonym list beside the items (`catalog/synonyms.toml`, optional).
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// The deciding departments' codes beside the items (`catalog/departments.toml`, optional).
pub const DEPARTMENTS_FILE: &str = "departments.toml";

/// Services people ask for that this centre does not handle, with where to
/// go (`catalog/elsewhere.toml`, optional).
pub const ELSEWHERE_FILE: &str = "elsewhere.toml";

/// The files beside the items that are not items.
const SIDE_FILES: [&str; 3] = [SYNONYMS_FILE, DEPARTMENTS_FILE, ELSEWHERE_FILE];

/// A problem at `field` of `file`.
fn located(file: &SourceFile, field: String, message: String) -> CatalogProblem {
    CatalogProblem { file: file.path.clone(), line: line_of_field(&file.text, &field), field, message }
}

/// One optional file beside the items, parsed and checked by `check`; the
/// default when it is absent or cannot be read (its problems are reported).
fn side_file<T: DeserializeOwned + Default>(
    dir: &Path,
    name: &str,
    problems: &mut Vec<CatalogProblem>,
    read: &mut Vec<SourceFile>,
    check: impl FnOnce(&T, &SourceFile, &mut Vec<CatalogProblem>),
) -> T {
    let path = dir.join(name);
    if !path.is_file() {
        return T::default();
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let file = SourceFile { path, text };
    let (parsed, mut file_problems) = parse_file::<T>(&file);
    problems.append(&mut file_problems);
    if let Some(parsed) = &parsed {
        check(parsed, &file, problems);
    }
    read.push(file);
    parsed.unwrap_or_default()
}

/// Load and check `dir` (items), `dir/bundles` (joint applications, optional),
/// `dir/synonyms.toml` and `dir/departments.toml` (optional); blank forms and samples must exist
/// under `public_dir`.
pub fn load(dir: &Path, public_dir: &Path) -> Result<Catalog, CatalogErrors> {
    let files = read_dir(dir, true, &SIDE_FILES)?;
    let bundle_dir = dir.join("bundles");
    let bundle_files = if bundle_dir.is_dir() { read_dir(&bundle_dir, false, &SIDE_FILES)? } else { Vec::new() };
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
    let mut side_files = Vec::new();
    let synonyms: Synonyms = side_file(dir, SYNONYMS_FILE, &mut problems, &mut side_files, |parsed, file, problems| {
        let known = known_words(&items, &bundles);
        let found = domain::catalog::search::synonyms::check(parsed, |w| known.iter().any(|k| k.contains(w)));
        for problem in found {
            problems.push(located(file, format!("group[{}]", problem.group), problem.message));
        }
    });
    let elsewhere: ElsewhereList =
        side_file(dir, ELSEWHERE_FILE, &mut problems, &mut side_files, |parsed, file, problems| {
            let exact = exact_words(&items, &bundles);
            for (i, message) in domain::catalog::elsewhere::check(parsed, &exact) {
                problems.push(located(file, format!("service[{i}]"), message));
            }
        });
    let departments = side_file(dir, DEPARTMENTS_FILE, &mut problems, &mut side_files, |_, _, _| {});
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(CatalogErrors(problems));
    }
    let bundles = assemble(&bundles, &items);
    let all_files: Vec<&SourceFile> = files.iter().chain(&bundle_files).chain(&side_files).collect();
    let mut catalog = Catalog::new(items, bundles, synonyms, &elsewhere.services, fingerprint(&all_files));
    catalog.departments = departments;
    Ok(catalog)
}

/// Every name, summary and keyword of the items and bundles, each with
/// whether it is a summary: the two checks below read the same words.
fn catalog_words<'a>(items: &'a [ServiceItem], bundles: &'a [Bundle]) -> impl Iterator<Item = (&'a str, bool)> {
    let item_words = items.iter().flat_map(|i| {
        [(i.name.as_str(), false), (i.summary.as_str(), true)]
            .into_iter()
            .chain(i.keywords.iter().map(|k| (k.as_str(), false)))
    });
    let bundle_words = bundles.iter().flat_map(|b| {
        [(b.name.as_str(), false), (b.summary.as_str(), true)]
            .into_iter()
            .chain(b.keywords.iter().map(|k| (k.as_str(), false)))
    });
    item_words.chain(bundle_words)
}

/// The items' and bundles' names and keywords as written: a service handled
/// elsewhere must not take one of them.
fn exact_words(items: &[ServiceItem], bundles: &[Bundle]) -> Vec<String> {
    catalog_words(items, bundles).filter(|(_, summary)| !summary).map(|(w, _)| w.to_owned()).collect()
}

/// The catalog's own words, normalised as search normalises them: a synonym
/// group must name at least one of them.
fn known_words(items: &[ServiceItem], bundles: &[Bundle]) -> Vec<String> {
    use domain::catalog::search::normalise::normalise;
    catalog_words(items, bundles).map(|(w, _)| normalise(w)).collect()
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
