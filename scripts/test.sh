#!/usr/bin/env bash
# Every test suite of oauth2kit, from a fresh clone. Installs what it needs
# (apt: redis-server, openssl; npm: oidc-provider; pip: the package and test tools;
# Maven: Kotlin, JNA, coroutines, JUnit, Keycloak), runs each suite, and ends with one
# line "N passed, M failed" counting suites. Exit status: 0 only if all pass.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh rust py    # only some suites (names below)
#   bash scripts/test.sh keycloak   # the Keycloak suite alone (tests/keycloak/README.md)
#
# When the keycloak suite is selected, Keycloak (a JVM: ~45 s to start on a
# quiet 2-core machine, ~2 min on a busy one) is started in the background
# before the first suite, so it starts while the other suites build and run;
# the keycloak suite waits for it (a condition, with a timeout) and a trap
# stops it when this script ends, whatever the outcome.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR=never
# A test run builds each thing once: incremental state would only take disk
# (about 2 GB for the whole run).
export CARGO_INCREMENTAL=0

free_kb() { df -Pk "$CARGO_TARGET_DIR" 2>/dev/null | awk 'NR==2 {print $4}'; }
free_disk() { awk -v kb="$(free_kb)" 'BEGIN {printf "%.1f GB free", kb/1048576}'; }
target_size() { du -sk "$CARGO_TARGET_DIR" 2>/dev/null | awk '{printf "%.1f GB", $1/1048576}'; }

apt_install() {
    # Installs Debian packages whose command is missing (CI machines are fresh).
    local missing=()
    for spec in "$@"; do
        local cmd="${spec%%:*}" pkg="${spec##*:}"
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "scripts/test.sh: please install: ${missing[*]}" >&2
        return 1
    fi
    echo "== installing ${missing[*]} (apt)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

suite_rust() {
    apt_install redis-server:redis-server openssl:openssl || return 1
    cargo fmt --all --check || { echo "cargo fmt: run 'cargo fmt --all'"; return 1; }
    cargo clippy -q --workspace --all-targets --all-features -- -D warnings || return 1
    cargo test -q -p oauth2kit --all-features || return 1
    cargo test -q -p oauth2kit-devserver || return 1
    cargo test -q -p oauth2kit --doc || return 1
    # The sans-IO core alone (no reqwest, no tokio), as the README promises.
    cargo test -q -p oauth2kit --no-default-features --lib || return 1
    # The binding layer: its tests, its generated files current, every binding at parity.
    cargo test -q -p oauth2kit-bind || return 1
    cargo run -q -p oauth2kit-bind --bin oauth2kit-bind-gen -- --check || return 1
    python3 scripts/parity.py || return 1
}
suite_cli() { bash cli/test.sh; }
suite_interop() { bash tests/interop/test.sh; }
suite_c() { bash ffi-c/test.sh; }
suite_py() { bash py/test.sh; }
suite_mobile() { bash mobile/test.sh; }
suite_fuzz() { bash fuzz/run.sh smoke; }
suite_keycloak() { bash tests/keycloak/test.sh; }

# interop after c and mobile, keycloak after c, py and mobile: they reuse those
# suites' builds (the release C library, the Python wheel, the Kotlin bindings)
# and the JDK and Maven mobile installs. interop runs C and Kotlin tests too;
# before c and mobile it would build the same things earlier, and a failure of
# a build would show up as an interop failure instead of the suite that owns it.
ALL=(rust cli c py mobile interop keycloak fuzz)
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=("${ALL[@]}")
for s in "${SUITES[@]}"; do
    [[ " ${ALL[*]} " == *" $s "* ]] || { echo "scripts/test.sh: no suite '$s' (suites: ${ALL[*]})" >&2; exit 2; }
done

passed=0 failed=0 failures=() report=()
mkdir -p "$CARGO_TARGET_DIR"
# The suites that passed so far, for the keycloak suite to reuse their builds.
export OAUTH2KIT_SUITES_DONE=""
if [[ " ${SUITES[*]} " == *" keycloak "* ]]; then
    export OAUTH2KIT_KEYCLOAK_STATE="$CARGO_TARGET_DIR/keycloak-run"
    # Off the critical path: Keycloak starts now, in the background.
    trap 'bash tests/keycloak/keycloak.sh stop' EXIT
    trap 'exit 130' INT TERM
    bash tests/keycloak/keycloak.sh start || echo "scripts/test.sh: Keycloak did not start; the keycloak suite will fail" >&2
fi
echo "scripts/test.sh: target directory $CARGO_TARGET_DIR ($(target_size)), $(free_disk)"
# A whole run from an empty target directory takes about 4.3 GB (measured with the fuzz suite) there.
if [ "$(free_kb)" -lt $((5 * 1024 * 1024)) ]; then
    echo "scripts/test.sh: warning: less than 5 GB free; a whole run needs about 4.3 GB in $CARGO_TARGET_DIR" >&2
fi
for s in "${SUITES[@]}"; do
    echo
    echo "################ suite: $s"
    started=$(date +%s)
    if "suite_$s"; then
        passed=$((passed + 1)); verdict=ok; OAUTH2KIT_SUITES_DONE+=" $s"
    else
        failed=$((failed + 1)); failures+=("$s"); verdict=FAILED
    fi
    mkdir -p "$CARGO_TARGET_DIR"
    report+=("$(printf '%-8s %-6s %4ss   target %s, %s' "$s" "$verdict" $(( $(date +%s) - started )) "$(target_size)" "$(free_disk)")")
done

echo
echo "################ summary"
printf '%s\n' "${report[@]}"
[ $failed -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
