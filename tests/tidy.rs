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
    for folder in ["model", "lang", "explore"] {
        rust_files(&root.join(folder), &mut files);
    }
    let file = |name: &str| {
        let path = root.join(name);
        let text = fs::read_to_string(&path).ok()?;
        Some((path.display().to_string(), text))
    };
    for name in [
        "wire.rs",
        "explorations.rs",
        "permalink.rs",
        "live.rs",
        "timeline.rs",
        "sorted.rs",
    ] {
        files.push(file(name).unwrap_or_else(|| panic!("src/{name} is readable")));
    }
    // The page's own pure modules (HTML built as text, input checked),
    // wherever they exist.
    files.extend(["html.rs", "input.rs"].into_iter().filter_map(file));
    assert!(files.len() >= 25, "found the core's files");
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
        "hashbrown",
        "rand::",
        "thread_rng",
    ];
    // The one hash table: the explorer's visited set (the search's states,
    // and the trace count's memo), which can only insert and look up, never
    // iterate, so no result can depend on hash order; its hash is fixed.
    let allowed = [("explore/visited.rs", "hashbrown")];
    for (path, text) in &files {
        for word in forbidden {
            if allowed
                .iter()
                .any(|&(file, w)| w == word && path.ends_with(file))
            {
                continue;
            }
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

/// The library's files: each one's path under `src/` (with `/`) and its text.
fn library_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|(path, text)| {
            let relative = Path::new(&path).strip_prefix(&root).expect("under src/");
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            (parts.join("/"), text)
        })
        .collect()
}

fn is_web(module: &str) -> bool {
    module == "web" || module.starts_with("web::")
}

/// The import cycles in the library, outside or inside `src/web/`.
fn library_cycles(web: bool) -> Vec<String> {
    let library = imports::Crate::library(&library_files());
    assert!(library.modules().count() >= 40, "found the library's files");
    let graph = library.graph();
    // The check reads real imports: a few that must be there.
    for (from, to) in [
        ("model::system", "model::network"),
        ("explore::fate", "model::system"),
        ("wire", "explore::fate"),
        ("lang::check", "lang::syntax"),
    ] {
        assert!(
            graph.get(from).is_some_and(|tos| tos.contains(to)),
            "the import graph has {from} -> {to}: {graph:#?}"
        );
    }
    imports::cycles(&graph)
        .into_iter()
        .filter(|cycle| cycle.split(" -> ").any(is_web) == web)
        .collect()
}

/// No two modules import each other, directly or around a circle: each
/// file of the core builds on files below it, so each can be read, tested
/// and moved on its own.
#[test]
fn no_import_cycles() {
    let cycles = library_cycles(false);
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// Nor do the crate's top-level modules, folders counted whole: `lang`
/// knows nothing of `model`, which is built on it, and only the page's
/// code (which nothing imports) builds on everything.
#[test]
fn no_import_cycles_between_top_level_modules() {
    let graph = imports::Crate::library(&library_files()).graph();
    let top = imports::top_level(&graph);
    assert!(top["model"].contains("lang") && top["explore"].contains("model"));
    let cycles = imports::cycles(&top);
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The same for the page's code.
#[test]
fn no_import_cycles_in_web() {
    let cycles = library_cycles(true);
    assert!(
        cycles.is_empty(),
        "import cycles in src/web:\n{}",
        cycles.join("\n")
    );
}

/// HTML is escaped by construction: the page writes HTML into itself only
/// through `web/dom.rs`, which takes nothing but `Html`, and only
/// `html.rs` builds one from anything but literals and escaped text.
#[test]
fn html_reaches_the_page_only_through_dom() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join("web"), &mut files);
    assert!(files.len() > 10, "found the web code");
    let mut writers = Vec::new();
    for (path, text) in &files {
        for word in [
            "set_inner_html",
            "set_outer_html",
            "insert_adjacent_html",
            ".write_with_str",
        ] {
            if text.contains(word) {
                writers.push(format!("{path}: {word}"));
            }
        }
    }
    assert_eq!(writers.len(), 1, "HTML written outside dom.rs: {writers:?}");
    assert!(writers[0].contains("dom.rs: set_inner_html"), "{writers:?}");
    // Html's inside is private to html.rs: no other file makes one from a
    // String.
    let html = fs::read_to_string(root.join("html.rs")).unwrap();
    assert!(
        html.contains("pub struct Html(String);"),
        "Html's field stays private"
    );
}

