#!/usr/bin/env bash
# ffi-c test entry point (run from the repository root): header freshness,
# build, ctest (plain, valgrind, ASan, C++), install to a temp prefix, the
# examples built against the installed package (CMake and pkg-config) and run
# against the devserver. `--figures` also prints library sizes and the
# cached-token benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
CBINDGEN_VERSION=0.29
CXX_VERSION=1.0.205   # must equal the cxx dependency in ffi-c/Cargo.toml
say() { printf '== ffi-c: %s\n' "$*"; }

# ---- tools ---------------------------------------------------------------
missing=()
for t in cmake valgrind pkg-config gcc g++ make redis-server; do command -v "$t" >/dev/null || missing+=("$t"); done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  pkgs=("${missing[@]}")  # each tool's Debian package has its name
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
export PATH="$HOME/.cargo/bin:$PATH"
if ! cbindgen --version 2>/dev/null | grep -q "cbindgen $CBINDGEN_VERSION"; then
  say "installing cbindgen $CBINDGEN_VERSION"; cargo install -q cbindgen --version "^$CBINDGEN_VERSION" --locked
fi
if ! cxxbridge --version 2>/dev/null | grep -q "$CXX_VERSION"; then
  say "installing cxxbridge-cmd $CXX_VERSION"; cargo install -q cxxbridge-cmd --version "=$CXX_VERSION" --locked
fi

