"""Install and memory footprint, side by side in one run: the size of the
oauth2kit wheel (and of the installed files) beside Authlib's and
requests-oauthlib's, and the resident memory of an idle Python process that
has imported each library and made a client (no request sent), each in its
own fresh subprocess, against a bare interpreter.

    py/.venv/bin/pip install authlib requests-oauthlib requests
    py/.venv/bin/python py/bench/footprint.py [--wheel target/wheels/oauth2kit-*.whl]

Prints a Markdown table. RSS is VmRSS from /proc/self/status after a
gc.collect(), the median of 5 processes per library (Linux only).
"""

from __future__ import annotations

import argparse
import glob
import importlib.metadata as md
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parents[2]

CLIENTS: Dict[str, str] = {
    "bare interpreter": "pass",
    "oauth2kit": (
        "import oauth2kit\n"
        "c = oauth2kit.Client('app', 'secret', token_url='https://as.example/token')\n"
    ),
    "Authlib (requests)": (
        "from authlib.integrations.requests_client import OAuth2Session\n"
        "c = OAuth2Session('app', 'secret', token_endpoint='https://as.example/token')\n"
    ),
    "requests-oauthlib": (
        "from oauthlib.oauth2 import BackendApplicationClient\n"
        "from requests_oauthlib import OAuth2Session\n"
        "c = OAuth2Session(client=BackendApplicationClient(client_id='app'))\n"
    ),
}

PROBE = (
    "{setup}\n"
    "import gc\n"
    "gc.collect()\n"
    "for line in open('/proc/self/status'):\n"
    "    if line.startswith('VmRSS:'):\n"
    "        print(int(line.split()[1]))\n"
)


def rss_kib(setup: str) -> Optional[int]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return int(out.stdout.strip().splitlines()[-1])


def installed_bytes(dist: str) -> Optional[int]:
    """The bytes a distribution's files take once installed (its RECORD)."""
    try:
        files = md.files(dist) or []
    except md.PackageNotFoundError:
        return None
    total = 0
    for f in files:
        p = Path(f.locate())
        if p.is_file() and "__pycache__" not in p.parts:
            total += p.stat().st_size
    return total


def mib(n: Optional[float]) -> str:
    return "—" if n is None else f"{n / 1048576:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", help="the oauth2kit wheel built by py/test.sh (default: target/wheels/oauth2kit-*.whl)")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    wheels = [a.wheel] if a.wheel else sorted(glob.glob(str(REPO / "target/wheels/oauth2kit-*.whl")))
    print("| library | installed (MiB) | idle RSS with a client (MiB, median of %d) | over a bare interpreter (MiB) |" % a.runs)
    print("|---|---:|---:|---:|")
    rows: List[tuple] = []
    for name, setup in CLIENTS.items():
        samples = [r for r in (rss_kib(setup) for _ in range(a.runs)) if r is not None]
        rows.append((name, statistics.median(samples) * 1024 if samples else None))
    bare = rows[0][1]
    dists = {"oauth2kit": ["oauth2kit"], "Authlib (requests)": ["Authlib", "requests", "cryptography", "cffi", "urllib3",
                                                                  "idna", "charset-normalizer", "certifi"],
             "requests-oauthlib": ["requests-oauthlib", "oauthlib", "requests", "urllib3", "idna", "charset-normalizer",
                                   "certifi"]}
    for name, rss in rows:
        size = None
        if name in dists:
            sizes = [installed_bytes(d) for d in dists[name]]
            size = sum(s for s in sizes if s is not None) if any(s is not None for s in sizes) else None
        over = None if rss is None or bare is None or name == "bare interpreter" else rss - bare
        print(f"| {name} | {mib(size)} | {mib(rss)} | {mib(over)} |")
    for w in wheels:
        print(f"\nWheel: `{os.path.basename(w)}`, {os.path.getsize(w):,} bytes ({mib(os.path.getsize(w))} MiB).")
    print("\nInstalled sizes count each distribution's RECORD with its dependencies (Authlib: requests, "
          "cryptography, cffi…; requests-oauthlib: oauthlib, requests…); oauth2kit has none.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