/// The import graph of a small made-up crate, with every form the check
/// reads, and its cycles: so the check cannot pass by reading nothing.
#[test]
fn the_import_check_finds_cycles() {
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let files = [
        file("lib.rs", "pub mod core;\npub mod page;\nmod util;\n"),
        file(
            "core/mod.rs",
            "//! Uses [`crate::page::App`] only in a doc comment.\n\
             pub mod a;\npub mod b;\nmod c;\n\
             pub use a::{Alpha, Beta as B};\npub use b::*;\n",
        ),
        // a's import of a name core re-exports from b is an import of b.
        file(
            "core/a.rs",
            "use crate::{core::{Bravo, self}, util::helper as h};\n\
             pub struct Alpha;\npub struct Beta;\n\
             // crate::page::after() in a comment\n\
             fn f() -> &'static str { let _ = '\"'; r#\"crate::page::App\"# }\n",
        ),
        file(
            "core/b.rs",
            "pub struct Bravo;\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n    fn t() { super::super::c::g(); }\n}\n",
        ),
        file("core/c.rs", "pub fn g() {}\n"),
        // page and its child import each other: page::view calls a
        // function defined in page's own mod.rs, which uses the view.
        file(
            "page/mod.rs",
            "mod view;\npub fn after() {}\npub struct App;\n\
             fn draw() { view::draw(crate::core::Alpha); }\n",
        ),
        file(
            "page/view.rs",
            "pub fn draw(_: crate::core::B) { super::after(); let s = \"crate::util::x\"; }\n\
             fn loud() { crate::shout!(); }\n",
        ),
        file(
            "util.rs",
            "pub fn helper() { crate::core::a::Alpha; }\n\
             #[macro_export]\nmacro_rules! shout { () => { $crate::util::helper() } }\n",
        ),
        // Not the library's: a binary's own module.
        file("cli.rs", "use crate::page::App;\n"),
    ];
    let library = imports::Crate::library(&files);
    let graph = library.graph();
    let edges: Vec<String> = graph
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| format!("{from} -> {to}")))
        .collect();
    assert_eq!(
        edges,
        [
            "core -> core::a",
            "core -> core::b",
            "core::a -> core::b",
            "core::a -> util",
            "core::b -> core::c",
            "page -> core::a",
            "page -> page::view",
            "page::view -> core::a",
            "page::view -> page",
            "page::view -> util",
            "util -> core::a",
        ]
    );
    assert_eq!(
        imports::cycles(&graph),
        ["core::a -> util -> core::a", "page -> page::view -> page"]
    );
    assert!(!library.modules().any(|m| m == "cli"));
    assert_eq!(
        imports::cycles(&imports::top_level(&graph)),
        ["core -> util -> core"]
    );
}

