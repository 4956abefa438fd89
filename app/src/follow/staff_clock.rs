//! The clock's moves in the staff console: an extension (延长办理期限, with
//! its approver, days and reason, confirmed first: the applicant is told)
//! and the special procedure a pause is for (特别程序: the clock stops).

use domain::case::Action;
use domain::case::clock::{MAX_EXTENSION_DAYS, Procedure};
use leptos::prelude::*;

use crate::components::days_field::DaysField;
use crate::follow::decision::focus_soon;

/// Which special procedure the next 暂停办理 is for.
#[component]
pub fn ProcedureChoice(procedure: RwSignal<Procedure>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="procedure">"暂停办理的特别程序"</label>
            <p class="hint" id="procedure-hint">
                "听证、检验检测、鉴定、专家评审等所需时间不计入办理时限。"
            </p>
            <select
                id="procedure"
                aria-describedby="procedure-hint"
                on:change=move |ev| { procedure.set(Procedure::parse(&event_target_value(&ev)).unwrap_or_default()) }
            >
                {Procedure::ALL
                    .iter()
                    .map(|p| {
                        view! {
                            <option value=p.as_str() selected=*p == Procedure::Other>
                                {p.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// 延长办理期限: working days, the approver and the reason, then confirmed.
#[component]
pub fn ExtendForm(pending: RwSignal<Option<Action>>) -> impl IntoView {
    let days = RwSignal::new(String::new());
    let approver = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let days = days.get_untracked().trim().parse::<u16>().unwrap_or(0);
        // The server checks days, approver and reason and says what is missing.
        pending.set(Some(Action::Extend { days, approver: approver.get_untracked(), reason: reason.get_untracked() }));
        focus_soon("confirm-move");
    };
    view! {
        <details class="extend">
            <summary>"延长办理期限"</summary>
            <form on:submit=ask novalidate>
                <DaysField
                    id="extend-days"
                    label="延长多少个工作日"
                    hint=format!("1 到 {MAX_EXTENSION_DAYS} 个工作日，须经本机关负责人批准。")
                    value=days
                />
                <div class="field">
                    <label for="extend-approver">"批准人"</label>
                    <input
                        id="extend-approver"
                        type="text"
                        autocomplete="off"
                        prop:value=move || approver.get()
                        on:input=move |ev| approver.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="extend-reason">"延长的原因（申请人会收到）"</label>
                    <textarea
                        id="extend-reason"
                        rows="2"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <button type="submit" class="button button--secondary">
                    "延长办理期限"
                </button>
            </form>
        </details>
    }
}
