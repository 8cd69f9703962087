#!/usr/bin/env python3
"""One line of counts from Maven Surefire's XML reports, for the suites that
run Kotlin tests (mobile/test.sh, tests/interop/test.sh, tests/keycloak/test.sh):

    surefire-count.py REPORTS_DIR LABEL [CLASS] [--strict]

prints `LABEL: N passed, M failed, K skipped` over `TEST-*CLASS.xml` (every
report without CLASS); errors count as failures. With --strict the exit status
is 1 unless some test ran and none failed or was skipped (a suite that must
run these tests); without it, 0.
"""

import glob
import sys
import xml.etree.ElementTree as ET


def main(argv: list) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if a != "--strict"]
    reports, label = args[0], args[1]
    cls = args[2] if len(args) > 2 else ""
    t = f = s = 0
    for path in glob.glob(f"{reports}/TEST-*{cls}.xml"):
        r = ET.parse(path).getroot()
        t += int(r.get("tests", 0))
        f += int(r.get("failures", 0)) + int(r.get("errors", 0))
        s += int(r.get("skipped", 0))
    print(f"{label}: {t - f - s} passed, {f} failed, {s} skipped")
    if strict:
        return 0 if t > 0 and f == 0 and s == 0 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
