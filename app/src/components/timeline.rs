//! One recorded move of a case, as the applicant's and the staff's timelines show it.

use domain::case::Event;
use domain::time::date::beijing_time;
use leptos::prelude::*;

/// `<li>`: what happened, when (Beijing time) and by whom, and its note.
pub fn timeline_entry(e: &Event) -> impl IntoView + use<> {
    let when = format!("{} · {}", beijing_time(&e.at).unwrap_or_default(), e.actor.label());
    view! {
        <li>
            <p class="timeline__what">{e.label.clone()}</p>
            <p class="hint">{when}</p>
            {e.note.clone().map(|n| view! { <p>{n}</p> })}
        </li>
    }
}
