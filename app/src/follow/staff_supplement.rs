//! 补正告知 from the staff case page: every material to supplement with
//! its reason, and the working days the applicant has (told in the notice;
//! after them the application counts as withdrawn). A joint case's lead
//! sends the departments' requests as one notice with one deadline. Either
//! is confirmed first, like every move the applicant is told of.

use domain::case::view::StaffCase;
use domain::case::{Action, SupplementItem, clock};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::alert::ErrorNotice;
use crate::components::days_field::DaysField;
use crate::follow::decision::focus_soon;

fn focus(id: &str) {
    if let Some(input) = document().get_element_by_id(id) {
        let _ = input.unchecked_ref::<web_sys::HtmlElement>().focus();
    }
}

/// The days typed, when the law's calendar can hold them.
fn supply_days(text: &str) -> Option<u16> {
    text.trim().parse().ok().filter(|d| (1..=clock::MAX_SUPPLY_DAYS).contains(d))
}

fn days_problem() -> String {
    format!("补正期限要在 1 到 {} 个工作日之间", clock::MAX_SUPPLY_DAYS)
}

/// The lead's one notice for a joint case, with its deadline.
#[component]
pub fn JointNotice(pending: RwSignal<Option<Action>>) -> impl IntoView {
    let days = RwSignal::new(clock::SUPPLY_DAYS.to_string());
    let problem = RwSignal::new(None::<String>);
    let send = move |_| match supply_days(&days.get_untracked()) {
        Some(days) => {
            problem.set(None);
            pending.set(Some(Action::RequestSupplement { items: Vec::new(), days }));
            focus_soon("confirm-move");
        }
        None => {
            problem.set(Some(days_problem()));
            focus("supply-days");
        }
    };
    view! {
        <fieldset class="supplement-request">
            <legend>"补正告知：合并各部门的要求，一次告知申请人"</legend>
            <DaysField
                id="supply-days"
                label="补正期限（工作日）"
                hint="申请人收到告知后在这些工作日内补正；逾期未补正的，视为撤回申请。"
                value=days
            />
            <ErrorNotice message=problem />
            <button type="button" class="button" on:click=send>
                "发出补正告知（合并各部门的要求）"
            </button>
        </fieldset>
    }
}

/// One material the department may ask to be supplemented, with its own choice and reason.
#[derive(Clone)]
pub struct Ask {
    material: String,
    name: String,
    asked: RwSignal<bool>,
    reason: RwSignal<String>,
}

impl Ask {
    /// One for each material the case has files of, in file order.
    pub fn for_case(case: &StaffCase) -> Vec<Self> {
        let mut asks: Vec<Self> = Vec::new();
        for file in &case.files {
            if !asks.iter().any(|a| a.material == file.material) {
                asks.push(Self {
                    material: file.material.clone(),
                    name: file.material_name.clone(),
                    asked: RwSignal::new(false),
                    reason: RwSignal::new(String::new()),
                });
            }
        }
        asks
    }

    fn item(&self) -> Option<SupplementItem> {
        self.asked
            .get_untracked()
            .then(|| SupplementItem { material: self.material.clone(), reason: self.reason.get_untracked() })
    }
}

/// 补正告知: every material to supplement, with its reason, sent at once.
#[component]
pub fn SupplementRequest(
    asks: Vec<Ask>,
    pending: RwSignal<Option<Action>>,
    /// A joint case's part: its request waits for the lead's notice, so it
    /// is sent at once (the lead's notice is the one confirmed).
    part: bool,
    run: impl Fn(Action) + 'static,
) -> impl IntoView {
    let chosen = StoredValue::new(asks.clone());
    // Said here in the materials' names (the API's own message names their ids).
    let problem = RwSignal::new(None::<String>);
    let days = RwSignal::new(clock::SUPPLY_DAYS.to_string());
    let send = move |_| {
        let missing = chosen.with_value(|asks| {
            asks.iter()
                .find(|a| a.asked.get_untracked() && a.reason.get_untracked().trim().is_empty())
                .map(|a| (a.name.clone(), format!("ask-{}-reason", a.material)))
        });
        if let Some((name, field)) = missing {
            problem.set(Some(format!("请写明“{name}”需要补正的原因")));
            focus(&field);
            return;
        }
        let items: Vec<SupplementItem> = chosen.with_value(|asks| asks.iter().filter_map(Ask::item).collect());
        if items.is_empty() {
            problem.set(Some("请至少勾选一项需要补正的材料".to_owned()));
            return;
        }
        let days = if part { Some(clock::SUPPLY_DAYS) } else { supply_days(&days.get_untracked()) };
        let Some(days) = days else {
            problem.set(Some(days_problem()));
            focus("supply-days");
            return;
        };
        problem.set(None);
        let action = Action::RequestSupplement { items, days };
        if part {
            run(action);
        } else {
            pending.set(Some(action));
            focus_soon("confirm-move");
        }
    };
    view! {
        <fieldset class="supplement-request">
            <legend>"补正告知：勾选要补正的材料并写明原因（一次列全）"</legend>
            {asks
                .into_iter()
                .map(|ask| {
                    let check_id = format!("ask-{}", ask.material);
                    let reason_id = format!("ask-{}-reason", ask.material);
                    let Ask { name, asked, reason, .. } = ask;
                    view! {
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id=check_id.clone()
                                prop:checked=move || asked.get()
                                on:change=move |ev| asked.set(event_target_checked(&ev))
                            />
                            <label for=check_id>{name.clone()}</label>
                        </div>
                        <div class="field">
                            <label for=reason_id.clone()>{format!("“{name}”的补正原因")}</label>
                            <input
                                type="text"
                                id=reason_id
                                prop:value=move || reason.get()
                                on:change=move |ev| reason.set(event_target_value(&ev))
                            />
                        </div>
                    }
                })
                .collect_view()}
            {(!part)
                .then(|| {
                    view! {
                        <DaysField
                            id="supply-days"
                            label="补正期限（工作日）"
                            hint="申请人收到告知后在这些工作日内补正；逾期未补正的，视为撤回申请。"
                            value=days
                        />
                    }
                })}
            {move || {
                problem
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field-error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            <button type="button" class="button" on:click=send>
                "发送补正告知"
            </button>
        </fieldset>
    }
}
