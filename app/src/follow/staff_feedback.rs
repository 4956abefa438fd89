//! 差评 and complaints about a case, as the department's work orders on the
//! case page: what the applicant wrote, the day the reply is due, and the
//! reply (once; the applicant sees it on the status page).

use domain::case::view::StaffCase;
use domain::case::work_order::{WorkOrder, reply_problem};
use domain::time::date::beijing_time;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::components::alert::ErrorNotice;
use crate::follow::staff_session::token;

/// Every work order of the case; answering one shows the case again.
#[component]
pub fn WorkOrders(case: StaffCase, store: RwSignal<Option<Result<StaffCase, String>>>) -> impl IntoView {
    let number = case.case_number.clone();
    view! {
        <h2>"评价与投诉"</h2>
        <ul class="plain-list work-orders">
            {case
                .work_orders
                .into_iter()
                .map(|order| view! { <WorkOrderItem order number=number.clone() store /> })
                .collect_view()}
        </ul>
    }
}

#[component]
fn WorkOrderItem(
    order: WorkOrder,
    number: String,
    store: RwSignal<Option<Result<StaffCase, String>>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = order.id.clone();
    let field = format!("reply-{}", order.id);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reply = text.get_untracked();
        if let Some(why) = reply_problem(&reply) {
            error.set(Some(why.to_owned()));
            return;
        }
        let (id, number) = (id.clone(), number.clone());
        spawn_local(async move {
            let token = token().unwrap_or_default();
            match api::reply(&token, &id, &reply).await {
                Ok(_) => store.set(Some(api::case(&token, &number).await.map_err(|e| e.message))),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let answered = order.reply.clone().map(|reply| {
        let when = order.replied_at.as_deref().and_then(beijing_time).unwrap_or_default();
        let by = order.replied_by.clone().unwrap_or_default();
        view! { <p>{format!("已答复（{when}，{by}）：{reply}")}</p> }
    });
    let open = order.reply.is_none();
    view! {
        <li class="work-order">
            <p>
                <strong>{order.source.label()}</strong>
                {format!("：{}", order.text)}
            </p>
            <p class="hint">{format!("请在 {} 前答复", order.due.chinese())}</p>
            {answered}
            {open
                .then(|| {
                    view! {
                        <form on:submit=send.clone() novalidate>
                            <ErrorNotice message=error />
                            <div class="field">
                                <label for=field.clone()>"给申请人的答复"</label>
                                <textarea
                                    id=field.clone()
                                    rows="3"
                                    prop:value=move || text.get()
                                    on:input=move |ev| text.set(event_target_value(&ev))
                                ></textarea>
                            </div>
                            <button type="submit" class="button">
                                "发送答复"
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}
