//! 办件台's first page: sign in, then find cases — by case number or by a
//! whole name, ID number or phone number (sent in a request body, never in
//! the address), by status and light, most urgent first if asked — in a
//! dense table with who applied (masked), the due date and light, and a
//! joint case's parts under it.

use domain::api::Me;
use domain::case::Status;
use domain::case::search::{CaseSearch, CaseSearchPage, Sort};
use domain::case::view::StaffCaseSummary;
use domain::time::calendar::Light;
use domain::time::date::beijing_time;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::follow::case_status::light_class;
use crate::follow::staff_ledger::LedgerExport;
use crate::follow::staff_session::{SignIn, set_token, signed_in, token, who};
use crate::shell::set_title;

#[component]
pub fn StaffPage() -> impl IntoView {
    set_title("工作人员办件台");
    let department = signed_in();
    view! {
        {move || match department.get() {
            None => view! { <SignIn signed_in=department /> }.into_any(),
            Some(me) => view! { <CaseList me signed_in=department /> }.into_any(),
        }}
    }
}

#[component]
fn CaseList(me: Me, signed_in: RwSignal<Option<Me>>) -> impl IntoView {
    let department = me.department.clone();
    let typed = RwSignal::new(String::new());
    // What the list shows: changed by 查找, a filter or a page button.
    let asked = RwSignal::new(CaseSearch::default());
    let cases = RwSignal::new(None::<Result<CaseSearchPage, String>>);
    Effect::new(move |_| {
        let search = asked.get();
        spawn_local(async move {
            cases.set(Some(api::search(&token().unwrap_or_default(), &search).await.map_err(|e| e.message)));
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        asked.update(|s| {
            s.query = typed.get_untracked().trim().to_owned();
            s.page = None;
        });
    };
    let sign_out = move |_| {
        set_token(None);
        signed_in.set(None);
    };
    let mine = department.clone();
    let filter = move |change: fn(&mut CaseSearch, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            asked.update(|s| {
                change(s, value);
                s.page = None;
            });
        }
    };
    view! {
        <h1>"办件台"</h1>
        <p class="signed-in">
            {who(&me)} " · " <button type="button" class="link-button" on:click=sign_out>
                "退出"
            </button>
        </p>
        <p>
            <a href="/staff/pad">"窗口评价器：办完业务请申请人评价"</a>
        </p>
        <form role="search" class="case-search" on:submit=submit novalidate>
            <div class="field">
                <label for="case-query">"查找办件"</label>
                <p class="hint" id="case-query-hint">
                    "输入办件编号，或申请人、代理人的完整姓名、身份证号码、手机号码"
                </p>
                <div class="search__row">
                    <input
                        id="case-query"
                        type="search"
                        aria-describedby="case-query-hint"
                        autocomplete="off"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button">
                        "查找"
                    </button>
                </div>
            </div>
            <div class="filters filters--three">
                <div class="field">
                    <label for="status-filter">"状态"</label>
                    <select id="status-filter" on:change=filter(|s, v| s.status = Status::parse(&v))>
                        <option value="">"全部"</option>
                        {Status::ALL
                            .iter()
                            .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="light-filter">"时限"</label>
                    <select id="light-filter" on:change=filter(|s, v| s.light = Light::parse(&v))>
                        <option value="">"全部"</option>
                        {Light::ALL
                            .iter()
                            .map(|l| view! { <option value=l.as_str()>{l.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sort-order">"排序"</label>
                    <select id="sort-order" on:change=filter(|s, v| s.sort = Sort::parse(&v).unwrap_or_default())>
                        {Sort::ALL
                            .iter()
                            .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
            </div>
        </form>
        <LedgerExport department=mine.clone() />
        <div aria-live="polite">
            {move || match cases.get() {
                None => view! { <p class="loading">"正在加载……"</p> }.into_any(),
                Some(Err(message)) => {
                    view! {
                        <p class="notice notice--error" role="alert">
                            {message}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(page)) if page.cases.is_empty() => {
                    let searched = !asked.get_untracked().query.is_empty();
                    view! {
                        <p>
                            {if searched {
                                "没有找到。请核对办件编号，或输入完整的姓名、证件号码或手机号码。"
                            } else {
                                "没有办件。"
                            }}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(page)) => view! { <CaseTable page asked department=mine.clone() /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn CaseTable(page: CaseSearchPage, asked: RwSignal<CaseSearch>, department: String) -> impl IntoView {
    let number = asked.get_untracked().page.unwrap_or(1);
    let shown: Vec<String> = page.cases.iter().map(|c| c.case_number.clone()).collect();
    // A part whose whole is on this page is listed under the whole.
    let rows: Vec<StaffCaseSummary> =
        page.cases.into_iter().filter(|c| c.joint_number.as_ref().is_none_or(|whole| !shown.contains(whole))).collect();
    let go = move |to: u32| asked.update(|s| s.page = Some(to));
    let rows: Vec<AnyView> = rows.into_iter().map(|c| case_row(c, &department).into_any()).collect();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="办件列表">
            <table class="case-table">
                <thead>
                    <tr>
                        <th scope="col">"办件编号"</th>
                        <th scope="col">"事项"</th>
                        <th scope="col">"申请人"</th>
                        <th scope="col">"状态"</th>
                        <th scope="col">"时限"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="翻页">
            {(number > 1)
                .then(|| {
                    view! {
                        <button type="button" class="button button--secondary" on:click=move |_| go(number - 1)>
                            "上一页"
                        </button>
                    }
                })}
            <span>{format!("第 {number} 页")}</span>
            {page
                .more
                .then(|| {
                    view! {
                        <button type="button" class="button button--secondary" on:click=move |_| go(number + 1)>
                            "下一页"
                        </button>
                    }
                })}
        </nav>
    }
}

/// One case; a whole's parts under its item, each linked where it is this department's.
fn case_row(c: StaffCaseSummary, department: &str) -> impl IntoView {
    let submitted = beijing_time(&c.submitted_at).unwrap_or_default();
    view! {
        <tr>
            <td>
                <a href=format!("/staff/cases/{}", c.case_number)>{c.case_number.clone()}</a>
            </td>
            <td>
                {c.item_name}
                {c
                    .joint_number
                    .map(|whole| view! { <span class="hint">{format!("（联办件 {whole} 的一部分）")}</span> })}
                {(!c.parts.is_empty())
                    .then(|| {
                        view! {
                            <ul class="case-table__parts">
                                {c
                                    .parts
                                    .into_iter()
                                    .map(|p| {
                                        let own = p.department == department;
                                        let href = format!("/staff/cases/{}", p.case_number);
                                        view! {
                                            <li>
                                                {if own {
                                                    view! { <a href=href>{p.item_name}</a> }.into_any()
                                                } else {
                                                    p.item_name.into_any()
                                                }} {format!("（{}）{}", p.department, p.status_label)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
            </td>
            <td>{c.applicant}</td>
            <td>{c.status_label} <span class="hint">{format!(" {submitted} 提交")}</span></td>
            <td>
                {c.due.map(|d| format!("{} 前办结 ", d.chinese()))}
                {c.answer_by.map(|d| format!("{} 前答复 ", d.chinese()))}
                {c.light.map(|l| view! { <span class=light_class(l)>{l.label()}</span> })}
            </td>
        </tr>
    }
}
