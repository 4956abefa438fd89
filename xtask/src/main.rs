//! Developer commands. `cargo xtask run` starts the app on the embedded defaults;
//! `cargo xtask test` runs every test and the size budgets.

mod budget;
mod build;
mod case_bench;
mod check_bench;
mod checklist_bench;
mod e2e;
mod lighthouse;
mod lint;
mod minify;
mod modgraph;
mod oidc_provider;
mod schema_fuzz;
mod search_bench;
mod serve;
mod sh;
mod short_names;
mod sms_stand_in;
mod static_bench;
mod tools;
mod upload_bench;

use std::process::Command;

use anyhow::bail;

use crate::sh::{root, run};

const USAGE: &str = "usage: cargo xtask <run|test|build|bench|modules|e2e>
  run    install what is missing, build the app, serve it on http://127.0.0.1:8080
  test   formatting and clippy gates, unit, integration and end-to-end tests, schemathesis on the API, the size budget
  build  the release app into dist/ and the release server
  modules  the import gate alone: no module imports a module that imports it
  e2e    the Playwright tests alone, against the app and server as last built (`cargo xtask build`)
  bench  home page transfer, the lazily loaded app, checklist timing, files against nginx, search,
         Lighthouse, uploads and cases under load (BENCHMARKS.md); `bench uploads|check|cases|static|search|lighthouse`
         runs that part alone (static and lighthouse on the app as last built; `bench lighthouse status apply`
         only the pages named); `bench speed` builds and runs the transfers, static, search and lighthouse together";

fn main() -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_default();
    match command.as_str() {
        "run" => {
            build::build()?;
            tools::ensure_cjk_font()?;
            let server = root().join("target/release/bianmin");
            println!("xtask: starting the server on the embedded defaults (SQLite and files under ./data)");
            run(Command::new(server).arg("serve").current_dir(root()))
        }
        "build" => build::build(),
        "test" => test(),
        "modules" => modgraph::check(&root()),
        "e2e" => e2e::run_tests(),
        "bench" => match std::env::args().nth(2).as_deref() {
            Some("uploads") => release_server().and_then(|()| upload_bench::report()),
            Some("cases") => release_server().and_then(|()| case_bench::report()),
            Some("static") => static_bench::report(),
            Some("search") => release_server().and_then(|()| search_bench::report()),
            Some("lighthouse") => lighthouse::report(&std::env::args().skip(3).collect::<Vec<_>>()),
            Some("speed") => build::build().and_then(|()| speed()),
            Some("check") => release_server().and_then(|()| check_bench::report()),
            Some(part) => {
                bail!("unknown bench part {part:?}: uploads, check, cases, static, search, lighthouse or speed")
            }
            None => bench(),
        },
        _ => {
            eprintln!("{USAGE}");
            bail!("unknown command {command:?}")
        }
    }
}

/// Every figure in BENCHMARKS.md, on the release build.
fn bench() -> anyhow::Result<()> {
    build::build()?;
    speed()?;
    checklist_bench::report()?;
    upload_bench::report()?;
    check_bench::report()?;
    case_bench::report()
}

/// What a phone waits for, in one run: the transfers, the server against
/// nginx, search, Lighthouse (`cargo xtask bench speed`).
fn speed() -> anyhow::Result<()> {
    budget::report(&root().join("dist"))?;
    static_bench::report()?;
    search_bench::report()?;
    lighthouse::report(&[])
}

/// The release server alone (the benches that need no app build).
fn release_server() -> anyhow::Result<()> {
    run(Command::new("cargo").args(["build", "--release", "-p", "server"]).current_dir(root()))
}

fn test() -> anyhow::Result<()> {
    // Style first: it fails in seconds, before any test is built.
    lint::check(&root())?;
    // The email tests' SMTP server (aiosmtpd) runs on this Python.
    let smtpd = tools::ensure_aiosmtpd()?;
    // The virus-scanning tests run a real clamd.
    tools::ensure_clamd()?;
    // The documents' tests print PDFs in the Chinese font.
    tools::ensure_cjk_font()?;
    // The sign-in tests sign in with a certified OpenID Connect provider on loopback.
    let oidc = root().join("xtask/oidc");
    tools::ensure_npm_packages(&oidc)?;
    // Every Rust test on the embedded defaults: SQLite and files on disk.
    run(Command::new("cargo")
        .args(["test", "--workspace", "--exclude", "app"])
        .env("BIANMIN_TEST_PYTHON", &smtpd)
        .env("BIANMIN_TEST_OIDC_DIR", &oidc)
        .env_remove("BIANMIN_TEST_DATABASE_URL")
        .env_remove("BIANMIN_TEST_STORAGE")
        .current_dir(root()))?;
    // The whole server suite again on PostgreSQL and S3 (s3s-fs on loopback), when a server is named.
    let postgres = std::env::var("BIANMIN_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty());
    match postgres.clone() {
        Some(url) => {
            println!("xtask: the server suite on PostgreSQL and S3");
            // The same selection as above, so nothing is compiled again.
            run(Command::new("cargo")
                .args(["test", "--workspace", "--exclude", "app"])
                .env("BIANMIN_TEST_DATABASE_URL", url)
                .env("BIANMIN_TEST_STORAGE", "s3")
                .env("BIANMIN_TEST_PYTHON", &smtpd)
                .env("BIANMIN_TEST_OIDC_DIR", &oidc)
                .current_dir(root()))?;
        }
        None => println!("xtask: BIANMIN_TEST_DATABASE_URL is not set: the PostgreSQL and S3 run is skipped"),
    }
    build::build()?;
    schema_fuzz::run_schema_checks()?;
    let totals = budget::report(&root().join("dist"))?;
    budget::enforce(&totals)?;
    e2e::run_tests()?;
    match postgres {
        Some(_) => println!("xtask: all tests passed"),
        None => println!(
            "xtask: ALL TESTS PASSED EXCEPT THE POSTGRESQL AND S3 RUN, WHICH WAS SKIPPED \
             (set BIANMIN_TEST_DATABASE_URL to run it; CI does)"
        ),
    }
    Ok(())
}
