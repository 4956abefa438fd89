//! The staff console's decisive moves (受理, 补正告知, 不予受理, 办结, 延长): each asks for
//! confirmation, saying what the applicant will be told, before it is taken;
//! after any move, focus goes to the case's new status, so a keyboard or
//! screen-reader clerk hears what happened and a second Enter takes nothing.

use domain::case::Action;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Whether `action` decides the application (and so is confirmed first).
pub fn is_decisive(action: &Action) -> bool {
    consequence(action).is_some()
}

/// What the applicant will be told when a decisive `action` (with its reason
/// or result) is taken; `None` for the steps that decide nothing.
fn consequence(action: &Action) -> Option<String> {
    Some(match action {
        Action::Accept => "申请人会收到受理通知，承诺时限从今天起算。".to_owned(),
        Action::Refuse { reason } => format!("申请人会收到不予受理的告知，原因：{}", shown(reason)),
        Action::Complete { result, decision } => format!(
            "申请人会收到办结通知，办理结果：{}{}",
            shown(result),
            decision.as_ref().map(|d| format!("；{}", d.summary())).unwrap_or_default()
        ),
        Action::Extend { days, approver, reason } => format!(
            "申请人会收到延长办理期限的告知：延长 {days} 个工作日（{}批准），原因：{}",
            shown(approver),
            shown(reason)
        ),
        Action::RequestSupplement { items, days } if items.is_empty() => {
            format!("申请人会收到合并各部门要求的补正告知，须在 {days} 个工作日内补正，逾期未补正的视为撤回申请。")
        }
        Action::RequestSupplement { items, days } => format!(
            "申请人会收到补正告知：须在 {days} 个工作日内补正 {} 项材料，逾期未补正的视为撤回申请。",
            items.len()
        ),
        Action::DeemAccept
        | Action::PreReview
        | Action::Agree
        | Action::Resubmit
        | Action::Start
        | Action::Suspend { .. }
        | Action::Resume
        | Action::Withdraw
        | Action::Terminate { .. } => return None,
    })
}

fn shown(note: &str) -> String {
    if note.trim().is_empty() { "（还没有填写）".to_owned() } else { note.trim().to_owned() }
}

/// Move focus to the element with `id` once the page has drawn it.
pub fn focus_soon(id: &'static str) {
    request_animation_frame(move || {
        let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
        if let Some(element) = element {
            let _ = element.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    });
}

/// The question before a decisive move: 确认受理 / 取消. `run` takes the move.
#[component]
pub fn ConfirmMove(action: Action, pending: RwSignal<Option<Action>>, run: impl Fn(Action) + 'static) -> impl IntoView {
    let label = action.label();
    let told = consequence(&action).unwrap_or_default();
    let confirm = move |_| {
        if let Some(action) = pending.get_untracked() {
            pending.set(None);
            run(action);
        }
    };
    let cancel = move |_| {
        pending.set(None);
        focus_soon("case-status");
    };
    view! {
        <div class="confirm" role="group" aria-labelledby="confirm-title" aria-describedby="confirm-told">
            <h3 id="confirm-title">{format!("确认{label}？")}</h3>
            <p id="confirm-told">{told}</p>
            <div class="staff-actions">
                <button type="button" id="confirm-move" class="button" on:click=confirm>
                    {format!("确认{label}")}
                </button>
                <button type="button" class="button button--secondary" on:click=cancel>
                    "取消"
                </button>
            </div>
        </div>
    }
}
