//! A compact, canonical byte form of a [`World`], for the explorer's visited
//! set: small integers take one byte (zigzag varints), and empty channels take
//! none. Equal worlds have equal bytes, and the bytes decode back exactly.

use crate::model::actor::RoleState;
use crate::model::bank::{Bank, Customer, CustomerPhase};
use crate::model::fridge::Fridge;
use crate::model::people::{Person, Phase};
use crate::model::{ActorState, Msg, Network, World};

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
            Phase::Pipelining { answered, got } => {
                out.push(stopped | 12);
                put(out, i32::from(answered));
                put(out, i32::from(got));
            }
            Phase::Closing => out.push(stopped | 13),
        },
        RoleState::Bank(b) => {
            out.push(stopped | 6);
            put(out, b.balance);
        }
        RoleState::Customer(c) => out.push(
            stopped
                | match c.phase {
                    CustomerPhase::Checking => 7,
                    CustomerPhase::Withdrawing => 8,
                    CustomerPhase::AskingIf => 9,
                    CustomerPhase::Withdrew => 10,
                    CustomerPhase::Declined => 11,
                },
        ),
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
        5 => person(Phase::Left),
        6 => RoleState::Bank(Bank {
            balance: get(bytes, at),
        }),
        12 => {
            let answered = get(bytes, at) as u8;
            person(Phase::Pipelining {
                answered,
                got: get(bytes, at) as u8,
            })
        }
        13 => person(Phase::Closing),
        tag => RoleState::Customer(Customer {
            phase: match tag {
                7 => CustomerPhase::Checking,
                8 => CustomerPhase::Withdrawing,
                9 => CustomerPhase::AskingIf,
                10 => CustomerPhase::Withdrew,
                _ => CustomerPhase::Declined,
            },
        }),
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
        Msg::TakeIf => out.push(3),
        Msg::Deposit(a) => {
            out.push(4);
            put(out, a);
        }
        Msg::Withdraw(a) => {
            out.push(5);
            put(out, a);
        }
        Msg::Balance => out.push(6),
        Msg::WithdrawIf(a) => {
            out.push(7);
            put(out, a);
        }
        Msg::BankResult { balance, ok } => {
            out.push(if ok { 8 } else { 9 });
            put(out, balance);
        }
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
        2 => Msg::Stop,
        3 => Msg::TakeIf,
        4 => Msg::Deposit(get(bytes, at)),
        5 => Msg::Withdraw(get(bytes, at)),
        6 => Msg::Balance,
        7 => Msg::WithdrawIf(get(bytes, at)),
        t => Msg::BankResult {
            ok: t == 8,
            balance: get(bytes, at),
        },
    }
}

/// Appends the packed form of `world` to `out`.
pub fn pack(world: &World, out: &mut Vec<u8>) {
    for s in &world.states {
        put_state(out, s);
    }
    put_channels(world.net.raw(), out);
}

/// Channels in slot order: slot, length, messages; empty channels take nothing.
fn put_channels(queue: &[(u16, Msg)], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < queue.len() {
        let slot = queue[i].0;
        let len = queue[i..].iter().take_while(|&&(s, _)| s == slot).count();
        out.push(slot as u8);
        put(out, len as i32);
        for &(_, m) in &queue[i..i + len] {
            put_msg(out, m);
        }
        i += len;
    }
}

/// Packs the world in which actor `p` is `world`'s actor `old_of[p]`.
/// `new_of` is the inverse renaming and `scratch` a reusable buffer.
pub fn pack_renamed(
    world: &World,
    old_of: &[u8],
    new_of: &[u8],
    scratch: &mut Vec<(u16, Msg)>,
    out: &mut Vec<u8>,
) {
    for &old in old_of {
        put_state(out, &world.states[usize::from(old)]);
    }
    let n = world.net.actors();
    scratch.clear();
    scratch.extend(world.net.raw().iter().map(|&(slot, m)| {
        let (from, to) = (usize::from(slot) / n, usize::from(slot) % n);
        let renamed = usize::from(new_of[from]) * n + usize::from(new_of[to]);
        (renamed as u16, m)
    }));
    // Stable: a channel's messages keep their order.
    scratch.sort_by_key(|&(slot, _)| slot);
    put_channels(scratch, out);
}

/// The world `pack` wrote for a system of `actors` actors.
pub fn unpack(bytes: &[u8], actors: usize) -> World {
    let mut world = World {
        states: Vec::new(),
        net: Network::new(actors),
    };
    unpack_into(bytes, actors, &mut world);
    world
}

/// [`unpack`] into an existing world, reusing its buffers.
pub fn unpack_into(bytes: &[u8], actors: usize, world: &mut World) {
    let mut at = 0;
    world.states.clear();
    for _ in 0..actors {
        world.states.push(get_state(bytes, &mut at));
    }
    let net = &mut world.net;
    net.clear(actors);
    while at < bytes.len() {
        let slot = u16::from(bytes[at]);
        at += 1;
        let len = get(bytes, &mut at);
        for _ in 0..len {
            let m = get_msg(bytes, &mut at);
            net.push_raw(slot, m);
        }
    }
}
