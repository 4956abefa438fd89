//! The pages of one application (details, task list, review) all start the
//! same way: load the item or bundle (cached), show loading or the error with a
//! retry, then render the page with it.

use leptos::prelude::*;

use crate::api;
use crate::components::loaded::loaded;
use crate::shell::load::load;
use crate::subject::{Kind, Subject};

/// The page is drawn once the subject is loaded (see `loaded`).
#[component]
pub fn SubjectLoader<V: IntoView + 'static>(kind: Kind, code: String, page: fn(Subject) -> V) -> impl IntoView {
    loaded(load(move || api::subject(kind, code.clone())), "正在加载……", page)
}
