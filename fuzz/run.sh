#!/usr/bin/env bash
# Coverage-guided fuzzing of every sans-IO parser with afl.rs (AFL++ on the
# stable toolchain; see fuzz/README.md for why not cargo-fuzz).
#
#   bash fuzz/run.sh smoke [TARGET…]   # ~15 s per target: catches a regression
#   bash fuzz/run.sh long  [TARGET…]   # FUZZ_SECONDS per target (default 3600)
#   bash fuzz/run.sh replay            # the corpora as a plain cargo test, no fuzzer
#
# Installs cargo-afl from crates.io into ~/.cargo/bin once, and builds AFL++
# once per rustc (cargo afl config --build, under ~/.local/share/afl.rs).
# Instrumented binaries go to $CARGO_TARGET_DIR/afl (their own RUSTFLAGS
# would otherwise rebuild the normal target dir), findings to
# $CARGO_TARGET_DIR/fuzz-out/MODE/TARGET. Ends with one line per target
# (executions, edges, corpus, crashes, hangs) and "N passed, M failed"
# counting targets; exits non-zero on any crash or hang.
#
# Environment: FUZZ_SECONDS (per target), FUZZ_EXECS (stop a target once it
# has run this many executions, e.g. 10000000, whichever of the two comes
# first), FUZZ_RESUME=1 (continue the last run of that mode, its queue and its
# execution count, instead of starting over; AFL++ restores the run time too,
# so FUZZ_SECONDS then counts the target's time over all its runs), FUZZ_JOBS (targets at once; default: the number of CPUs), CARGO_TARGET_DIR.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
AFL_VERSION=0.18.2
TARGETS_ALL=(token error callback discovery introspection device ciba profile_toml profile_json store oidc dpop jarm)

mode="${1:-smoke}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${TARGETS_ALL[@]}")
case "$mode" in
    smoke) seconds="${FUZZ_SECONDS:-15}" ;;
    long) seconds="${FUZZ_SECONDS:-3600}" ;;
    replay) exec cargo test -q -p oauth2kit-fuzz ;;
    *) echo "usage: fuzz/run.sh smoke|long|replay [TARGET…]" >&2; exit 2 ;;
esac
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"

install_afl() {
    if ! cargo afl --version 2>/dev/null | grep -q "$AFL_VERSION"; then
        echo "== installing cargo-afl $AFL_VERSION (crates.io)"
        cargo install -q --locked cargo-afl --version "$AFL_VERSION" || return 1
    fi
    # Builds AFL++ from the sources inside the crate, once per rustc version.
    local out
    if ! out=$(cargo afl config --build 2>&1) && ! grep -q "already built" <<<"$out"; then
        echo "$out" >&2
        return 1
    fi
}

install_afl || { echo "fuzz/run.sh: cannot install cargo-afl" >&2; exit 1; }
bins="$CARGO_TARGET_DIR/afl/fuzz"
echo "== building ${#targets[@]} instrumented targets"
CARGO_TARGET_DIR="$CARGO_TARGET_DIR/afl" cargo afl build -q --profile fuzz -p oauth2kit-fuzz \
    $(printf -- '--bin %s ' "${targets[@]}") || exit 1

out_root="$CARGO_TARGET_DIR/fuzz-out/$mode"
# Quiet, unattended AFL++: no screen, no core_pattern or CPU governor demands
# (CI machines are not tuned), no CPU pinning (the machine is shared), and a
# corpus seed that crashes fails the run instead of being skipped.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_QUIET=1

fuzz_one() {
    local t="$1" out="$out_root/$1" input="fuzz/corpus/$1"
    if [ -n "${FUZZ_RESUME:-}" ] && [ -f "$out/default/fuzzer_stats" ]; then
        # AFL++ resumes the queue and keeps counting executions from its stats.
        input=-
    else
        rm -rf "$out"
        mkdir -p "$out"
    fi
    cargo afl fuzz ${FUZZ_EXECS:+-E "$FUZZ_EXECS"} -V "$seconds" -t 1000 -i "$input" -o "$out" -x fuzz/json.dict \
        -- "$bins/$t" >"$out/afl.log" 2>&1
}

echo "== fuzzing ${#targets[@]} targets, ${seconds} s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
    fuzz_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

stat() { awk -F' *: *' -v k="$2" '$1 == k {print $2}' "$1" 2>/dev/null; }
passed=0 failed=0
printf '%-14s %12s %9s %8s %7s %6s\n' target executions edges corpus crashes hangs
for t in "${targets[@]}"; do
    s="$out_root/$t/default/fuzzer_stats"
    if [ ! -f "$s" ]; then
        printf '%-14s did not run:\n' "$t"
        tail -5 "$out_root/$t/afl.log"
        failed=$((failed + 1))
        continue
    fi
    crashes=$(stat "$s" saved_crashes) hangs=$(stat "$s" saved_hangs)
    printf '%-14s %12s %9s %8s %7s %6s\n' "$t" "$(stat "$s" execs_done)" \
        "$(stat "$s" edges_found)/$(stat "$s" total_edges)" "$(stat "$s" corpus_count)" "$crashes" "$hangs"
    if [ "${crashes:-1}" = 0 ] && [ "${hangs:-1}" = 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "   findings in $out_root/$t/default/{crashes,hangs}; replay one with:"
        echo "   cargo run -q -p oauth2kit-fuzz --bin $t < FILE"
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
