//! 评价和投诉: rating a case (好差评) and complaining about it, on the case's
//! own page (`/cases/N/feedback`, the `feedback` bundle): the forms are a
//! tenth of the status page's code, and most who open that page only read it.

use domain::case::view::{CaseKey, CaseView};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::alert::ErrorNotice;
use crate::follow::case_feedback::{ComplaintForm, RatingForm};
use crate::follow::case_page::{CasePageTop, read_case, reading};
use crate::follow::lookup::case_url;
use crate::shell::set_title;

/// The feedback page's address (the case's number; never its code).
pub(crate) fn feedback_url(case_number: &str) -> String {
    [case_url(case_number).as_str(), "/feedback"].concat()
}

/// The feedback page at its complaint.
pub(crate) fn complaint_url(case_number: &str) -> String {
    [feedback_url(case_number).as_str(), "#complaint"].concat()
}

/// A case's feedback page: the case read again (what may be rated changes),
/// its rating, then a complaint; once rated, its status page.
#[component]
pub fn FeedbackPage(case_number: String) -> impl IntoView {
    set_title("评价和投诉");
    let back = case_url(&case_number);
    let (found, error) = read_case(case_number);
    // Opened at its complaint (联系办理部门 on the status page): there once drawn.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || found.with(Option::is_none) {
            return done.unwrap_or(false);
        }
        if window().location().hash().is_ok_and(|h| h == "#complaint") {
            request_animation_frame(|| {
                if let Some(el) =
                    document().get_element_by_id("complaint").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    el.scroll_into_view();
                    let _ = el.focus();
                }
            });
        }
        true
    });
    view! {
        <CasePageTop back=back.clone() found title="评价和投诉" />
        <ErrorNotice message=error />
        {move || match found.get() {
            None => reading(error),
            Some((key, view)) => view! { <Feedback key view back=back.clone() /> }.into_any(),
        }}
    }
}

/// The rating this case allows now (or where the province collects it, or
/// why there is none yet), and the complaint.
#[component]
fn Feedback(key: CaseKey, view: CaseView, back: String) -> impl IntoView {
    let rating = match (view.rating_stage(), view.province_rating_url.clone()) {
        (Some(stage), None) => {
            let again = view.rates_again();
            let done = Callback::new(move |()| crate::shell::router::replace(&back));
            view! { <RatingForm key=key.clone() stage again done /> }.into_any()
        }
        (Some(_), Some(url)) => view! {
            <p>
                "这件申请的评价由省政务服务“好差评”系统统一收集："
                <a href=url>"到省平台评价"</a>
            </p>
        }
        .into_any(),
        (None, _) => {
            let rated = view.rating.is_some() || view.acceptance_rating.is_some();
            view! {
                <p class="notice">
                    {if rated {
                        "您已经评价过了，谢谢！部门答复差评后，还可以再评价一次。"
                    } else {
                        "受理或办结后就可以评价。"
                    }}
                </p>
            }
            .into_any()
        }
    };
    view! {
        {rating}
        <ComplaintForm key=Some(key) />
    }
}
