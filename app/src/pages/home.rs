//! Home: find a service item by words, department and who is applying.
//!
//! The search lives in the address (`/?q=货运&department=…`), so the back button,
//! a reload and a shared link all show the same results.

use domain::ApplicantType;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, Search};
use crate::components::load_error::LoadError;
use crate::components::service_card::ServiceCard;
use crate::pages::set_title;

/// Builds the address for a search, leaving out what is empty.
fn search_url(search: &Search) -> String {
    let mut parts = Vec::new();
    for (key, value) in [("q", search.q.trim()), ("department", &search.department), ("applicant", &search.applicant)] {
        if !value.is_empty() {
            parts.push(format!("{key}={}", js_sys::encode_uri_component(value)));
        }
    }
    if search.page > 1 {
        parts.push(format!("page={}", search.page));
    }
    if parts.is_empty() { "/".to_owned() } else { format!("/?{}", parts.join("&")) }
}

#[component]
pub fn Home() -> impl IntoView {
    set_title("查找办事事项");
    let query = use_query_map();
    let search = Memo::new(move |_| {
        let query = query.read();
        Search {
            q: query.get("q").unwrap_or_default(),
            department: query.get("department").unwrap_or_default(),
            applicant: query.get("applicant").unwrap_or_default(),
            page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    let results = LocalResource::new(move || api::services(search.get()));

    let q_input = NodeRef::<leptos::html::Input>::new();
    let department_select = NodeRef::<leptos::html::Select>::new();
    let applicant_select = NodeRef::<leptos::html::Select>::new();
    let navigate = use_navigate();
    let go = Callback::new(move |page: usize| {
        let next = Search {
            q: q_input.get().map(|i| i.value()).unwrap_or_default(),
            department: department_select.get().map(|s| s.value()).unwrap_or_default(),
            applicant: applicant_select.get().map(|s| s.value()).unwrap_or_default(),
            page,
        };
        navigate(&search_url(&next), NavigateOptions::default());
    });
    let departments = move || {
        results
            .get()
            .and_then(|r| r.ok())
            .map(|list| list.departments)
            .unwrap_or_default()
    };

    view! {
        <h1>"查找办事事项"</h1>
        <p class="lead">"输入您要办的事，例如“货运”“开书店”“广告牌”，查看办事指南和需要准备的材料。"</p>
        <form class="search" role="search" on:submit=move |ev| { ev.prevent_default(); go.run(1); }>
            <div class="field">
                <label for="q">"要办什么事"</label>
                <div class="search__row">
                    <input id="q" name="q" type="search" node_ref=q_input autocomplete="off"
                        enterkeyhint="search" prop:value=move || search.read().q.clone()/>
                    <button type="submit" class="button">"搜索"</button>
                </div>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="department">"办理部门"</label>
                    <select id="department" node_ref=department_select on:change=move |_| go.run(1)>
                        <option value="" selected=move || search.read().department.is_empty()>"全部部门"</option>
                        <For each=departments key=|d| d.clone() let:dept>
                            <option value=dept.clone() selected={let d = dept.clone(); move || search.read().department == d}>{dept.clone()}</option>
                        </For>
                    </select>
                </div>
                <div class="field">
                    <label for="applicant">"谁来申请"</label>
                    <select id="applicant" node_ref=applicant_select on:change=move |_| go.run(1)>
                        <option value="" selected=move || search.read().applicant.is_empty()>"个人和企业"</option>
                        {ApplicantType::ALL.into_iter().map(|a| view! {
                            <option value=a.code() selected=move || search.read().applicant == a.code()>{a.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
        </form>
        <section aria-labelledby="results-heading" class="results">
            <h2 id="results-heading" class="visually-hidden">"搜索结果"</h2>
            <Transition fallback=|| view! { <p class="loading">"正在查找……"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(error) => view! { <LoadError error retry=move || results.refetch()/> }.into_any(),
                        Ok(list) if list.items.is_empty() => view! {
                            <p class="notice" role="status">"没有找到相关事项。请换个说法试试，例如用“书店”代替“出版物”，或清除筛选条件。"</p>
                        }.into_any(),
                        Ok(list) => {
                            let pages = list.total.div_ceil(list.per_page.max(1));
                            let page = list.page;
                            view! {
                                <p class="results__count" role="status">{format!("找到 {} 个事项", list.total)}</p>
                                <ul class="cards">
                                    {list.items.into_iter().map(|service| view! { <ServiceCard service/> }).collect_view()}
                                </ul>
                                <Show when=move || { pages > 1 }>
                                    <nav class="pager" aria-label="翻页">
                                        <Show when=move || { page > 1 }>
                                            <button type="button" class="button button--secondary" on:click=move |_| go.run(page - 1)>"上一页"</button>
                                        </Show>
                                        <span>{format!("第 {page} 页，共 {pages} 页")}</span>
                                        <Show when=move || { page < pages }>
                                            <button type="button" class="button button--secondary" on:click=move |_| go.run(page + 1)>"下一页"</button>
                                        </Show>
                                    </nav>
                                </Show>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
