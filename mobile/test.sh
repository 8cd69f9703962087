#!/usr/bin/env bash
# Tests of the Kotlin and Swift bindings (UniFFI) against the real devserver.
# Run from anywhere (the lead runs it from the repo root): installs what it
# needs (JDK + Maven via apt when missing; Maven fetches Kotlin, JNA,
# coroutines and JUnit from Maven Central), builds the library, generates the
# bindings, starts the devserver, runs the JVM suite and installs the Kotlin
# artifact (dev.oauth2kit:oauth2kit-kotlin, host native library inside) into
# ~/.m2, builds and runs a separate consumer project against that artifact,
# checks that the Android AAR script stops with its message when there is no NDK
# (none here), and runs `swift test` when a Swift toolchain exists (skips it,
# saying so, otherwise).
set -euo pipefail
MOBILE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$MOBILE/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TARGET_DIR="$TARGET_DIR"

if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  echo "mobile: installing a JDK and Maven (apt)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless maven >/dev/null
fi

echo "mobile: building liboauth2kit_mobile and generating the Kotlin and Swift bindings"
LIB="$("$MOBILE/scripts/generate.sh" | tail -n 1)"
LIB_DIR="$(dirname "$LIB")"
(cd "$ROOT" && cargo build -q -p oauth2kit-devserver)

echo "mobile: parity of the generated Kotlin and Swift with the binding layer (bind/manifest.json)"
python3 "$ROOT/scripts/parity.py" --mobile-only \
  --kotlin "$MOBILE/kotlin/target/generated-sources/uniffi/oauth2kit/oauth2kit.kt" \
  --swift "$MOBILE/swift/Sources/OAuth2Kit/OAuth2Kit.swift"

echo "mobile: Rust unit tests of the binding (conversions, error codes, runtime, cancellation)"
(cd "$ROOT" && cargo test -q -p oauth2kit-mobile --lib)

WORK="$(mktemp -d)"
DEV_PID=""
cleanup() {
  if [[ -n "$DEV_PID" ]]; then kill "$DEV_PID" 2>/dev/null || true; wait "$DEV_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$TARGET_DIR/debug/oauth2kit-devserver" --port 0 >"$WORK/devserver.out" 2>"$WORK/devserver.err" &
DEV_PID=$!
URL=""
for _ in $(seq 1 100); do
  # A whole first line (the URL and its newline), never a half-written one.
  if [[ "$(wc -l <"$WORK/devserver.out")" -ge 1 ]]; then URL="$(head -n 1 "$WORK/devserver.out")"; break; fi
  kill -0 "$DEV_PID" 2>/dev/null || { cat "$WORK/devserver.err" >&2; echo "mobile: devserver died" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$URL" ]] || { echo "mobile: devserver printed no URL" >&2; exit 1; }
echo "mobile: devserver at $URL"

# Kotlin on the JVM. -q keeps Maven quiet; the counts come from Surefire's reports.
# Stale classes, reports or jars from an earlier run must not count (generated sources are kept).
# `install` runs the tests first and packages and installs the artifact only when they pass.
rm -rf "$MOBILE/kotlin/target/surefire-reports" "$MOBILE/kotlin/target/classes" "$MOBILE/kotlin/target/test-classes" \
  "$MOBILE"/kotlin/target/oauth2kit-kotlin-*.jar
KOTLIN_RC=0
(cd "$MOBILE/kotlin" && mvn -q -B -Dstyle.color=never install \
    -Doauth2kit.devserver.url="$URL" \
    -Doauth2kit.devserver.bin="$TARGET_DIR/debug/oauth2kit-devserver" \
    -Doauth2kit.lib.dir="$LIB_DIR" \
    -Doauth2kit.keys.dir="$ROOT/devserver/keys") || KOTLIN_RC=$?
echo  # Maven may leave the cursor mid-line; the count must stand alone on its line.
python3 "$MOBILE/scripts/surefire-count.py" "$MOBILE/kotlin/target/surefire-reports" kotlin || true
if [[ $KOTLIN_RC -ne 0 ]]; then echo "mobile: Kotlin tests failed" >&2; exit "$KOTLIN_RC"; fi

# The installed artifact, used as a new user would: check what the jar holds, then
# build the separate consumer project (its pom names only the coordinates) and run
# it against the devserver. LD_LIBRARY_PATH is dropped so the library can only come
# from the jar (the consumer also checks JNA extracted it from there).
echo "mobile: the Kotlin artifact in ~/.m2 and a consumer project built against it"
python3 "$MOBILE/scripts/check-jar.py" "$MOBILE"/kotlin/target/oauth2kit-kotlin-*.jar "$ROOT/Cargo.toml"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$MOBILE/kotlin/pom.xml" | head -n 1)"
rm -rf "$MOBILE/kotlin-consumer/target"
(cd "$MOBILE/kotlin-consumer" && env -u LD_LIBRARY_PATH -u DYLD_LIBRARY_PATH \
   mvn -q -B -Dstyle.color=never compile exec:exec \
     -Doauth2kit.version="$VERSION" -Doauth2kit.devserver.url="$URL") \
  || { echo "mobile: the consumer of dev.oauth2kit:oauth2kit-kotlin:$VERSION failed" >&2; exit 1; }

# Android: the AAR needs the NDK, which these machines lack. What is checked here
# is that build-android.sh then stops at once and says what to set.
if [[ -z "${ANDROID_NDK_HOME:-}${ANDROID_NDK_ROOT:-}${ANDROID_HOME:-}${ANDROID_SDK_ROOT:-}" ]]; then
  ANDROID_RC=0
  ANDROID_OUT="$(bash "$MOBILE/scripts/build-android.sh" 2>&1)" || ANDROID_RC=$?
  if [[ $ANDROID_RC -eq 0 ]] || ! grep -q "no Android NDK found (set ANDROID_NDK_HOME)" <<<"$ANDROID_OUT"; then
    echo "mobile/android: build-android.sh without an NDK exited $ANDROID_RC saying: $ANDROID_OUT" >&2; exit 1
  fi
  echo "mobile/android: skipped: no Android NDK (build-android.sh says so; the AAR is not built here)"
else
  echo "mobile/android: an Android SDK/NDK variable is set; mobile/scripts/build-android.sh builds the AAR (not part of this suite)"
fi

# Swift: only where a toolchain exists (none on the build machines here).
# (`swift --version` tells the compiler from OpenStack's `swift` client of the same name.)
if command -v swift >/dev/null 2>&1 && swift --version 2>&1 | grep -qiE "swift(-driver)? version"; then
  # Package.swift has no unsafeFlags (it must stay usable as a dependency): on
  # macOS it links the XCFramework (here: the host slice of the debug build), on
  # Linux the module map's `link "oauth2kit_mobile"` with the directory given here.
  if [[ "$(uname -s)" == Darwin ]]; then "$MOBILE/scripts/build-xcframework.sh" --host >/dev/null; fi
  (cd "$MOBILE/swift" && OAUTH2KIT_DEVSERVER_URL="$URL" OAUTH2KIT_KEYS_DIR="$ROOT/devserver/keys" \
     swift test -Xlinker -L"$LIB_DIR" -Xlinker -rpath -Xlinker "$LIB_DIR")
else
  echo "mobile/swift: skipped: no swift toolchain (Swift package generated, not compiled or run here)"
fi
