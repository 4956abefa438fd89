//! Search time per query, for `cargo xtask bench`: the catalog's items (a JSON
//! array of items, the file named by the first argument), and the same grown
//! to 5,000 items with varied names. Prints a Markdown table.
//!
//! Run in release: `cargo run --release -p domain --example search_bench -- items.json`.

use std::time::Instant;

use domain::ServiceItem;
use domain::catalog::search::{SearchIndex, ServiceQuery};

/// Queries the way the home page sends them: words, a code, a miss.
const QUERIES: [&str; 8] = ["道路运输", "货运", "户外广告", "消防", "许可", "JT-003", "开书店", "没有这个事项"];

/// Words the generated items' names are made of, so queries match some of them.
const WORDS: [&str; 12] =
    ["道路", "运输", "经营", "许可", "户外", "广告", "设置", "审批", "消防", "安全", "登记", "备案"];

fn grown(items: &[ServiceItem], size: usize) -> Vec<ServiceItem> {
    (0..size)
        .map(|n| {
            let mut item = items[n % items.len()].clone();
            if n >= items.len() {
                item.code = format!("GEN-{n:05}");
                item.name = format!("{}{}{}{}", WORDS[n % 12], WORDS[(n / 12) % 12], WORDS[(n / 144) % 12], item.name);
                item.keywords.push(WORDS[(n * 7) % 12].to_owned());
            }
            item
        })
        .collect()
}

/// Microseconds a query, over every query, best of five rounds.
fn time(items: &[ServiceItem]) -> f64 {
    let index = SearchIndex::new(items, &[], Default::default(), &[]);
    let rounds = (200_000 / items.len()).clamp(20, 20_000);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..rounds {
            for q in QUERIES {
                std::hint::black_box(index.search(items, &[], &ServiceQuery { q: q.to_owned(), ..Default::default() }));
            }
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e6 / (rounds * QUERIES.len()) as f64);
    }
    best
}

/// The search before the index (for comparison): fold every item's text and
/// look for the words in it, for every query.
fn scan_time(items: &[ServiceItem]) -> f64 {
    let fold = |t: &str| -> String {
        t.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
    };
    let rounds = (20_000 / items.len()).clamp(5, 2_000);
    let start = Instant::now();
    for _ in 0..rounds {
        for q in QUERIES {
            let term = fold(q);
            let hits = items
                .iter()
                .filter(|i| {
                    fold(&i.name).contains(&term)
                        || i.keywords.iter().any(|k| fold(k).contains(&term))
                        || fold(&i.code).contains(&term)
                        || fold(&i.summary).contains(&term)
                })
                .count();
            std::hint::black_box(hits);
        }
    }
    start.elapsed().as_secs_f64() * 1e6 / (rounds * QUERIES.len()) as f64
}

fn main() {
    let path = std::env::args().nth(1).expect("the items' JSON file");
    let items: Vec<ServiceItem> =
        serde_json::from_slice(&std::fs::read(path).expect("reading the items")).expect("items");
    println!(
        "| catalog | items | µs a query, index (mean over {} queries) | µs a query, scan as before | index built in |",
        QUERIES.len()
    );
    println!("|---|---:|---:|---:|---:|");
    for (label, catalog) in [("the shipped catalog", items.clone()), ("generated", grown(&items, 5000))] {
        let start = Instant::now();
        let _ = SearchIndex::new(&catalog, &[], Default::default(), &[]);
        let built = start.elapsed();
        let micros = time(&catalog);
        let scan = scan_time(&catalog);
        println!("| {label} | {} | {micros:.1} | {scan:.1} | {:.1} ms |", catalog.len(), built.as_secs_f64() * 1e3);
    }
}