/// The library's import graph between files, read from the source text.
///
/// Each file is a module (`model/mod.rs` is `model`, `model/system.rs` is
/// `model::system`, `lib.rs` is `crate`); the library is `lib.rs` and the
/// files its `mod` declarations reach (`main.rs`, `cli.rs` and `bin/` are
/// crates of their own, which can only import the library). An edge goes
/// from a file to the file that defines what one of its paths names: a
/// `use` (grouped ones flattened), or a path in the code
/// (`super::after(..)`, `crate::model::Msg`) starting from `crate`,
/// `super`, `self`, a child module or a name a `use` brought in. A name a
/// module re-exports (`pub use actor::{Msg, ..}`, `pub use system::*`) is
/// followed to the file that defines it, so a `mod.rs` that only gathers
/// its children's names is no cycle; a child using something defined in
/// its parent's `mod.rs` is an edge to the parent, and an exported macro
/// (`crate::html_of!`) is its file's. Declaring `mod child;`
/// is not an import, and neither is a path that names only a module.
/// Comments, doc comments and string and character literals are skipped.
///
/// It reads text, not the compiler's view: `cfg` is ignored (every line
/// counts, whatever the target), paths a macro builds are not seen, names
/// a glob `use` brings in are not followed into later paths (the glob is an
/// edge to its module), a name a `use` brings in counts in the whole file,
/// and `#[path]` is not followed. It errs towards edges that are there.
mod imports {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};

    /// A piece of code, with comments and literals left out.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Tok {
        Ident(String),
        /// `::`
        PathSep,
        Punct(char),
    }

    /// The code's identifiers, `::` and punctuation; comments, strings
    /// (raw and byte ones too), characters and numbers are dropped.
    pub fn tokens(text: &str) -> Vec<Tok> {
        let c: Vec<char> = text.chars().collect();
        let at = |i: usize| c.get(i).copied().unwrap_or('\0');
        let word_char = |ch: char| ch.is_alphanumeric() || ch == '_';
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            let ch = c[i];
            if ch.is_whitespace() {
                i += 1;
            } else if ch == '/' && at(i + 1) == '/' {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            } else if ch == '/' && at(i + 1) == '*' {
                i = block_comment_end(&c, i);
            } else if ch == '"' {
                i = string_end(&c, i + 1);
            } else if ch == '\'' {
                i = quote_end(&c, i);
            } else if ch == ':' && at(i + 1) == ':' {
                out.push(Tok::PathSep);
                i += 2;
            } else if ch.is_ascii_digit() {
                while i < c.len() && word_char(c[i]) {
                    i += 1;
                }
            } else if word_char(ch) {
                let start = i;
                while i < c.len() && word_char(c[i]) {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                match (word.as_str(), at(i)) {
                    ("b" | "c", '"') => i = string_end(&c, i + 1),
                    ("b", '\'') => i = quote_end(&c, i),
                    ("r" | "br" | "cr", '"' | '#') => match raw_string_end(&c, i) {
                        Some(end) => i = end,
                        None => i += 1, // `r#name`: a raw identifier follows
                    },
                    _ => out.push(Tok::Ident(word)),
                }
            } else {
                out.push(Tok::Punct(ch));
                i += 1;
            }
        }
        out
    }

    /// Past the `/* .. */` (nested) that starts at `i`.
    fn block_comment_end(c: &[char], mut i: usize) -> usize {
        let mut depth = 0;
        while i < c.len() {
            match (c[i], c.get(i + 1)) {
                ('/', Some('*')) => {
                    depth += 1;
                    i += 2;
                }
                ('*', Some('/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        i
    }

    /// Past the closing quote of a string whose text starts at `i`.
    fn string_end(c: &[char], mut i: usize) -> usize {
        while i < c.len() {
            match c[i] {
                '\\' => i += 2,
                '"' => return i + 1,
                _ => i += 1,
            }
        }
        i
    }

    /// Past a character literal at `i` (`'a'`, `'\''`, `'\u{2192}'`); for
    /// a lifetime or a label (`'a`), past the quote only.
    fn quote_end(c: &[char], i: usize) -> usize {
        if c.get(i + 1) == Some(&'\\') {
            let mut j = i + 3;
            while j < c.len() && c[j] != '\'' {
                j += 1;
            }
            j + 1
        } else if c.get(i + 2) == Some(&'\'') {
            i + 3
        } else {
            i + 1
        }
    }

    /// Past a raw string whose hashes or quote start at `i` (`r#".."#`);
    /// `None` if none starts there.
    fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
        let hashes = c[i..].iter().take_while(|&&ch| ch == '#').count();
        if c.get(i + hashes) != Some(&'"') {
            return None;
        }
        let mut j = i + hashes + 1;
        while j < c.len() {
            if c[j] == '"'
                && c[j + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&h| h == '#')
                    .count()
                    == hashes
            {
                return Some(j + 1 + hashes);
            }
            j += 1;
        }
        Some(j)
    }

    /// A path as written, and the inline modules (`mod tests { .. }`) of
    /// its file it is written in, which `super` and `self` start from.
    #[derive(Clone, Debug)]
    pub struct Written {
        pub segments: Vec<String>,
        pub inline: Vec<String>,
    }

    /// One path of a `use`: `use a::{b as c, d::*}` is `a::b` named `c`
    /// and the glob `a::d::*`.
    #[derive(Clone, Debug)]
    pub struct Import {
        pub path: Written,
        /// The name it brings in (`None` for a glob or `as _`).
        pub name: Option<String>,
        pub glob: bool,
    }

    /// What one file says about modules.
    #[derive(Clone, Debug, Default)]
    pub struct Source {
        /// `mod x;`: its child modules (declared, not imported).
        pub children: Vec<String>,
        pub imports: Vec<Import>,
        /// Every other path of two or more segments in its code.
        pub paths: Vec<Written>,
        /// The names it defines (functions, types, constants, macros,
        /// inline modules), wherever in it.
        pub defines: BTreeSet<String>,
        /// Its `#[macro_export]` macros, which the crate root holds.
        pub exported: BTreeSet<String>,
    }

    const DEFINING: [&str; 8] = [
        "fn", "struct", "enum", "trait", "type", "const", "static", "union",
    ];

    /// Reads a file's modules, imports, paths and definitions.
    pub fn read(text: &str) -> Source {
        let toks = tokens(text);
        let ident = |i: usize| match toks.get(i) {
            Some(Tok::Ident(w)) => Some(w.as_str()),
            _ => None,
        };
        let punct = |i: usize, p: char| toks.get(i) == Some(&Tok::Punct(p));
        let mut src = Source::default();
        // The inline modules open at this point, each with the brace depth
        // outside it.
        let mut inline: Vec<(String, usize)> = Vec::new();
        let mut depth = 0usize;
        let mut i = 0;
        while i < toks.len() {
            let here: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
            let after_sep = i > 0 && toks[i - 1] == Tok::PathSep;
            match (ident(i), ident(i + 1)) {
                (Some("use"), _) => {
                    let mut flat = Vec::new();
                    i = use_tree(&toks, i + 1, Vec::new(), &mut flat);
                    for (segments, name, glob) in flat {
                        let path = Written {
                            segments,
                            inline: here.clone(),
                        };
                        src.imports.push(Import { path, name, glob });
                    }
                    continue;
                }
                (Some("mod"), Some(name)) if punct(i + 2, ';') => {
                    src.children.push(name.to_string());
                    i += 3;
                    continue;
                }
                (Some("mod"), Some(name)) if punct(i + 2, '{') => {
                    src.defines.insert(name.to_string());
                    inline.push((name.to_string(), depth));
                    depth += 1;
                    i += 3;
                    continue;
                }
                (Some(keyword), Some(name)) if DEFINING.contains(&keyword) => {
                    src.defines.insert(name.to_string());
                }
                (Some("macro_rules"), _) if punct(i + 1, '!') => {
                    if let Some(name) = ident(i + 2) {
                        src.defines.insert(name.to_string());
                        // `#[macro_export]` just before it
                        if i >= 2 && punct(i - 1, ']') && ident(i - 2) == Some("macro_export") {
                            src.exported.insert(name.to_string());
                        }
                    }
                }
                (Some(_), _) if !after_sep && toks.get(i + 1) == Some(&Tok::PathSep) => {
                    let (segments, end) = path_at(&toks, i);
                    src.paths.push(Written {
                        segments,
                        inline: here,
                    });
                    i = end;
                    continue;
                }
                _ if punct(i, '{') => depth += 1,
                _ if punct(i, '}') => {
                    depth = depth.saturating_sub(1);
                    if inline.last().is_some_and(|&(_, outside)| outside == depth) {
                        inline.pop();
                    }
                }
                _ => {}
            }
            i += 1;
        }
        src
    }

    /// The path `a::b::c` starting at `i`, and where it ends (a `::<`
    /// or anything else not a name ends it).
    fn path_at(toks: &[Tok], mut i: usize) -> (Vec<String>, usize) {
        let mut segments = Vec::new();
        while let Some(Tok::Ident(w)) = toks.get(i) {
            segments.push(w.clone());
            i += 1;
            if toks.get(i) != Some(&Tok::PathSep) {
                break;
            }
            i += 1;
        }
        (segments, i)
    }

    /// One flattened path of a use tree: its segments, the name it brings
    /// in, and whether it is a glob.
    type Flat = (Vec<String>, Option<String>, bool);

    /// Flattens the use tree that starts at `i` (after `use`, or inside
    /// braces) onto `path`; returns where it ends.
    fn use_tree(toks: &[Tok], mut i: usize, mut path: Vec<String>, out: &mut Vec<Flat>) -> usize {
        if toks.get(i) == Some(&Tok::PathSep) {
            i += 1;
        }
        loop {
            match toks.get(i) {
                Some(Tok::Ident(w)) => {
                    path.push(w.clone());
                    i += 1;
                    if toks.get(i) != Some(&Tok::PathSep) {
                        break;
                    }
                    i += 1;
                }
                Some(Tok::Punct('*')) => {
                    out.push((path, None, true));
                    return i + 1;
                }
                Some(Tok::Punct('{')) => {
                    i += 1;
                    while let Some(t) = toks.get(i) {
                        match t {
                            Tok::Punct('}') => return i + 1,
                            Tok::Punct(',') => i += 1,
                            _ => i = use_tree(toks, i, path.clone(), out).max(i + 1),
                        }
                    }
                    return i;
                }
                _ => break,
            }
        }
        // `a::{self}` is `a` itself.
        if path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        let mut name = path.last().cloned();
        if toks.get(i) == Some(&Tok::Ident("as".to_string())) {
            name = match toks.get(i + 1) {
                Some(Tok::Ident(n)) if n != "_" => Some(n.clone()),
                _ => None,
            };
            i += 2;
        }
        out.push((path, name, false));
        i
    }

    /// A module's path from the crate root: `model/system.rs` is
    /// `["model", "system"]`, `model/mod.rs` is `["model"]`, `lib.rs` is `[]`.
    pub fn module_of(file: &str) -> Vec<String> {
        let file = file.strip_suffix(".rs").unwrap_or(file);
        let mut segments: Vec<String> = file.split('/').map(String::from).collect();
        if segments.last().is_some_and(|s| s == "mod") || segments == ["lib"] {
            segments.pop();
        }
        segments
    }

    /// How a module is named in reports: `model::system`, or `crate`.
    pub fn name(module: &[String]) -> String {
        if module.is_empty() {
            "crate".to_string()
        } else {
            module.join("::")
        }
    }

    /// The library's files, read.
    pub struct Crate {
        modules: BTreeMap<Vec<String>, Source>,
    }

    impl Crate {
        /// `lib.rs` and every file its `mod` declarations reach, from
        /// `files`: each one's path under `src/` (with `/`) and its text.
        pub fn library(files: &[(String, String)]) -> Crate {
            let mut all: BTreeMap<Vec<String>, Source> = files
                .iter()
                .map(|(file, text)| (module_of(file), read(text)))
                .collect();
            let mut modules = BTreeMap::new();
            let mut todo = vec![Vec::new()];
            while let Some(module) = todo.pop() {
                if let Some(src) = all.remove(&module) {
                    for child in &src.children {
                        todo.push([module.clone(), vec![child.clone()]].concat());
                    }
                    modules.insert(module, src);
                }
            }
            Crate { modules }
        }

        pub fn modules(&self) -> impl Iterator<Item = String> + '_ {
            self.modules.keys().map(|m| name(m))
        }

        /// Where a path written in `module` leads, from the crate root;
        /// `None` when it starts elsewhere (`std`, `serde`, a type's own
        /// `Self::`, a local name).
        fn absolute(
            &self,
            module: &[String],
            written: &Written,
            aliases: &BTreeMap<String, Vec<String>>,
        ) -> Option<Vec<String>> {
            let (first, mut rest) = written.segments.split_first()?;
            let mut base: Vec<String> = module.iter().chain(&written.inline).cloned().collect();
            match first.as_str() {
                "crate" => base.clear(),
                "self" => {}
                "super" => {
                    base.pop();
                    while rest.first().is_some_and(|s| s == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                }
                child if self.modules[module].children.iter().any(|c| c == child) => {
                    base = [module, &[child.to_string()]].concat();
                }
                alias => base = aliases.get(alias)?.clone(),
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }

        /// The names `module`'s imports bring in, each with its absolute path.
        fn aliases(&self, module: &[String]) -> BTreeMap<String, Vec<String>> {
            let none = BTreeMap::new();
            self.modules[module]
                .imports
                .iter()
                .filter_map(|imp| {
                    Some((imp.name.clone()?, self.absolute(module, &imp.path, &none)?))
                })
                .collect()
        }

        /// The deepest module file on an absolute path, and the rest of it.
        fn deepest<'p>(&self, path: &'p [String]) -> (Vec<String>, &'p [String]) {
            let mut module = Vec::new();
            let mut rest = path;
            while let Some((next, tail)) = rest.split_first() {
                let child = [module.as_slice(), std::slice::from_ref(next)].concat();
                if !self.modules.contains_key(&child) {
                    break;
                }
                module = child;
                rest = tail;
            }
            (module, rest)
        }

        /// The file that defines what an absolute path names, following
        /// re-exports at most `hops` times; `None` for a module alone.
        fn defining(&self, path: &[String], hops: usize) -> Option<Vec<String>> {
            let (module, rest) = self.deepest(path);
            let (item, tail) = rest.split_first()?;
            match self.reexport(&module, item) {
                Some(mut origin) if hops > 0 => {
                    origin.extend(tail.iter().cloned());
                    self.defining(&origin, hops - 1).or(Some(module))
                }
                _ => Some(module),
            }
        }

        /// Where `module` gets a name it does not define itself: the path
        /// of its `use` that brings the name in, or of the glob import
        /// whose module defines it; for the crate root, also the file of
        /// an exported macro (`crate::html_of!`).
        fn reexport(&self, module: &[String], item: &str) -> Option<Vec<String>> {
            let src = &self.modules[module];
            if src.defines.contains(item) {
                return None;
            }
            if module.is_empty() {
                let exporter = self.modules.iter().find(|(_, s)| s.exported.contains(item));
                if let Some((file, _)) = exporter {
                    return Some([file.as_slice(), &[item.to_string()]].concat());
                }
            }
            let none = BTreeMap::new();
            let top = src.imports.iter().filter(|imp| imp.path.inline.is_empty());
            if let Some(imp) = top.clone().find(|imp| imp.name.as_deref() == Some(item)) {
                return self.absolute(module, &imp.path, &none);
            }
            top.filter(|imp| imp.glob).find_map(|imp| {
                let from = self.absolute(module, &imp.path, &none)?;
                let opened = self.modules.get(&from)?;
                let has = opened.defines.contains(item)
                    || opened
                        .imports
                        .iter()
                        .any(|i| i.name.as_deref() == Some(item));
                has.then(|| [from, vec![item.to_string()]].concat())
            })
        }

        /// Every import from one file to another: importer → the files
        /// defining what it names.
        pub fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
            let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (module, src) in &self.modules {
                let aliases = self.aliases(module);
                let imports = src.imports.iter().map(|imp| (&imp.path, imp.glob));
                let paths = src.paths.iter().map(|w| (w, false));
                for (written, glob) in imports.chain(paths) {
                    let Some(path) = self.absolute(module, written, &aliases) else {
                        continue;
                    };
                    let target = if glob {
                        Some(self.deepest(&path).0)
                    } else {
                        self.defining(&path, 8)
                    };
                    match target {
                        Some(t) if t != *module => {
                            graph.entry(name(module)).or_default().insert(name(&t));
                        }
                        _ => {}
                    }
                }
            }
            graph
        }
    }

    /// The graph between the crate's top-level modules (`model`, `lang`,
    /// `wire`, ...): each file counts as the one it is in.
    pub fn top_level(
        graph: &BTreeMap<String, BTreeSet<String>>,
    ) -> BTreeMap<String, BTreeSet<String>> {
        let top = |module: &str| module.split("::").next().unwrap_or(module).to_string();
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, tos) in graph {
            for to in tos.iter().filter(|to| top(to) != top(from)) {
                out.entry(top(from)).or_default().insert(top(to));
            }
        }
        out
    }

    /// Every import that lies on a cycle, shown in one: for each edge
    /// `a → b` from which `a` is reachable again, `a`, then a shortest
    /// way back from `b`. Each cycle starts at its first module in name
    /// order; the list is sorted and has no repeats.
    pub fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
        let mut found = BTreeSet::new();
        for (from, tos) in graph {
            for to in tos {
                if let Some(back) = shortest_path(graph, to, from) {
                    let mut cycle = vec![from.clone()];
                    cycle.extend(back);
                    cycle.pop(); // `from` again
                    let first = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
                    cycle.rotate_left(first);
                    cycle.push(cycle[0].clone());
                    found.insert(cycle);
                }
            }
        }
        found.into_iter().map(|c| c.join(" -> ")).collect()
    }

    /// A shortest path from `start` to `goal`, both included (breadth
    /// first, neighbours in name order, so always the same one).
    fn shortest_path(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        goal: &str,
    ) -> Option<Vec<String>> {
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        came_from.insert(start, start);
        while let Some(at) = queue.pop_front() {
            if at == goal {
                let mut path = vec![at.to_string()];
                let mut here = at;
                while here != start {
                    here = came_from[here];
                    path.push(here.to_string());
                }
                path.reverse();
                return Some(path);
            }
            for next in graph.get(at).into_iter().flatten() {
                if !came_from.contains_key(next.as_str()) {
                    came_from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}
