//! The guide (办事指南) of one service item: everything the catalog says, in reading order.

use domain::{ServiceItem, visits_label};
use leptos::prelude::*;

use crate::api;
use crate::components::load_error::LoadError;
use crate::components::material::MaterialEntry;
use crate::shell::load::{Load, load};
use crate::shell::set_title;
use crate::subject::Subject;

#[component]
pub fn Guide(code: String) -> impl IntoView {
    let item = load(move || api::service(code.clone()));
    view! {
        <p class="back">
            <a href="/">"返回查找事项"</a>
        </p>
        {move || match item.state.get() {
            Load::Loading => view! { <p class="loading">"正在加载办事指南……"</p> }.into_any(),
            Load::Loaded(item) => view! { <GuideBody item /> }.into_any(),
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
    }
}

fn limit_text(days: u16) -> String {
    match days {
        0 => "当场办结".to_owned(),
        n => format!("{n} 个工作日"),
    }
}

#[component]
fn GuideBody(item: ServiceItem) -> impl IntoView {
    set_title(&item.name);
    let who: Vec<&str> = item.applicants.iter().map(|a| a.label()).collect();
    let start = Subject::Item(item.clone()).start_url();
    let start_text = if item.questions.is_empty() {
        "查看一次性告知单"
    } else {
        "回答几个问题，看看要准备什么"
    };
    let fee_basis = (!item.fee.free && !item.fee.basis.is_empty()).then(|| item.fee.basis.clone());
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
                <div>
                    <dt>"事项编码"</dt>
                    <dd>{item.code.clone()}</dd>
                </div>
                <div>
                    <dt>"事项类型"</dt>
                    <dd>{item.kind.label()}</dd>
                </div>
                <div>
                    <dt>"办理部门"</dt>
                    <dd>{item.department.clone()}</dd>
                </div>
                <div>
                    <dt>"谁可以申请"</dt>
                    <dd>{who.join("、")}</dd>
                </div>
                <div>
                    <dt>"办件类型"</dt>
                    <dd>{format!("{}（{}）", item.case_kind.label(), item.case_kind.explain())}</dd>
                </div>
                <div>
                    <dt>"承诺时限"</dt>
                    <dd>{limit_text(item.promised_limit_days)}</dd>
                </div>
                <div>
                    <dt>"法定时限"</dt>
                    <dd>{limit_text(item.legal_limit_days)}</dd>
                </div>
                <div>
                    <dt>"跑动次数"</dt>
                    <dd>{visits_label(item.visits)}</dd>
                </div>
                <div>
                    <dt>"收费"</dt>
                    <dd>{item.fee.label().to_owned()}{fee_basis.map(|b| format!("（依据：{b}）"))}</dd>
                </div>
            </dl>
        </section>

        <section aria-labelledby="conditions">
            <h2 id="conditions">"申请条件"</h2>
            <ul class="bullets">{item.conditions.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
        </section>

        <section aria-labelledby="materials">
            <h2 id="materials">{format!("申请材料（共 {} 项）", item.materials.len())}</h2>
            <p class="hint">
                {if item.questions.is_empty() {
                    ""
                } else {
                    "这里列出所有情形下可能用到的材料。回答几个问题后，会告诉您具体需要哪几项。"
                }}
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
            <ul class="bullets">{item.legal_basis.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
        </section>

        <section aria-labelledby="where">
            <h2 id="where">"办理地点和时间"</h2>
            <dl class="facts facts--wide">
                <div>
                    <dt>"办理地点"</dt>
                    <dd>{item.place.clone()}</dd>
                </div>
                <div>
                    <dt>"办理时间"</dt>
                    <dd>{item.hours.clone()}</dd>
                </div>
            </dl>
        </section>

        <section aria-labelledby="contact">
            <h2 id="contact">"咨询和投诉"</h2>
            <dl class="facts facts--wide">
                <div>
                    <dt>"咨询电话"</dt>
                    <dd>
                        <a href=format!("tel:{}", item.consult_phone)>{item.consult_phone.clone()}</a>
                    </dd>
                </div>
                <div>
                    <dt>"投诉电话"</dt>
                    <dd>
                        <a href=format!("tel:{}", item.complaint_phone)>{item.complaint_phone.clone()}</a>
                    </dd>
                </div>
            </dl>
        </section>

        <p>
            <a href=start class="button button--start">
                {start_text}
            </a>
        </p>
    }
}
