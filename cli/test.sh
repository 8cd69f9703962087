#!/usr/bin/env bash
# The CLI's test entry point, run from anywhere (the lead's top-level test command calls it).
# Needs only cargo: the tests and the demo start the devserver in-process, so
# there is no server process to start or kill here.
#   1. cargo test -p oauth2kit-cli   (the built binary against a real devserver on loopback)
#   2. oauth2kit demo                (every grant and provider document; exit 0 only if all pass)
#   3. cargo build -p oauth2kit-bench --all-targets   (the benchmarks stay compilable; not run: too slow)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "cli/test.sh: cargo is required (https://rustup.rs)" >&2
    exit 1
fi

echo "== cli: cargo test -p oauth2kit-cli"
cargo test -q -p oauth2kit-cli

echo "== cli: oauth2kit demo"
cargo run -q -p oauth2kit-cli -- demo --brief

echo "== bench: cargo build -p oauth2kit-bench --all-targets (compile only)"
cargo build -q -p oauth2kit-bench --all-targets

echo "== cli: all passed"
