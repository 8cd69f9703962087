#!/usr/bin/env bash
# Builds the Kotlin/JVM artifact and installs it into the local Maven repository
# (~/.m2), without running the tests (mobile/test.sh does the same with them):
#   dev.oauth2kit:oauth2kit-kotlin:<version>   the compiled binding, JNA and
#   kotlinx-coroutines declared in its pom, this platform's native library inside.
# Usage: mobile/scripts/package-jvm.sh [--release]     (--release: optimised library)
set -euo pipefail
MOBILE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$MOBILE/.." && pwd)"
LIB="$("$MOBILE/scripts/generate.sh" "$@" | tail -n 1)"
# No stale classes or jar of another build in what gets installed.
rm -rf "$MOBILE/kotlin/target/classes" "$MOBILE"/kotlin/target/oauth2kit-kotlin-*.jar
(cd "$MOBILE/kotlin" && mvn -q -B -Dstyle.color=never install -Dmaven.test.skip=true -Doauth2kit.lib.dir="$(dirname "$LIB")")
echo
python3 "$MOBILE/scripts/check-jar.py" "$MOBILE"/kotlin/target/oauth2kit-kotlin-*.jar "$ROOT/Cargo.toml"
echo "package-jvm: installed into ~/.m2; see mobile/README.md for the <dependency> and Gradle lines"
