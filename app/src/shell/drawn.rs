//! A page part drawn from a value read later (a case), without the reactive
//! closure `move || value.get().map(draw)` would be. Such a closure also
//! carries the code to patch what it drew in place for a new value, as much
//! code again as drawing it (6.5 KB of brotli on a case's status page, see
//! BENCHMARKS.md); a part drawn from one read never needs it. Here a new
//! value is drawn afresh instead.

use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};

/// `draw(value)` each time `value` gives one, in place of the previous
/// drawing (gone while it gives none), inside a `<div class="contents">`
/// that the layout ignores.
pub fn drawn<T, V>(value: impl Fn() -> Option<T> + 'static, draw: impl Fn(T) -> V + 'static) -> impl IntoView
where
    T: 'static,
    V: IntoView + 'static,
{
    let host = NodeRef::<leptos::html::Div>::new();
    let shown = StoredValue::new_local(None::<<View<V> as Render>::State>);
    let clear = move || {
        shown.try_update_value(|old| {
            if let Some(mut old) = old.take() {
                old.unmount();
            }
        });
    };
    Effect::new(move || {
        let (host, value) = (host.get(), value());
        clear();
        let (Some(host), Some(value)) = (host, value) else { return };
        let mut state = untrack(|| draw(value).into_view().build());
        state.mount(&host, None);
        shown.set_value(Some(state));
    });
    // The page going takes its drawing with it: a next page of the same kind
    // may keep the host element (patched in place) and draw into it afresh.
    on_cleanup(clear);
    view! { <div class="contents" node_ref=host></div> }
}
