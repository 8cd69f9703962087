#!/usr/bin/env bash
# A pinned Keycloak for the oauth2kit Keycloak suite: fetched with Maven
# (cached in ~/.m2 and unzipped once into the user cache), started in dev mode
# on free loopback ports with an in-memory database, provisioned through the
# admin REST API (provision.py), and stopped.
#
#   keycloak.sh start   # returns at once: Keycloak starts in the background
#   keycloak.sh wait    # waits until it answers (timeout, log shown on failure), provisions it
#   keycloak.sh stop    # stops it and the test CIBA channel (safe to call twice)
#
# State (URL, process ids, log, fixtures.json) lives in $OAUTH2KIT_KEYCLOAK_STATE
# (default: $CARGO_TARGET_DIR/keycloak-run, else target/keycloak-run).
set -euo pipefail

KEYCLOAK_VERSION=26.7.3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
STATE="${OAUTH2KIT_KEYCLOAK_STATE:-${CARGO_TARGET_DIR:-$repo/target}/keycloak-run}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/oauth2kit"
DIST="$CACHE/keycloak-$KEYCLOAK_VERSION"
# Startup takes about 2 minutes on 2 busy cores, well under a minute on quiet ones.
START_TIMEOUT="${OAUTH2KIT_KEYCLOAK_START_TIMEOUT:-600}"
say() { printf 'keycloak: %s\n' "$*" >&2; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

fetch() {
    [ -x "$DIST/bin/kc.sh" ] && return 0
    if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "installing a JDK and Maven (apt)"
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless maven >/dev/null
        else
            say "Maven (mvn) and a JDK 17+ are needed to fetch and run Keycloak"; return 1
        fi
    fi
    local tmp t0
    t0=$(date +%s)
    mkdir -p "$CACHE"
    tmp="$(mktemp -d "$CACHE/fetch.XXXXXX")"
    say "fetching org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION (zip, about 170 MB, cached in ~/.m2)"
    mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
        -DoutputDirectory="$tmp" >&2
    python3 -m zipfile -e "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" "$tmp"
    chmod +x "$tmp/keycloak-$KEYCLOAK_VERSION"/bin/*.sh  # zipfile keeps no modes
    rm -rf "$DIST"
    mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$DIST"
    rm -rf "$tmp"
    say "fetched and unpacked in $(( $(date +%s) - t0 ))s ($DIST)"
}

start() {
    if [ -f "$STATE/kc.pid" ] && kill -0 "$(cat "$STATE/kc.pid")" 2>/dev/null; then
        say "already running ($(cat "$STATE/url"))"; return 0
    fi
    fetch
    rm -rf "$STATE"; mkdir -p "$STATE"; chmod 700 "$STATE"
    local port channel_port
    port="$(free_port)"; channel_port="$(free_port)"
    echo "http://127.0.0.1:$port" >"$STATE/url"
    echo "http://127.0.0.1:$channel_port/ciba" >"$STATE/channel"
    # A fresh admin password per run, never printed; the in-memory database dies with the process.
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$STATE/admin-password")
    date +%s >"$STATE/started"
    setsid python3 "$here/ciba_channel.py" "$channel_port" </dev/null >"$STATE/channel.log" 2>&1 &
    echo $! >"$STATE/channel.pid"
    # setsid: its own process group, so stop() ends kc.sh and its java together.
    # Health and metrics stay off (the default in dev mode), so no management port is opened.
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$(cat "$STATE/admin-password")" \
        setsid "$DIST/bin/kc.sh" start-dev \
        --http-host=127.0.0.1 --http-port="$port" --db=dev-mem \
        --hostname-strict=false \
        --spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri="http://127.0.0.1:$channel_port/ciba" \
        </dev/null >"$STATE/keycloak.log" 2>&1 &
    echo $! >"$STATE/kc.pid"
    say "starting Keycloak $KEYCLOAK_VERSION at http://127.0.0.1:$port (log: $STATE/keycloak.log)"
}

wait_ready() {
    [ -f "$STATE/url" ] || { say "not started (run: keycloak.sh start)"; return 1; }
    local url pid started deadline
    url="$(cat "$STATE/url")"; pid="$(cat "$STATE/kc.pid")"; started="$(cat "$STATE/started")"
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    # The condition: the master realm answers. Checked every half second,
    # bounded by START_TIMEOUT; a dead process ends the wait at once.
    until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
            "$url/realms/master" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "Keycloak exited during start-up; its log:"; tail -n 80 "$STATE/keycloak.log" >&2; return 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            say "Keycloak did not answer within ${START_TIMEOUT}s; its log:"; tail -n 80 "$STATE/keycloak.log" >&2; return 1
        fi
        sleep 0.5
    done
    if [ ! -f "$STATE/ready" ]; then
        # When it began to listen, from its own log line (nobody may have
        # asked before this wait): "<date> <time>,ms INFO [io.quarkus] ... Listening on".
        local listening ts
        ts="$(grep -m1 'Listening on' "$STATE/keycloak.log" | cut -c1-19)"
        listening=$(( $(date -d "$ts" +%s 2>/dev/null || date +%s) - started ))
        say "listening ${listening}s after launch (asked after $(( $(date +%s) - started ))s); provisioning the realm"
        python3 "$here/provision.py" "$url" "$STATE/admin-password" "$(cat "$STATE/channel")" "$STATE/fixtures.json" >&2
        echo "$listening" >"$STATE/ready"
    fi
    echo "$STATE/fixtures.json"
}

stop() {
    local f
    for f in kc.pid channel.pid; do
        [ -f "$STATE/$f" ] || continue
        local pid; pid="$(cat "$STATE/$f")"
        # The process group setsid made (kc.sh and its java, or the channel).
        kill -TERM -- "-$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
        rm -f "$STATE/$f"
    done
}

case "${1:-}" in
    start) start ;;
    wait) wait_ready ;;
    stop) stop ;;
    fetch) fetch ;;
    *) echo "usage: keycloak.sh start|wait|stop|fetch" >&2; exit 2 ;;
esac
