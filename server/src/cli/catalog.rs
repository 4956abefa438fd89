//! `bianmin catalog check | import | export`: the catalog's rules, and the
//! national 实施清单 workbook in and out.

use std::path::Path;

use anyhow::anyhow;

use crate::catalog::{self, Catalog, query_set, spreadsheet};
use crate::settings::{self, CatalogCommand};

pub fn run(command: CatalogCommand) -> anyhow::Result<()> {
    match command {
        CatalogCommand::Check { dir, public_dir, exchange } => {
            let catalog = load(&dir, public_dir.as_deref())?;
            if exchange {
                ready_for_exchange(&catalog)?;
            }
            check(&catalog, &dir)
        }
        CatalogCommand::Import { file, out } => import(&file, &out),
        CatalogCommand::Export { dir, out, public_dir } => export(&load(&dir, public_dir.as_deref())?, &out),
    }
}

/// The catalog in `dir`, or every problem it has.
fn load(dir: &Path, public_dir: Option<&Path>) -> anyhow::Result<Catalog> {
    catalog::load(dir, &settings::public_dir_for(dir, public_dir)).map_err(|errors| anyhow!("{errors}"))
}

/// Every item and department has what the provincial exchange needs, or every lack is listed.
fn ready_for_exchange(catalog: &Catalog) -> anyhow::Result<()> {
    let problems = catalog.exchange_problems();
    if problems.is_empty() {
        return Ok(());
    }
    Err(anyhow!("向省里上报办件还缺 {} 项：\n{}", problems.len(), problems.join("\n")))
}

/// The catalog passed its rules; the search test set, when there is one, says how it finds.
fn check(catalog: &Catalog, dir: &Path) -> anyhow::Result<()> {
    println!("目录检查通过：{} 个事项，版本 {}", catalog.items.len(), catalog.version);
    let queries = dir.join(query_set::QUERY_SET);
    if !queries.is_file() {
        return Ok(());
    }
    let outcome = query_set::run(catalog, &queries)
        .map_err(|error| anyhow!("搜索测试文件 {} 读不了：{error}", queries.display()))?;
    println!(
        "搜索测试：{} 个查询中 {} 个在前三条结果里找到了要找的事项（{:.1}%）",
        outcome.total,
        outcome.hits,
        outcome.rate() * 100.0
    );
    for (query, top) in &outcome.misses {
        println!("  没找到：“{}”（{}）要找 {:?}，前三条是 {:?}", query.q, query.kind.label(), query.expect, top);
    }
    print_kinds(&outcome);
    let held_out = dir.join(query_set::HELD_OUT);
    if held_out.is_file() {
        let held = query_set::run(catalog, &held_out)
            .map_err(|error| anyhow!("搜索测试文件 {} 读不了：{error}", held_out.display()))?;
        println!("另一组查询（{}，没有按它调过搜索，只报告）：", query_set::HELD_OUT);
        print_kinds(&held);
    }
    let below = outcome.below_targets();
    if !below.is_empty() {
        let kinds: Vec<&str> = below.iter().map(|(kind, _)| kind.label()).collect();
        return Err(anyhow!(
            "这些类型的查询没达到目标（第一条 {:.0}%、前三条 {:.0}%）：{}",
            query_set::TARGET_FIRST * 100.0,
            query_set::TARGET_TOP3 * 100.0,
            kinds.join("、")
        ));
    }
    Ok(())
}

/// Each kind's share found first and in the first three, as the page shows them.
fn print_kinds(outcome: &query_set::Outcome) {
    for (kind, f) in &outcome.by_kind {
        let (first, top3) = (f.first_share() * 100.0, f.top3_share() * 100.0);
        println!("  {}：{} 个，第一条 {first:.0}%，前三条 {top3:.0}%", kind.label(), f.total);
    }
}

fn export(catalog: &Catalog, out: &Path) -> anyhow::Result<()> {
    spreadsheet::export::write(&catalog.items, out).map_err(|error| anyhow!("写不了 {}：{error}", out.display()))?;
    println!("已导出 {} 个事项到 {}", catalog.items.len(), out.display());
    for item in &catalog.items {
        let left = spreadsheet::export::not_exported(item);
        if !left.is_empty() {
            println!("  {} {}：{}留在 TOML 里，表格里没有", item.code, item.name, left.join("、"));
        }
    }
    if !catalog.bundles.is_empty() {
        println!("  一件事（{} 个）和同义词表留在 TOML 里，表格里没有", catalog.bundles.len());
    }
    Ok(())
}

/// The items that could be read are written, and every problem is listed;
/// fails when there was any.
fn import(file: &Path, out: &Path) -> anyhow::Result<()> {
    let imported = spreadsheet::import::read(file).map_err(|error| anyhow!("{error}"))?;
    std::fs::create_dir_all(out).map_err(|error| anyhow!("建不了目录 {}：{error}", out.display()))?;
    for item in &imported.items {
        spreadsheet::import::write_toml(item, out).map_err(|error| anyhow!("写不了 {} 的文件：{error}", item.code))?;
    }
    println!("已导入 {} 个事项到 {}", imported.items.len(), out.display());
    if !imported.items.is_empty() {
        println!("  表格里没有申请表的字段：请按各事项的申请表在 TOML 中写上 [[fields]]，bianmin catalog check 会检查");
    }
    if imported.problems.is_empty() {
        return Ok(());
    }
    let problems: Vec<String> = imported.problems.iter().map(ToString::to_string).collect();
    Err(anyhow!("表格有 {} 个问题（这些行的事项没有导入）：\n{}", problems.len(), problems.join("\n")))
}
