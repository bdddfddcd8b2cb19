//! The sorted-vector set and map behave as `BTreeSet` and `BTreeMap` do,
//! over a long seeded run of random operations.

use std::collections::{BTreeMap, BTreeSet};

use racelab::sorted::{SortedMap, SortedSet};

/// A fixed pseudo-random stream (SplitMix64), so every run is the same.
struct Stream(u64);

impl Stream {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % below
    }
}

#[test]
fn a_sorted_set_is_a_btree_set() {
    let mut random = Stream(7);
    let (mut ours, mut theirs) = (SortedSet::new(), BTreeSet::new());
    for _ in 0..20_000 {
        let v = random.next(64);
        match random.next(3) {
            0 | 1 => assert_eq!(ours.insert(v), theirs.insert(v)),
            _ => assert_eq!(ours.remove(&v), theirs.remove(&v)),
        }
        assert_eq!(ours.contains(&v), theirs.contains(&v));
        assert_eq!(ours.len(), theirs.len());
    }
    assert!(ours.iter().eq(theirs.iter()));
    assert!(!ours.is_empty());
    let collected: SortedSet<u64> = [5, 1, 5, 3, 1].into_iter().collect();
    assert_eq!(collected.as_slice(), &[1, 3, 5]);
    assert_eq!(
        SortedSet::from([2, 2, 1]).into_iter().collect::<Vec<_>>(),
        vec![1, 2]
    );
}

#[test]
fn a_sorted_map_is_a_btree_map() {
    let mut random = Stream(11);
    let (mut ours, mut theirs) = (SortedMap::new(), BTreeMap::new());
    for i in 0..20_000u64 {
        let k = random.next(50);
        match random.next(3) {
            0 => assert_eq!(ours.insert(k, i), theirs.insert(k, i)),
            1 => {
                *ours.get_or_default(k) += 1;
                *theirs.entry(k).or_default() += 1;
            }
            _ => {
                *ours.get_or_insert_with(k, || 7) += 2;
                *theirs.entry(k).or_insert(7) += 2;
            }
        }
        assert_eq!(ours.get(&k), theirs.get(&k));
        assert_eq!(ours.contains_key(&k), theirs.contains_key(&k));
        assert_eq!(ours.len(), theirs.len());
    }
    assert!(ours.iter().eq(theirs.iter()));
    assert!(ours.keys().eq(theirs.keys()));
    assert!(ours.values().eq(theirs.values()));
    *ours.get_mut(&3).unwrap() = 99;
    assert_eq!(ours.get(&3), Some(&99));
    assert_eq!(ours.get_mut(&1000), None);
    let later_wins: SortedMap<&str, i32> = [("a", 1), ("b", 2), ("a", 3)].into_iter().collect();
    assert_eq!(
        later_wins.into_iter().collect::<Vec<_>>(),
        vec![("a", 3), ("b", 2)]
    );
}
