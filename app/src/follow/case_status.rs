//! 办件进度: look a case up by its number and query code (typed, or from the
//! receipt kept on this phone), then see where it stands: status in plain
//! words, deadline and traffic light, what to do now, the timeline; supply
//! what was asked for (补正) or left for later (容缺), uploaded on its own
//! page (`supply`); withdraw; rate; complain.

use domain::case::Status;
use domain::case::view::{CaseKey, CaseView, MaterialAsk};
use domain::time::calendar::Light;
use domain::time::date::{Date, beijing_time};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::alert::ErrorNotice;
use crate::components::fact::fact;
use crate::components::timeline::timeline_entry;
use crate::follow::case_page::FoundCase;
use crate::follow::documents::ApplicantDocuments;
use crate::follow::feedback;
use crate::follow::lookup;
use crate::follow::supply::{self, AskedList};
use crate::shell::drawn::drawn;
use crate::shell::set_title;
use domain::case::rating::Stage;

/// Keep the key for this session and put the case number (never the query
/// code) in the address, so a reload opens the case again.
fn remember_for_session(key: &CaseKey) {
    lookup::keep_for_session(key);
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&lookup::case_url(&key.case_number)));
    }
}

/// A case's page: its status once the key is known (kept on this phone, typed
/// in this session, or the session of its signed-in owner); with none, the
/// look-up form (the `lookup` bundle) asks for the code.
#[component]
pub fn CasePage(case_number: String) -> impl IntoView {
    set_title("查询办理进度");
    lookup::note_qr(&case_number);
    // A code just found again on the look-up page: shown once above the case, and said.
    let reissued = lookup::take_reissued(&case_number);
    let ask = lookup::lookup_url(&case_number);
    let (found, error) = crate::follow::case_page::read_case(case_number);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        found
            .with(|f| {
                f.as_ref().map(|(key, _)| {
                    remember_for_session(key);
                    if reissued {
                        lookup::announce_new_code(&key.query_code);
                    }
                })
            })
            .is_some()
    });
    // The case once read, drawn once (and again after a withdrawal): see `drawn`.
    let draw = move |(key, view): (CaseKey, CaseView)| {
        view! {
            {reissued
                .then(|| {
                    view! {
                        <div class="notice notice--ok">
                            <p>"新的查询码（旧的已作废，请记下或截图保存）："</p>
                            <p class="resume-code">{key.query_code.clone()}</p>
                        </div>
                    }
                })}
            <CaseStatus key view found />
        }
    };
    view! {
        <Show when=move || found.with(Option::is_none)>
            // The page's top as `follow.html` draws it before the wasm: nothing moves.
            <p class="back">
                <a href="/">"返回首页"</a>
            </p>
            <p class="caption">"\u{a0}"</p>
            <h1>"办理进度"</h1>
            <ErrorNotice message=error />
            {move || crate::follow::case_page::reading(error)}
            {
                let ask = ask.clone();
                move || {
                    error
                        .with(Option::is_some)
                        .then(|| {
                            view! {
                                <p>
                                    <a class="button" href=ask.clone()>
                                        "重新输入查询码"
                                    </a>
                                </p>
                            }
                        })
                }
            }
        </Show>
        {drawn(move || found.get(), draw)}
    }
}

