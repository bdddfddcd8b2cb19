//! A compact, canonical byte form of a [`World`], for the explorer's visited
//! set: small integers take one byte (zigzag varints), each actor's slots
//! and each message's fields are written without lengths (the [`Layout`]
//! knows them), and empty channels take nothing. What is left of the fault
//! budgets takes two bytes, and only in a scenario that has budgets. Equal
//! worlds have equal bytes, and the bytes decode back exactly.

use crate::lang::RunError;
use crate::model::{ActorId, ActorState, Failure, Faults, Msg, Network, System, World};

/// How many slots each actor has and how many fields each message kind
/// has, whether the network is unordered and whether it has fault
/// budgets: what packing leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    slots: Vec<usize>,
    fields: Vec<usize>,
    pub(crate) unordered: bool,
    faults: bool,
}

impl Layout {
    pub fn new(system: &System) -> Layout {
        let program = &system.inst.program;
        Layout {
            slots: (0..system.actors())
                .map(|a| system.inst.role_of(a).slots)
                .collect(),
            fields: program.messages.iter().map(|m| m.fields.len()).collect(),
            unordered: program.network.unordered,
            faults: system.budgets() != Faults::default(),
        }
    }

    pub fn actors(&self) -> usize {
        self.slots.len()
    }
}

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
        if b < 0x80 || shift >= 28 {
            break;
        }
        shift += 7;
    }
    ((z >> 1) as i32) ^ -((z & 1) as i32)
}

/// An actor's slots; the first (its phase, never negative) also carries
/// whether it was terminated.
pub fn put_state(out: &mut Vec<u8>, s: &ActorState) {
    let mut slots = s.slots.iter();
    let phase = slots.next().copied().unwrap_or(0);
    put(out, phase.wrapping_mul(2) | i32::from(s.stopped));
    for &v in slots {
        put(out, v);
    }
}

fn get_state(bytes: &[u8], at: &mut usize, slots: usize, into: &mut ActorState) {
    into.slots.clear();
    let first = get(bytes, at);
    into.stopped = first & 1 != 0;
    into.slots.push(first >> 1);
    for _ in 1..slots {
        into.slots.push(get(bytes, at));
    }
}

pub fn put_msg(out: &mut Vec<u8>, m: Msg, layout: &Layout) {
    out.push(m.kind);
    let n = layout.fields.get(usize::from(m.kind)).copied().unwrap_or(0);
    for &a in &m.args[..n] {
        put(out, a);
    }
}

fn get_msg(bytes: &[u8], at: &mut usize, layout: &Layout) -> Msg {
    let kind = bytes[*at];
    *at += 1;
    let mut m = Msg {
        kind,
        ..Msg::default()
    };
    let n = layout.fields.get(usize::from(kind)).copied().unwrap_or(0);
    for a in &mut m.args[..n] {
        *a = get(bytes, at);
    }
    m
}

/// Marks a failed world's trailer: no channel slot is this large.
const FAILED: u8 = 0xFF;

/// Appends the packed form of `world` to `out`.
pub fn pack(world: &World, layout: &Layout, out: &mut Vec<u8>) {
    for s in &world.states {
        put_state(out, s);
    }
    put_faults(world.faults, layout, out);
    put_channels(world.net.raw(), layout, out);
    put_failure(world.failed.as_ref(), out);
}

/// What is left of the budgets, where the scenario has any.
fn put_faults(faults: Faults, layout: &Layout, out: &mut Vec<u8>) {
    if layout.faults {
        out.push(faults.lose);
        out.push(faults.duplicate);
    }
}

fn put_failure(failed: Option<&Failure>, out: &mut Vec<u8>) {
    if let Some(f) = failed {
        out.push(FAILED);
        out.push(f.actor.0);
        put(out, f.error.line as i32);
        let text = f.error.message.as_bytes();
        put(out, text.len() as i32);
        out.extend_from_slice(text);
    }
}

/// [`pack`] of a successor of the world whose packed bytes are `parent`
/// (with `offsets` from [`unpack_with_offsets`]) in which only actor
/// `changed` and the channels differ: every other actor's bytes are copied.
pub fn pack_spliced(
    world: &World,
    layout: &Layout,
    parent: &[u8],
    offsets: &[usize],
    changed: usize,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(&parent[..offsets[changed]]);
    put_state(out, &world.states[changed]);
    out.extend_from_slice(&parent[offsets[changed + 1]..offsets[layout.actors()]]);
    put_faults(world.faults, layout, out);
    put_channels(world.net.raw(), layout, out);
    put_failure(world.failed.as_ref(), out);
}

