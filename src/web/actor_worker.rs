//! The gloo-worker glue around [`ActorHost`]: the page spawns an
//! [`ActorWorker`] per actor, and the `actor` binary of the worker crate
//! registers it. All the worker *does* is in `ActorHost`.

use std::cell::RefCell;

use gloo_worker::{HandlerId, Registrable, Spawnable, Worker, WorkerBridge, WorkerScope};
use wasm_bindgen::JsCast;

use super::codec::WireCodec;
use crate::wire::{ActorHost, FromActor, ToActor};

/// The worker's name for static/worker-loader.js.
pub const NAME: &str = "actor";

pub struct ActorWorker {
    host: ActorHost,
}

thread_local! {
    /// Where to report a panic: the scope and the page's handler id.
    static REPORT_TO: RefCell<Option<(WorkerScope<ActorWorker>, HandlerId)>> = const { RefCell::new(None) };
}

impl Worker for ActorWorker {
    type Message = ();
    type Input = ToActor;
    type Output = FromActor;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        ActorWorker {
            host: ActorHost::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToActor, id: HandlerId) {
        REPORT_TO.with(|r| *r.borrow_mut() = Some((scope.clone(), id)));
        let reply = self.host.receive(msg);
        scope.respond(id, reply);
    }
}

/// The page's side: spawns a fresh actor worker from this build, whose
/// every reply goes to `on_reply`. The stepper, live runs and the bridge
/// benchmark all start their workers here.
pub fn spawn(on_reply: impl Fn(FromActor) + 'static) -> WorkerBridge<ActorWorker> {
    ActorWorker::spawner()
        .encoding::<WireCodec>()
        .with_loader(true)
        .callback(on_reply)
        .spawn(&super::platform::worker_url(NAME))
}

/// The worker binary's whole job. A panic is reported to the page as
/// `FromActor::Failed`, and then the worker closes itself: after a panic its
/// state cannot be trusted, and the page cannot terminate it (gloo-worker
/// does not expose `terminate`), so this is how no broken worker lingers.
pub fn register() {
    std::panic::set_hook(Box::new(|info| {
        let error = info.to_string();
        web_sys::console::error_1(&error.clone().into());
        REPORT_TO.with(|r| {
            if let Ok(slot) = r.try_borrow() {
                if let Some((scope, id)) = slot.as_ref() {
                    scope.respond(*id, FromActor::Failed { error });
                }
            }
        });
        if let Ok(global) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
            global.close();
        }
    }));
    ActorWorker::registrar().encoding::<WireCodec>().register();
}
