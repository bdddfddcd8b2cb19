//! The visited set: every packed state once, numbered in discovery order.
//! States live back to back in one arena; the hash table holds each state's
//! number and 32 bits of its hash, so growing the table and rejecting most
//! non-matches never touch the arena. A state costs its packed bytes plus
//! about 17 bytes.

use hashbrown::HashTable;

#[derive(Default)]
pub struct Visited {
    arena: Vec<u8>,
    ends: Vec<u32>,
    table: HashTable<(u32, u32)>,
}

/// FxHash-style over the bytes, then finalised: fast, and the same on every
/// run and machine. Returns the 32 bits the table keeps.
fn hash(bytes: &[u8]) -> u32 {
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
    (h >> 32) as u32 ^ (h as u32)
}

/// The table's 64-bit hash, rebuilt from the kept 32 bits.
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Why a state could not be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl Visited {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.arena[start..self.ends[i] as usize]
    }

    /// The state's number, and whether it is new; `Err(Full)` when the arena
    /// would pass 4 GiB, the most 32-bit offsets can address.
    pub fn insert(&mut self, key: &[u8]) -> Result<(usize, bool), Full> {
        let h = hash(key);
        let Self { arena, ends, table } = self;
        let found = table.find(spread(h), |&(i, kept)| {
            kept == h && {
                let i = i as usize;
                let start = if i == 0 { 0 } else { ends[i - 1] as usize };
                &arena[start..ends[i] as usize] == key
            }
        });
        if let Some(&(i, _)) = found {
            return Ok((i as usize, false));
        }
        let end = u32::try_from(arena.len() + key.len()).map_err(|_| Full)?;
        let i = ends.len() as u32;
        arena.extend_from_slice(key);
        ends.push(end);
        table.insert_unique(spread(h), (i, h), |&(_, kept)| spread(kept));
        Ok((i as usize, true))
    }
}
