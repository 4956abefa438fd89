//! A joint application (一件事): what it covers, who leads, how long, and the start.

use leptos::prelude::*;

use crate::api;
use crate::components::loaded::loaded;
use crate::shell::load::load;
use crate::shell::set_title;
use crate::subject::{Kind, Subject};

#[component]
pub fn BundleOverview(code: String) -> impl IntoView {
    let subject = load(move || api::subject(Kind::Bundle, code.clone()));
    view! {
        <p class="back">
            <a href="/">"返回查找事项"</a>
        </p>
        {loaded(
            subject,
            "正在加载……",
            |subject| {
                let Subject::Bundle(detail) = &subject else { return None };
                set_title(&detail.bundle.name);
                crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Form);
                let start = subject.start_url();
                Some(
                    view! {
                        <h1>{detail.bundle.name.clone()}</h1>
                        <p class="lead">{detail.bundle.summary.clone()}</p>
                        <dl class="facts facts--wide">
                            <div>
                                <dt>"牵头部门"</dt>
                                <dd>{detail.bundle.lead_department.clone()}</dd>
                            </div>
                            <div>
                                <dt>"承诺时限"</dt>
                                <dd>{format!("{} 个工作日内全部办结", detail.promised_limit_days())}</dd>
                            </div>
                            <div>
                                <dt>"涉及部门"</dt>
                                <dd>{detail.departments().join("、")}</dd>
                            </div>
                        </dl>
                        <h2>{format!("一次办好这 {} 件事", detail.items.len())}</h2>
                        <ol class="bullets">
                            {detail
                                .items
                                .iter()
                                .map(|item| {
                                    view! {
                                        <li>
                                            <a href=format!("/services/{}", item.code)>{item.name.clone()}</a>
                                            {format!("（{}）", item.department)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                        <p>
                            "回答一组问题，得到所有事项合在一起的材料清单：几个事项都要的材料只需准备一份。"
                        </p>
                        <p>
                            <a href=start class="button button--start">
                                "回答几个问题，看看要准备什么"
                            </a>
                        </p>
                    },
                )
            },
        )}
    }
}
