//! The visited set: every packed state once, numbered in discovery order.
//! States live back to back in one arena; the hash table holds only their
//! numbers, so a state costs its packed bytes plus about 13 bytes.

use hashbrown::HashTable;

#[derive(Default)]
pub struct Visited {
    arena: Vec<u8>,
    ends: Vec<usize>,
    table: HashTable<u32>,
}

/// FxHash-style: fast, and the same on every run and machine.
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 29)
}

impl Visited {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.arena[start..self.ends[i]]
    }

    /// The state's number, and whether it is new.
    pub fn insert(&mut self, key: &[u8]) -> (usize, bool) {
        let h = hash(key);
        let Self { arena, ends, table } = self;
        let slice = |i: u32| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &arena[start..ends[i]]
        };
        if let Some(&i) = table.find(h, |&i| slice(i) == key) {
            return (i as usize, false);
        }
        let i = ends.len() as u32;
        arena.extend_from_slice(key);
        ends.push(arena.len());
        let (arena, ends) = (&*arena, &*ends);
        table.insert_unique(h, i, |&j| {
            let j = j as usize;
            let start = if j == 0 { 0 } else { ends[j - 1] };
            hash(&arena[start..ends[j]])
        });
        (i as usize, true)
    }
}
