//! What each entry page transfers before it is interactive, as brotli: the
//! page's HTML and every file it names to load at once (stylesheet, glue,
//! wasm and the preloaded `snippets/` scripts).
//!
//! Applicants on cheap phones and weak 4G pay for every byte before the first
//! useful screen, so each page has a budget `cargo xtask test` holds (see
//! BENCHMARKS.md): the home page (search only) and the page of each bundle a
//! shared link opens directly.

use std::path::Path;

use anyhow::bail;

use crate::build::{attribute, brotli_bytes, link_tags};

/// One entry page: its HTML under `dist/`, what it is, its budget in bytes.
pub struct Page {
    pub html: &'static str,
    pub what: &'static str,
    pub budget: usize,
}

/// The budgets: each page's size on the last measured build and a little
/// room, so a page can only shrink (#28 aims at 150 KB for every page, which
/// the guide, review, receipt, status, feedback and 我的办件 pages meet, and
/// 80 KB for the home page, not reached yet: see BENCHMARKS.md).
pub const PAGES: [Page; 13] = [
    Page { html: "index.html", what: "home page (search)", budget: 94_000 },
    Page { html: "guide/page.html", what: "guide, questionnaire or notice opened from a link", budget: 147_000 },
    Page { html: "form/page.html", what: "application form opened from a link", budget: 162_000 },
    Page { html: "tasks/page.html", what: "uploads opened from a link", budget: 197_000 },
    Page { html: "review/page.html", what: "review opened from a link", budget: 150_000 },
    Page { html: "receipt/page.html", what: "receipt", budget: 78_000 },
    Page { html: "resume/page.html", what: "resuming a draft", budget: 90_000 },
    Page { html: "lookup/page.html", what: "case look-up", budget: 91_000 },
    Page { html: "follow/page.html", what: "a case's status opened from a link", budget: 112_000 },
    Page { html: "supply/page.html", what: "uploading what a case was asked for", budget: 159_000 },
    Page { html: "feedback/page.html", what: "rating a case or complaining", budget: 116_000 },
    Page { html: "mine/page.html", what: "我的办件 or figures opened from a link", budget: 127_000 },
    Page { html: "console/page.html", what: "staff console", budget: 204_000 },
];

/// The files a page loads before it is interactive: (path under dist, raw, brotli).
pub fn measure(dist: &Path, page: &Page) -> anyhow::Result<Vec<(String, usize, usize)>> {
    let html = std::fs::read_to_string(dist.join(page.html))?;
    let mut files = vec![(page.html.to_owned(), html.len(), brotli_bytes(html.as_bytes())?.len())];
    for href in loaded_at_once(&html) {
        let path = dist.join(href.trim_start_matches('/'));
        let data = std::fs::read(&path).map_err(|e| anyhow::anyhow!("{} names {href}: {e}", page.html))?;
        files.push((href, data.len(), brotli_bytes(&data)?.len()));
    }
    if files.len() < 4 {
        bail!("{} names fewer files than its css, js and wasm: {files:?}", page.html);
    }
    Ok(files)
}

/// The addresses of the stylesheets and preloads (glue, wasm, snippets) a
/// page names.
fn loaded_at_once(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for tag in link_tags(html) {
        let at_once = attribute(tag, "rel").is_some_and(|r| matches!(r, "stylesheet" | "preload" | "modulepreload"));
        if let (true, Some(href)) = (at_once, attribute(tag, "href"))
            && !found.iter().any(|f| f == href)
        {
            found.push(href.to_owned());
        }
    }
    found
}

/// Print every page's files and total as Markdown tables (BENCHMARKS.md
/// takes them as they are); returns the totals.
pub fn report(dist: &Path) -> anyhow::Result<Vec<usize>> {
    let mut totals = Vec::new();
    for page in &PAGES {
        let files = measure(dist, page)?;
        println!("\n| {} | raw bytes | brotli bytes |\n|---|---:|---:|", page.html);
        for (name, raw, br) in &files {
            println!("| {name} | {raw} | {br} |");
        }
        let total: usize = files.iter().map(|f| f.2).sum();
        println!(
            "| **{}: before interactive** | | **{total}** ({:.1} KB of the {} KB budget) |",
            page.what,
            total as f64 / 1000.0,
            page.budget / 1000
        );
        totals.push(total);
    }
    println!();
    Ok(totals)
}

/// Fail when a page transfers more than its budget.
pub fn enforce(totals: &[usize]) -> anyhow::Result<()> {
    let over: Vec<String> = PAGES
        .iter()
        .zip(totals)
        .filter(|(page, total)| **total > page.budget)
        .map(|(page, total)| format!("{} transfers {total} bytes (brotli), its budget is {}", page.html, page.budget))
        .collect();
    if !over.is_empty() {
        bail!("size budget exceeded: {}", over.join("; "));
    }
    for (page, total) in PAGES.iter().zip(totals) {
        println!("xtask: size budget holds: {} {total} of {} bytes", page.html, page.budget);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stylesheets_and_preloads_quoted_or_not() {
        let html = r#"<link href=/main.css rel=stylesheet><link rel="icon" href="/f.svg">
            <link crossorigin href=/full/full.js rel=modulepreload><link rel="preload" href="/full/snippets/a/inline0.js">
            <link as=fetch href=/full/full_bg.wasm rel=preload type=application/wasm>"#;
        assert_eq!(
            loaded_at_once(html),
            ["/main.css", "/full/full.js", "/full/snippets/a/inline0.js", "/full/full_bg.wasm"]
        );
    }
}
