//! The bridge's own speed, measured from the page: `benchBridge` spawns an
//! actor worker exactly as the stepper does (gloo-worker bridge, racelab's
//! codec, the same loader) and times `Ping`/`Pong` exchanges through it.
//! `benches/throughput.mjs` runs it beside a plain `postMessage` worker
//! doing the same exchanges, in the same browser.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};

use super::platform::now;
use wasm_bindgen::JsValue;

use super::actor_worker::{self, ActorBridge};
use crate::model::{ActorId, Scenario};
use crate::wire::{FromActor, ToActor};

thread_local! {
    /// Benchmarks under way; each removes itself when done.
    static RUNNING: RefCell<Vec<Rc<RefCell<Bench>>>> = const { RefCell::new(Vec::new()) };
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Starting,
    Warming,
    RoundTrips,
    Burst,
    Done,
}

struct Bench {
    bridge: Option<ActorBridge>,
    phase: Phase,
    warm: u32,
    round_trips: u32,
    burst: u32,
    answered: u32,
    started_ms: f64,
    round_trip_ms: f64,
    /// How long posting the burst took the page.
    post_ms: f64,
    resolve: Function,
}

impl Bench {
    fn finish(&mut self, result: &JsValue) {
        let _ = self.resolve.call1(&JsValue::NULL, result);
        self.phase = Phase::Done;
    }

    fn send(&self, n: u32) {
        if let Some(bridge) = &self.bridge {
            bridge.send(ToActor::Ping(n));
        }
    }

    fn on_reply(&mut self, reply: FromActor) {
        match (self.phase, reply) {
            (Phase::Starting, FromActor::Started { .. }) => {
                self.phase = Phase::Warming;
                self.answered = 0;
                self.send(0);
            }
            (Phase::Warming, FromActor::Pong(_)) => {
                self.answered += 1;
                if self.answered < self.warm {
                    self.send(self.answered);
                } else {
                    self.phase = Phase::RoundTrips;
                    self.answered = 0;
                    self.started_ms = now();
                    self.send(0);
                }
            }
            (Phase::RoundTrips, FromActor::Pong(_)) => {
                self.answered += 1;
                if self.answered < self.round_trips {
                    self.send(self.answered);
                } else {
                    self.round_trip_ms = now() - self.started_ms;
                    self.phase = Phase::Burst;
                    self.answered = 0;
                    self.started_ms = now();
                    for n in 0..self.burst {
                        self.send(n);
                    }
                    self.post_ms = now() - self.started_ms;
                }
            }
            (Phase::Burst, FromActor::Pong(_)) => {
                self.answered += 1;
                if self.answered == self.burst {
                    let burst_ms = now() - self.started_ms;
                    let result = Object::new();
                    let set = |k: &str, v: f64| {
                        let _ = Reflect::set(&result, &k.into(), &v.into());
                    };
                    set("roundTrips", f64::from(self.round_trips));
                    set("roundTripMs", self.round_trip_ms);
                    set("burst", f64::from(self.burst));
                    set("burstMs", burst_ms);
                    set("postMs", self.post_ms);
                    if let Some(bridge) = self.bridge.take() {
                        bridge.send(ToActor::Stop);
                    }
                    self.finish(&result);
                }
            }
            (_, other) => {
                self.bridge = None;
                self.finish(&JsValue::from_str(&format!(
                    "unexpected reply: {}",
                    other.kind()
                )));
            }
        }
    }
}

/// Times `round_trips` sequential Ping/Pong round trips, then a burst of
/// `burst` Pings posted at once (each answered), through a freshly spawned
/// actor worker. Resolves to `{roundTrips, roundTripMs, burst, burstMs}`,
/// or to a string saying what went wrong.
/// Exported to JavaScript as `benchBridge` by the page's binary (src/main.rs).
pub fn bench_bridge(round_trips: u32, burst: u32) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        let bench = Rc::new(RefCell::new(Bench {
            bridge: None,
            phase: Phase::Starting,
            warm: 500,
            round_trips: round_trips.max(1),
            burst: burst.max(1),
            answered: 0,
            started_ms: 0.0,
            round_trip_ms: 0.0,
            post_ms: 0.0,
            resolve,
        }));
        let weak = Rc::downgrade(&bench);
        let bridge = actor_worker::spawn(move |reply| {
            if let Some(bench) = weak.upgrade() {
                bench.borrow_mut().on_reply(reply);
                if bench.borrow().phase == Phase::Done {
                    RUNNING.with(|r| r.borrow_mut().retain(|b| !Rc::ptr_eq(b, &bench)));
                }
            }
        });
        bridge.send(ToActor::Init {
            id: ActorId::SERVER,
            scenario: Scenario::default(),
        });
        bench.borrow_mut().bridge = Some(bridge);
        // The callback holds only a weak reference: the bench is kept here
        // until it resolves.
        RUNNING.with(|r| r.borrow_mut().push(bench));
    })
}
