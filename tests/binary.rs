//! The compiled programs' binary form (`lang::binary`): what is written is
//! read back exactly, for every built-in, every good test protocol and the
//! examples; and damaged bytes are refused, never a panic.

use std::path::PathBuf;

use racelab::lang::{self, binary, Program};

fn programs() -> Vec<(String, Program)> {
    let mut all: Vec<(String, Program)> = lang::BUILTINS
        .iter()
        .map(|(name, source)| (name.to_string(), lang::compile(name, source).unwrap()))
        .collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for dir in ["tests/lang/good", "static/examples"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == lang::EXTENSION))
            .collect();
        files.sort();
        for path in files {
            let source = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            match lang::compile(&name, &source) {
                Ok(program) => all.push((name, program)),
                Err(report) => panic!("{report}"),
            }
        }
    }
    assert!(
        all.len() > lang::BUILTINS.len() + 2,
        "the test files were found"
    );
    all
}

#[test]
fn every_program_reads_back_exactly() {
    for (name, program) in programs() {
        let bytes = binary::encode(&program);
        assert_eq!(binary::decode(&bytes).as_ref(), Some(&program), "{name}");
    }
}

#[test]
fn short_or_longer_input_is_refused() {
    let (_, program) = programs().swap_remove(0);
    let bytes = binary::encode(&program);
    for cut in 0..bytes.len() {
        assert_eq!(binary::decode(&bytes[..cut]), None, "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(binary::decode(&longer), None);
}

#[test]
fn damaged_bytes_never_panic() {
    // A seeded generator: the same damage every run.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut refused = 0;
    for (_, program) in programs().into_iter().take(6) {
        let bytes = binary::encode(&program);
        for _ in 0..300 {
            let mut damaged = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % damaged.len() as u64) as usize;
                damaged[i] = next() as u8;
            }
            match binary::decode(&damaged) {
                None => refused += 1,
                Some(p) => assert_eq!(binary::decode(&binary::encode(&p)), Some(p)),
            }
        }
    }
    assert!(refused > 0);
}

#[test]
fn nesting_is_bounded() {
    // Expr::Not (tag 15) nested far deeper than any checked program: refused, not a stack overflow.
    let deep = vec![15u8; 100_000];
    assert_eq!(
        binary::decode_all::<racelab::lang::program::Expr>(&deep),
        None
    );
    // Lengths past the end are refused before anything is allocated for them.
    assert_eq!(
        binary::decode_all::<Vec<String>>(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
        None
    );
}

#[test]
fn a_built_in_source_is_known_by_its_digest() {
    for (name, source) in lang::BUILTINS {
        assert_eq!(
            lang::builtin_digest(name),
            Some(lang::digest(source)),
            "{name}"
        );
        let edited = format!("{source}// edited\n");
        assert_ne!(lang::builtin_digest(name), Some(lang::digest(&edited)));
    }
    assert_eq!(lang::builtin_digest("no-such-protocol"), None);
}

/// The files the page fetches for the built-ins its wasm does not hold
/// (`compiled/NAME.bin`, which build.rs writes): each is its built-in, and
/// anything else is refused with a reason.
#[test]
fn each_built_in_loads_from_its_own_file_and_nothing_else_does() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compiled-protocols");
    for name in lang::BUILTIN_NAMES {
        assert!(
            lang::builtin_stored(name),
            "natively every built-in is held"
        );
        let bytes = std::fs::read(dir.join(format!("{name}.bin")))
            .unwrap_or_else(|e| panic!("{name}.bin: {e}"));
        let loaded = lang::load_builtin(name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(*loaded, *lang::builtin(name).unwrap(), "{name}");
        // Another built-in's file, a damaged one, or one from another version.
        let other = lang::BUILTIN_NAMES.iter().find(|n| **n != name).unwrap();
        let e = lang::load_builtin(other, &bytes).unwrap_err();
        assert!(e.contains("another version"), "{e}");
        let e = lang::load_builtin(name, &bytes[..bytes.len() - 1]).unwrap_err();
        assert!(e.contains("damaged"), "{e}");
        let (program, digest): (Program, u64) = binary::decode_all(&bytes).unwrap();
        let stale = binary::encode_any(&(program, digest ^ 1));
        let e = lang::load_builtin(name, &stale).unwrap_err();
        assert!(e.contains("another version"), "{e}");
    }
    assert!(lang::load_builtin("no-such-protocol", &[]).is_err());
}

#[test]
fn a_varint_s_length_is_what_it_takes() {
    for v in [
        0u64,
        1,
        127,
        128,
        16_383,
        16_384,
        u64::from(u32::MAX),
        u64::MAX,
    ] {
        assert_eq!(binary::varint_len(v), binary::encode_any(&v).len(), "{v}");
    }
}
