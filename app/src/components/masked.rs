//! A masked number as people see it (`138****5678`) and as a screen reader
//! says it: 尾号 5678, not four stars read one by one.

use leptos::prelude::*;

/// What follows the last `*`: the part of a masked number left to read.
pub fn tail(masked: &str) -> &str {
    masked.rsplit('*').next().unwrap_or(masked)
}

#[component]
pub fn Masked(#[prop(into)] shown: String) -> impl IntoView {
    let spoken = format!("尾号 {}", tail(&shown));
    view! {
        <span aria-hidden="true">{shown}</span>
        <span class="visually-hidden">{spoken}</span>
    }
}
