//! `bianmin catalog check` and the refusal to serve a bad catalog, through the real binary.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_bianmin");

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// JT-003 without its blank forms and samples (a temporary catalog has no `public/` files).
fn item_without_files() -> String {
    let item = std::fs::read_to_string(repo("catalog/jt-003-freight-driver-qualification.toml")).unwrap();
    item.lines().filter(|l| !l.starts_with("blank_form") && !l.starts_with("sample")).collect::<Vec<_>>().join("\n")
}

/// A temporary catalog of two copies of a real item, the second one broken.
fn broken_catalog() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    std::fs::create_dir_all(dir.path().join("public")).unwrap();
    let good = std::fs::read_to_string(repo("catalog/jt-003-freight-driver-qualification.toml")).unwrap();
    let good = good
        .lines()
        .filter(|l| !l.starts_with("blank_form") && !l.starts_with("sample"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(catalog.join("a.toml"), &good).unwrap();
    let bad = good
        .replace("promised_limit_days = 5", "promised_limit_days = 15")
        .replace("id = \"photo\"", "id = \"photo\"\nwhen = { question = \"nope\", is = true }")
        .replace("hours = ", "opening_hours = ")
        .replace("[[materials]]\nid = \"photo\"", "[[materials]]\nid = \"photo\"\nblank_form = \"forms/missing.pdf\"");
    std::fs::write(catalog.join("b.toml"), bad).unwrap();
    std::fs::write(catalog.join("c.toml"), "code = \"X\"\nname = \n").unwrap();
    dir
}

#[test]
fn the_shipped_catalog_passes() {
    let output = Command::new(BIN).args(["catalog", "check"]).arg(repo("catalog")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("目录检查通过"));
}

#[test]
fn reports_every_problem_with_file_line_and_field() {
    let dir = broken_catalog();
    let output = Command::new(BIN).args(["catalog", "check"]).arg(dir.path().join("catalog")).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = report.lines().collect();
    let has = |needle: &str| assert!(lines.iter().any(|l| l.contains(needle)), "missing {needle:?} in:\n{report}");
    has("b.toml:1: code: 事项编码 JT-003 重复");
    has("b.toml:9: promised_limit_days: 承诺时限 15 个工作日超过了法定时限 10 个工作日");
    has("b.toml:1: hours: 缺少必填字段 hours（办理时间）");
    has("opening_hours: 未知字段 opening_hours");
    has("blank_form: 文件链接 forms/missing.pdf 指向的文件在 public/ 中不存在");
    has("c.toml:2: 无法读取（TOML 格式或字段类型有误）");
    has("when: 条件引用了不存在的问题 nope");
    assert!(lines[0].starts_with("目录有 7 个问题"), "{report}");
    let unknown = lines.iter().find(|l| l.contains("opening_hours")).unwrap();
    let line_no: usize = unknown.split(':').nth(1).unwrap().parse().unwrap();
    let text = std::fs::read_to_string(dir.path().join("catalog/b.toml")).unwrap();
    assert!(text.lines().nth(line_no - 1).unwrap().starts_with("opening_hours"), "line {line_no} of b.toml");
}

#[test]
fn serve_refuses_a_bad_catalog() {
    let dir = broken_catalog();
    let output = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .arg("--catalog")
        .arg(dir.path().join("catalog"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("承诺时限 15 个工作日超过了法定时限"));
}

#[test]
fn the_shipped_calendar_passes_and_a_broken_one_is_named() {
    let output = Command::new(BIN).args(["calendar", "check"]).arg(repo("calendar")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("2026、2027"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("2026.toml"), "year = 2026\nworkdays = [\"2026-10-12\"]\n").unwrap();
    let output = Command::new(BIN).args(["calendar", "check"]).arg(dir.path()).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("调休上班日 2026-10-12 应是本年的周六或周日"));
}

#[test]
fn staff_tokens_are_made_once_and_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["staff", "add-token", "--department", "县交通运输局", "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert_eq!(token.len(), 32);
    // Only the hash is kept: the token is in none of the database's files.
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()), "{:?}", entry.path());
    }
}

#[test]
fn a_synonym_list_with_a_loop_or_words_no_item_uses_is_refused_with_its_lines() {
    let dir = tempfile::TempDir::new().unwrap();
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    std::fs::create_dir_all(dir.path().join("public")).unwrap();
    let item = item_without_files();
    std::fs::write(catalog.join("a.toml"), item).unwrap();
    std::fs::write(
        catalog.join("synonyms.toml"),
        "[[group]]\nwords = [\"货车司机\", \"卡车司机\"]\n\n[[group]]\nwords = [\"卡车司机\", \"大车司机\"]\n\n[[group]]\nwords = [\"火箭\", \"飞船\"]\n",
    )
    .unwrap();
    let output = Command::new(BIN).args(["catalog", "check"]).arg(&catalog).output().unwrap();
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("synonyms.toml:4: group[1]: “卡车司机”已在第 1 组里"), "{errors}");
    assert!(errors.contains("synonyms.toml:7: group[2]: "), "{errors}");
    assert!(errors.contains("搜不到任何事项"), "{errors}");
}

#[test]
fn reporting_upward_needs_each_items_basic_code_and_its_departments_codes() {
    let dir = tempfile::TempDir::new().unwrap();
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    std::fs::create_dir_all(dir.path().join("public")).unwrap();
    let item = item_without_files();
    std::fs::write(catalog.join("a.toml"), &item).unwrap();
    let check = |exchange: bool| {
        let mut command = Command::new(BIN);
        command.args(["catalog", "check"]).arg(&catalog);
        if exchange {
            command.arg("--exchange");
        }
        command.output().unwrap()
    };
    assert!(check(false).status.success(), "without the exchange nothing more is needed");
    let refused = check(true);
    assert!(!refused.status.success());
    let errors = String::from_utf8_lossy(&refused.stderr);
    assert!(errors.contains("JT-003：没有基本编码"), "{errors}");
    assert!(errors.contains("不在 departments.toml 里"), "{errors}");

    std::fs::write(catalog.join("a.toml"), format!("basic_code = \"000105410000\"\n{item}")).unwrap();
    std::fs::write(
        catalog.join("departments.toml"),
        "[[department]]\nname = \"县交通运输局\"\ncredit_code = \"91350100M000100Y43\"\nregion = \"330102\"\n",
    )
    .unwrap();
    let ready = check(true);
    assert!(ready.status.success(), "{}", String::from_utf8_lossy(&ready.stderr));
}
