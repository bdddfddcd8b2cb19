//! Compiles the built-in protocols (`protocols/*.race`) when racelab is
//! built, with racelab's own front end, and stores the compiled programs
//! (`src/lang/binary.rs`) for `lang::builtin`: so the page and its workers never parse them, and
//! a first visit does not load the compiler. A built-in with an error
//! fails the build with the diagnostics.

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
    let bytes = binary::encode_any(&programs);
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtins.bin");
    std::fs::write(out, bytes).expect("OUT_DIR is writable");
}
