//! What the pages of one case start with: the case read with the key the
//! look-up found (status, uploads, rating), and for the pages beside the
//! status, their top, drawn as their first view (`supply.html`,
//! `feedback.html`).

use domain::case::view::{CaseKey, CaseView, SupplyView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use crate::api;
use crate::follow::lookup;

/// A case as one of its pages reads it: the whole view (status, rating) or
/// the supply page's part of it, each reader only where it is needed.
pub trait CaseRead: DeserializeOwned + Clone + Send + Sync + 'static {
    fn item_name(&self) -> &str;
}

impl CaseRead for CaseView {
    fn item_name(&self) -> &str {
        &self.item_name
    }
}

impl CaseRead for SupplyView {
    fn item_name(&self) -> &str {
        &self.item_name
    }
}

/// A case once read, with the key that opened it.
pub(crate) type FoundCase<T = CaseView> = RwSignal<Option<(CaseKey, T)>>;

/// A case read for one of its pages (status, uploads, rating) with its key as
/// the look-up found it (this phone's receipt, this session, or the
/// signed-in owner's session); with none, the look-up form asks for the code.
pub(crate) fn read_case<T: CaseRead>(case_number: String) -> (FoundCase<T>, RwSignal<Option<String>>) {
    let found = RwSignal::new(None::<(CaseKey, T)>);
    let error = RwSignal::new(None::<String>);
    let fetch = move |key: CaseKey| {
        spawn_local(async move {
            match api::case_lookup::<T>(&key).await {
                Ok(view) => found.set(Some((key, view))),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    match lookup::stored_key(&case_number) {
        Some(key) => fetch(key),
        None => {
            let ask = lookup::lookup_url(&case_number);
            lookup::open_when_signed_in(case_number, fetch, move || crate::shell::router::replace(&ask));
        }
    }
    (found, error)
}

/// The top of such a page: the way back to the status page, the item's name
/// once read, the page's heading.
#[component]
pub(crate) fn CasePageTop<T: CaseRead>(back: String, found: FoundCase<T>, title: &'static str) -> impl IntoView {
    view! {
        <p class="back">
            <a href=back>"返回办理进度"</a>
        </p>
        <p class="caption">
            {move || {
                found.with(|f| f.as_ref().map(|(_, v)| v.item_name().to_owned())).unwrap_or_else(|| "\u{a0}".into())
            }}
        </p>
        <h1>{title}</h1>
    }
}

/// While the case is read, the line the first view shows (none once reading failed).
pub(crate) fn reading(error: RwSignal<Option<String>>) -> AnyView {
    error.with(Option::is_none).then(|| view! { <p class="skeleton__text">"正在读取办件，请稍候……"</p> }).into_any()
}
