//! 差评 and complaints about a case, as the department's work orders on the
//! case page: what the applicant wrote, the day the reply is due, and the
//! reply (once; the applicant sees it on the status page), then the 回访:
//! whether the applicant, called back, was satisfied.

use domain::case::view::StaffCase;
use domain::case::work_order::{VisitBody, VisitResult, WorkOrder, reply_problem, visit_problem};
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
    let visited = order.visit.clone().map(|v| {
        let when = beijing_time(&v.at).unwrap_or_default();
        let note = if v.note.is_empty() { String::new() } else { format!("：{}", v.note) };
        view! { <p>{format!("{}（{when}，{}）{note}", v.result.label(), v.by)}</p> }
    });
    let to_visit = order.reply.is_some() && order.visit.is_none();
    let visit_store = (order.clone(), store);
    view! {
        <li class="work-order">
            <p>
                <strong>{order.source.label()}</strong>
                {format!("：{}", order.text)}
            </p>
            <p class="hint">{format!("请在 {} 前答复", order.due.chinese())}</p>
            {answered}
            {visited}
            {to_visit
                .then(|| {
                    let (order, store) = visit_store.clone();
                    view! { <VisitForm order store /> }
                })}
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

/// 回访: the result of calling the applicant back, and what they said.
#[component]
fn VisitForm(order: WorkOrder, store: RwSignal<Option<Result<StaffCase, String>>>) -> impl IntoView {
    let result = RwSignal::new(None::<VisitResult>);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let group = format!("visit-{}", order.id);
    let note_id = format!("visit-note-{}", order.id);
    let number = order.case_number.clone().unwrap_or_default();
    let record = {
        let order = order.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(chosen) = result.get_untracked() else {
                error.set(Some("请选择回访结果".to_owned()));
                return;
            };
            let body = VisitBody { result: chosen, note: note.get_untracked() };
            if let Some(why) = visit_problem(&order, &body) {
                error.set(Some(why.to_owned()));
                return;
            }
            let (id, number) = (order.id.clone(), number.clone());
            spawn_local(async move {
                let token = token().unwrap_or_default();
                match api::visit(&token, &id, &body).await {
                    Ok(_) => store.set(Some(api::case(&token, &number).await.map_err(|e| e.message))),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    view! {
        <form on:submit=record novalidate class="visit">
            <ErrorNotice message=error />
            <fieldset class="field">
                <legend>"回访结果"</legend>
                <div class="choices choices--inline">
                    {VisitResult::ALL
                        .into_iter()
                        .map(|choice| {
                            let id = format!("{group}-{}", choice.as_str());
                            view! {
                                <div class="choice">
                                    <input
                                        type="radio"
                                        name=group.clone()
                                        id=id.clone()
                                        prop:checked=move || result.get() == Some(choice)
                                        on:change=move |_| result.set(Some(choice))
                                    />
                                    <label for=id>{choice.label()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for=note_id.clone()>"回访记录（不满意的必填）"</label>
                <textarea
                    id=note_id
                    rows="2"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
            </div>
            <button type="submit" class="button button--secondary">
                "记录回访结果"
            </button>
        </form>
    }
}
