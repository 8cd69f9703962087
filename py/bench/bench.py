"""Side-by-side benchmark, one run, one loopback devserver: sequential
client_credentials fetches and a cached token read, per library, each in its
own subprocess (so peak RSS is the library's own).

    python py/bench/bench.py [--n 2000] [--reads 1000000] [--rounds 4] [--modes issued,canned,canned-one-cpu]

Prints a Markdown table of req/s, µs per call, ratios and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import timeit
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID, SECRET = "post-client", "post-secret"  # client_secret_post: every library sends it the same way


def peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def best_ns(stmt: Callable[[], Any], reads: int) -> float:
    """Best of 5 runs, ns per call (the minimum is the least disturbed)."""
    t = timeit.Timer(stmt)
    return min(t.repeat(repeat=5, number=reads)) / reads * 1e9


RETRIES = 0
CHUNKS = 5
CA_PATH: Optional[str] = None  # the devserver's throw-away CA, for the HTTPS runs


def ca_pem() -> Dict[str, Any]:
    """oauth2kit's option trusting the throw-away CA (none over plain HTTP)."""
    return {"ca_certificates_pem": Path(CA_PATH).read_text()} if CA_PATH else {}


def retry_once(fetch: Callable[[], Any], errors: Tuple[type, ...] = ()) -> Callable[[], Any]:
    """requests and httpx do not resend a POST when the server has closed an
    idle pooled connection; the benchmark resends once and counts it."""
    import requests

    errors = errors or (requests.ConnectionError,)

    def run() -> Any:
        global RETRIES
        try:
            return fetch()
        except errors:
            RETRIES += 1
            return fetch()

    return run


def setup(lib: str, url: str) -> Tuple[Callable[[], Any], Optional[Callable[[], Any]]]:
    """(fetch, cached read) for one library, each through that library's own API."""
    token_url = f"{url}/token"
    if lib == "oauth2kit":
        import oauth2kit

        client = oauth2kit.Client(CLIENT_ID, SECRET, token_url=token_url, auth_method="client_secret_post", **ca_pem())
        session = oauth2kit.Session(client, client_credentials=True)
        session.token()
        return client.client_credentials, lambda: session.access_token
    if lib == "oauth2kit-session-token":
        import oauth2kit

        client = oauth2kit.Client(CLIENT_ID, SECRET, token_url=token_url, auth_method="client_secret_post", **ca_pem())
        session = oauth2kit.Session(client, client_credentials=True)
        session.token()
        return client.client_credentials, lambda: session.token().access_token
    if lib == "oauth2kit-token-attr":
        import oauth2kit

        client = oauth2kit.Client(CLIENT_ID, SECRET, token_url=token_url, auth_method="client_secret_post", **ca_pem())
        token = client.client_credentials()
        return client.client_credentials, lambda: token.access_token
    if lib == "authlib-requests":
        from authlib.integrations.requests_client import OAuth2Session

        s = OAuth2Session(CLIENT_ID, SECRET, token_endpoint_auth_method="client_secret_post")
        s.fetch_token(token_url, grant_type="client_credentials")
        return retry_once(lambda: s.fetch_token(token_url, grant_type="client_credentials")), lambda: s.token["access_token"]
    if lib == "authlib-httpx":
        from authlib.integrations.httpx_client import OAuth2Client

        c = OAuth2Client(CLIENT_ID, SECRET, token_endpoint_auth_method="client_secret_post", verify=httpx_verify())
        c.fetch_token(token_url, grant_type="client_credentials")
        import httpx

        fetch = retry_once(lambda: c.fetch_token(token_url, grant_type="client_credentials"), (httpx.TransportError,))
        return fetch, lambda: c.token["access_token"]
    if lib == "requests-oauthlib":
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # the loopback devserver speaks plain HTTP
        from oauthlib.oauth2 import BackendApplicationClient
        from requests_oauthlib import OAuth2Session as ROSession

        ro = ROSession(client=BackendApplicationClient(client_id=CLIENT_ID))

        def fetch() -> Any:
            return ro.fetch_token(token_url, client_id=CLIENT_ID, client_secret=SECRET, include_client_id=True)

        fetch()
        return retry_once(fetch), lambda: ro.token["access_token"]
    if lib == "raw-socket":
        return raw_socket_fetch(url), None
    if lib == "loopback-floor":
        return raw_socket_fetch(start_trivial_responder()), None
    raise SystemExit(f"unknown library {lib}")


