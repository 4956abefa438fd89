//! 补交材料: upload what a case was asked for (补正) or left for later (容缺),
//! then send it. Its own page (`/cases/N/supply`, the `supply` bundle): the
//! uploads' code is a third of a case's status page, and most who open that
//! page only read it.

use domain::Necessity;
use domain::apply::materials::Materials;
use domain::apply::submission::SubmissionProblems;
use domain::case::view::{CaseKey, MaterialAsk, SupplementBody, SupplyView};
use domain::catalog::checklist::ChecklistEntry;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, SubmitError};
use crate::components::alert::ErrorNotice;
use crate::components::material_upload::{KEPT_HINT, MaterialUpload};
use crate::follow::case_page::{CasePageTop, read_case, reading};
use crate::follow::lookup::case_url;
use crate::shell::draft;
use crate::shell::drawn::drawn;
use crate::shell::set_title;

/// The supply page of a case: the case read again (what is asked may have
/// changed), then the uploads.
#[component]
pub fn SupplyPage(case_number: String) -> impl IntoView {
    set_title("补交材料");
    let back = case_url(&case_number);
    let (found, error) = read_case::<SupplyView>(case_number);
    view! {
        <CasePageTop back=back.clone() found title="补交材料" />
        <p class="hint">{KEPT_HINT}</p>
        <ErrorNotice message=error />
        {move || found.with(Option::is_none).then(|| reading(error))}
        {drawn(
            move || found.get(),
            move |(key, view)| match view.to_supply() {
                Some((asks, supplement)) => {
                    let due = if supplement { view.supply_by } else { view.later_due };
                    Either::Left(view! { <Supply key item_code=view.item_code.clone() asks supplement due /> })
                }
                None => {
                    Either::Right(
                        view! {
                            <p class="notice notice--ok">"这件申请现在没有需要补交的材料。"</p>
                            <p>
                                <a class="button" href=back.clone()>
                                    "查看办理进度"
                                </a>
                            </p>
                        },
                    )
                }
            },
        )}
    }
}

/// Upload the asked materials and send them; the status page once sent.
#[component]
fn Supply(
    key: CaseKey,
    item_code: String,
    asks: Vec<MaterialAsk>,
    supplement: bool,
    due: Option<domain::time::date::Date>,
) -> impl IntoView {
    let upload_code = item_code.clone();
    // Kept on this device while it is uploaded, like an application.
    let storage_key = format!("case.{}.supply", key.case_number);
    let materials = RwSignal::new(draft::load::<Materials>(&storage_key).unwrap_or_default());
    let save_key = storage_key.clone();
    Effect::new(move |_| materials.with(|m| draft::save(&save_key, m)));
    let busy = RwSignal::new(0usize);
    let problems = RwSignal::new(None::<(String, SubmissionProblems)>);
    let sending = RwSignal::new(false);
    let send = move |_| {
        let body = SupplementBody { key: key.clone(), files: materials.with_untracked(Materials::upload_ids) };
        let storage_key = storage_key.clone();
        let item_code = item_code.clone();
        sending.set(true);
        spawn_local(async move {
            let application_key = crate::application::application_key(&item_code).await.unwrap_or_default();
            match api::case_supplement(&body, &application_key).await {
                Ok(_) => {
                    draft::remove(&storage_key);
                    // In this page's place: Back from the status page does not return to a sent form.
                    crate::shell::router::replace(&case_url(&body.key.case_number));
                    return;
                }
                Err(SubmitError::Invalid(message, found)) => problems.set(Some((message, found))),
                Err(SubmitError::Other(message)) => problems.set(Some((message, SubmissionProblems::default()))),
            }
            sending.set(false);
        });
    };
    view! {
        <section class="supply" id="supply" aria-labelledby="supply-title">
            <h2 id="supply-title">{title(supplement)}</h2>
            {due.map(|d| view! { <p class="hint">{due_line(d, supplement)}</p> })}
            <AskedList asks=asks.clone() />
            {move || {
                problems
                    .get()
                    .map(|(message, found)| {
                        view! {
                            <div class="error-summary" role="alert">
                                <h3 class="error-summary__title">{message}</h3>
                                <ul>
                                    {found.materials.into_iter().map(|p| view! { <li>{p.message}</li> }).collect_view()}
                                </ul>
                            </div>
                        }
                    })
            }}
            // The catalog's definition of each asked material (an item's by its id, a bundle's document by `CODE.material`).
            <ul class="material-tasks">
                {asks
                    .into_iter()
                    .filter_map(|a| a.definition)
                    .map(|mut material| {
                        material.necessity = Necessity::Required;
                        let entry = ChecklistEntry {
                            material,
                            count: 1,
                            unit: String::new(),
                            items: vec![],
                        };
                        // Asked for now: no "later" choice here.
                        view! {
                            <MaterialUpload
                                item=upload_code.clone()
                                entry
                                materials
                                busy
                                problem=Signal::derive(|| None)
                                later_days=0
                            />
                        }
                    })
                    .collect_view()}
            </ul>
            <button
                type="button"
                class="button"
                on:click=send
                disabled=move || { sending.get() || busy.get() > 0 || materials.with(|m| m.files.is_empty()) }
            >
                {if supplement { "提交补正材料" } else { "补交材料" }}
            </button>
        </section>
    }
}

/// The supply page's address (the case's number; never its code).
pub(crate) fn supply_url(case_number: &str) -> String {
    [case_url(case_number).as_str(), "/supply"].concat()
}

/// The heading of what is asked: 补正 or 容缺.
pub(crate) fn title(supplement: bool) -> &'static str {
    if supplement {
        "补正告知：请补交或重新上传下列材料"
    } else {
        "容缺材料：请补交下列材料"
    }
}

/// The deadline and what missing it means (补正: deemed withdrawn; 容缺: ended).
pub(crate) fn due_line(due: domain::time::date::Date, supplement: bool) -> String {
    format!(
        "请在 {} 前补交，{}",
        due.chinese(),
        if supplement {
            "逾期未补正的，视为撤回申请。"
        } else {
            "逾期未补齐的，本次申请终止。"
        },
    )
}

/// What was asked, each with the department's reason: told once, on the
/// status page and again here.
#[component]
pub(crate) fn AskedList(asks: Vec<MaterialAsk>) -> impl IntoView {
    view! {
        <ul class="plain-list">
            {asks
                .into_iter()
                .map(|a| {
                    view! {
                        <li>
                            <strong>{a.name}</strong>
                            {(!a.reason.is_empty()).then(|| format!("：{}", a.reason))}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
