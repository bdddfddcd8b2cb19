//! Architecture invariants from ARCHITECTURE.md, checked on the source text.

use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("source folder")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).expect("readable source");
            out.push((path.display().to_string(), text));
        }
    }
}

/// The pure core never touches the web, the clock, randomness or hash order.
#[test]
fn the_core_is_pure_and_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join("model"), &mut files);
    rust_files(&root.join("lang"), &mut files);
    for extra in [
        "wire.rs",
        "permalink.rs",
        "live.rs",
        "timeline.rs",
        "sorted.rs",
    ] {
        let path = root.join(extra);
        files.push((
            path.display().to_string(),
            fs::read_to_string(&path).unwrap(),
        ));
    }
    assert!(files.len() >= 8, "found the core's files");
    let forbidden = [
        "web_sys",
        "js_sys",
        "wasm_bindgen",
        "gloo",
        "std::time",
        "Instant",
        "SystemTime",
        "HashMap",
        "HashSet",
        "rand::",
        "thread_rng",
    ];
    for (path, text) in &files {
        for word in forbidden {
            assert!(!text.contains(word), "{path} mentions {word}");
        }
    }
}

/// Web code is compiled only for wasm32, so `cargo test` checks the core natively.
#[test]
fn web_code_is_gated_on_wasm32() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#[cfg(target_arch = \"wasm32\")]\npub mod web;"));
}

/// No Rust code knows a protocol: the fridge, the bank and their clients
/// exist only in `protocols/`. Comments may name them (as examples), and
/// so may the list of built-ins and the parser's example messages.
#[test]
fn no_rust_code_names_a_protocol() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let words = ["fridge", "bank", "drink", "customer", "person", "people"];
    for (path, text) in &files {
        if path.ends_with("lang/mod.rs") {
            continue; // BUILTINS lists the protocol files by name
        }
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            // Examples inside the front end's own messages are text, not code.
            let code = match code.find("// ") {
                Some(i) => &code[..i],
                None => code,
            };
            // Examples quoted inside the front end's messages are text, not code.
            if code.contains("\\\"") {
                continue;
            }
            let lower = code.to_lowercase();
            for w in words {
                assert!(
                    !lower.contains(w),
                    "{path}:{}: names a protocol ({w}): {line}",
                    n + 1
                );
            }
        }
    }
}
