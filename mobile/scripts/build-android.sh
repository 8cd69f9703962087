#!/usr/bin/env bash
# Builds the Android library: target/android/oauth2kit-android-<version>.aar
#   jni/<abi>/liboauth2kit_mobile.so   for arm64-v8a armeabi-v7a x86_64 x86 (cargo-ndk, release)
#   classes.jar                        the generated Kotlin, compiled (package oauth2kit)
#   AndroidManifest.xml, proguard.txt (keep rules for JNA and the binding), R.txt
# and next to it a .pom declaring what the AAR needs (JNA as an AAR, kotlinx-coroutines-android).
# With --install, both go into ~/.m2 as dev.oauth2kit:oauth2kit-android:<version>.
#
# Needs the Android NDK (ANDROID_NDK_HOME, or ANDROID_HOME/ndk/<version>), rustup,
# a JDK and Maven; installs cargo-ndk and the Rust Android targets when missing.
# The build machines of this project have no NDK: this script was not run there.
#
# Usage: mobile/scripts/build-android.sh [--install]
#        ABIS="arm64-v8a x86_64" mobile/scripts/build-android.sh     (fewer ABIs)
set -euo pipefail
MOBILE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$MOBILE/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$TARGET_DIR" && TARGET_DIR="$(cd "$TARGET_DIR" && pwd)"   # the zip below runs in another directory
export CARGO_TARGET_DIR="$TARGET_DIR"
ABIS="${ABIS:-arm64-v8a armeabi-v7a x86_64 x86}"
MIN_SDK="${MIN_SDK:-21}"
INSTALL=0
[[ "${1:-}" == "--install" ]] && INSTALL=1

# The NDK first: nothing below is worth starting without it.
if [[ -z "${ANDROID_NDK_HOME:-}" ]]; then
  if [[ -n "${ANDROID_NDK_ROOT:-}" ]]; then
    ANDROID_NDK_HOME="$ANDROID_NDK_ROOT"
  else
    SDK="${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}"
    if [[ -n "$SDK" && -d "$SDK/ndk" ]]; then
      ANDROID_NDK_HOME="$(find "$SDK/ndk" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)"
    fi
  fi
fi
if [[ -z "${ANDROID_NDK_HOME:-}" || ! -d "${ANDROID_NDK_HOME:-}/toolchains/llvm" ]]; then
  echo "build-android: no Android NDK found (set ANDROID_NDK_HOME)" >&2
  exit 1
fi
export ANDROID_NDK_HOME

VERSION="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$MOBILE/kotlin/pom.xml" | head -n 1)"
JNA_VERSION="$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' "$MOBILE/kotlin/pom.xml")"
COROUTINES_VERSION="$(sed -n 's:.*<coroutines.version>\(.*\)</coroutines.version>.*:\1:p' "$MOBILE/kotlin/pom.xml")"
OUT="$TARGET_DIR/android"
AAR_DIR="$OUT/aar"
rm -rf "$AAR_DIR" && mkdir -p "$AAR_DIR/jni"

# 1. The native library per ABI.
command -v cargo-ndk >/dev/null 2>&1 || { echo "build-android: installing cargo-ndk"; cargo install --locked cargo-ndk; }
declare -A RUST_TARGET=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7-linux-androideabi
                        [x86_64]=x86_64-linux-android [x86]=i686-linux-android)
TARGETS=(); NDK_ARGS=()
for abi in $ABIS; do
  [[ -n "${RUST_TARGET[$abi]:-}" ]] || { echo "build-android: unknown ABI $abi (one of ${!RUST_TARGET[*]})" >&2; exit 1; }
  TARGETS+=("${RUST_TARGET[$abi]}"); NDK_ARGS+=(-t "$abi")
done
rustup target add "${TARGETS[@]}"
echo "build-android: building liboauth2kit_mobile.so for $ABIS (NDK $ANDROID_NDK_HOME, API $MIN_SDK)"
(cd "$ROOT" && cargo ndk "${NDK_ARGS[@]}" --platform "$MIN_SDK" -o "$AAR_DIR/jni" build --release -p oauth2kit-mobile --lib)
for abi in $ABIS; do
  [[ -f "$AAR_DIR/jni/$abi/liboauth2kit_mobile.so" ]] || { echo "build-android: no jni/$abi/liboauth2kit_mobile.so" >&2; exit 1; }
done

# 2. The Kotlin: generated from the host build (the interface is the same for
#    every target), compiled by the Maven project without tests or native resource.
LIB="$("$MOBILE/scripts/generate.sh" | tail -n 1)"
NO_NATIVE="$(mktemp -d)"
trap 'rm -rf "$NO_NATIVE"' EXIT
rm -rf "$MOBILE/kotlin/target/classes"
(cd "$MOBILE/kotlin" && mvn -q -B -Dstyle.color=never compile -Doauth2kit.lib.dir="$NO_NATIVE")
jar --create --file "$AAR_DIR/classes.jar" -C "$MOBILE/kotlin/target/classes" oauth2kit

# 3. The rest of the AAR.
cat > "$AAR_DIR/AndroidManifest.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="dev.oauth2kit">
    <uses-sdk android:minSdkVersion="$MIN_SDK" />
    <uses-permission android:name="android.permission.INTERNET" />
</manifest>
XML
# Consumer rules R8 applies to the app: JNA finds classes and fields by reflection.
cat > "$AAR_DIR/proguard.txt" <<'PRO'
-keep class com.sun.jna.** { *; }
-keep class * implements com.sun.jna.** { *; }
-keep class oauth2kit.** { *; }
-dontwarn java.awt.**
PRO
: > "$AAR_DIR/R.txt"
AAR="$OUT/oauth2kit-android-$VERSION.aar"
rm -f "$AAR" && (cd "$AAR_DIR" && zip -qr "$AAR" AndroidManifest.xml classes.jar proguard.txt R.txt jni)

POM="$OUT/oauth2kit-android-$VERSION.pom"
cat > "$POM" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.oauth2kit</groupId>
  <artifactId>oauth2kit-android</artifactId>
  <version>$VERSION</version>
  <packaging>aar</packaging>
  <dependencies>
    <!-- JNA's Android AAR carries libjnidispatch.so per ABI. -->
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>$JNA_VERSION</version>
      <type>aar</type>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlinx</groupId>
      <artifactId>kotlinx-coroutines-android</artifactId>
      <version>$COROUTINES_VERSION</version>
    </dependency>
  </dependencies>
</project>
XML
echo "build-android: $AAR"
unzip -Z1 "$AAR" | sed 's/^/  /'

if [[ $INSTALL -eq 1 ]]; then
  mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
    -Dfile="$AAR" -DpomFile="$POM" -Dpackaging=aar
  echo "build-android: installed dev.oauth2kit:oauth2kit-android:$VERSION into ~/.m2"
fi
