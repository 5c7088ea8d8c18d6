//! Mounts the app in place of the static start screen index.html draws while the wasm loads.

use wasm_bindgen::JsCast;

fn main() {
    // index.html's `appShellPainted`: the drawn start screen's paint recorded, its last part
    // included (see there).
    let painted = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"appShellPainted".into()).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    match painted {
        // wasm-bindgen's own spawner: Leptos's is not running before the app is mounted.
        Some(painted) => wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(painted).await;
            // The app is built in a task of its own, not in the one that instantiated the
            // wasm: on Lighthouse's 4x slower CPU that one task took 130 ms, now two take about
            // 25 and 100 (total blocking time 80-95 → about 50 ms; no change in time to usable
            // beyond the noise, README).
            let zero = std::time::Duration::ZERO;
            if leptos::prelude::set_timeout_with_handle(start, zero).is_err() {
                start();
            }
        }),
        None => start(),
    }
}

fn start() {
    remove_static_shell();
    leptos::mount::mount_to_body(novita_instance_viewer::App);
}

/// index.html's `#app-shell` is the start screen as the app draws it (header, form, Settings,
/// the start card: fixed words only, nothing only the app knows), so a slow network shows it
/// before the wasm has arrived. It is inert (nothing can be typed into it and lost) and carries
/// no `data-testid` or id, so whatever waits for the app's hooks never finds it instead. It goes
/// in the same task as the app mounts, so no frame shows both and the app's elements are the
/// only ones on the page.
fn remove_static_shell() {
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app-shell"))
    {
        shell.remove();
    }
}

#[cfg(target_family = "wasm")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
