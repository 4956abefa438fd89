//! Two live regions in the shell, present from the first render (a region
//! added together with its words is often not read): `polite` for progress
//! and confirmations, `assertive` for what stops the applicant. What happens
//! out of view (an upload finishing below the fold) is heard, not only seen.

use leptos::prelude::*;

pub const POLITE: &str = "announce-polite";
pub const ASSERTIVE: &str = "announce-assertive";

/// Progress and confirmations: read when the screen reader is idle.
pub fn say(text: &str) {
    put(POLITE, text);
}

/// What needs the applicant now: read at once.
pub fn alert(text: &str) {
    put(ASSERTIVE, text);
}

/// A code read character by character ("A B C D，E F G H"), not as a word.
pub fn spelled(code: &str) -> String {
    code.chars().map(|c| if c == '-' { "，".to_owned() } else { c.to_string() }).collect::<Vec<_>>().join(" ")
}

fn put(id: &'static str, text: &str) {
    let Some(region) = document().get_element_by_id(id) else { return };
    // Emptied first and filled on the next frame: the same words twice are read twice.
    region.set_text_content(None);
    let text = text.to_owned();
    request_animation_frame(move || region.set_text_content(Some(&text)));
}

/// The regions themselves, once per page shell.
#[component]
pub fn LiveRegions() -> impl IntoView {
    view! {
        <div id=POLITE class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
        <div id=ASSERTIVE class="visually-hidden" aria-live="assertive" aria-atomic="true"></div>
    }
}
