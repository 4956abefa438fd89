//! One search result: what the applicant needs to decide whether to open the guide.

use domain::{ServiceSummary, visits_label};
use leptos::prelude::*;

use crate::components::fact::fact;

/// What a result card shows: a linked title, a summary (the English name
/// instead, after a search in English) and facts.
pub struct CardText {
    pub class: &'static str,
    pub href: String,
    pub title: String,
    pub english: Option<String>,
    pub summary: String,
    pub facts: Vec<(&'static str, String)>,
}

/// A result card. Items and bundles use the same code, so each card costs
/// data, not code.
pub fn card(text: CardText) -> impl IntoView + use<> {
    let CardText { class, href, title, english, summary, facts } = text;
    // After a search in English the English name stands in for the summary.
    let (summary, lang) = match english {
        Some(english) => (english, Some("en")),
        None => (summary, None),
    };
    view! {
        <li class=class>
            <h3 class="card__title">
                <a href=href>{title}</a>
            </h3>
            <p class="card__summary" lang=lang>
                {summary}
            </p>
            <dl class="facts">{facts.into_iter().map(|(label, value)| fact(label, value)).collect_view()}</dl>
        </li>
    }
}

pub fn service_card(service: ServiceSummary) -> impl IntoView + use<> {
    card(item_text(service))
}

/// An item's card, with its English name when the search was in English
/// (the server sends it only then).
pub fn item_text(service: ServiceSummary) -> CardText {
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
    CardText {
        class: "card",
        href: ["/services/", &service.code].concat(),
        title: service.name,
        english: (!service.english_name.is_empty()).then_some(service.english_name),
        summary: service.summary,
        facts,
    }
}
