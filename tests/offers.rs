//! What the stepper offers (`Network::offers`) is the model's deliverable
//! steps grouped by message, with the channel order the model keeps: the
//! view never works it out again.

use racelab::lang;
use racelab::model::{Act, Scenario, World};

/// Checks the offers of `world` against its deliverable steps and channels.
fn check(world: &World, name: &str) {
    let offers = world.net.offers(world.faults);
    // Flattened, the offers are exactly the deliverable steps, in order.
    let flat: Vec<_> = offers
        .iter()
        .flat_map(|o| std::iter::once(o.deliver).chain(o.faults.iter().copied()))
        .collect();
    let steps: Vec<_> = world
        .net
        .deliverable(world.faults)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(flat, steps, "{name}");
    for o in &offers {
        assert_eq!(o.deliver.act, Act::Deliver, "{name}");
        assert_eq!(world.net.head(o.deliver), Some(o.msg), "{name}");
        assert!(o
            .faults
            .iter()
            .all(|f| f.channel() == o.deliver.channel() && f.pick == o.deliver.pick));
        let channel: Vec<_> = world.net.channel(o.deliver).collect();
        if world.net.unordered() {
            assert!(o.behind.is_empty());
            assert_eq!(
                o.copies,
                channel.iter().filter(|&&m| m == o.msg).count(),
                "{name}"
            );
            assert!(o.copies >= 1);
        } else {
            assert_eq!(o.copies, 1);
            assert_eq!(o.msg, channel[0]);
            assert_eq!(o.behind, channel[1..].to_vec(), "{name}");
        }
    }
}

/// Along a few deterministic runs of every built-in (always the first
/// offer, always the last, and others in turn), every world's offers agree.
#[test]
fn offers_are_the_deliverable_steps_grouped_by_message() {
    let mut worlds = 0;
    for name in lang::BUILTIN_NAMES {
        let scenario = Scenario::builtin(name).unwrap();
        let system = scenario.system();
        for strategy in 0..8usize {
            let mut world = system.init();
            for i in 0..200 {
                check(&world, name);
                worlds += 1;
                let steps: Vec<_> = world.deliverable().map(|(s, _)| s).collect();
                let Some(&step) = (match strategy {
                    0 => steps.first(),
                    1 => steps.last(),
                    _ => steps.get((i * strategy + strategy) % steps.len().max(1)),
                }) else {
                    break;
                };
                system.deliver(&mut world, step);
            }
        }
    }
    assert!(worlds > 500, "{worlds} worlds checked");
}

/// A FIFO channel with several messages offers its head, with the rest
/// behind it in order; an unordered one offers each different message.
#[test]
fn channel_order_comes_with_the_offer() {
    for (name, unordered) in [("look-before-take", false), ("unreliable-post", true)] {
        let scenario = Scenario::builtin(name).unwrap();
        let system = scenario.system();
        let world = system.init();
        assert_eq!(world.net.unordered(), unordered, "{name}");
        check(&world, name);
    }
}
