//! The built-in protocols' files. A file of its own so that `build.rs`,
//! which compiles them when racelab is built, reads the same list.

macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// The built-in protocols' names, in the order the page lists them.
        pub const NAMES: [&str; [$($name),*].len()] = [$($name),*];

        /// The built-in protocols: name and source, in the page's order.
        /// A constant, so it is only in a build that uses it: the browser's
        /// builds do not (the page fetches the file it shows, see
        /// `lang::builtin`), and their wasm holds no source.
        pub const BUILTINS: [(&str, &str); NAMES.len()] =
            [$(($name, include_str!(concat!("../../protocols/", $name, ".race")))),*];
    };
}

builtins!(
    "look-before-take",
    "thirsty",
    "take-if",
    "check-then-withdraw",
    "withdraw-if",
    "poison-pill",
    "deadlock",
    "lock-ordering",
    "unbounded-pool",
    "bounded-pool",
    "web-api-retry",
    "idempotent-retry",
    "unreliable-post",
    "retry-with-key",
);

/// A source's digest (64-bit FNV-1a of its bytes): tells a fetched copy of
/// a built-in's file from another version of it.
pub fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