WORK=$(mktemp -d /tmp/oauth2kit-ffi-test.XXXXXX)
DS_PID="" REDIS_PID="" HOSTILE_PID="" TLS_DS_PID=""
cleanup() {
  [ -n "$DS_PID" ] && kill "$DS_PID" 2>/dev/null || true
  [ -n "$TLS_DS_PID" ] && kill "$TLS_DS_PID" 2>/dev/null || true
  [ -n "$HOSTILE_PID" ] && kill "$HOSTILE_PID" 2>/dev/null || true
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- headers are current -------------------------------------------------
say "checking generated headers"
cbindgen -q --config ffi-c/cbindgen.toml --crate oauth2kit-ffi --output "$WORK/oauth2kit.h" ffi-c
cxxbridge ffi-c/src/cxx_bridge.rs --header > "$WORK/bridge.h"
cxxbridge --header > "$WORK/cxx.h"
stale=0
diff -u include/oauth2kit.h "$WORK/oauth2kit.h" || stale=1
diff -u include/oauth2kit/bridge.h "$WORK/bridge.h" || stale=1
diff -u include/rust/cxx.h "$WORK/cxx.h" || stale=1
if ((stale)); then echo "generated headers are stale: regenerate them (see ffi-c/README.md)" >&2; exit 1; fi

# ---- build ---------------------------------------------------------------
say "cargo clippy + devserver"
cargo clippy -q -p oauth2kit-ffi --all-targets -- -D warnings
cargo build -q -p oauth2kit-devserver
# The library as plugins get it: CMake's default `plugin` profile (fat LTO),
# so the suites below test the shipped build and its size is checked.
say "cmake build (plugin library)"
cmake -S ffi-c -B "$WORK/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$WORK/build" -j2 >/dev/null

# ---- devserver -------------------------------------------------------------
coproc DS { exec "$CARGO_TARGET_DIR/debug/oauth2kit-devserver" --port 0 --exit-on-stdin-eof; }
DS_PID=$DS_PID
read -r -t 30 URL <&"${DS[0]}"
export OAUTH2KIT_DEVSERVER_URL="$URL"
say "devserver at $URL"

# ---- an HTTPS devserver for mutual TLS (test_mtls) --------------------------
# Its throw-away CA and client certificates go to $WORK/tls; through a FIFO
# (bash has one coproc), and it exits when its stdin closes with this script.
mkdir -p "$WORK/tls"
mkfifo "$WORK/tls-ds.in" "$WORK/tls-ds.out"
"$CARGO_TARGET_DIR/debug/oauth2kit-devserver" --port 0 --exit-on-stdin-eof --tls-ca-out "$WORK/tls/ca.pem" \
  --tls-client-cert-out "$WORK/tls" <"$WORK/tls-ds.in" >"$WORK/tls-ds.out" &
TLS_DS_PID=$!
exec {TLS_DS_IN}>"$WORK/tls-ds.in" {TLS_DS_OUT}<"$WORK/tls-ds.out"
read -r -t 30 OAUTH2KIT_DEVSERVER_TLS_URL <&"$TLS_DS_OUT"
export OAUTH2KIT_DEVSERVER_TLS_URL OAUTH2KIT_TLS_DIR="$WORK/tls"
say "HTTPS devserver (mutual TLS) at $OAUTH2KIT_DEVSERVER_TLS_URL"

# ---- the hostile token server (test_hostile) ------------------------------
# Through two FIFOs (bash has one coproc): it prints its URL once it listens,
# and exits when its stdin closes with this script.
mkfifo "$WORK/hostile.in" "$WORK/hostile.out"
python3 tests/hostile/server.py <"$WORK/hostile.in" >"$WORK/hostile.out" &
HOSTILE_PID=$!
exec {HOSTILE_IN}>"$WORK/hostile.in" {HOSTILE_OUT}<"$WORK/hostile.out"
read -r -t 30 OAUTH2KIT_HOSTILE_URL <&"$HOSTILE_OUT"
# Its second line: a TLS listener whose certificate no client trusts.
read -r -t 30 OAUTH2KIT_HOSTILE_TLS_URL <&"$HOSTILE_OUT"
export OAUTH2KIT_HOSTILE_URL OAUTH2KIT_HOSTILE_TLS_URL
say "hostile server at $OAUTH2KIT_HOSTILE_URL"

# ---- redis-server (the fleet store's tests) --------------------------------
REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" &
REDIS_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break; sleep 0.1; done
export OAUTH2KIT_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
say "redis-server at $OAUTH2KIT_REDIS_URL"

# ---- ctest: C (plain, valgrind, ASan) and C++ ------------------------------
ctest --test-dir "$WORK/build" --output-on-failure

# ---- install, then build the examples as a plugin would -------------------
say "install + examples against the installed package"
PREFIX="$WORK/prefix"
cmake --install "$WORK/build" --prefix "$PREFIX" >/dev/null
# Sources copied out of the repository first, so nothing of it but the
# installed package can be found.
OUTSIDE="$WORK/outside"
mkdir -p "$OUTSIDE/examples" "$OUTSIDE/tests"
cp -r examples/c examples/cpp "$OUTSIDE/examples/"
cp -r ffi-c/tests/installed ffi-c/tests/c ffi-c/tests/cpp "$OUTSIDE/tests/"
for lang in c cpp; do
  cmake -S "$OUTSIDE/examples/$lang" -B "$WORK/ex-$lang" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
  cmake --build "$WORK/ex-$lang" >/dev/null
done
(cd "$WORK" && PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" make -s -f "$OUTSIDE/examples/c/Makefile.pkgconfig" \
  VPATH="$OUTSIDE/examples/c" client_credentials_pc)
"$WORK/ex-c/client_credentials" "$URL"
# The example frees everything it allocates, on success and on a failure
# path (an issuer that is no URL fails when the client is created): no definite
# or indirect leak under valgrind (exit 99 if one is found).
if command -v valgrind >/dev/null; then
  vg() { valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "$@"; }
  vg "$WORK/ex-c/client_credentials" "$URL"
  set +e; vg "$WORK/ex-c/client_credentials" "not a url"; rc=$?; set -e
  [ "$rc" = 1 ] || { echo "examples/c/client_credentials: failure path exited $rc (99: a leak)"; exit 1; }
fi
"$WORK/ex-c/client_credentials_shared" "$URL"
"$WORK/client_credentials_pc" "$URL"
"$WORK/ex-cpp/grants" "$URL"

# The whole C and C++ suites again, built outside this build against the
# installed package: with CMake (find_package) and with pkg-config.
say "C and C++ suites built against the installed package (CMake and pkg-config)"
cmake -S "$OUTSIDE/tests/installed" -B "$WORK/installed" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/installed" >/dev/null
export OAUTH2KIT_KEYS_DIR="$REPO/devserver/keys"
"$WORK/installed/test_c_installed"
"$WORK/installed/test_cpp_installed"
PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" sh -c 'cc -o "$1/test_c_pc" "$2/c/test_c.c" "$2/c/devhttp.c" -I"$2/c" \
  $(pkg-config --cflags oauth2kit) $(pkg-config --libs oauth2kit) -Wl,-rpath,$(pkg-config --variable=libdir oauth2kit) -lpthread' \
  _ "$WORK" "$OUTSIDE/tests"
"$WORK/test_c_pc"

# The size promised to plugin authors (ffi-c/README.md): the installed shared
# library, stripped, at most 6,000,000 bytes with every feature. A size, not a
# time: the same code gives the same bytes on any machine.
say "size of the installed library"
strip -o "$WORK/so" "$PREFIX/lib/liboauth2kit.so.0.1.0"
so_bytes=$(stat -c %s "$WORK/so")
echo "stripped liboauth2kit.so: $so_bytes bytes (limit 6000000)"
if [ "$so_bytes" -gt 6000000 ]; then
  echo "liboauth2kit.so is over the 6,000,000 bytes promised in ffi-c/README.md" >&2
  exit 1
fi

if [ "${1:-}" = "--figures" ]; then
  say "figures"
  strip -g -o "$WORK/a" "$PREFIX/lib/liboauth2kit.a"
  echo "liboauth2kit.a (debug info stripped): $(stat -c %s "$WORK/a") bytes"
  cargo run -q --release -p oauth2kit-ffi --example cached_token_bench -- "$URL"
fi
say "all passed"