ASYNC_LIBS = ["oauth2kit-async", "authlib-httpx-async", "httpx-async-raw"]


def async_retry_once(fetch: Callable[[], Any]) -> Callable[[], Any]:
    """As `retry_once`, for httpx's asyncio transport."""
    import httpx

    async def run() -> Any:
        global RETRIES
        try:
            return await fetch()
        except httpx.TransportError:
            RETRIES += 1
            return await fetch()

    return run


async def async_setup(lib: str, url: str) -> Tuple[Callable[[], Any], Optional[Callable[[], Any]], Optional[Callable[[], Any]]]:
    """(fetch coroutine function, awaited cached read, plain cached read) for one asyncio library."""
    token_url = f"{url}/token"
    if lib == "oauth2kit-async":
        import oauth2kit

        client = oauth2kit.AsyncClient(CLIENT_ID, SECRET, token_url=token_url, auth_method="client_secret_post", **ca_pem())
        session = oauth2kit.AsyncSession(client, client_credentials=True)
        await session.token()
        return client.client_credentials, session.token, session.cached
    if lib == "authlib-httpx-async":
        import httpx
        from authlib.integrations.httpx_client import AsyncOAuth2Client

        c = AsyncOAuth2Client(CLIENT_ID, SECRET, token_endpoint_auth_method="client_secret_post", verify=httpx_verify())
        await c.fetch_token(token_url, grant_type="client_credentials")

        return async_retry_once(lambda: c.fetch_token(token_url, grant_type="client_credentials")), None, lambda: c.token["access_token"]
    if lib == "httpx-async-raw":
        # Not an OAuth client: a bare httpx POST and json(), the HTTP on the loop's thread.
        import httpx

        h = httpx.AsyncClient(verify=httpx_verify())
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}

        async def raw() -> Any:
            r = await h.post(token_url, data=form)
            return r.json()["access_token"]

        return async_retry_once(raw), None, None
    raise SystemExit(f"unknown library {lib}")


