#!/usr/bin/env bash
# Builds liboauth2kit_mobile for the host and generates the bindings from it:
#   Kotlin -> mobile/kotlin/target/generated-sources/uniffi/oauth2kit/oauth2kit.kt
#   Swift  -> mobile/swift/Sources/OAuth2Kit/OAuth2Kit.swift
#             mobile/swift/Sources/OAuth2KitFFI/{OAuth2KitFFI.h,module.modulemap}
# Generated code is never edited by hand and not committed (see mobile/README.md).
# Usage: mobile/scripts/generate.sh [--release]
set -euo pipefail
MOBILE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$MOBILE/.." && pwd)"
PROFILE=debug
CARGO_FLAGS=()
if [[ "${1:-}" == "--release" ]]; then PROFILE=release; CARGO_FLAGS=(--release); fi
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

cd "$ROOT"
cargo build -q "${CARGO_FLAGS[@]}" -p oauth2kit-mobile --lib --bin uniffi-bindgen

case "$(uname -s)" in
  Darwin) LIB="$TARGET_DIR/$PROFILE/liboauth2kit_mobile.dylib" ;;
  *) LIB="$TARGET_DIR/$PROFILE/liboauth2kit_mobile.so" ;;
esac
BINDGEN="$TARGET_DIR/$PROFILE/uniffi-bindgen"

KOTLIN_OUT="$MOBILE/kotlin/target/generated-sources/uniffi"
rm -rf "$KOTLIN_OUT"
"$BINDGEN" generate --library "$LIB" --language kotlin --out-dir "$KOTLIN_OUT" --no-format >/dev/null

SWIFT_TMP="$(mktemp -d)"
trap 'rm -rf "$SWIFT_TMP"' EXIT
"$BINDGEN" generate --library "$LIB" --language swift --out-dir "$SWIFT_TMP" --no-format >/dev/null
mkdir -p "$MOBILE/swift/Sources/OAuth2Kit" "$MOBILE/swift/Sources/OAuth2KitFFI"
cp "$SWIFT_TMP/OAuth2Kit.swift" "$MOBILE/swift/Sources/OAuth2Kit/OAuth2Kit.swift"
cp "$SWIFT_TMP/OAuth2KitFFI.h" "$MOBILE/swift/Sources/OAuth2KitFFI/OAuth2KitFFI.h"
# SwiftPM wants `module.modulemap`; UniFFI's own map `use`s Darwin, which Linux lacks.
# `link` makes every importer link the library without flags in Package.swift
# (the Linux system-library target; the XCFramework has its own map without it,
# see build-xcframework.sh).
cat > "$MOBILE/swift/Sources/OAuth2KitFFI/module.modulemap" <<'MAP'
module OAuth2KitFFI {
    header "OAuth2KitFFI.h"
    link "oauth2kit_mobile"
    export *
}
MAP
echo "$LIB"
