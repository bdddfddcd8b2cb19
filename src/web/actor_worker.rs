//! An actor's Web Worker and the page's bridge to it: the page spawns one
//! per actor, and the `actor` worker of the page's build runs
//! [`ActorHost`], which is all the worker *does*.
//!
//! The one path every delivery takes, so it is as short as the platform
//! allows: a request is decoded and answered in the task that brought it,
//! and the reply goes to the page's callback in the task that brought it.
//! (gloo-worker, which the explorer's and the compiler's workers use, runs
//! every message it receives in a future of its own, one more task per
//! message, and wraps each in a handler id; measured in
//! benches/throughput.mjs, the actors' bridge is faster without that.)
//!
//! The wire is the codec's ([`WireCodec`]), plus one value of the
//! platform's own: `null`, which the worker posts once, when it is ready
//! (until then the page holds what it sends: a worker loses the messages
//! that come before it listens).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::codec::WireCodec;
use crate::wire::{ActorHost, FromActor, ToActor};

/// The worker's name for static/worker-loader.js.
pub const NAME: &str = "actor";

/// The page's side of one actor's worker. Dropping it terminates the
/// worker at once, whatever it is doing.
pub struct ActorBridge {
    worker: Option<Worker>,
    /// What the page sent before the worker was ready; `None` once it is.
    pending: Rc<RefCell<Option<Vec<JsValue>>>>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl ActorBridge {
    pub fn send(&self, msg: ToActor) {
        let Some(worker) = &self.worker else { return };
        let value = WireCodec::encode_value(&msg);
        match self.pending.borrow_mut().as_mut() {
            Some(queue) => queue.push(value),
            None => {
                // A worker that is gone cannot take it; its watchdog says so.
                let _ = worker.post_message(&value);
            }
        }
    }
}

impl Drop for ActorBridge {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.set_onmessage(None);
            worker.terminate();
        }
    }
}

/// Spawns a fresh actor worker from this build, whose every reply goes to
/// `on_reply`. The stepper, live runs and the bridge benchmark all start
/// their workers here. A worker that cannot be started, or a reply that
/// cannot be read, reaches `on_reply` as [`FromActor::Failed`] (the page
/// then offers a restart), never as a panic.
pub fn spawn(on_reply: impl Fn(FromActor) + 'static) -> ActorBridge {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = match Worker::new_with_options(&super::platform::worker_url(NAME), &options) {
        Ok(worker) => worker,
        Err(e) => {
            on_reply(FromActor::Failed {
                error: format!("the browser would not start a worker: {e:?}"),
            });
            return ActorBridge {
                worker: None,
                pending: Rc::new(RefCell::new(None)),
                _on_message: None,
            };
        }
    };
    let pending: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
    let on_message = {
        let (worker, pending) = (worker.clone(), pending.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.is_null() {
                // Ready: what waited goes, in order.
                let queued = pending.borrow_mut().take().unwrap_or_default();
                for value in queued {
                    let _ = worker.post_message(&value);
                }
                return;
            }
            on_reply(WireCodec::decode_value(data).unwrap_or_else(|| {
                FromActor::Failed {
                    error: "it sent a message this page cannot read; its files may be from \
                        another version of racelab (reloading the page should help)"
                        .to_string(),
                }
            }));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ActorBridge {
        worker: Some(worker),
        pending,
        _on_message: Some(on_message),
    }
}

thread_local! {
    /// The worker's actor; a panic leaves it borrowed, and the worker closed.
    static HOST: RefCell<ActorHost> = RefCell::new(ActorHost::default());
}

fn post(global: &DedicatedWorkerGlobalScope, reply: &FromActor) {
    let _ = global.post_message(&WireCodec::encode_value(reply));
}

/// The worker binary's whole job. A panic, or a message it cannot read, is
/// reported to the page as `FromActor::Failed`, and then the worker closes
/// itself: its state, or its page, cannot be trusted.
pub fn register() {
    let Ok(global) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    std::panic::set_hook(Box::new(|info| {
        let error = info.to_string();
        web_sys::console::error_1(&error.clone().into());
        if let Ok(global) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
            post(&global, &FromActor::Failed { error });
            global.close();
        }
    }));
    let on_message = {
        let global = global.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match WireCodec::decode_value::<ToActor>(event.data()) {
                Some(msg) => post(&global, &HOST.with(|host| host.borrow_mut().receive(msg))),
                None => {
                    // Not from the page it knows: it says so, and goes.
                    let error = "the page sent a message this worker cannot read; its files \
                                 may be from another version of racelab";
                    web_sys::console::error_1(&error.into());
                    post(
                        &global,
                        &FromActor::Failed {
                            error: error.to_string(),
                        },
                    );
                    global.close();
                }
            }
        })
    };
    global.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    let _ = global.post_message(&JsValue::NULL);
}
