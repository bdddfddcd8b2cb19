//! The explorer worker: explores every schedule of a scenario off the page's
//! thread, so the page stays responsive.

#[cfg(target_arch = "wasm32")]
fn main() {
    racelab::web::explorer_worker::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the explorer worker runs in a browser; natively, use `racelab explore`");
    std::process::exit(2);
}
