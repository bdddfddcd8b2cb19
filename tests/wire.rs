//! The byte packings the wire codec uses to cross `postMessage` (as a
//! number or as a string): every byte sequence comes back exactly, and
//! anything else is refused rather than misread.

use racelab::live::Rng;
use racelab::wire::{bytes_to_number, bytes_to_text, number_to_bytes, text_to_bytes, NUMBER_BYTES};

#[test]
fn short_byte_strings_round_trip_through_one_number() {
    let mut rng = Rng::new(3);
    let mut seen = std::collections::BTreeSet::new();
    for len in 0..=NUMBER_BYTES {
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let n = bytes_to_number(&bytes).expect("short enough");
            assert!(n < 2f64.powi(53), "exact in an f64");
            assert_eq!(number_to_bytes(n), Some(bytes.clone()));
            seen.insert(n.to_bits());
        }
    }
    // Leading zero bytes are kept: lengths differ, so numbers differ.
    assert_eq!(
        number_to_bytes(bytes_to_number(&[0, 0, 7]).unwrap()),
        Some(vec![0, 0, 7])
    );
    assert_ne!(bytes_to_number(&[0, 7]), bytes_to_number(&[7]));
    assert_eq!(bytes_to_number(&[1; NUMBER_BYTES + 1]), None);
}

#[test]
fn numbers_that_no_bytes_encode_are_refused() {
    for x in [
        0.0,
        -1.0,
        0.5,
        2.0,
        255.0,
        1e300,
        f64::NAN,
        f64::INFINITY,
        2f64.powi(49),
        2f64.powi(52),
    ] {
        assert_eq!(number_to_bytes(x), None, "{x}");
    }
}

#[test]
fn any_bytes_round_trip_through_a_string() {
    let all: Vec<u8> = (0..=255).collect();
    let text = bytes_to_text(&all);
    assert_eq!(text.chars().count(), 256);
    assert_eq!(text_to_bytes(&text), Some(all));
    assert_eq!(
        text_to_bytes("caf\u{e9}"),
        Some(vec![b'c', b'a', b'f', 0xe9])
    );
    assert_eq!(text_to_bytes("\u{100}"), None);
    assert_eq!(text_to_bytes("\u{1F600}"), None);
}
