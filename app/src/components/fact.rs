//! One fact of a guide or a material (`<dt>` and `<dd>`), and a list of
//! sentences: every row is built by the same code, which keeps the home
//! page's wasm small (each distinct `view!` is code of its own).

use leptos::prelude::*;

/// `<div><dt>label</dt><dd>value</dd></div>`.
pub fn fact(label: &'static str, value: String) -> impl IntoView + use<> {
    named_fact(label.to_owned(), value)
}

/// [`fact`] with a label made at run time (a catalog's question or field).
pub fn named_fact(label: String, value: String) -> impl IntoView + use<> {
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// The province's number of a case (or 已提交（待赋码）), long and unbroken.
pub fn province_number_fact(number: String) -> impl IntoView + use<> {
    view! {
        <div>
            <dt>"省平台办件编号"</dt>
            <dd class="long-number">{number}</dd>
        </div>
    }
}

/// A row of a summary list: what, the answer, and a 修改 link to change it.
pub fn changeable_fact(label: String, value: String, change: String) -> impl IntoView + use<> {
    let aria = format!("修改：{label}");
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
            <dd class="change">
                <a href=change aria-label=aria>
                    "修改"
                </a>
            </dd>
        </div>
    }
}

/// A fact whose value is a telephone number to call.
pub fn phone_fact(label: &'static str, number: String) -> impl IntoView + use<> {
    let href = ["tel:", &number].concat();
    view! {
        <div>
            <dt>{label}</dt>
            <dd>
                <a href=href>{number}</a>
            </dd>
        </div>
    }
}

/// `<ul class="bullets">` of plain sentences.
pub fn bullets(lines: Vec<String>) -> impl IntoView + use<> {
    view! { <ul class="bullets">{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul> }
}
