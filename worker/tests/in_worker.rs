//! Inside a real dedicated Web Worker in headless Chromium: an actor hosted
//! the way the actor worker hosts it answers exactly as the model says, with
//! every request and reply going through the real codec and the browser's
//! structured clone, as they do over `postMessage`.
#![cfg(target_arch = "wasm32")]

use gloo_worker::Codec;
use js_sys::{Function, Reflect};
use racelab::model::{ActorId, Msg, Protocol, Scenario, Schedule};
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

#[wasm_bindgen_test]
fn hosted_actors_answer_as_the_model_says() {
    let cases = [
        (Scenario::default(), "1F-2F-F1-F2-1F-2F-F1-F2-3F-F3"),
        (Scenario::default(), "1F-F1-1F-F1-2F-F2-3F-F3"),
        (
            Scenario::new(Protocol::Thirsty, 2, 2, 3).unwrap(),
            "2F-1F-F2-F1",
        ),
        (
            Scenario::new(Protocol::LookBeforeTake, 8, 20, 3).unwrap(),
            "8F-F8-8F-F8-1F-F1",
        ),
    ];
    for (scenario, text) in cases {
        let system = scenario.system();
        let schedule = Schedule::parse(text, system.server_letter).unwrap();
        let mut model = system.init();
        let mut hosts: Vec<ActorHost> =
            system.actors.iter().map(|_| ActorHost::default()).collect();
        for (i, actor) in system.actors.iter().enumerate() {
            let init = over_the_wire(ToActor::Init {
                id: ActorId(i as u8),
                actor: *actor,
            });
            let reply = over_the_wire(hosts[i].receive(init));
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
                    state: model.states[step.to.index()],
                    sent: expected.sent
                },
                "{text}, step {}",
                step.display(system.server_letter)
            );
        }
        let stop = over_the_wire(ToActor::Stop);
        assert_eq!(over_the_wire(hosts[0].receive(stop)), FromActor::Stopped);
        let late = over_the_wire(ToActor::Deliver {
            from: ActorId(1),
            msg: Msg::Drink(1),
        });
        match over_the_wire(hosts[0].receive(late)) {
            FromActor::Handled { sent, .. } => {
                assert!(sent.is_empty(), "no reply after the poison pill")
            }
            other => panic!("{other:?}"),
        }
    }
}
