//! The working-day calendar from `calendar/<year>.toml`: read at start-up, every
//! problem reported with its file, and the server refuses a bad one.

use std::path::Path;

use anyhow::{Context, bail};
use domain::time::calendar::{Calendar, YearFile};

pub fn load(dir: &Path) -> anyhow::Result<Calendar> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read the calendar directory {}", dir.display()))?;
    let mut paths: Vec<_> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        match toml::from_str::<YearFile>(&text) {
            Ok(file) => files.push(file),
            Err(error) => problems.push(format!("{}: {}", path.display(), error.message())),
        }
    }
    if let Err(found) = Calendar::from_years(&files) {
        problems.extend(found.into_iter().map(|p| format!("{}: {p}", dir.display())));
    }
    if !problems.is_empty() {
        bail!("节假日数据有问题：\n{}", problems.join("\n"));
    }
    Calendar::from_years(&files).map_err(|p| anyhow::anyhow!(p.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calendar_loads_and_knows_the_2026_national_day() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../calendar");
        let calendar = load(&dir).unwrap();
        assert!(calendar.covers(2026) && calendar.covers(2027));
        let date = |s: &str| domain::time::date::Date::parse(s).unwrap();
        assert!(!calendar.is_working_day(date("2026-10-05")));
        assert!(calendar.is_working_day(date("2026-10-10")), "调休上班");
        assert!(!calendar.is_working_day(date("2026-02-18")), "春节");
    }

    #[test]
    fn a_bad_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("2026.toml"),
            "year = 2026\nholidays = [{ name = \"国庆节\", from = \"2026-10-01\" }]\n",
        )
        .unwrap();
        let error = format!("{:#}", load(dir.path()).unwrap_err());
        assert!(error.contains("2026.toml") && error.contains("to"), "{error}");
    }
}
