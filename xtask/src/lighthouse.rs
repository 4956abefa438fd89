//! Lighthouse 12 on the release server (`cargo xtask bench lighthouse`): every
//! entry page opened from a shared link (home, guide, questionnaire, notice,
//! apply, 一件事 apply, look-up, staff), and a case's status page opened again
//! with its code kept in the session, each three times under Lighthouse's
//! mobile defaults (simulated slow 4G, 4× CPU), the median run by performance
//! score reported; then three times more with the same slowing applied to the
//! browser, whose own largest paint is reported beside it.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::serve::Server;
use crate::sh::{root, run};
use crate::tools;

/// The entry pages, as an applicant (or a clerk) opens them from a link.
const PAGES: [(&str, &str); 8] = [
    ("home", "/"),
    ("guide", "/services/JT-003"),
    ("questionnaire", "/services/JT-001/situation/applicant_type"),
    ("shared notice", "/services/JT-001/checklist?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no"),
    ("apply", "/services/JT-001/apply?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no"),
    (
        "一件事 apply",
        "/bundles/KB-001/apply?applicant_type=individual&cold_food=no&mode=new&own_building=yes&large=no\
         &check_mode=inspection&needs_acceptance=no",
    ),
    ("look-up", "/cases"),
    ("staff", "/staff"),
];

const RUNS: usize = 3;

/// How Lighthouse slows the page down.
#[derive(Clone, Copy)]
enum Throttling {
    /// Its default: the page loads at full speed and Lantern simulates slow
    /// 4G and a 4× slower CPU on the trace. Lantern counts every request
    /// started before the largest paint as holding it up, so a page that
    /// draws its first view as HTML still waits for its wasm here.
    Simulated,
    /// The same slow 4G and 4× CPU applied to the browser itself
    /// (`--throttling-method=devtools`): the largest paint the browser reports.
    Applied,
}

impl Throttling {
    fn flag(self) -> &'static str {
        match self {
            Throttling::Simulated => "--throttling-method=simulate",
            Throttling::Applied => "--throttling-method=devtools",
        }
    }
}

/// One run's figures.
#[derive(Clone, Debug)]
struct Run {
    score: f64,
    lcp_ms: f64,
    cls: f64,
    tbt_ms: f64,
    bytes: f64,
}

fn read_run(report: &Path) -> anyhow::Result<Run> {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report)?)?;
    let audit =
        |id: &str| json["audits"][id]["numericValue"].as_f64().with_context(|| format!("no {id} in the report"));
    Ok(Run {
        score: json["categories"]["performance"]["score"].as_f64().context("no performance score")? * 100.0,
        lcp_ms: audit("largest-contentful-paint")?,
        cls: audit("cumulative-layout-shift")?,
        tbt_ms: audit("total-blocking-time")?,
        bytes: audit("total-byte-weight")?,
    })
}

/// Every page, or only those labelled in `only` (`status` is the status page).
pub fn report(only: &[String]) -> anyhow::Result<()> {
    let wanted = |label: &str| only.is_empty() || only.iter().any(|o| o == label);
    let bin = tools::ensure_npm_packages(&root().join("xtask/lighthouse"))?;
    let chromium = tools::ensure_chromium()?;
    let server = Server::start("lighthouse")?;
    // Not the server's own temporary directory (named alike), which goes with it.
    let out = std::env::temp_dir().join(format!("bianmin-lighthouse-reports-{}", std::process::id()));
    std::fs::create_dir_all(&out)?;
    println!("\n## Lighthouse 12.2.3, mobile defaults, median of {RUNS}\n");
    println!(
        "| page | performance | LCP | CLS | TBT | transferred | LCP, throttling applied |\n\
         |---|---:|---:|---:|---:|---:|---:|"
    );
    let flags = "--chrome-flags=--headless=new --no-sandbox --disable-background-networking \
                 --disable-component-update --disable-sync --no-first-run";
    for (label, path) in PAGES.into_iter().filter(|(label, _)| wanted(label)) {
        let measure = |throttling: Throttling| {
            median_of(&out, label, |report| {
                run(Command::new(bin.join("lighthouse"))
                    .arg(format!("{}{path}", server.url()))
                    .args(["--only-categories=performance", "--output=json", "--quiet", flags, throttling.flag()])
                    .arg(format!("--output-path={}", report.display()))
                    .env("CHROME_PATH", &chromium))
            })
        };
        print_row(label, path, &measure(Throttling::Simulated)?, &measure(Throttling::Applied)?);
    }
    if !wanted("status") {
        let _ = std::fs::remove_dir_all(&out);
        return Ok(());
    }
    // A case of its own, submitted as the browser would; its page opened with the code kept.
    let (case_number, query_code) = crate::case_bench::submitted_case(server.port)?;
    let path = format!("/cases/{case_number}");
    let measure = |throttling: Throttling| {
        median_of(&out, "status", |report| {
            run(Command::new("node")
                .arg(root().join("xtask/lighthouse/status.mjs"))
                .arg(format!("{}{path}", server.url()))
                .args([&case_number, &query_code, throttling.flag()])
                .arg(report)
                .env("CHROME_PATH", &chromium))
        })
    };
    print_row("status", "/cases/{number}", &measure(Throttling::Simulated)?, &measure(Throttling::Applied)?);
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

/// `RUNS` reports written by `lighthouse(report)`; the median by score.
fn median_of(out: &Path, label: &str, lighthouse: impl Fn(&Path) -> anyhow::Result<()>) -> anyhow::Result<Run> {
    let mut runs = Vec::new();
    for n in 0..RUNS {
        let report = out.join(format!("{}-{n}.json", label.replace(' ', "-")));
        lighthouse(&report)?;
        runs.push(read_run(&report)?);
    }
    runs.sort_by(|a, b| a.score.total_cmp(&b.score));
    Ok(runs.swap_remove(RUNS / 2))
}

fn print_row(label: &str, path: &str, m: &Run, applied: &Run) {
    println!(
        "| {label} (`{}`) | {:.0} | {:.2} s | {:.3} | {:.0} ms | {:.0} KB | {:.2} s |",
        path.split('?').next().unwrap_or(path),
        m.score,
        m.lcp_ms / 1000.0,
        m.cls,
        m.tbt_ms,
        m.bytes / 1000.0,
        applied.lcp_ms / 1000.0
    );
}
