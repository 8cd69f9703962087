#!/usr/bin/env bash
# oauth2kit against npm oidc-provider (an independent authorization server).
# Run from anywhere: installs the pinned npm package (package-lock.json), then
# runs three parts, each ending with a one-line count, and fails if any fails:
#
#   rust    cargo test -p oauth2kit-interop (starts and stops `node server.mjs` itself)
#   c       tests/interop/c/test_oidc_provider.c, linked with the release
#           liboauth2kit_ffi.a (what the c suite builds)
#   kotlin  OidcProviderTest (mobile/kotlin) on the bindings mobile/scripts/generate.sh
#           generates (what the mobile suite builds)
#
#   tests/interop/test.sh                 # every part; arguments go to the Rust part's cargo test
#   INTEROP_PARTS="c kotlin" tests/interop/test.sh
#
# The c and kotlin parts share one `node server.mjs 0` started here (its issuer
# read from its first stdout line) and stopped when this script exits; the
# OpenID Connect sign-in is done by op_user.py. scripts/test.sh runs this suite
# after c and mobile, so their builds are there and these parts only link and run.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

need_node() {
    # oidc-provider 9 runs on Node.js 20.18+ (it prints a Node 22 advice and works).
    if command -v node >/dev/null 2>&1; then
        local major minor
        IFS=. read -r major minor _ <<<"$(node --version | sed 's/^v//')"
        if (( major > 20 || (major == 20 && minor >= 18) )); then
            return 0
        fi
        echo "interop: node $(node --version) is too old (need 20.18+)" >&2
    fi
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "interop: installing Node.js with apt-get" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
        command -v node >/dev/null 2>&1 && return 0
    fi
    echo "interop: Node.js 20.18+ and npm are required (https://nodejs.org)" >&2
    exit 1
}

need_node

# `npm ci`: exactly the versions in package-lock.json (a few seconds).
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "interop: npm ci failed" >&2; exit 1; }

cd "$repo"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
PARTS="${INTEROP_PARTS:-rust c python kotlin}"
say() { printf '== interop: %s\n' "$*"; }

# Tools the c and kotlin parts need: installed with apt when this runs as root
# (as mobile/test.sh does), otherwise a clear failure of that part.
need_tools() {  # need_tools PART CMD:PACKAGE...
    local part=$1; shift
    local missing=() pkgs=()
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 || { missing+=("${spec%%:*}"); pkgs+=("${spec##*:}"); }
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${pkgs[*]} for the $part part (apt)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
    fi
    for spec in "$@"; do
        if ! command -v "${spec%%:*}" >/dev/null 2>&1; then
            echo "interop: the $part part needs ${missing[*]} (Debian: apt-get install ${pkgs[*]})" >&2
            return 1
        fi
    done
}

