fn main() {
    leptos::mount::mount_to_body(novita_instance_viewer::App);
}
