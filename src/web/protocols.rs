//! The built-in protocols the page's wasm does not hold. The page's build
//! holds only the default protocol's compiled program (see
//! `lang::builtin`); any other is fetched from `compiled/NAME.bin` beside
//! the page (about a kilobyte) the first time it is asked for, checked
//! against the digest the build recorded, and kept. The actors' workers
//! run the page's build too, so the page sends them such a program rather
//! than its name (`Scenario`'s wire form).

use std::cell::RefCell;

use wasm_bindgen_futures::spawn_local;

use crate::lang;

type Then = Box<dyn FnOnce(Result<(), String>)>;

thread_local! {
    /// Fetches under way: the built-in's name and who waits for it.
    static WAITING: RefCell<Vec<(String, Vec<Then>)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `then` once built-in `name`'s program is in the page: at once if
/// it is (or if `name` is no built-in: the caller then finds it unknown as
/// it would anyway), otherwise when it has been fetched, with why not if
/// it could not be.
pub fn with_builtin(name: &str, then: impl FnOnce(Result<(), String>) + 'static) {
    if lang::builtin(name).is_some() || lang::builtin_digest(name).is_none() {
        then(Ok(()));
        return;
    }
    let first = WAITING.with_borrow_mut(|w| match w.iter_mut().find(|(n, _)| n == name) {
        Some((_, waiting)) => {
            waiting.push(Box::new(then));
            false
        }
        None => {
            w.push((name.to_string(), vec![Box::new(then) as Then]));
            true
        }
    });
    if !first {
        return;
    }
    let name = name.to_string();
    spawn_local(async move {
        let result = fetch(&name).await;
        let waiting = WAITING.with_borrow_mut(|w| {
            let i = w.iter().position(|(n, _)| *n == name);
            i.map(|i| w.swap_remove(i).1).unwrap_or_default()
        });
        for then in waiting {
            then(result.clone());
        }
    });
}

async fn fetch(name: &str) -> Result<(), String> {
    let unavailable = || {
        format!(
            "the protocol {name} could not be loaded from this site: reloading the page may help"
        )
    };
    let url = format!("compiled/{name}.bin?v={}", super::platform::page_version());
    let bytes = super::platform::fetch_bytes(url)
        .await
        .ok_or_else(unavailable)?;
    lang::load_builtin(name, &bytes)
        .map(drop)
        .map_err(|why| format!("{why}: reloading the page may help"))
}
