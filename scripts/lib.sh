# shellcheck shell=bash
# Sourced by the other scripts: where the tools live, how to run a wasm32
# build on this machine, and idempotent installers. Nothing here is specific to
# one machine: every install checks first and is skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools we compile (trunk, wasm-bindgen-cli) are kept outside the clone so a
# fresh clone, or CI, finds them again instead of spending ten minutes rebuilding.
TOOLS_DIR="${RACELAB_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/racelab-tools}"
WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen crate pin in Cargo.toml
TRUNK_VERSION=0.21.14
export PATH="$TOOLS_DIR/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo "$@"; else return 1; fi
}

# Installs Debian packages that are missing; on other systems says what to install.
APT_UPDATED=""
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  have apt-get || die "please install: ${missing[*]} (no apt-get on this system)"
  log "installing ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq || true; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# Chromium and its WebDriver, for the browser tests. CHROME / CHROMEDRIVER may
# point at other builds on a laptop.
ensure_browser() {
  if [ -n "${CHROME:-}" ] && [ -n "${CHROMEDRIVER:-}" ]; then return 0; fi
  if have chromium && have chromedriver; then
    export CHROME="${CHROME:-$(command -v chromium)}" CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
    return 0
  fi
  ensure_apt chromium chromium-driver
  export CHROME=/usr/bin/chromium CHROMEDRIVER=/usr/bin/chromedriver
}

# Firefox ESR from Debian, for the smoke test in Firefox (puppeteer-core drives
# it over WebDriver BiDi; no browser is ever downloaded). FIREFOX may point at
# another recent Firefox on a laptop.
ensure_firefox() {
  if [ -n "${FIREFOX:-}" ]; then return 0; fi
  if ! have firefox-esr; then ensure_apt firefox-esr; fi
  FIREFOX="$(command -v firefox-esr)" || die "firefox-esr is not on PATH"
  export FIREFOX
}

# The wasm32 standard library. Route 1: rustup's prebuilt std. Route 2:
# Debian's rustc-web with std built from source (build-std), which is always
# reachable from a Debian machine even when rustup's server is not.
WASM_ROUTE=""
ensure_wasm_std() {
  [ -n "$WASM_ROUTE" ] && return 0
  if [ -z "${WASM_FORCE_DEBIAN:-}" ] && have_rustup_wasm_std; then
    WASM_ROUTE=rustup
    return 0
  fi
  ensure_debian_wasm_std
  WASM_ROUTE=debian
}

# Route 1 is usable: rustup's prebuilt wasm32 std is installed, or adding it
# worked. Its download server is not always reachable, hence the time limit.
have_rustup_wasm_std() {
  local sysroot
  sysroot="$(rustc --print sysroot)"
  if ! ls "$sysroot"/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib >/dev/null 2>&1 && have rustup; then
    log "adding rustup target wasm32-unknown-unknown"
    timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
  fi
  ls "$sysroot"/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib >/dev/null 2>&1
}

# Route 2's packages: Debian's rustc/cargo 1.96 and the std sources.
ensure_debian_wasm_std() {
  ensure_apt rustc-web cargo-web rust-web-src rust-web-llvm rust-web-clippy lld-22
}

# Runs a command that builds for wasm32 (cargo --target wasm32..., trunk).
# On the Debian route only these commands see build-std, so host builds keep
# using the ordinary toolchain.
wasm() {
  ensure_wasm_std
  if [ "$WASM_ROUTE" = debian ]; then
    PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_TARGET_DIR="$ROOT/target/debian-web" "$@"
  else
    "$@"
  fi
}

# cargo install into TOOLS_DIR unless the wanted version is already on PATH.
# $1 binary, $2 version, $3 crate, rest: extra cargo install flags.
ensure_cargo_tool() {
  local bin="$1" version="$2" crate="$3"
  shift 3
  if have "$bin" && "$bin" --version 2>/dev/null | grep -qF "$version"; then return 0; fi
  log "building $crate $version (once per machine; a few minutes)"
  cargo install --quiet --root "$TOOLS_DIR" "$crate" --version "$version" "$@" \
    || die "cargo install $crate $version failed"
}

ensure_node_modules() {
  have npm || ensure_apt nodejs npm
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    log "installing npm packages (wasm-opt, esbuild, playwright-core, puppeteer-core, axe-core)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  fi
}

ensure_web_tools() {
  ensure_wasm_std
  ensure_cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
  ensure_cargo_tool trunk "$TRUNK_VERSION" trunk --locked
  ensure_node_modules
}

# Release bundle in dist/. A relative public URL makes the same bundle work
# under any sub-path of any static host.
build_release() {
  ensure_web_tools
  log "building the release bundle"
  # trunk build --offline runs cargo offline. trunk's own `cargo metadata`
  # downloads the project's crates, but on the Debian route build-std also
  # needs std's dependencies (dlmalloc, rustc-demangle, ...), which nothing
  # downloads: on an empty cargo cache the build fails with "no matching
  # package named `rustc-demangle`". So fetch everything first, in the build's
  # own environment (through `wasm`, for build-std). With a warm cache this
  # only reads Cargo.lock and the cache, and needs no network.
  (cd "$ROOT" && wasm cargo fetch --quiet --target wasm32-unknown-unknown) \
    || die "cargo fetch (the crates the release build needs) failed"
  (cd "$ROOT" && wasm trunk build --release --offline --public-url ./ >/dev/null) \
    || die "trunk build failed"
}