/// Channels in slot order: slot, length, messages; empty channels take nothing.
fn put_channels(queue: &[(u16, Msg)], layout: &Layout, out: &mut Vec<u8>) {
    let mut i = 0;
    while i < queue.len() {
        let slot = queue[i].0;
        let len = queue[i..].iter().take_while(|&&(s, _)| s == slot).count();
        out.push(slot as u8);
        put(out, len as i32);
        for &(_, m) in &queue[i..i + len] {
            put_msg(out, m, layout);
        }
        i += len;
    }
}

/// Packs the world in which actor `p` is `world`'s actor `old_of[p]`.
/// `new_of` is the inverse renaming and `scratch` a reusable buffer.
pub fn pack_renamed(
    world: &World,
    layout: &Layout,
    old_of: &[u8],
    new_of: &[u8],
    scratch: &mut Vec<(u16, Msg)>,
    out: &mut Vec<u8>,
) {
    for &old in old_of {
        put_state(out, &world.states[usize::from(old)]);
    }
    put_faults(world.faults, layout, out);
    let n = world.net.actors();
    scratch.clear();
    scratch.extend(world.net.raw().iter().map(|&(slot, m)| {
        let (from, to) = (usize::from(slot) / n, usize::from(slot) % n);
        let renamed = usize::from(new_of[from]) * n + usize::from(new_of[to]);
        (renamed as u16, m)
    }));
    // Stable: a channel's messages keep their order.
    scratch.sort_by_key(|&(slot, _)| slot);
    put_channels(scratch, layout, out);
    let failed = world.failed.as_ref().map(|f| Failure {
        actor: ActorId(new_of[f.actor.index()]),
        error: f.error.clone(),
    });
    put_failure(failed.as_ref(), out);
}

/// The world `pack` wrote.
pub fn unpack(bytes: &[u8], layout: &Layout) -> World {
    let mut world = World {
        states: Vec::new(),
        net: Network::with_order(layout.actors(), layout.unordered),
        faults: Faults::default(),
        failed: None,
    };
    unpack_into(bytes, layout, &mut world);
    world
}

/// [`unpack`] into an existing world, reusing its buffers.
pub fn unpack_into(bytes: &[u8], layout: &Layout, world: &mut World) {
    unpack_with_offsets(bytes, layout, world, &mut Vec::new());
}

/// [`unpack_into`], also telling where each actor's bytes begin:
/// `offsets[a]` for actor `a`, and `offsets[actors]` where the budgets
/// and channels begin. With them a successor that changed one actor is packed by
/// copying the others' bytes ([`pack_spliced`]).
pub fn unpack_with_offsets(
    bytes: &[u8],
    layout: &Layout,
    world: &mut World,
    offsets: &mut Vec<usize>,
) {
    let mut at = 0;
    let actors = layout.actors();
    world.states.resize_with(actors, ActorState::default);
    offsets.clear();
    for (a, state) in world.states.iter_mut().enumerate() {
        offsets.push(at);
        get_state(bytes, &mut at, layout.slots[a], state);
    }
    offsets.push(at);
    world.faults = Faults::default();
    if layout.faults {
        world.faults = Faults {
            lose: bytes[at],
            duplicate: bytes[at + 1],
        };
        at += 2;
    }
    let net = &mut world.net;
    net.clear(actors);
    world.failed = None;
    while at < bytes.len() {
        let slot = bytes[at];
        at += 1;
        if slot == FAILED {
            let actor = ActorId(bytes[at]);
            at += 1;
            let line = get(bytes, &mut at) as u32;
            let len = get(bytes, &mut at) as usize;
            let message = String::from_utf8_lossy(&bytes[at..at + len]).into_owned();
            at += len;
            world.failed = Some(Failure {
                actor,
                error: RunError { message, line },
            });
            continue;
        }
        let len = get(bytes, &mut at);
        for _ in 0..len {
            let m = get_msg(bytes, &mut at, layout);
            net.push_raw(u16::from(slot), m);
        }
    }
}
