//! The built-in protocols' files, embedded. A file of its own so that
//! `build.rs`, which compiles them when racelab is built, reads the same
//! list.

/// The built-in protocols: name and source, in the order the page lists them.
pub const BUILTINS: [(&str, &str); 12] = [
    (
        "look-before-take",
        include_str!("../../protocols/look-before-take.race"),
    ),
    ("thirsty", include_str!("../../protocols/thirsty.race")),
    ("take-if", include_str!("../../protocols/take-if.race")),
    (
        "check-then-withdraw",
        include_str!("../../protocols/check-then-withdraw.race"),
    ),
    (
        "withdraw-if",
        include_str!("../../protocols/withdraw-if.race"),
    ),
    (
        "poison-pill",
        include_str!("../../protocols/poison-pill.race"),
    ),
    ("deadlock", include_str!("../../protocols/deadlock.race")),
    (
        "lock-ordering",
        include_str!("../../protocols/lock-ordering.race"),
    ),
    (
        "unbounded-pool",
        include_str!("../../protocols/unbounded-pool.race"),
    ),
    (
        "bounded-pool",
        include_str!("../../protocols/bounded-pool.race"),
    ),
    (
        "web-api-retry",
        include_str!("../../protocols/web-api-retry.race"),
    ),
    (
        "idempotent-retry",
        include_str!("../../protocols/idempotent-retry.race"),
    ),
];
