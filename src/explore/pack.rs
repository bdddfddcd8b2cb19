//! A compact, canonical byte form of a [`World`], for the explorer's visited
//! set: small integers take one byte (zigzag varints), and empty channels take
//! none. Equal worlds have equal bytes, and the bytes decode back exactly.

use crate::model::actor::RoleState;
use crate::model::fridge::Fridge;
use crate::model::people::{Person, Phase};
use crate::model::{ActorId, ActorState, Msg, Network, Step, World};

fn put(out: &mut Vec<u8>, v: i32) {
    let mut z = ((v << 1) ^ (v >> 31)) as u32;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// Reads what [`put`] wrote. Only ever given bytes this module wrote.
fn get(bytes: &[u8], at: &mut usize) -> i32 {
    let mut z: u32 = 0;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        z |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    ((z >> 1) as i32) ^ -((z & 1) as i32)
}

pub fn put_state(out: &mut Vec<u8>, s: &ActorState) {
    let stopped = if s.stopped { 0x80 } else { 0 };
    match s.role {
        RoleState::Fridge(f) => {
            out.push(stopped);
            put(out, f.drinks);
        }
        RoleState::Person(p) => match p.phase {
            Phase::Looking => out.push(stopped | 1),
            Phase::Taking => out.push(stopped | 2),
            Phase::Asking { ask } => {
                out.push(stopped | 3);
                put(out, ask);
            }
            Phase::Got { drinks } => {
                out.push(stopped | 4);
                put(out, drinks);
            }
            Phase::Left => out.push(stopped | 5),
        },
    }
}

fn get_state(bytes: &[u8], at: &mut usize) -> ActorState {
    let tag = bytes[*at];
    *at += 1;
    let stopped = tag & 0x80 != 0;
    let person = |phase| RoleState::Person(Person { phase });
    let role = match tag & 0x7f {
        0 => RoleState::Fridge(Fridge {
            drinks: get(bytes, at),
        }),
        1 => person(Phase::Looking),
        2 => person(Phase::Taking),
        3 => person(Phase::Asking {
            ask: get(bytes, at),
        }),
        4 => person(Phase::Got {
            drinks: get(bytes, at),
        }),
        _ => person(Phase::Left),
    };
    ActorState { stopped, role }
}

pub fn put_msg(out: &mut Vec<u8>, m: Msg) {
    match m {
        Msg::Drink(n) => {
            out.push(0);
            put(out, n);
        }
        Msg::FridgeResult {
            taken_or_added,
            left,
        } => {
            out.push(1);
            put(out, taken_or_added);
            put(out, left);
        }
        Msg::Stop => out.push(2),
    }
}

fn get_msg(bytes: &[u8], at: &mut usize) -> Msg {
    let tag = bytes[*at];
    *at += 1;
    match tag {
        0 => Msg::Drink(get(bytes, at)),
        1 => {
            let taken_or_added = get(bytes, at);
            Msg::FridgeResult {
                taken_or_added,
                left: get(bytes, at),
            }
        }
        _ => Msg::Stop,
    }
}

/// Appends the packed form of `world` to `out`.
pub fn pack(world: &World, out: &mut Vec<u8>) {
    let identity: Vec<u8> = (0..world.states.len() as u8).collect();
    pack_renamed(world, &identity, out);
}

/// Packs the world in which actor `p` is `world`'s actor `old_of[p]`.
pub fn pack_renamed(world: &World, old_of: &[u8], out: &mut Vec<u8>) {
    for &old in old_of {
        put_state(out, &world.states[usize::from(old)]);
    }
    let n = world.net.actors();
    for from in 0..n {
        for to in 0..n {
            let step = Step {
                from: ActorId(old_of[from]),
                to: ActorId(old_of[to]),
            };
            let len = world.net.channel(step).count();
            if len > 0 {
                out.push((from * n + to) as u8);
                put(out, len as i32);
                for m in world.net.channel(step) {
                    put_msg(out, m);
                }
            }
        }
    }
}

/// The world `pack` wrote for a system of `actors` actors.
pub fn unpack(bytes: &[u8], actors: usize) -> World {
    let mut at = 0;
    let states = (0..actors).map(|_| get_state(bytes, &mut at)).collect();
    let mut net = Network::new(actors);
    while at < bytes.len() {
        let slot = usize::from(bytes[at]);
        at += 1;
        let len = get(bytes, &mut at);
        let (from, to) = (
            ActorId((slot / actors) as u8),
            ActorId((slot % actors) as u8),
        );
        for _ in 0..len {
            let m = get_msg(bytes, &mut at);
            net.post(from, to, m);
        }
    }
    World { states, net }
}
