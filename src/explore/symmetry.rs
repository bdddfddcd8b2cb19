//! Symmetry between identical clients: a world and the same world with two
//! identical clients swapped have the same futures, up to renaming, so the
//! explorer stores one representative per orbit.
//!
//! The representative sorts the clients of each group of identical clients
//! by their *block*: their state, the messages they have in flight to the
//! server, the server's to them and their own to themselves (timers). This
//! is sound for client-server systems, where clients only talk to the
//! server (or to themselves) and no state or message names an actor; a
//! world with a message between two different clients is reported (`None`)
//! instead of reduced.

use crate::model::{ActorId, Msg, Schedule, Step, System, World};

use super::count::Count;
use super::pack::{pack, pack_renamed, put_msg, put_state, Layout};

const MAX_ACTORS: usize = 16;

/// A renaming of actors: `new_of[old] = new`. The server keeps its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Perm {
    new_of: [u8; MAX_ACTORS],
}

impl Default for Perm {
    fn default() -> Perm {
        let mut new_of = [0u8; MAX_ACTORS];
        for (i, slot) in new_of.iter_mut().enumerate() {
            *slot = i as u8;
        }
        Perm { new_of }
    }
}

impl Perm {
    pub fn step(&self, s: Step) -> Step {
        // The message picked and the fault stay: renaming clients renames
        // channels, not what is in them.
        Step {
            from: ActorId(self.new_of[s.from.index()]),
            to: ActorId(self.new_of[s.to.index()]),
            ..s
        }
    }

    pub fn apply_to(&self, schedule: &Schedule) -> Schedule {
        Schedule(schedule.0.iter().map(|&s| self.step(s)).collect())
    }

    /// The renaming under which actor `p` of the result is `old_of[p]`.
    fn from_old_of(old_of: &[u8]) -> Perm {
        let mut perm = Perm::default();
        for (new, &old) in old_of.iter().enumerate() {
            perm.new_of[usize::from(old)] = new as u8;
        }
        perm
    }
}

pub struct Symmetry {
    actors: usize,
    layout: Layout,
    /// Groups of interchangeable clients (two or more with the same role).
    groups: Vec<Vec<u8>>,
    blocks: Vec<Vec<u8>>,
    old_of: Vec<u8>,
    new_of: Vec<u8>,
    scratch: Vec<(u16, Msg)>,
}

impl Symmetry {
    pub fn new(system: &System, enabled: bool) -> Symmetry {
        let actors = system.actors();
        let program = &system.inst.program;
        let sound = program.symmetry_unsound().is_none();
        let mut groups: Vec<Vec<u8>> = Vec::new();
        if enabled && sound && actors <= MAX_ACTORS {
            for id in system.clients() {
                let role = system.role(id);
                match groups
                    .iter_mut()
                    .find(|g| system.role(ActorId(g[0])) == role)
                {
                    Some(g) => g.push(id.0),
                    None => groups.push(vec![id.0]),
                }
            }
            groups.retain(|g| g.len() > 1);
        }
        Symmetry {
            actors,
            layout: Layout::new(system),
            groups,
            blocks: vec![Vec::new(); actors],
            old_of: (0..actors as u8).collect(),
            new_of: (0..actors as u8).collect(),
            scratch: Vec::new(),
        }
    }

    /// Symmetry among the clients that are interchangeable *in `world`*:
    /// of one role, in the same state, with the same messages in flight.
    /// Every renaming of those leaves `world` as it is, so what is reachable
    /// from it is closed under them, and a search from `world` that stores
    /// one state per orbit of this smaller group, and expands final orbits
    /// back into their members, finds exactly the outcomes reachable from
    /// `world` (the full group would add members it cannot reach).
    pub fn fixing(system: &System, enabled: bool, world: &World) -> Symmetry {
        let mut symmetry = Symmetry::new(system, enabled);
        if !symmetry.active() || !symmetry.fill_blocks(world) {
            symmetry.groups.clear();
            return symmetry;
        }
        let mut classes: Vec<Vec<u8>> = Vec::new();
        for group in &symmetry.groups {
            let mut split: Vec<Vec<u8>> = Vec::new();
            for &c in group {
                let block = &symmetry.blocks[usize::from(c)];
                match split
                    .iter_mut()
                    .find(|g| symmetry.blocks[usize::from(g[0])] == *block)
                {
                    Some(g) => g.push(c),
                    None => split.push(vec![c]),
                }
            }
            classes.extend(split.into_iter().filter(|g| g.len() > 1));
        }
        symmetry.groups = classes;
        symmetry
    }