# One oidc-provider for the c and kotlin parts. Its stdin is a pipe from this
# shell: when the script ends, however it ends, the server sees EOF and exits.
OP_PID="" MTLS_PID="" MTLS_WORK=""
stop_server() {
    if [ -n "$OP_PID" ]; then
        kill "$OP_PID" 2>/dev/null || true
        wait "$OP_PID" 2>/dev/null || true
        OP_PID=""
    fi
    # --- mutual TLS ---
    if [ -n "$MTLS_PID" ]; then
        kill "$MTLS_PID" 2>/dev/null || true
        wait "$MTLS_PID" 2>/dev/null || true
        MTLS_PID=""
    fi
    [ -n "$MTLS_WORK" ] && rm -rf "$MTLS_WORK"
    MTLS_WORK=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM
start_server() {
    [ -n "$OP_PID" ] && return 0
    local err="$CARGO_TARGET_DIR/interop-server.err"
    mkdir -p "$CARGO_TARGET_DIR"
    # coproc sets OP (its stdout and stdin) and OP_PID.
    coproc OP { cd "$here" && exec node server.mjs 0 2>"$err"; }
    # The condition: the issuer line (or EOF if node dies), within 30 s.
    if ! IFS= read -r -t 30 OP_ISSUER <&"${OP[0]}" || [[ "$OP_ISSUER" != http://* ]]; then
        echo "interop: oidc-provider did not print its issuer; its stderr:" >&2
        grep -v WARNING "$err" >&2 || true
        stop_server
        return 1
    fi
    export OP_ISSUER OP_USER_PY="$here/op_user.py" OAUTH2KIT_INTEROP_REQUIRED=1
    say "oidc-provider at $OP_ISSUER for the c and kotlin parts"
}

# --- mutual TLS (RFC 8705) ---
# The HTTPS issuer of `server.mjs 0 --mtls DIR` for the c and kotlin parts,
# with the PEM files the devserver writes (its throw-away CA, the server's and
# the clients' certificates): OP_MTLS_ISSUER and OP_MTLS_DIR. Through a FIFO
# (bash has one coproc, the main server's).
start_mtls_server() {
    [ -n "$MTLS_PID" ] && return 0
    cargo build -q -p oauth2kit-devserver || return 1
    MTLS_WORK="$(mktemp -d)"
    # Writes the files, prints its URL and exits at once (stdin is empty).
    "$CARGO_TARGET_DIR/debug/oauth2kit-devserver" --exit-on-stdin-eof --tls-ca-out "$MTLS_WORK/ca.pem" \
        --tls-client-cert-out "$MTLS_WORK" </dev/null >/dev/null || return 1
    # Its stdin stays open (it exits at EOF), held by this script.
    mkfifo "$MTLS_WORK/in" "$MTLS_WORK/out"
    (cd "$here" && exec node server.mjs 0 --mtls "$MTLS_WORK" <"$MTLS_WORK/in" >"$MTLS_WORK/out" 2>"$MTLS_WORK/err") &
    MTLS_PID=$!
    exec {MTLS_IN}>"$MTLS_WORK/in" {MTLS_OUT}<"$MTLS_WORK/out"
    if ! IFS= read -r -t 30 OP_MTLS_ISSUER <&"$MTLS_OUT" || [[ "$OP_MTLS_ISSUER" != https://* ]]; then
        echo "interop: oidc-provider (mTLS) did not print its issuer; its stderr:" >&2
        grep -v WARNING "$MTLS_WORK/err" >&2 || true
        return 1
    fi
    export OP_MTLS_ISSUER OP_MTLS_DIR="$MTLS_WORK"
    say "oidc-provider (mutual TLS) at $OP_MTLS_ISSUER"
}
# --- end mutual TLS ---

rust_part() {
    local log="$CARGO_TARGET_DIR/interop-rust.log" rc
    mkdir -p "$CARGO_TARGET_DIR"
    cargo test -q -p oauth2kit-interop "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    # One line for the part: the sum of every test binary's "test result" line.
    awk '/^test result:/ {for (i = 1; i <= NF; i++) {if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i}}
         END {printf "interop Rust: %d passed, %d failed\n", p, f}' "$log"
    return "$rc"
}

c_part() {
    need_tools c cc:gcc python3:python3 || return 1
    # The library the c suite builds (cmake -DOAUTH2KIT_CARGO_PROFILE=release): a no-op after it.
    cargo build -q --release -p oauth2kit-ffi || return 1
    local out="$CARGO_TARGET_DIR/interop-c"
    mkdir -p "$out"
    cc -std=c11 -Wall -Wextra -Werror -o "$out/test_oidc_provider" "$here/c/test_oidc_provider.c" -I"$repo/include" -I"$repo/ffi-c/tests/c" \
        "$CARGO_TARGET_DIR/release/liboauth2kit_ffi.a" -lpthread -ldl -lm -lrt -lutil -lstdc++ || return 1
    start_server || return 1
    start_mtls_server || return 1
    "$out/test_oidc_provider" "$here/op_user.py" "$repo/devserver/keys"
}

python_part() {
    # py/test.sh's venv and wheel (a no-op after the py suite); the test starts its own oidc-provider.
    local py="$repo/py/.venv/bin/python"
    if ! "$py" -c 'import oauth2kit, pytest, pytest_asyncio' 2>/dev/null; then
        [ -x "$py" ] || "${PYTHON:-python3}" -m venv "$repo/py/.venv" || return 1
        "$py" -m pip install -q --disable-pip-version-check "pytest>=8" "pytest-asyncio>=0.23" "requests>=2.28" "httpx>=0.24" || return 1
        say "building and installing ./py (maturin, release)"
        "$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$repo/py" || return 1
    fi
    (cd "$repo/py" && OAUTH2KIT_INTEROP_REQUIRED=1 "$py" -m pytest -q -rs -p no:cacheprovider tests/test_interop_oidc_provider.py)
}

kotlin_part() {
    need_tools kotlin mvn:maven javac:default-jdk-headless python3:python3 || return 1
    # mobile/test.sh's build steps: the library and the generated bindings (cargo: a no-op after the mobile suite).
    local lib reports="$repo/mobile/kotlin/target/surefire-reports"
    lib="$("$repo/mobile/scripts/generate.sh" | tail -n 1)" || return 1
    start_server || return 1
    start_mtls_server || return 1
    rm -rf "$reports"
    local rc=0
    (cd "$repo/mobile/kotlin" && mvn -q -B -Dstyle.color=never test -Dtest=OidcProviderTest -Dsurefire.failIfNoSpecifiedTests=true \
        -Doauth2kit.lib.dir="$(dirname "$lib")" -Doauth2kit.devserver.url=unused) || rc=1
    echo  # Maven may leave the cursor mid-line; the count must stand alone on its line.
    python3 "$repo/mobile/scripts/surefire-count.py" "$reports" "interop Kotlin (OidcProviderTest)" OidcProviderTest --strict \
        || rc=1
    return "$rc"
}

results=() failed=0
for part in $PARTS; do
    case "$part" in
        rust|c|python|kotlin) ;;
        *) echo "interop: no part '$part' (parts: rust c python kotlin)" >&2; exit 2 ;;
    esac
    t0=$(date +%s)
    say "$part"
    if "${part}_part" "$@"; then results+=("$(printf '%-8s ok     %4ss' "$part" $(( $(date +%s) - t0 )))")
    else results+=("$(printf '%-8s FAILED %4ss' "$part" $(( $(date +%s) - t0 )))"); failed=1; fi
done

say "summary"
printf '  %s\n' "${results[@]}"
exit $failed
