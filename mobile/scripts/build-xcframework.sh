#!/usr/bin/env bash
# Builds mobile/swift/OAuth2KitFFI.xcframework, the native half of the Swift
# package on Apple platforms (Package.swift's binaryTarget): the static
# liboauth2kit_mobile.a per platform with the generated C header and a module map.
# Needs macOS with Xcode; not run on the Linux build machines of this project.
#
# Usage: mobile/scripts/build-xcframework.sh           release: iOS, iOS simulator, macOS
#        mobile/scripts/build-xcframework.sh --host    the host macOS slice from the debug
#                                                      build (what test.sh uses for swift test)
# Then: the app adds mobile/swift as a local package, or you ship
# OAuth2KitFFI.xcframework.zip with the checksum this prints (see ../README.md).
set -euo pipefail
MOBILE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$MOBILE/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TARGET_DIR="$TARGET_DIR"
OUT="$MOBILE/swift/OAuth2KitFFI.xcframework"

if [[ "$(uname -s)" != Darwin ]] || ! command -v xcodebuild >/dev/null 2>&1; then
  echo "build-xcframework: needs macOS with Xcode (xcodebuild); on Linux, swift test links the host library instead" >&2
  exit 1
fi

LIBS=()
if [[ "${1:-}" == "--host" ]]; then
  "$MOBILE/scripts/generate.sh" >/dev/null                      # host debug build + sources
  LIBS=("$TARGET_DIR/debug/liboauth2kit_mobile.a")
else
  TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
  rustup target add "${TARGETS[@]}"
  LOG="$(mktemp)"
  for t in "${TARGETS[@]}"; do
    # Only the static library, and rustc's list of what it needs at link time
    # (compare with the linkerSettings of Package.swift).
    if ! (cd "$ROOT" && cargo rustc -q --release -p oauth2kit-mobile --lib --crate-type staticlib --target "$t" \
            -- --print native-static-libs) 2>"$LOG"; then
      cat "$LOG" >&2; echo "build-xcframework: the build for $t failed" >&2; exit 1
    fi
    echo "build-xcframework: $t: $(grep -o 'native-static-libs:.*' "$LOG" || echo 'native-static-libs: (not printed)')"
  done
  rm -f "$LOG"
  # One library per platform variant: the two simulator and the two macOS architectures are merged.
  mkdir -p "$TARGET_DIR/apple/ios-sim" "$TARGET_DIR/apple/macos"
  lipo -create "$TARGET_DIR/aarch64-apple-ios-sim/release/liboauth2kit_mobile.a" \
    "$TARGET_DIR/x86_64-apple-ios/release/liboauth2kit_mobile.a" -output "$TARGET_DIR/apple/ios-sim/liboauth2kit_mobile.a"
  lipo -create "$TARGET_DIR/aarch64-apple-darwin/release/liboauth2kit_mobile.a" \
    "$TARGET_DIR/x86_64-apple-darwin/release/liboauth2kit_mobile.a" -output "$TARGET_DIR/apple/macos/liboauth2kit_mobile.a"
  "$MOBILE/scripts/generate.sh" --release >/dev/null           # Swift sources + header
  LIBS=("$TARGET_DIR/aarch64-apple-ios/release/liboauth2kit_mobile.a"
        "$TARGET_DIR/apple/ios-sim/liboauth2kit_mobile.a"
        "$TARGET_DIR/apple/macos/liboauth2kit_mobile.a")
fi

# The header with a module map of its own: no `link` line (SwiftPM links the
# XCFramework's library itself; an autolink of -loauth2kit_mobile would find nothing).
HEADERS="$(mktemp -d)"
trap 'rm -rf "$HEADERS"' EXIT
cp "$MOBILE/swift/Sources/OAuth2KitFFI/OAuth2KitFFI.h" "$HEADERS/"
cat > "$HEADERS/module.modulemap" <<'MAP'
module OAuth2KitFFI {
    header "OAuth2KitFFI.h"
    export *
}
MAP

ARGS=()
for lib in "${LIBS[@]}"; do ARGS+=(-library "$lib" -headers "$HEADERS"); done
rm -rf "$OUT" "$OUT.zip"
xcodebuild -create-xcframework "${ARGS[@]}" -output "$OUT" >/dev/null
(cd "$MOBILE/swift" && zip -qry OAuth2KitFFI.xcframework.zip OAuth2KitFFI.xcframework)
echo "build-xcframework: $OUT"
echo "build-xcframework: $OUT.zip checksum $(cd "$MOBILE/swift" && swift package compute-checksum OAuth2KitFFI.xcframework.zip)"
