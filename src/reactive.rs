//! The app's one call each of `Effect::new` and `Memo::new` (`clippy.toml` keeps it so): both are
//! generic over their closure, so each call site carried its own copy of the reactive machinery
//! around it. The page's state and its components both make effects and memos through these.

use leptos::prelude::*;

/// `Effect::new(move |_| f())`, with one copy of the effect's machinery for the whole app.
///
/// `Effect::new` is generic over its closure: each call site carried its own copy of the task
/// that waits for a change and runs the closure (some 3 KB before wasm-opt). Every effect here
/// ignores its previous value, so they all go through one boxed closure type.
pub fn effect(f: impl FnMut() + 'static) {
    effect_boxed(Box::new(f))
}

#[allow(clippy::disallowed_methods)] // the one call (clippy.toml)
fn effect_boxed(mut f: Box<dyn FnMut()>) {
    Effect::new(move |_| f());
}

/// `Memo::new(move |_| f())`, with one copy of the memo's machinery per value type rather than
/// per call site (as [`effect`]).
pub fn memo<T: PartialEq + Send + Sync + 'static>(
    f: impl Fn() -> T + Send + Sync + 'static,
) -> Memo<T> {
    memo_boxed(Box::new(f))
}

#[allow(clippy::disallowed_methods)] // the one call (clippy.toml)
fn memo_boxed<T: PartialEq + Send + Sync + 'static>(
    f: Box<dyn Fn() -> T + Send + Sync>,
) -> Memo<T> {
    Memo::new(move |_| f())
}