/// A joint case's parts: each department's item, its status and light.
#[component]
fn Parts(parts: Vec<domain::case::view::PartView>) -> impl IntoView {
    view! {
        <h2>"各部门办理情况"</h2>
        <ul class="facts parts">
            {parts
                .into_iter()
                .map(|p| {
                    let due = p.due.map(|d| format!("承诺 {} 前办结", d.chinese()));
                    view! {
                        <li class="material-task part">
                            <p>
                                <strong>{p.item_name}</strong>
                            </p>
                            <p class="hint">{p.department}</p>
                            <p>
                                <strong>{p.status_label}</strong>
                                {p
                                    .light
                                    .map(|light| {
                                        view! {
                                            " "
                                            <span class=light_class(light)>{light.label()}</span>
                                        }
                                    })}
                            </p>
                            {due.map(|d| view! { <p class="hint">{d}</p> })}
                            {p.result.map(|r| view! { <p>{format!("结果：{r}")}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

pub(crate) fn light_class(light: Light) -> &'static str {
    match light {
        Light::OnTime => "tag tag--done",
        Light::Close => "tag tag--later",
        Light::Overdue => "tag tag--problem",
    }
}

/// The case as it stands. Drawn once from the case read: withdrawing puts the
/// case's new state into `found` and the page is drawn again, which keeps the
/// page free of a reactive closure per line (each costs wasm; see BENCHMARKS.md).
#[component]
fn CaseStatus(key: CaseKey, view: CaseView, found: FoundCase) -> impl IntoView {
    set_title(&format!("办理进度：{}", view.item_name));
    let v = view;
    let withdraw_key = key.clone();
    let confirming = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let withdraw = move || {
        let key = withdraw_key.clone();
        spawn_local(async move {
            let answer = api::case_withdraw(&key).await;
            confirming.set(false);
            match answer {
                Ok(next) => found.set(Some((key, next))),
                Err(e) => failure.set(Some(e.message)),
            }
        });
    };
    let due = v.due.map(|due| {
        let left = match v.remaining_days {
            Some(n) if n >= 0 => format!("（还剩 {n} 个工作日）"),
            Some(n) => format!("（已超过 {} 个工作日）", -n),
            None => String::new(),
        };
        fact("承诺办结日期", format!("{}{left}", due.chinese()))
    });
    // Not accepted, ended or paused: the reason the department (or the rule) gave.
    let stopped = matches!(v.status, Status::NotAccepted | Status::Terminated | Status::Suspended);
    let reason = stopped.then(|| v.timeline.last().and_then(|e| e.note.clone())).flatten();
    let rating = v.rating_stage().map(|stage| match v.province_rating_url.clone() {
        Some(url) => Either::Left(view! { <ProvinceRating url /> }),
        None => Either::Right(view! { <Rate case_number=v.case_number.clone() stage again=v.rates_again() /> }),
    });
    let given = [("受理评价", v.acceptance_rating.clone()), ("办结评价", v.rating.clone())];
    let said: Vec<String> = given
        .into_iter()
        .filter_map(|(what, r)| r.map(|r| format!("{what}：{}", domain::case::view::level_label(r.overall))))
        .collect();
    let asked = v.to_supply().map(|(asks, supplement)| {
        let due = if supplement { v.supply_by } else { v.later_due };
        view! { <Asked case_number=v.case_number.clone() asks supplement due /> }
    });
    view! {
        <p class="back">
            <a href="/">"返回首页"</a>
        </p>
        <p class="caption">{v.item_name.clone()}</p>
        <h1>"办理进度"</h1>
        <div class=format!("status-panel status-panel--{}", v.status.as_str()) role="status">
            <p class="status-panel__label">{v.status_label.clone()}</p>
            <p>{v.what_is_due().unwrap_or_else(|| v.next_step.clone())}</p>
            {v
                .what_is_due()
                .is_some()
                .then(|| {
                    view! {
                        <p>
                            <a class="button button--small" href="#supply">
                                "去补交材料"
                            </a>
                        </p>
                    }
                })}
        </div>
        <ErrorNotice message=failure />
        <dl class="answers">
            {fact("办件编号", v.case_number.clone())}
            {domain::case::exchange::number::shown(v.province_number.as_deref(), v.province_pending)
                .map(crate::components::fact::province_number_fact)}
            {fact(if v.parts.is_empty() { "办理部门" } else { "牵头部门" }, v.department.clone())}
            {fact("提交时间", beijing_time(&v.submitted_at).unwrap_or_default())}
            {v.on_behalf.clone().map(|who| fact("代办", who))} {due}
            {v
                .light
                .map(|light| {
                    view! {
                        <div>
                            <dt>"时限提醒"</dt>
                            <dd>
                                <span class=light_class(light)>{light.label()}</span>
                            </dd>
                        </div>
                    }
                })} {v.result.clone().map(|result| fact("办理结果", result))}
            {v.decision.as_ref().map(|d| fact("许可决定", d.summary()))}
            {reason.map(|reason| fact("原因", reason))}
        </dl>
        {(!v.parts.is_empty()).then(|| view! { <Parts parts=v.parts.clone() /> })}
        {asked}
        {rating}
        {(!said.is_empty())
            .then(|| {
                view! {
                    <p class="notice notice--ok">{format!("您的评价——{}。谢谢！", said.join("；"))}</p>
                }
            })}
        {(!v.documents.is_empty())
            .then(|| view! { <ApplicantDocuments key=key.clone() documents=v.documents.clone() /> })}
        <h2>"办理记录"</h2>
        <ol class="timeline">{v.timeline.iter().rev().map(timeline_entry).collect_view()}</ol>
        {v.can_withdraw.then(|| view! { <Withdraw confirming withdraw /> })}
        <section aria-labelledby="contact-title">
            <h2 id="contact-title">"联系办理部门"</h2>
            <p>
                "咨询电话 " <a href=format!("tel:{}", v.consult_phone)>{v.consult_phone.clone()}</a>
                "，投诉电话 " {v.complaint_phone.clone()}
            </p>
            <p>
                <a href=feedback::complaint_url(&v.case_number)>"网上投诉"</a>
            </p>
        </section>
    }
}

/// 撤回申请, asked twice: a withdrawn application cannot be taken back.
#[component]
fn Withdraw(confirming: RwSignal<bool>, withdraw: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    view! {
        <section class="withdraw" aria-labelledby="withdraw-title">
            <h2 id="withdraw-title">"撤回申请"</h2>
            <p class="hint">
                "作出决定前都可以撤回；已经办结的部分不受影响。撤回后这份申请就结束了，需要时要重新申请。"
            </p>
            <Show
                when=move || confirming.get()
                fallback=move || {
                    view! {
                        <button type="button" class="button button--secondary" on:click=move |_| confirming.set(true)>
                            "撤回申请"
                        </button>
                    }
                }
            >
                <p>"确定要撤回吗？"</p>
                <button
                    type="button"
                    class="button button--warning"
                    on:click={
                        let withdraw = withdraw.clone();
                        move |_| withdraw()
                    }
                >
                    "确定撤回"
                </button>
                " "
                <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>
                    "不撤回"
                </button>
            </Show>
        </section>
    }
}

/// What was asked for (补正) or left for later (容缺), told in full, and the
/// way to the page that uploads it (the `supply` bundle, fetched meanwhile).
#[component]
fn Asked(case_number: String, asks: Vec<MaterialAsk>, supplement: bool, due: Option<Date>) -> impl IntoView {
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Supply);
    view! {
        <section class="supply" id="supply" aria-labelledby="supply-title">
            <h2 id="supply-title">{supply::title(supplement)}</h2>
            {due.map(|d| view! { <p class="hint">{supply::due_line(d, supplement)}</p> })}
            <AskedList asks />
            <a class="button" href=supply::supply_url(&case_number)>
                {if supplement { "上传补正材料" } else { "上传容缺材料" }}
            </a>
        </section>
    }
}

/// The rating (好差评) this stage allows, on its own page (the `feedback`
/// bundle, fetched meanwhile).
#[component]
fn Rate(case_number: String, stage: Stage, again: bool) -> impl IntoView {
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Feedback);
    view! {
        <section class="rating" aria-labelledby="rating-title">
            <h2 id="rating-title">{crate::follow::case_feedback::rating_title(stage, again)}</h2>
            <p class="hint">{crate::follow::case_feedback::rating_hint(stage)}</p>
            <a class="button" href=feedback::feedback_url(&case_number)>
                "去评价"
            </a>
        </section>
    }
}

/// Where the province collects ratings (好差评) on its own page: a link there,
/// which comes back to this page.
#[component]
fn ProvinceRating(url: String) -> impl IntoView {
    view! {
        <section class="rating" aria-labelledby="province-rating-title">
            <h2 id="province-rating-title">"评价这次办事（好差评）"</h2>
            <p class="hint">
                "本地的评价由省政务服务“好差评”系统统一收集，评价后会回到这里。"
            </p>
            <a class="button button--primary" href=url>
                "到省平台评价"
            </a>
        </section>
    }
}
