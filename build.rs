//! Compiles the built-in protocols (`protocols/*.race`) when racelab is
//! built, with racelab's own front end, and stores the compiled programs
//! (`src/lang/binary.rs`) for `lang::builtin`: so the page and its workers never parse them, and
//! a first visit does not load the compiler. A built-in with an error
//! fails the build with the diagnostics.
//!
//! Three forms are written: `builtins.bin` (every program) for the
//! command line, the tests and the analysis build; `page-builtins.bin`
//! (only the default protocol's program, and every built-in's digest) for
//! the page's build, feature `lazy-builtins`, so a first visit loads one
//! program, not all; and `target/compiled-protocols/NAME.bin`, each program
//! on its own, which the release bundle ships as `compiled/NAME.bin`
//! (copied by trunk's post_build hook, `scripts/post-build.mjs`) for the
//! page to fetch when it first shows that protocol.

#[path = "src/lang/binary.rs"]
#[allow(dead_code)]
mod binary;
#[path = "src/lang/builtins.rs"]
mod builtins;
#[path = "src/lang/check.rs"]
#[allow(dead_code)]
mod check;
#[path = "src/lang/diag.rs"]
#[allow(dead_code)]
mod diag;
#[path = "src/lang/program.rs"]
#[allow(dead_code)]
mod program;
#[path = "src/lang/syntax.rs"]
#[allow(dead_code)]
mod syntax;

fn main() {
    println!("cargo:rerun-if-changed=protocols");
    println!("cargo:rerun-if-changed=src/lang");
    let mut programs = Vec::new();
    for (name, source) in builtins::BUILTINS {
        let file = format!("{name}.race");
        let (ast, diags) = syntax::parse(source);
        let checked = if diags.is_empty() {
            check::check(&ast, source)
        } else {
            Err(diags)
        };
        match checked {
            Ok(mut program) => {
                // The source is not stored: natively racelab has the files
                // (lang::BUILTINS), and the page fetches the one it shows.
                let digest = builtins::digest(source);
                program.source.clear();
                programs.push((program, digest));
            }
            Err(diagnostics) => {
                let report = diag::Report {
                    file,
                    source: source.to_string(),
                    diagnostics,
                };
                panic!("the built-in protocol {name} does not compile:\n{report}");
            }
        }
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtins.bin"), binary::encode_any(&programs))
        .expect("OUT_DIR is writable");
    let page: Vec<(Option<program::Program>, u64)> = programs
        .iter()
        .enumerate()
        .map(|(i, (program, digest))| ((i == 0).then(|| program.clone()), *digest))
        .collect();
    std::fs::write(out.join("page-builtins.bin"), binary::encode_any(&page))
        .expect("OUT_DIR is writable");
    // Beside the target folder cargo uses by default, whatever the build's:
    // where the post_build hook finds them.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = std::path::Path::new(&manifest).join("target/compiled-protocols");
    std::fs::create_dir_all(&dir).expect("target/ is writable");
    for ((name, _), program) in builtins::BUILTINS.iter().zip(&programs) {
        let bytes = binary::encode_any(program);
        let path = dir.join(format!("{name}.bin"));
        if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
            // Written whole then renamed: two builds at once (the page's
            // and the analysis build) never leave half a file.
            let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
            std::fs::write(&partial, &bytes).expect("target/ is writable");
            std::fs::rename(&partial, &path).expect("target/ is writable");
        }
    }
}
