#!/usr/bin/env bash
# Side-by-side benchmarks of the Kotlin binding (ratios, no assertions on time):
# the binding vs the same request by hand with java.net.http, against the devserver.
# Usage: bash mobile/bench.sh [rounds]   (release build of the library)
set -euo pipefail
MOBILE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$MOBILE/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TARGET_DIR="$TARGET_DIR"
LIB="$("$MOBILE/scripts/generate.sh" --release | tail -n 1)"
(cd "$ROOT" && cargo build -q --release -p oauth2kit-devserver)
OUT="$(mktemp)"
"$TARGET_DIR/release/oauth2kit-devserver" --port 0 >"$OUT" 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$OUT"' EXIT
for _ in $(seq 1 100); do [[ "$(wc -l <"$OUT")" -ge 1 ]] && break; sleep 0.1; done
URL="$(head -n 1 "$OUT")"
cd "$MOBILE/kotlin"
rm -rf target/classes target/test-classes
mvn -q -B -Dstyle.color=never test -Dtest=BindingBench -Doauth2kit.excluded.groups= -Dsurefire.failIfNoSpecifiedTests=false \
  -Doauth2kit.devserver.url="$URL" -Doauth2kit.lib.dir="$(dirname "$LIB")" \
  -Doauth2kit.bench.rounds="${1:-300}" | grep -E 'bench:|FAIL|ERROR]' | sed 's/^.*bench:/bench:/' || true
