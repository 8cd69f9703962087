//! Fuzz targets for every sans-IO parser of oauth2kit: one function per
//! target, each taking arbitrary bytes. The afl binaries in `src/bin/` call
//! them under the fuzzer; `tests/replay.rs` calls them on the committed
//! corpora under a plain `cargo test`, so a regression shows without a fuzzer.
//!
//! A target fails by panicking: on a parser panic, and on an oracle that a
//! panic-free run can still break (a known secret in an error, a stored
//! document that does not read back the same).

#![warn(missing_docs)]

mod answer;
mod targets;

pub use answer::{Answer, answer};
pub use targets::*;

/// A fuzz target: arbitrary bytes in, a panic on a finding.
pub type Target = fn(&[u8]);

/// Every target by name: the binary, the corpus folder and the replay share it.
pub const TARGETS: &[(&str, Target)] = &[
    ("token", token),
    ("error", error),
    ("callback", callback),
    ("discovery", discovery),
    ("introspection", introspection),
    ("device", device),
    ("ciba", ciba),
    ("profile_toml", profile_toml),
    ("profile_json", profile_json),
    ("store", store),
    ("oidc", oidc),
    ("dpop", dpop),
    ("jarm", jarm),
];

/// Runs a target once on standard input (the binaries without the fuzzer).
pub fn replay_stdin(target: Target) {
    use std::io::Read;
    let mut data = Vec::new();
    std::io::stdin()
        .read_to_end(&mut data)
        .expect("reading standard input");
    target(&data);
}