def child_async(lib: str, url: str, n: int, reads: int) -> None:
    import asyncio

    async def run() -> Dict[str, Any]:
        fetch, awaited_read, read = await async_setup(lib, url)
        out: Dict[str, Any] = {"lib": lib, "n": n}
        for _ in range(50):
            await fetch()
        per = max(1, n // CHUNKS)
        slices = []
        for _ in range(CHUNKS):
            start = time.perf_counter()
            for _ in range(per):
                await fetch()
            slices.append(time.perf_counter() - start)
        best = min(slices) / per
        out.update(us_per_call=best * 1e6, us_per_call_mean=sum(slices) / (per * CHUNKS) * 1e6, rps=1 / best,
                   slices_us=[t / per * 1e6 for t in slices])
        if awaited_read is not None:
            # `await session.token()` in a loop, best of 5 (the same method as best_ns).
            m = reads // 2
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(m):
                    await awaited_read()
                runs.append((time.perf_counter() - start) / m * 1e9)
            out["await_read_ns"] = min(runs)
        if read is not None:
            out["read_ns"] = min(best_ns(read, reads // 2) for _ in range(2))
        d = {"access_token": "x" * 40, "token_type": "Bearer"}
        out["dict_ns"] = min(best_ns(lambda: d["access_token"], reads // 2) for _ in range(2))
        return out

    out = asyncio.run(run())
    out["retries"] = RETRIES
    out["peak_rss_kb"] = peak_rss_kb()
    print(json.dumps(out))


def httpx_verify() -> Any:
    """httpx's `verify`: an SSL context trusting the throw-away CA, or the default."""
    import ssl

    return ssl.create_default_context(cafile=CA_PATH) if CA_PATH else True


def raw_socket_fetch(url: str) -> Callable[[], Any]:
    """The least any client can take against this server: one kept-alive
    socket, a fixed request written at once, the answer read up to its
    Content-Length, nothing parsed. Not a usable client; a floor."""
    import socket
    import ssl

    host, port = url.split("://", 1)[1].split(":")
    s: Any = socket.create_connection((host, int(port)))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if url.startswith("https://"):
        s = ssl.create_default_context(cafile=CA_PATH).wrap_socket(s, server_hostname=host)
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={SECRET}".encode()
    request = (b"POST /token HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: %d\r\n\r\n" % (host.encode(), len(body))) + body

    def fetch() -> None:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        head, rest = data.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(rest) < length:
            rest += s.recv(65536)

    return fetch


TRIVIAL_RESPONDER = r"""
import socket, sys
body = sys.argv[1].encode()
answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while conn.recv(65536):  # one small request per read on loopback: enough for a floor
    conn.sendall(answer)
"""


def start_trivial_responder() -> str:
    """A process that answers every read with the canned token answer, parsing
    nothing: the raw socket against it is the loopback round trip of this
    machine (two processes waking each other), which no server can beat."""
    proc = subprocess.Popen([sys.executable, "-c", TRIVIAL_RESPONDER, CANNED_BODY], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return f"http://127.0.0.1:{proc.stdout.readline().strip()}"


def child(lib: str, url: str, n: int, reads: int) -> None:
    fetch, read = setup(lib, url)
    out: Dict[str, Any] = {"lib": lib, "n": n}
    for _ in range(50):
        fetch()
    # CHUNKS timed slices of n/CHUNKS fetches; the best slice is the least
    # disturbed by the rest of the (shared, 2-core) machine, as for reads.
    per = max(1, n // CHUNKS)
    slices = []
    for _ in range(CHUNKS):
        start = time.perf_counter()
        for _ in range(per):
            fetch()
        slices.append(time.perf_counter() - start)
    best = min(slices) / per
    mean = sum(slices) / (per * CHUNKS)
    out.update(us_per_call=best * 1e6, us_per_call_mean=mean * 1e6, rps=1 / best,
               slices_us=[t / per * 1e6 for t in slices])
    out["retries"] = RETRIES
    # The library's read and a dict lookup, alternately in this process, so
    # both see the same machine (the report divides by the smallest dict time
    # of the whole run, which can only make the ratios look worse).
    d = {"access_token": "x" * 40, "token_type": "Bearer"}
    if read is not None:
        out["read_ns"] = min(best_ns(read, reads // 2) for _ in range(2))
    out["dict_ns"] = min(best_ns(lambda: d["access_token"], reads // 2) for _ in range(2))
    out["peak_rss_kb"] = peak_rss_kb()
    print(json.dumps(out))


CA_FILE = Path(os.environ.get("TMPDIR", "/tmp")) / f"oauth2kit-bench-ca-{os.getpid()}.pem"


def start_devserver(tls: bool = False) -> Tuple[subprocess.Popen[str], str]:
    """The release devserver; with `tls`, over HTTPS with a throw-away CA written to CA_FILE."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = target / "release" / "oauth2kit-devserver"
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "oauth2kit-devserver"], cwd=REPO, check=True)
    extra = ["--tls-ca-out", str(CA_FILE)] if tls else []
    proc = subprocess.Popen([str(binary), "--port", "0", "--exit-on-stdin-eof", *extra], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def rust_baseline(url: str, n: int, prefix: List[str]) -> Dict[str, Any]:
    """The Rust blocking client (examples/rust_baseline) on the same server, built before the timing."""
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "oauth2kit-py", "--example", "rust_baseline"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    out = subprocess.run(prefix + [str(target / "release" / "examples" / "rust_baseline"), url, str(n), *ca_args()],
                         check=True, capture_output=True, text=True).stdout
    result: Dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--reads", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", default=None)
    ap.add_argument("--url", default=None)
    ap.add_argument("--modes", default="issued,canned,canned-one-cpu",
                    help="comma-separated: issued, canned, canned-one-cpu, concurrency")
    ap.add_argument("--concurrency-child", default=None)
    ap.add_argument("--ca", default=None, help="(internal) the throw-away CA of an HTTPS devserver")
    ap.add_argument("--callers", default="1")
    a = ap.parse_args()
    global CA_PATH
    CA_PATH = a.ca
    if CA_PATH:
        # requests (Authlib's and requests-oauthlib's transport) lets this
        # variable override a session's `verify`, so it is how they trust the CA.
        os.environ["REQUESTS_CA_BUNDLE"] = CA_PATH
    if a.child:
        (child_async if a.child in ASYNC_LIBS else child)(a.child, a.url, a.n, a.reads)
        return
    if a.concurrency_child:
        concurrency_child(a.concurrency_child, a.url, a.n, int(a.callers))
        return
    servers: Dict[bool, Tuple[subprocess.Popen[str], str]] = {}
    try:
        all_cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
        for spec in a.modes.split(","):
            # MODE+tls: the same over HTTPS, against a second devserver with a throw-away CA.
            mode, tls = spec.removesuffix("+tls"), spec.endswith("+tls")
            if tls not in servers:
                servers[tls] = start_devserver(tls)
            proc, url = servers[tls]
            CA_PATH = str(CA_FILE) if tls else None
            if mode.startswith("canned") or mode == "concurrency":
                canned(url)
            if mode == "concurrency":
                pin(proc.pid, all_cpus)
                concurrency(url, a.n, a.rounds, spec)
                continue
            # One CPU for the server and every client: no wake-up crosses
            # CPUs. On this VM a cross-CPU wake-up costs ~30 µs each way,
            # which makes a constant floor of every fetch; see README.
            cpus = "0" if mode == "canned-one-cpu" else all_cpus
            pin(proc.pid, cpus)
            rows = run_all(url, a.n, a.reads, a.rounds, mode, ["taskset", "-c", cpus])
            report(spec, rows, a.rounds)
    finally:
        for proc, _ in servers.values():
            if proc.stdin:
                proc.stdin.close()
            proc.wait(10)


CONCURRENCY_LIBS = ["oauth2kit-threads", "oauth2kit-async", "authlib-httpx-async", "rust-async"]
CALLERS = (1, 8, 64)


def concurrency_child(lib: str, url: str, total: int, callers: int) -> None:
    """`total` fetches shared by `callers` concurrent callers (threads for the
    sync client, tasks for asyncio); prints requests per second."""
    import asyncio

    token_url = f"{url}/token"
    per = max(1, total // callers)
    if lib == "oauth2kit-threads":
        import threading

        import oauth2kit

        client = oauth2kit.Client(CLIENT_ID, SECRET, token_url=token_url, auth_method="client_secret_post", **ca_pem())
        for _ in range(20):
            client.client_credentials()
        barrier = threading.Barrier(callers + 1)

        def work() -> None:
            barrier.wait()
            for _ in range(per):
                client.client_credentials()

        threads = [threading.Thread(target=work) for _ in range(callers)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    else:

        async def run() -> float:
            fetch, _, _ = await async_setup(lib, url)
            for _ in range(20):
                await fetch()

            async def work() -> None:
                for _ in range(per):
                    await fetch()

            start = time.perf_counter()
            await asyncio.gather(*(work() for _ in range(callers)))
            return time.perf_counter() - start

        elapsed = asyncio.run(run())
    print(json.dumps({"lib": lib, "callers": callers, "rps": per * callers / elapsed}))


def ca_args() -> List[str]:
    return ["--ca", CA_PATH] if CA_PATH else []


def concurrency(url: str, total: int, rounds: int, spec: str) -> None:
    """Throughput with 1, 8 and 64 concurrent callers, every library, rounds
    interleaved; the best round per cell."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "oauth2kit-py", "--example", "rust_baseline"], cwd=REPO, check=True)
    best: Dict[Tuple[str, int], float] = {}
    for _ in range(rounds):
        for callers in CALLERS:
            for lib in CONCURRENCY_LIBS:
                if lib == "rust-async":
                    cmd = [str(target / "release" / "examples" / "rust_baseline"), url, str(total), "--concurrency", str(callers), *ca_args()]
                else:
                    cmd = [sys.executable, __file__, "--concurrency-child", lib, "--url", url, "--n", str(total), "--callers", str(callers),
                           *ca_args()]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    raise SystemExit(f"{lib} x{callers} failed:\n{p.stderr}")
                rps = json.loads(p.stdout.strip().splitlines()[-1])["rps"]
                best[(lib, callers)] = max(best.get((lib, callers), 0.0), rps)
    print(f"\n### {spec}: a canned token answer, {total} fetches shared by N callers\n\n"
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, {rounds} rounds, "
          "best round per cell; requests per second (and against 1 caller of the same library)\n")
    print("| library | " + " | ".join(f"{c} caller{'s' if c > 1 else ''}" for c in CALLERS) + " |")
    print("|---|" + "---:|" * len(CALLERS))
    for lib in CONCURRENCY_LIBS:
        one = best[(lib, 1)]
        cells = [f"{best[(lib, c)]:.0f} ({best[(lib, c)] / one:.2f}×)" for c in CALLERS]
        print(f"| {lib} | " + " | ".join(cells) + " |")


CANNED_BODY = json.dumps({"access_token": "a" * 43, "token_type": "Bearer", "expires_in": 3600, "scope": "read"})


def control(url: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    """A call to the devserver's control API (over HTTPS with the throw-away CA)."""
    import ssl

    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}{path}", data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    ctx = ssl.create_default_context(cafile=CA_PATH) if url.startswith("https://") else None
    with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
        return json.loads(resp.read() or b"null")


def connections(url: str) -> int:
    return int(control(url, "/control/connections")["connections"])


def canned(url: str) -> None:
    """From now on the token endpoint answers a fixed token at once: what is
    left to time is the client (and HTTP on loopback), not the server's RS256 signature."""
    control(url, "/control/fault", {"endpoint": "token", "status": 200, "body": CANNED_BODY, "times": 4_000_000_000})


def pin(proc_pid: int, cpus: str) -> None:
    """Moves every thread of a running process (the devserver) to `cpus`."""
    subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(proc_pid)], check=True, capture_output=True)


def run_all(url: str, n: int, reads: int, rounds: int, mode: str, prefix: List[str]) -> List[Dict[str, Any]]:
    """Every library `rounds` times, round-robin in a rotating order (so a
    burst of load on the machine hits all of them alike); per library the
    best of its rounds. `prefix` starts each process (`taskset -c CPUS`)."""
    libs = ["oauth2kit", "oauth2kit-session-token", "oauth2kit-token-attr", "authlib-requests", "authlib-httpx", "requests-oauthlib", "raw-socket"]
    libs += ASYNC_LIBS
    if mode.startswith("canned") and not CA_PATH:
        libs.append("loopback-floor")  # a plain-TCP responder: no HTTPS counterpart
    runs: Dict[str, List[Dict[str, Any]]] = {lib: [] for lib in libs + ["rust-blocking"]}
    warm = raw_socket_fetch(url)  # the server's caches and allocator, before anyone is timed
    for _ in range(2000):
        warm()
    for r in range(rounds):
        # The order rotates each round: no library is always the first after a pause.
        for lib in libs[r % len(libs):] + libs[:r % len(libs)]:
            before = connections(url)
            p = subprocess.run(prefix + [sys.executable, __file__, "--child", lib, "--url", url, "--n", str(n), "--reads", str(reads),
                                         *ca_args()], capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit(f"{lib} failed:\n{p.stderr}")
            runs[lib].append(json.loads(p.stdout.strip().splitlines()[-1]))
            # Connections the server accepted during this library's run (reuse: 1 or 2).
            runs[lib][-1]["connections"] = connections(url) - before
        runs["rust-blocking"].append(rust_baseline(url, n, prefix))
    rows: List[Dict[str, Any]] = []
    dict_ns = min(r["dict_ns"] for lib in libs for r in runs[lib])
    rows.append({"lib": "dict", "n": n, "read_ns": dict_ns})
    for lib, rs in runs.items():
        best = min(rs, key=lambda r: r["us_per_call"])
        row = dict(best)
        row["us_per_call_mean"] = sum(r["us_per_call_mean"] for r in rs) / len(rs)
        row["us_per_call_median"] = statistics.median(t for r in rs for t in r["slices_us"])
        row["peak_rss_kb"] = max(r["peak_rss_kb"] for r in rs)
        if "read_ns" in best:
            row["read_ns"] = min(r["read_ns"] for r in rs)
        if "await_read_ns" in best:
            row["await_read_ns"] = min(r["await_read_ns"] for r in rs)
        row["retries"] = sum(r.get("retries", 0) for r in rs)
        row["connections"] = max(r.get("connections", 0) for r in rs)
        rows.append(row)
    return rows


def report(mode: str, rows: List[Dict[str, Any]], rounds: int) -> None:
    by = {r["lib"]: r for r in rows}
    ours = by["oauth2kit"]["us_per_call"]
    ours_mean = by["oauth2kit"]["us_per_call_mean"]
    ours_median = by["oauth2kit"]["us_per_call_median"]
    dict_ns = by["dict"]["read_ns"]
    what = {"issued": "tokens issued by the devserver (RS256-signed JWTs)", "canned": "a canned token answer (client-bound)",
            "canned-one-cpu": "a canned token answer, server and client on one CPU (no cross-CPU wake-ups)"}[mode.removesuffix("+tls")]
    if mode.endswith("+tls"):
        what += ", over HTTPS (TLS 1.3, the devserver's throw-away CA)"
    print(f"\n### {what}\n\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
          f"n = {rows[1]['n']} sequential fetches each, timed in {CHUNKS} slices, "
          f"{rounds} rounds: best slice (median of all slices; mean of all)\n")
    print("| library | req/s | µs/call | oauth2kit speed-up | cached read (ns) | read vs dict | peak RSS (MiB) | connections |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        fetch = r.get("us_per_call")
        cols = [
            r["lib"],
            f"{r['rps']:.0f}" if fetch else "–",
            f"{fetch:.1f} ({r['us_per_call_median']:.1f}; {r['us_per_call_mean']:.1f})" if fetch else "–",
            f"{fetch / ours:.2f}× ({r['us_per_call_median'] / ours_median:.2f}×; "
            f"{r['us_per_call_mean'] / ours_mean:.2f}×)" if fetch else "–",
            f"{r['read_ns']:.0f}" if "read_ns" in r else "–",
            f"{r['read_ns'] / dict_ns:.2f}×" if "read_ns" in r else "–",
            f"{r['peak_rss_kb'] / 1024:.1f}" if "peak_rss_kb" in r else "–",
            str(r["connections"]) if r.get("connections") else "–",
        ]
        print("| " + " | ".join(cols) + " |")
    if "oauth2kit-async" in by:
        a = by["oauth2kit-async"]
        print(f"\nasyncio against sync: `await AsyncClient.client_credentials()` / `Client.client_credentials()` = "
              f"**{a['us_per_call'] / ours:.2f}×** best ({a['us_per_call_median'] / ours_median:.2f}× median); "
              f"`await session.token()` {a['await_read_ns']:.0f} ns = **{a['await_read_ns'] / by['oauth2kit']['read_ns']:.2f}×** "
              f"the sync `session.access_token` ({by['oauth2kit']['read_ns']:.0f} ns); "
              f"`AsyncSession.cached()` {a['read_ns']:.0f} ns = {a['read_ns'] / by['oauth2kit']['read_ns']:.2f}×.")


if __name__ == "__main__":
    main()
