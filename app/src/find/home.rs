//! Home: find a service item by words, department and who is applying.
//!
//! The search lives in the address (`/?q=货运&department=…`), so the back button,
//! a reload and a shared link all show the same results.

use domain::ApplicantType;
use domain::ServiceSummary;
use domain::catalog::bundle::BundleSummary;
use domain::decimal::{count, decimal};
use std::ops::Deref;

use leptos::prelude::*;

use crate::api::{self, Search};
use crate::components::load_error::LoadError;
use crate::find::service_card::{CardText, card, item_text, service_card};
use crate::shell::load::{Load, load};
use crate::shell::router::{navigate, use_location};
use crate::shell::set_title;

/// Builds the address for a search, leaving out what is empty.
fn search_url(search: &Search) -> String {
    let mut parts = Vec::new();
    for (key, value) in [("q", search.q.trim()), ("department", &search.department), ("applicant", &search.applicant)] {
        if !value.is_empty() {
            parts.push([key, "=", &String::from(js_sys::encode_uri_component(value))].concat());
        }
    }
    if search.page > 1 {
        parts.push(["page=", &count(search.page)].concat());
    }
    if parts.is_empty() { "/".to_owned() } else { ["/?", &parts.join("&")].concat() }
}

#[component]
pub fn Home() -> impl IntoView {
    set_title("查找办事事项");
    let location = use_location();
    let search = Memo::new(move |_| {
        let location = location.read();
        Search {
            q: location.param("q").unwrap_or_default(),
            department: location.param("department").unwrap_or_default(),
            applicant: location.param("applicant").unwrap_or_default(),
            page: location.param("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    let results = load(move || api::services(search.get()));
    // Receipts this phone keeps: counted from storage keys (no JSON on the home page).
    let kept = crate::shell::draft::kept_receipts().len();
    // Results of a search are brought into view (on a small screen the form fills the first one).
    let results_section = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        // The count is heard from the shell's live region (a status added with its words is often not read).
        let searched =
            search.with_untracked(|s| !(s.q.is_empty() && s.department.is_empty() && s.applicant.is_empty()));
        if let Load::Loaded(list) = results.state.read().deref()
            && searched
        {
            let found = list.total + list.bundles.len();
            crate::shell::announce::say(&if let Some(service) = &list.elsewhere {
                ["本中心不办理“", &service.name, "”"].concat()
            } else if found == 0 {
                "没有找到相关事项".to_owned()
            } else {
                ["找到 ", &count(list.total), " 个事项"].concat()
            });
        }
    });
    // A search brings its results into view at once, while they load, so
    // nothing jumps under the applicant's finger when they arrive; only when
    // they would start low on the screen (a wide screen keeps the form in view).
    let bring_results_into_view = move || {
        if let Some(section) = results_section.get_untracked() {
            let height = window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
            let top = f64::from(section.offset_top()) - window().scroll_y().unwrap_or(0.0);
            if top > height * 0.6 {
                section.scroll_into_view();
            }
        }
    };

    let q_input = NodeRef::<leptos::html::Input>::new();
    let department_select = NodeRef::<leptos::html::Select>::new();
    let applicant_select = NodeRef::<leptos::html::Select>::new();
    let go = Callback::new(move |page: usize| {
        let next = Search {
            q: q_input.get().map(|i| i.value()).unwrap_or_default(),
            department: department_select.get().map(|s| s.value()).unwrap_or_default(),
            applicant: applicant_select.get().map(|s| s.value()).unwrap_or_default(),
            page,
        };
        navigate(&search_url(&next));
    });
    // The department list comes with every result page; keep the last one seen.
    let departments = Memo::new(move |previous: Option<&Vec<String>>| match &*results.state.read() {
        Load::Loaded(list) => list.departments.clone(),
        _ => previous.cloned().unwrap_or_default(),
    });

    view! {
        <h1>"查找办事事项"</h1>
        <p class="lead">
            "输入您要办的事，例如“货运”“开书店”“广告牌”，查看办事指南和需要准备的材料。"
        </p>
        <form
            class="search"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                go.run(1);
                bring_results_into_view();
            }
        >
            <div class="field">
                <label for="q">"要办什么事"</label>
                <div class="search__row">
                    <input
                        id="q"
                        name="q"
                        type="search"
                        node_ref=q_input
                        autocomplete="off"
                        enterkeyhint="search"
                        prop:value=move || search.read().q.clone()
                    />
                    <button type="submit" class="button">
                        "搜索"
                    </button>
                </div>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="department">"办理部门"</label>
                    <select id="department" node_ref=department_select on:change=move |_| go.run(1)>
                        <option value="" selected=move || search.read().department.is_empty()>
                            "全部部门"
                        </option>
                        {move || {
                            departments
                                .get()
                                .into_iter()
                                .map(|dept| {
                                    let selected = search.read_untracked().department == dept;
                                    let label = dept.clone();
                                    view! {
                                        <option value=dept selected=selected>
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="applicant">"谁来申请"</label>
                    <select id="applicant" node_ref=applicant_select on:change=move |_| go.run(1)>
                        <option value="" selected=move || search.read().applicant.is_empty()>
                            "个人和企业"
                        </option>
                        {ApplicantType::ALL
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <option value=a.code() selected=move || search.read().applicant == a.code()>
                                        {a.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
        </form>
        <p class="resume-link">
            <a href="/drafts">"在别的手机上填过申请？用恢复码继续填写"</a>
        </p>
        {(kept > 0)
            .then(|| {
                view! {
                    <p class="resume-link">
                        <a href="/cases">
                            {["本机提交的申请（", &count(kept), " 件）：查看办理进度"].concat()}
                        </a>
                    </p>
                }
            })}
        <section aria-labelledby="results-heading" class="results" node_ref=results_section>
            <h2 id="results-heading" class="visually-hidden">
                "搜索结果"
            </h2>
            <div aria-busy=move || {
                if results.pending.get() { "true" } else { "false" }
            }>
                {move || match results.state.get() {
                    Load::Loading => view! { <p class="loading">"正在查找……"</p> }.into_any(),
                    Load::Failed(error) => view! { <LoadError error retry=move || results.retry() /> }.into_any(),
                    Load::Loaded(list) if list.items.is_empty() && list.bundles.is_empty() => {
                        let suggested = !list.suggestions.is_empty();
                        let (notice, ask, phone) = match list.elsewhere {
                            Some(e) => {
                                let phone = if e.phone.is_empty() { "12345".to_owned() } else { e.phone };
                                (
                                    ["本中心不办理“", &e.name, "”。请到：", &e.go_to].concat(),
                                    "可以拨打咨询电话 ",
                                    phone,
                                )
                            }
                            None => {
                                (
                                    "没有找到相关事项。请换个说法试试，例如用“书店”代替“出版物”，或清除筛选条件。"
                                        .to_owned(),
                                    "还是找不到？请拨打政务服务便民热线 ",
                                    "12345".to_owned(),
                                )
                            }
                        };
                        let tel = ["tel:", &phone].concat();
                        // A service handled elsewhere is said plainly, with where to go and whom to call.
                        view! {
                            <p class="notice">{notice}</p>
                            {suggested.then(|| view! { <h2 class="results__heading">"您要找的可能是"</h2> })}
                            <ul class="cards">{list.suggestions.into_iter().map(service_card).collect_view()}</ul>
                            <p>{ask} <a href=tel>{phone}</a> " 咨询。"</p>
                        }
                            .into_any()
                    }
                    Load::Loaded(list) => {
                        let pages = list.total.div_ceil(list.per_page.max(1));
                        let page = list.page;
                        let mut items = list.items;
                        let rest = items.split_off(list.bundles_at.min(items.len()));
                        let item_cards = move |items: Vec<ServiceSummary>| {
                            items.into_iter().map(|s| card(item_text(s))).collect_view()
                        };
                        let bundles = list.bundles.into_iter().map(|b| card(bundle_text(b))).collect_view();
                        // Items and bundles ranked together: the bundles after the items that match better.
                        view! {
                            <p class="results__count">{["找到 ", &count(list.total), " 个事项"].concat()}</p>
                            <ul class="cards">{item_cards(items)}{bundles}{item_cards(rest)}</ul>
                            {(pages > 1)
                                .then(|| {
                                    view! {
                                        <nav class="pager" aria-label="翻页">
                                            {(page > 1).then(|| pager_button("上一页", page - 1, go))}
                                            <span>
                                                {["第 ", &count(page), " 页，共 ", &count(pages), " 页"].concat()}
                                            </span>
                                            {(page < pages).then(|| pager_button("下一页", page + 1, go))}
                                        </nav>
                                    }
                                })}
                        }
                            .into_any()
                    }
                }}
            </div>
        </section>
    }
}

/// A joint application's card, among the items as it ranks.
fn bundle_text(b: BundleSummary) -> CardText {
    let facts = vec![
        ("办理方式", "一件事一次办".to_owned()),
        ("牵头部门", b.lead_department),
        ("办理时限", ["承诺 ", &decimal(b.promised_limit_days), " 个工作日"].concat()),
        ("包含", b.item_names.join("、")),
    ];
    CardText {
        class: "card card--bundle",
        href: ["/bundles/", &b.code].concat(),
        title: b.name,
        english: (!b.english_name.is_empty()).then_some(b.english_name),
        summary: b.summary,
        facts,
    }
}

/// "上一页" or "下一页": both are the same code.
fn pager_button(label: &'static str, page: usize, go: Callback<usize>) -> impl IntoView {
    view! {
        <button type="button" class="button button--secondary" on:click=move |_| go.run(page)>
            {label}
        </button>
    }
}
