//! Loading data for a page: a signal that holds loading, loaded or failed.
//!
//! Leptos's resources and `<Transition>` cost tens of KB of wasm; the home page's
//! budget is 150 KB in all, so pages use this small loader instead. A slower,
//! older response never overwrites a newer one.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(ApiError),
}

impl<T> Load<T> {
    /// The value once loaded.
    pub fn value(self) -> Option<T> {
        match self {
            Self::Loaded(value) => Some(value),
            Self::Loading | Self::Failed(_) => None,
        }
    }

    /// Where loading stands, without the value (nothing is cloned but an error).
    pub fn progress(&self) -> Load<()> {
        match self {
            Self::Loading => Load::Loading,
            Self::Loaded(_) => Load::Loaded(()),
            Self::Failed(error) => Load::Failed(error.clone()),
        }
    }
}

/// What a page reads: the state, whether a newer request is under way, and a retry.
pub struct Loader<T: Send + Sync + 'static> {
    pub state: ReadSignal<Load<T>>,
    /// True while a request runs; earlier results stay on screen meanwhile.
    pub pending: ReadSignal<bool>,
    retry: WriteSignal<u32>,
}

// By hand: a derive would demand `T: Copy`, but only the signal handles are copied.
impl<T: Send + Sync + 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loader<T> {}

impl<T: Send + Sync + 'static> Loader<T> {
    pub fn retry(&self) {
        self.retry.update(|n| *n += 1);
    }
}

/// Run `fetch` now and again whenever a signal it reads changes.
pub fn load<T, F, Fut>(fetch: F) -> Loader<T>
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let (state, set_state) = signal(Load::Loading);
    let (pending, set_pending) = signal(true);
    let (retry, set_retry) = signal(0u32);
    let latest = Rc::new(Cell::new(0u32));
    Effect::new(move |_| {
        retry.track();
        let request = fetch();
        let id = latest.get().wrapping_add(1);
        latest.set(id);
        let latest = Rc::clone(&latest);
        set_pending.set(true);
        spawn_local(async move {
            let result = request.await;
            if latest.get() == id {
                set_state.set(match result {
                    Ok(value) => Load::Loaded(value),
                    Err(error) => Load::Failed(error),
                });
                set_pending.set(false);
            }
        });
    });
    Loader { state, pending, retry: set_retry }
}