    /// The packing this symmetry's keys use.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn active(&self) -> bool {
        !self.groups.is_empty()
    }

    fn fill_blocks(&mut self, world: &World) -> bool {
        let server = ActorId::SERVER;
        // A message between two different clients: not client-server. One
        // pass over what is in flight (slot = from * actors + to).
        let n = self.actors;
        if world.net.raw().iter().any(|&(slot, _)| {
            let (from, to) = (usize::from(slot) / n, usize::from(slot) % n);
            from != 0 && to != 0 && from != to
        }) {
            return false;
        }
        for group in &self.groups {
            for &c in group {
                let block = &mut self.blocks[usize::from(c)];
                block.clear();
                put_state(block, &world.states[usize::from(c)]);
                for step in [
                    Step::new(ActorId(c), server),
                    Step::new(server, ActorId(c)),
                    Step::new(ActorId(c), ActorId(c)),
                ] {
                    block.push(world.net.channel(step).count() as u8);
                    for m in world.net.channel(step) {
                        put_msg(block, m, &self.layout);
                    }
                }
            }
        }
        true
    }

    /// Packs `world`'s representative into `key` and returns the renaming
    /// that turns `world` into it; `None` if the world is not client-server.
    pub fn canonical(&mut self, world: &World, key: &mut Vec<u8>) -> Option<Perm> {
        if !self.active() {
            pack(world, &self.layout, key);
            return Some(Perm::default());
        }
        if !self.fill_blocks(world) {
            pack(world, &self.layout, key);
            return None;
        }
        for (i, slot) in self.old_of.iter_mut().enumerate() {
            *slot = i as u8;
        }
        let mut sorted = [0u8; MAX_ACTORS];
        for group in &self.groups {
            let sorted = &mut sorted[..group.len()];
            sorted.copy_from_slice(group);
            sorted.sort_by(|&a, &b| self.blocks[usize::from(a)].cmp(&self.blocks[usize::from(b)]));
            for (k, &position) in group.iter().enumerate() {
                self.old_of[usize::from(position)] = sorted[k];
            }
        }
        for (new, &old) in self.old_of.iter().enumerate() {
            self.new_of[usize::from(old)] = new as u8;
        }
        pack_renamed(
            world,
            &self.layout,
            &self.old_of,
            &self.new_of,
            &mut self.scratch,
            key,
        );
        Some(Perm::from_old_of(&self.old_of))
    }

    /// Every distinct world in the orbit of the representative `world`, each
    /// with the renaming from the representative and its equal share of
    /// `count` (the orbit's schedules).
    pub fn members(&mut self, world: &World, count: Count) -> Vec<Member> {
        let identity: Vec<u8> = (0..self.actors as u8).collect();
        if !self.active() || !self.fill_blocks(world) {
            return vec![member(world, &self.layout, &identity, count)];
        }
        // For each group, its distinct arrangements (as lists of old ids).
        let mut per_group: Vec<Vec<Vec<u8>>> = Vec::new();
        for group in &self.groups {
            let mut order = group.clone();
            order.sort_by(|&a, &b| self.blocks[usize::from(a)].cmp(&self.blocks[usize::from(b)]));
            let mut arrangements = Vec::new();
            loop {
                arrangements.push(order.clone());
                if !next_arrangement(&mut order, &self.blocks) {
                    break;
                }
            }
            per_group.push(arrangements);
        }
        let orbit: u128 = per_group.iter().map(|a| a.len() as u128).product();
        let share = Count {
            value: if count.saturated {
                count.value
            } else {
                count.value / orbit
            },
            saturated: count.saturated,
        };
        let mut out = Vec::new();
        let mut choice = vec![0usize; per_group.len()];
        loop {
            let mut old_of = identity.clone();
            for (g, group) in self.groups.iter().enumerate() {
                for (k, &position) in group.iter().enumerate() {
                    old_of[usize::from(position)] = per_group[g][choice[g]][k];
                }
            }
            out.push(member(world, &self.layout, &old_of, share));
            // Next combination across groups.
            let mut g = 0;
            loop {
                if g == choice.len() {
                    return out;
                }
                choice[g] += 1;
                if choice[g] < per_group[g].len() {
                    break;
                }
                choice[g] = 0;
                g += 1;
            }
        }
    }
}

fn member(world: &World, layout: &Layout, old_of: &[u8], share: Count) -> Member {
    let mut key = Vec::new();
    let mut new_of = vec![0u8; old_of.len()];
    for (new, &old) in old_of.iter().enumerate() {
        new_of[usize::from(old)] = new as u8;
    }
    pack_renamed(world, layout, old_of, &new_of, &mut Vec::new(), &mut key);
    Member {
        world: super::pack::unpack(&key, layout),
        perm: Perm::from_old_of(old_of),
        share,
    }
}

/// The next arrangement of `order` in the order of the clients' blocks,
/// treating equal blocks as equal (so each distinct arrangement comes once).
fn next_arrangement(order: &mut [u8], blocks: &[Vec<u8>]) -> bool {
    let key = |c: u8| &blocks[usize::from(c)];
    let n = order.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && key(order[i - 1]) >= key(order[i]) {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = n - 1;
    while key(order[j]) <= key(order[i - 1]) {
        j -= 1;
    }
    order.swap(i - 1, j);
    order[i..].reverse();
    true
}

/// A world together with the renaming that makes it from a representative.
pub(crate) struct Member {
    pub world: World,
    pub perm: Perm,
    pub share: Count,
}
