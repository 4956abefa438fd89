//! The guide (办事指南) of one service item: everything the catalog says, in reading order.

use std::sync::Arc;

use domain::ServiceItem;
use domain::decimal::{count, decimal};
use domain::visits_label;
use leptos::prelude::*;

use crate::api;
use crate::components::fact::{bullets, fact, phone_fact};
use crate::components::load_error::LoadError;
use crate::components::material::MaterialEntry;
use crate::shell::drawn::drawn;
use crate::shell::load::{Load, load};
use crate::shell::set_title;
use crate::subject::Kind;

#[component]
pub fn Guide(code: String) -> impl IntoView {
    let item = load(move || api::item(code.clone()));
    view! {
        <p class="back">
            <a href="/">"返回查找事项"</a>
        </p>
        {move || match item.state.with(Load::progress) {
            Load::Loading => view! { <p class="loading">"正在加载办事指南……"</p> }.into_any(),
            Load::Loaded(()) => ().into_any(),
            Load::Failed(error) if error.not_found => {
                set_title("没有找到这个事项");
                view! {
                    <h1>"没有找到这个事项"</h1>
                    <p>{error.message}</p>
                    <p>
                        <a href="/">"返回查找事项"</a>
                    </p>
                }
                    .into_any()
            }
            Load::Failed(error) => view! { <LoadError error retry=move || item.retry() /> }.into_any(),
        }}
        {drawn(move || item.state.get().value(), |item| view! { <GuideBody item /> })}
    }
}

fn limit_text(days: u16) -> String {
    match days {
        0 => "当场办结".to_owned(),
        n => [decimal(n).as_str(), " 个工作日"].concat(),
    }
}

#[component]
fn GuideBody(item: Arc<ServiceItem>) -> impl IntoView {
    set_title(&item.name);
    // The applicant reads the guide before applying: the form's bundle loads meanwhile.
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Form);
    let who: Vec<&str> = item.applicants.iter().map(|a| a.label()).collect();
    let base = Kind::Service.base(&item.code);
    let first_question = item.questions.first().map(|q| q.id.as_str());
    let (start, start_text) = match first_question {
        Some(first) => ([base.as_str(), "/situation/", first].concat(), "回答几个问题，看看要准备什么"),
        None => ([base.as_str(), "/checklist"].concat(), "查看一次性告知单"),
    };
    let mut fee = item.fee.label().to_owned();
    if !item.fee.free && !item.fee.basis.is_empty() {
        fee = [fee.as_str(), "（依据：", &item.fee.basis, "）"].concat();
    }
    let materials_title = ["申请材料（共 ", &count(item.materials.len()), " 项）"].concat();
    let hint = if first_question.is_none() {
        ""
    } else {
        "这里列出所有情形下可能用到的材料。回答几个问题后，会告诉您具体需要哪几项。"
    };
    view! {
        <h1>{item.name.clone()}</h1>
        <p class="lead">{item.summary.clone()}</p>
        <p>
            <a href=start.clone() class="button button--start">
                {start_text}
            </a>
        </p>

        <section aria-labelledby="basics">
            <h2 id="basics">"基本信息"</h2>
            <dl class="facts facts--wide">
                {fact("事项编码", item.code.clone())} {fact("事项类型", item.kind.label().to_owned())}
                {fact("办理部门", item.department.clone())} {fact("谁可以申请", who.join("、"))}
                {fact("办件类型", [item.case_kind.label(), "（", item.case_kind.explain(), "）"].concat())}
                {fact("承诺时限", limit_text(item.promised_limit_days))}
                {fact("法定时限", limit_text(item.legal_limit_days))}
                {fact("跑动次数", visits_label(item.visits))} {fact("收费", fee)}
            </dl>
        </section>

        <section aria-labelledby="conditions">
            <h2 id="conditions">"申请条件"</h2>
            {bullets(item.conditions.clone())}
        </section>

        <section aria-labelledby="materials">
            <h2 id="materials">{materials_title}</h2>
            <p class="hint">
                {hint}
                "标有“可容缺后补”的材料，可以先申请、在规定时间内补交；标有“无需提供”的，不用您提供。"
            </p>
            <ol class="materials">
                {item.materials.iter().cloned().map(|material| view! { <MaterialEntry material /> }).collect_view()}
            </ol>
        </section>

        <section aria-labelledby="procedure">
            <h2 id="procedure">"办理流程"</h2>
            <ol class="steps">
                {item
                    .procedure
                    .iter()
                    .map(|step| {
                        view! {
                            <li>
                                <strong>{step.name.clone()}</strong>
                                {(!step.description.is_empty()).then(|| view! { <p>{step.description.clone()}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>

        <section aria-labelledby="basis">
            <h2 id="basis">"设定依据"</h2>
            {bullets(item.legal_basis.clone())}
        </section>

        <section aria-labelledby="where">
            <h2 id="where">"办理地点和时间"</h2>
            <dl class="facts facts--wide">
                {fact("办理地点", item.place.clone())} {fact("办理时间", item.hours.clone())}
            </dl>
        </section>

        <section aria-labelledby="contact">
            <h2 id="contact">"咨询和投诉"</h2>
            <dl class="facts facts--wide">
                {phone_fact("咨询电话", item.consult_phone.clone())}
                {phone_fact("投诉电话", item.complaint_phone.clone())}
            </dl>
        </section>

        <p>
            <a href=start class="button button--start">
                {start_text}
            </a>
        </p>
    }
}
