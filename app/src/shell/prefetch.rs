//! Loading a bundle before it is needed: a guide, a 一件事 overview and a
//! notice fetch the form's bundle into the browser's cache, so 开始网上申请
//! opens at once; the form fetches the uploads' bundle, the uploads the
//! review's, the review the receipt's. Its own module: the home page never
//! calls it.

use std::cell::Cell;

use crate::shell::handover::{Bundle, manifest, prefetch_bundle};

/// Fetch a bundle's files into the browser's cache once the page has loaded
/// (once), so the tap that opens it (a guide's 开始网上申请) feels
/// immediate; skipped when the phone asks to save data or is on 2G (the
/// browser does both: `handover.rs`' snippet).
pub fn prefetch(bundle: Bundle) {
    thread_local! {
        static PREFETCHED: Cell<bool> = const { Cell::new(false) };
    }
    if !PREFETCHED.replace(true) {
        prefetch_bundle(&manifest(bundle));
    }
}
