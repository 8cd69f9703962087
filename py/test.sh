#!/usr/bin/env bash
# Tests of the Python package, from a fresh machine: a venv under py/.venv,
# `pip install ./py` (maturin builds the abi3 wheel), the devserver binary,
# then pytest (the devserver is started by a session fixture and exits with
# it), mypy --strict on examples/python, and stubtest on the extension's stubs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$ROOT/py/.venv"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
"$PY" -m pip install -q --disable-pip-version-check "pytest>=8" "pytest-asyncio>=0.23" "requests>=2.28" "httpx>=0.24" "mypy>=1.10"
echo "py/test.sh: building the wheel (maturin, release) and installing it…"
# `pip wheel ./py` is also how to ship to machines without Rust: one abi3
# wheel per platform (py/README.md, "Shipping a wheel").
rm -f "$CARGO_TARGET_DIR"/wheels/oauth2kit-*.whl
"$PY" -m pip wheel -q --disable-pip-version-check --no-deps -w "$CARGO_TARGET_DIR/wheels" "$ROOT/py"
WHEEL="$(ls "$CARGO_TARGET_DIR"/wheels/oauth2kit-*.whl)"
echo "py/test.sh: $(basename "$WHEEL"): $(stat -c %s "$WHEEL") bytes"
"$PY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

# Real peers for two of the suites (skipped, and said so, when they cannot be had):
# redis-server for the fleet store, npm oidc-provider (tests/interop's pinned copy) for interop.
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null 2>&1 \
        || echo "py/test.sh: could not install redis-server; the Redis store test will be skipped"
fi
if [ ! -d "$ROOT/tests/interop/node_modules/oidc-provider" ] && command -v npm >/dev/null 2>&1; then
    (cd "$ROOT/tests/interop" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) \
        || echo "py/test.sh: could not install oidc-provider; the interop tests will be skipped"
fi

echo "py/test.sh: building the devserver…"
cargo build -q -p oauth2kit-devserver

cd "$ROOT/py"
"$PY" -m pytest -q -rs -p no:cacheprovider tests

echo "py/test.sh: mypy --strict on examples/python and the package…"
"$PY" -m mypy --strict --no-incremental --cache-dir=/dev/null "$ROOT/examples/python" "$ROOT/py/python/oauth2kit"
echo "py/test.sh: stubtest (the .pyi stubs match the extension module)…"
"$PY" -m mypy.stubtest oauth2kit._oauth2kit --mypy-config-file "$ROOT/py/pyproject.toml" --ignore-unused-allowlist
echo "py/test.sh: OK"
