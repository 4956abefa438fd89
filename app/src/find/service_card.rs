//! One search result: what the applicant needs to decide whether to open the guide.

use domain::{ServiceSummary, visits_label};
use leptos::prelude::*;

use crate::components::fact::fact;

/// A result card: a linked title, a summary and facts. Items and bundles use
/// the same code, so each card costs data, not code.
pub fn card(
    class: &'static str,
    href: String,
    title: String,
    summary: String,
    facts: Vec<(&'static str, String)>,
) -> impl IntoView + use<> {
    view! {
        <li class=class>
            <h3 class="card__title">
                <a href=href>{title}</a>
            </h3>
            <p class="card__summary">{summary}</p>
            <dl class="facts">{facts.into_iter().map(|(label, value)| fact(label, value)).collect_view()}</dl>
        </li>
    }
}

pub fn service_card(service: ServiceSummary) -> impl IntoView + use<> {
    let limit = match service.promised_limit_days {
        0 => "当场办结".to_owned(),
        n => ["承诺 ", &domain::decimal::decimal(n), " 个工作日"].concat(),
    };
    let who: Vec<&str> = service.applicants.iter().map(|a| a.label()).collect();
    let facts = vec![
        ("办理部门", service.department),
        ("办件类型", service.case_kind.label().to_owned()),
        ("办理时限", limit),
        ("跑动次数", visits_label(service.visits)),
        ("收费", service.fee),
        ("申请人", who.join("、")),
    ];
    card("card", ["/services/", &service.code].concat(), service.name, service.summary, facts)
}
