//! Inside a real dedicated Web Worker in headless Chromium: an actor hosted
//! the way the actor worker hosts it answers exactly as the model says, with
//! every request and reply going through the real codec and the browser's
//! structured clone, as they do over `postMessage`.
#![cfg(target_arch = "wasm32")]

use gloo_worker::Codec;
use js_sys::{Function, Reflect};
use std::sync::Arc;

use racelab::model::{ActorId, Handled, Scenario, Schedule};
use racelab::web::codec::WireCodec;
use racelab::wire::{ActorHost, FromActor, ToActor};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// What the other side of a `postMessage` would receive.
fn over_the_wire<T: serde::Serialize + for<'de> serde::Deserialize<'de>>(value: T) -> T {
    let global = js_sys::global();
    let clone: Function = Reflect::get(&global, &JsValue::from_str("structuredClone"))
        .expect("structuredClone exists")
        .unchecked_into();
    let encoded = WireCodec::encode(value);
    let copied = clone
        .call1(&JsValue::NULL, &encoded)
        .expect("structured clone");
    WireCodec::decode(copied)
}

#[wasm_bindgen_test]
fn runs_in_a_dedicated_worker() {
    assert!(js_sys::global()
        .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
        .is_ok());
}

/// A protocol that no built-in is: it reaches the worker as its source.
const COUNTER: &str = r#"
protocol "counter" {
  title "Read, then write"
}
param clients "Clients" in 1..4 = 2
message read
message value(n: int) { show "value {n}" }
message write(n: int) { show "write {n}" }
message done
server counter "Counter" letter "C" {
  var n: 0..10 = 0
  on read { reply value(n) }
  on write(v) {
    n = v
    reply done
  }
}
client user "Client" * clients {
  phase reading "reading"
  phase writing "writing"
  phase wrote "wrote"
  start { send counter read }
  on value(v) in reading {
    send counter write(v + 1)
    goto writing
  }
  on done in writing { goto wrote }
}
outcome {
  count = counter.n
}
"#;

#[wasm_bindgen_test]
fn hosted_actors_answer_as_the_model_says() {
    let builtin = |name: &str, sets: &[(&str, i64)]| {
        let mut s = Scenario::builtin(name).expect("a built-in");
        for &(k, v) in sets {
            s = s.with(k, v).expect("in range");
        }
        s
    };
    let counter = Scenario::new(Arc::new(
        racelab::lang::compile("counter.race", COUNTER).expect("the counter compiles"),
    ));
    let cases = [
        (Scenario::default(), "1F-2F-F1-F2-1F-2F-F1-F2-3F-F3"),
        (Scenario::default(), "1F-F1-1F-F1-2F-F2-3F-F3"),
        (
            builtin("thirsty", &[("people", 2), ("drinks", 2), ("ask", 3)]),
            "2F-1F-F2-F1",
        ),
        (
            builtin("look-before-take", &[("people", 8), ("drinks", 20)]),
            "8F-F8-8F-F8-1F-F1",
        ),
        (
            builtin("poison-pill", &[("people", 2)]),
            "1F-F1-3F-1F-2F-2F",
        ),
        (counter.clone(), "1C-2C-C1-C2-1C-2C-C1-C2"),
    ];
    for (scenario, text) in cases {
        let system = scenario.system();
        let schedule = Schedule::parse(text, system.server_letter).unwrap();
        let mut model = system.init();
        let mut hosts: Vec<ActorHost> =
            (0..system.actors()).map(|_| ActorHost::default()).collect();
        for (i, host) in hosts.iter_mut().enumerate() {
            // The scenario crosses the wire too: a built-in by name, the
            // counter as its source, compiled again in the worker.
            let init = over_the_wire(ToActor::Init {
                id: ActorId(i as u8),
                scenario: scenario.clone(),
            });
            let reply = over_the_wire(host.receive(init));
            match reply {
                FromActor::Started { state, .. } => assert_eq!(state, model.states[i]),
                other => panic!("{text}: {other:?}"),
            }
        }
        for &step in &schedule.0 {
            let msg = model.net.head(step).expect("the schedule is possible");
            let request = over_the_wire(ToActor::Deliver {
                from: step.from,
                msg,
            });
            let reply = over_the_wire(hosts[step.to.index()].receive(request));
            let expected = system.deliver(&mut model, step).unwrap();
            assert_eq!(
                reply,
                FromActor::Handled {
                    handled: expected.handled,
                    state: model.states[step.to.index()].clone(),
                    sent: expected.sent,
                    error: None,
                },
                "{text}, step {}",
                step.display(system.server_letter)
            );
        }
        let stop = over_the_wire(ToActor::Stop);
        assert_eq!(over_the_wire(hosts[0].receive(stop)), FromActor::Stopped);
        let late = over_the_wire(ToActor::Deliver {
            from: ActorId(1),
            msg: model
                .net
                .in_flight()
                .next()
                .map_or_else(Default::default, |(_, m)| m),
        });
        match over_the_wire(hosts[0].receive(late)) {
            FromActor::Handled { sent, handled, .. } => {
                assert!(sent.is_empty(), "nothing handled after the worker stopped");
                assert_eq!(handled, Handled::Terminated);
            }
            other => panic!("{other:?}"),
        }
    }
    // The counter's race, through the workers: both read 0, both write 1.
    let system = counter.system();
    let (world, _) = system
        .replay(&Schedule::parse("1C-2C-C1-C2-1C-2C-C1-C2", 'C').unwrap())
        .unwrap();
    assert_eq!(
        system.show_outcome(&system.outcome(&world)),
        "count 1",
        "two increments, one lost"
    );
}
