//! Mounts the app in place of the static start screen index.html draws while the wasm loads.

fn main() {
    remove_static_shell();
    leptos::mount::mount_to_body(novita_instance_viewer::App);
}

/// index.html's `#app-shell` (the start screen's frame, drawn before the wasm arrives) goes in
/// the same task as the app mounts, so no frame shows both and the app's own elements are the
/// only ones on the page.
fn remove_static_shell() {
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app-shell"))
    {
        shell.remove();
    }
}
