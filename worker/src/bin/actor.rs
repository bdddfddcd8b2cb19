//! The actor worker: hosts one actor (the fridge or a person) in a dedicated
//! Web Worker. The page tells it which with its first message.

#[cfg(target_arch = "wasm32")]
fn main() {
    racelab::web::actor_worker::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the actor worker runs in a browser; build it with trunk (see README.md)");
    std::process::exit(2);
}
