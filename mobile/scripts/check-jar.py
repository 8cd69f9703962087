#!/usr/bin/env python3
"""Checks the Kotlin artifact before anyone consumes it (mobile/test.sh and
package-jvm.sh run it after `mvn install`):

  - the compiled binding is inside (oauth2kit/OAuthClient.class, …);
  - exactly one native library, at a JNA resource prefix we list (an unlisted
    platform gets `unsupported-platform/` from the pom and is refused here,
    rather than shipping a jar JNA cannot load from);
  - the pom inside declares JNA (and the coroutines) as compile dependencies,
    so a consumer gets them transitively;
  - its version is the Cargo workspace's (one version for every binding).

Usage: check-jar.py JAR CARGO_TOML
Prints one summary line; exits 1 with the reason otherwise.
"""
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

JNA_PREFIXES = {"linux-x86-64", "linux-aarch64", "darwin-x86-64", "darwin-aarch64", "win32-x86-64"}
LIB_NAMES = {"liboauth2kit_mobile.so", "liboauth2kit_mobile.dylib", "oauth2kit_mobile.dll"}
POM = "META-INF/maven/dev.oauth2kit/oauth2kit-kotlin/pom.xml"
NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def fail(msg: str) -> None:
    print(f"check-jar: {msg}", file=sys.stderr)
    sys.exit(1)


def cargo_version(path: str) -> str:
    # No tomllib before Python 3.11 (the project supports 3.9): the
    # [workspace.package] table is flat, a regex over it is enough.
    text = open(path, encoding="utf-8").read()
    table = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[)", text, re.S | re.M)
    m = table and re.search(r'^version\s*=\s*"([^"]+)"', table.group(1), re.M)
    if not m:
        fail(f"no [workspace.package] version in {path}")
    return m.group(1)


def main() -> None:
    jar_path, cargo_toml = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(jar_path) as jar:
        names = jar.namelist()
        for cls in ("oauth2kit/OAuthClient.class", "oauth2kit/ClientConfig.class", "oauth2kit/OAuth2KitException.class"):
            if cls not in names:
                fail(f"{jar_path} lacks {cls} (the generated Kotlin was not compiled into it)")
        libs = [n for n in names if n.rsplit("/", 1)[-1] in LIB_NAMES]
        if len(libs) != 1:
            fail(f"{jar_path} holds {len(libs)} native libraries ({libs}); expected the host's one")
        prefix = libs[0].rsplit("/", 1)[0] if "/" in libs[0] else ""
        if prefix not in JNA_PREFIXES:
            fail(f"native library at {libs[0]!r}: {prefix!r} is not a JNA resource prefix this pom lists "
                 f"(add a profile for this platform to mobile/kotlin/pom.xml)")
        lib_size = jar.getinfo(libs[0]).file_size
        if POM not in names:
            fail(f"{jar_path} lacks {POM}")
        pom = ET.fromstring(jar.read(POM))

    props = {p.tag.split("}")[1]: (p.text or "") for p in pom.find("m:properties", NS)}

    def resolve(v: str) -> str:
        return re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), v)

    deps = {}
    for d in pom.findall("m:dependencies/m:dependency", NS):
        key = f"{d.findtext('m:groupId', '', NS)}:{d.findtext('m:artifactId', '', NS)}"
        deps[key] = (resolve(d.findtext("m:version", "", NS)), d.findtext("m:scope", "compile", NS))
    for needed in ("net.java.dev.jna:jna", "org.jetbrains.kotlinx:kotlinx-coroutines-core-jvm", "org.jetbrains.kotlin:kotlin-stdlib"):
        if needed not in deps:
            fail(f"the pom does not declare {needed}")
        if deps[needed][1] not in ("compile", "runtime"):
            fail(f"the pom declares {needed} with scope {deps[needed][1]}: consumers would not get it")

    version = pom.findtext("m:version", "", NS)
    want = cargo_version(cargo_toml)
    if version != want:
        fail(f"mobile/kotlin/pom.xml has version {version}, the Cargo workspace {want}: make them equal")

    print(f"jar: dev.oauth2kit:oauth2kit-kotlin:{version}: {libs[0]} ({lib_size / 1e6:.1f} MB), "
          f"depends on jna {deps['net.java.dev.jna:jna'][0]}")


if __name__ == "__main__":
    main()
