//! 窗口评价器: the pad at the service window. The clerk signs in with the
//! department's token and opens the case just handled by its number; the
//! applicant sees only the item and a masked name, taps a level (and says
//! why when unhappy) and the pad is ready for the next one.

use domain::apply::form::Applicant;
use domain::apply::identity::mask_name;
use domain::case::rating::Stage;
use domain::case::view::{PadRating, Rating, StaffCase, check_rating};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::components::alert::ErrorNotice;
use crate::components::code_field::CodeField;
use crate::follow::case_feedback::LevelChoices;
use crate::follow::staff_session::{SignIn, signed_in, token};
use crate::shell::set_title;

#[component]
pub fn StaffPadPage() -> impl IntoView {
    set_title("窗口评价");
    let department = signed_in();
    view! {
        {move || match department.get() {
            None => view! { <SignIn signed_in=department /> }.into_any(),
            Some(_) => view! { <Pad /> }.into_any(),
        }}
    }
}

/// Who applied, as the applicant at the window may see it.
fn shown_name(case: &StaffCase) -> String {
    match &case.application.form.applicant {
        Applicant::Person(p) => mask_name(&p.name),
        Applicant::Organisation(o) => o.name.clone(),
    }
}

#[component]
fn Pad() -> impl IntoView {
    let number = RwSignal::new(String::new());
    let case = RwSignal::new(None::<StaffCase>);
    let problem = RwSignal::new(None::<String>);
    let thanks = RwSignal::new(None::<String>);
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = number.get_untracked().trim().to_uppercase();
        thanks.set(None);
        spawn_local(async move {
            match api::case(&token().unwrap_or_default(), &typed).await {
                Ok(found) => {
                    problem.set(None);
                    case.set(Some(found));
                }
                Err(e) => problem.set(Some(e.message)),
            }
        });
    };
    view! {
        <h1>"窗口评价"</h1>
        {move || {
            thanks
                .get()
                .map(|said| {
                    view! {
                        <p class="notice notice--ok" role="status">
                            {said}
                        </p>
                    }
                })
        }}
        {move || match case.get() {
            None => {
                view! {
                    <form on:submit=open novalidate>
                        <p class="hint">
                            "工作人员输入刚办理的办件编号，再把平板交给申请人评价。"
                        </p>
                        <ErrorNotice message=problem />
                        <CodeField id="pad-case" label="办件编号" value=number />
                        <button type="submit" class="button">
                            "打开评价"
                        </button>
                    </form>
                }
                    .into_any()
            }
            Some(found) => view! { <PadRating case=found pad=case thanks /> }.into_any(),
        }}
    }
}

/// The applicant's side: the levels, and why when unhappy.
#[component]
fn PadRating(case: StaffCase, pad: RwSignal<Option<StaffCase>>, thanks: RwSignal<Option<String>>) -> impl IntoView {
    let overall = RwSignal::new(0u8);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let number = case.case_number.clone();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rating = Rating { overall: overall.get_untracked(), reason: reason.get_untracked(), ..Rating::default() };
        if let Some(first) = check_rating(&rating).into_iter().next() {
            problem.set(Some(first.message));
            return;
        }
        let number = number.clone();
        spawn_local(async move {
            match api::pad_rating(&token().unwrap_or_default(), &number, &PadRating { rating }).await {
                Ok(rated) => {
                    let stage = match rated.stage {
                        Stage::Acceptance => "受理",
                        Stage::Completion => "办结",
                    };
                    thanks.set(Some(format!("谢谢您的评价！（{stage}评价已记录）")));
                    pad.set(None);
                }
                Err(e) => problem.set(Some(e.message)),
            }
        });
    };
    view! {
        <section class="rating rating--pad" aria-labelledby="pad-title">
            <h2 id="pad-title">"请为本次服务评价"</h2>
            <p>{format!("{}（{}）", case.item_name, shown_name(&case))}</p>
            <form on:submit=send novalidate>
                <ErrorNotice message=problem />
                <fieldset class="field">
                    <legend>"总体评价"</legend>
                    <LevelChoices overall name="pad" class="choices" />
                </fieldset>
                <div class="field">
                    <label for="pad-reason">"原因或建议（不满意的请填写）"</label>
                    <textarea
                        id="pad-reason"
                        rows="3"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <button type="submit" class="button">
                    "提交评价"
                </button>
            </form>
        </section>
    }
}
