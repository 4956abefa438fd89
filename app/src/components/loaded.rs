//! A page's data, loaded: a line while it loads, the error with a retry, and
//! the page drawn once it is there (`shell::drawn`: no code to patch it in
//! place, which a page drawn from one load never needs).

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::load_error::LoadError;
use crate::shell::drawn::drawn;
use crate::shell::load::{Load, Loader};

/// `draw(value)` once `loader` has it; `waiting` until then.
pub fn loaded<T, V>(loader: Loader<T>, waiting: &'static str, draw: impl Fn(T) -> V + 'static) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        {move || match loader.state.with(Load::progress) {
            Load::Loading => Some(Either::Left(view! { <p class="loading">{waiting}</p> })),
            Load::Failed(error) => Some(Either::Right(view! { <LoadError error retry=move || loader.retry() /> })),
            Load::Loaded(()) => None,
        }}
        {drawn(move || loader.state.get().value(), draw)}
    }
}
