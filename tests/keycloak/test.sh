#!/usr/bin/env bash
# The Keycloak suite: oauth2kit from Rust, Python, C and Kotlin against a
# pinned Keycloak (keycloak.sh fetches it with Maven and starts it in dev mode
# on free loopback ports). Run from anywhere:
#
#   tests/keycloak/test.sh              # or: bash scripts/test.sh keycloak
#
# When scripts/test.sh runs several suites it starts Keycloak at the
# beginning, in the background, and stops it at the end; this script then
# only waits for it. Run alone, it starts Keycloak itself and stops it on exit.
#
# Builds it reuses when they are there (scripts/test.sh lists the suites that
# passed before in OAUTH2KIT_SUITES_DONE): py/.venv with the package (py
# suite), target/release/liboauth2kit_ffi (c suite), the generated Kotlin
# bindings (mobile suite). Otherwise it runs those suites' own build steps.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export OAUTH2KIT_KEYCLOAK_STATE="${OAUTH2KIT_KEYCLOAK_STATE:-$CARGO_TARGET_DIR/keycloak-run}"
say() { printf '== keycloak: %s\n' "$*"; }
done_before() { [[ " ${OAUTH2KIT_SUITES_DONE:-} " == *" $1 "* ]]; }

if [ -f "$OAUTH2KIT_KEYCLOAK_STATE/kc.pid" ] && kill -0 "$(cat "$OAUTH2KIT_KEYCLOAK_STATE/kc.pid")" 2>/dev/null; then
    say "using the Keycloak scripts/test.sh started ($(cat "$OAUTH2KIT_KEYCLOAK_STATE/url"))"
else
    bash "$here/keycloak.sh" start || exit 1
    trap 'bash "$here/keycloak.sh" stop' EXIT
    trap 'exit 130' INT TERM
fi
waited=$(date +%s)
FIXTURES="$(bash "$here/keycloak.sh" wait)" || exit 1
say "ready (listening $(cat "$OAUTH2KIT_KEYCLOAK_STATE/ready")s after launch; this suite waited $(( $(date +%s) - waited ))s, provisioning included)"

export OAUTH2KIT_KEYCLOAK_FIXTURES="$FIXTURES" OAUTH2KIT_KEYCLOAK_REQUIRED=1
# The values the C and Kotlin tests read (test-only secrets of an in-memory realm; never printed).
eval "$(python3 - "$FIXTURES" <<'PY'
import json, shlex, sys
f = json.load(open(sys.argv[1]))
for k, v in {"KC_ISSUER": f["issuer"], "KC_BASIC_SECRET": f["clients"]["basic"]["secret"],
             "KC_POST_SECRET": f["clients"]["post"]["secret"], "KC_KEYS_DIR": f["keys_dir"],
             "KC_USER": f["user"]["username"], "KC_PASSWORD": f["user"]["password"],
             "KC_REDIRECT": f["web_redirect_uri"]}.items():
    print(f"export {k}={shlex.quote(v)}")
PY
)"
export KC_USER_PY="$here/kc_user.py"

results=() failed=0
run() {  # run NAME COMMAND...: runs one binding's part, keeps going after a failure
    local name=$1; shift
    local t0; t0=$(date +%s)
    say "$name"
    if "$@"; then results+=("$(printf '%-8s ok     %4ss' "$name" $(( $(date +%s) - t0 )))")
    else results+=("$(printf '%-8s FAILED %4ss' "$name" $(( $(date +%s) - t0 )))"); failed=1; fi
}

rust_part() { cargo test -q -p oauth2kit-keycloak; }

python_part() {
    local venv="$repo/py/.venv" py="$repo/py/.venv/bin/python"
    if ! done_before py || ! "$py" -c 'import oauth2kit, pytest' 2>/dev/null; then
        # py/test.sh's own build steps.
        [ -x "$py" ] || "${PYTHON:-python3}" -m venv "$venv" || return 1
        "$py" -m pip install -q --disable-pip-version-check "pytest>=8" "pytest-asyncio>=0.23" "requests>=2.28" "httpx>=0.24" || return 1
        say "building and installing ./py (maturin, release)"
        "$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$repo/py" || return 1
    fi
    (cd "$repo/py" && "$py" -m pytest -q -rs -p no:cacheprovider tests/test_interop_keycloak.py)
}

c_part() {
    # The library the c suite builds (cmake -DOAUTH2KIT_CARGO_PROFILE=release): up to date after it.
    cargo build -q --release -p oauth2kit-ffi || return 1
    local out="$CARGO_TARGET_DIR/keycloak-c"
    mkdir -p "$out"
    cc -std=c11 -Wall -Wextra -Werror -o "$out/test_keycloak" "$here/c/test_keycloak.c" -I"$repo/include" -I"$repo/ffi-c/tests/c" \
        "$CARGO_TARGET_DIR/release/liboauth2kit_ffi.a" -lpthread -ldl -lm -lrt -lutil -lstdc++ || return 1
    "$out/test_keycloak" "$KC_USER_PY"
}

kotlin_part() {
    # mobile/test.sh's build steps: the library and the generated bindings (cargo: no-ops after the mobile suite).
    local lib
    lib="$("$repo/mobile/scripts/generate.sh" | tail -n 1)" || return 1
    rm -rf "$repo/mobile/kotlin/target/surefire-reports"
    (cd "$repo/mobile/kotlin" && mvn -q -B -Dstyle.color=never test -Dtest=KeycloakTest -Dsurefire.failIfNoSpecifiedTests=true \
        -Doauth2kit.lib.dir="$(dirname "$lib")" -Doauth2kit.devserver.url=unused) || return 1
    python3 "$repo/mobile/scripts/surefire-count.py" "$repo/mobile/kotlin/target/surefire-reports" \
        "kotlin (KeycloakTest)" KeycloakTest --strict
}

run rust rust_part
run python python_part
run c c_part
run kotlin kotlin_part

say "summary"
printf '  %s\n' "${results[@]}"
exit $failed
