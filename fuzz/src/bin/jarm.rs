//! Fuzz binary of the `jarm` target (see `fuzz/run.sh`). Built without the
//! fuzzer (plain `cargo build`), it runs the target once on stdin: the way to
//! replay a crash.

#[cfg(fuzzing)]
fn main() {
    afl::fuzz!(|data: &[u8]| oauth2kit_fuzz::jarm(data));
}

#[cfg(not(fuzzing))]
fn main() {
    oauth2kit_fuzz::replay_stdin(oauth2kit_fuzz::jarm);
}
