#!/usr/bin/env bash
# oauth2kit against npm oidc-provider (an independent authorization server).
# Run from anywhere: installs the pinned npm package (package-lock.json),
# then runs the Rust suite, which starts and stops `node server.mjs` itself.
set -euo pipefail

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
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

cd "$repo"
# The suite starts one `node server.mjs 0` per test binary and stops it
# when the binary exits (its stdin closes), so there is nothing to clean up here.
cargo test -q -p oauth2kit-interop "$@"
