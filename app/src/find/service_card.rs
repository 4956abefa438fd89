//! One search result: what the applicant needs to decide whether to open the guide.

use domain::{ServiceSummary, visits_label};
use leptos::prelude::*;

#[component]
pub fn ServiceCard(service: ServiceSummary) -> impl IntoView {
    let href = format!("/services/{}", service.code);
    let limit = match service.promised_limit_days {
        0 => "当场办结".to_owned(),
        n => format!("承诺 {n} 个工作日"),
    };
    let who: Vec<&str> = service.applicants.iter().map(|a| a.label()).collect();
    view! {
        <li class="card">
            <h3 class="card__title">
                <a href=href>{service.name}</a>
            </h3>
            <p class="card__summary">{service.summary}</p>
            <dl class="facts">
                <div>
                    <dt>"办理部门"</dt>
                    <dd>{service.department}</dd>
                </div>
                <div>
                    <dt>"办件类型"</dt>
                    <dd>{service.case_kind.label()}</dd>
                </div>
                <div>
                    <dt>"办理时限"</dt>
                    <dd>{limit}</dd>
                </div>
                <div>
                    <dt>"跑动次数"</dt>
                    <dd>{visits_label(service.visits)}</dd>
                </div>
                <div>
                    <dt>"收费"</dt>
                    <dd>{service.fee}</dd>
                </div>
                <div>
                    <dt>"申请人"</dt>
                    <dd>{who.join("、")}</dd>
                </div>
            </dl>
        </li>
    }
}
