"""Load test driver: `make load` (or `.venv/bin/python loadtest/run.py`).

1. A PostgreSQL cluster kept between runs under ``$SMARTTVET_LOAD_DIR/<scale>-<seed>/`` (default
   ``/tmp/smarttvet-load``): initdb once, then the demo of that scale and seed is generated, the 2025 rating
   published and the KPI demo run once (the time this takes is written to ``setup.json`` and printed). Later
   runs only start the cluster and apply new migrations, so they begin in seconds.
2. gunicorn serves the platform (production settings: DEBUG off, compressed static files) on a free port.
3. locust runs headless at rising concurrency (``--users 10,25,50,100,200,400``) for ``--duration`` seconds
   each, with the scenarios of ``loadtest/locustfile.py``; it stops early once the server is saturated (over
   20 % of requests fail, or the throughput rises by less than 10 % over the step before).
4. A table per step: scenario, users, requests/s, p50/p95/p99 (ms), failures; with the machine's load average
   beside it (the machine may be shared). ``--json FILE`` writes the same figures for docs/operations.md.

Run as root, PostgreSQL runs as the ``postgres`` user (initdb refuses root), as scripts/with-postgres.sh does.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SMARTTVET = str(BIN / "smarttvet")


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pg_bindir() -> Path:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if (candidate / "initdb").exists():
            return candidate
    raise SystemExit("load: no PostgreSQL server binaries (initdb) found; install the postgresql package")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in ``home/pg``, started on a free loopback port and stopped on exit."""

    def __init__(self, home: Path):
        self.home = home
        self.data = home / "pg"
        self.bindir = pg_bindir()
        self.port = free_port()
        self.as_pg: list[str] = []
        if os.getuid() == 0:
            subprocess.run(["sh", "-c", "id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres"],
                           check=True)
            self.as_pg = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/smarttvet"

    def _pg(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_pg, *args], check=True, **kwargs)

    def start(self) -> bool:
        """Start the cluster; returns True when it was created now (an empty database)."""
        created = False
        self.home.mkdir(parents=True, exist_ok=True)
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self.data.mkdir(parents=True)
            if self.as_pg:
                shutil.chown(self.home, "postgres")
                shutil.chown(self.data, "postgres")
            self._pg(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                     "UTF8", "--locale=C.UTF-8", stdout=subprocess.DEVNULL)
            created = True
        self.stop(quiet=True)  # a cluster left running by an interrupted run
        # A load test measures the web tier: durability settings are off, the sizes are a small server's.
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.data} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c shared_buffers=512MB -c work_mem=16MB -c max_connections=200 "
                   "-c maintenance_work_mem=256MB")
        self._pg(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-w",
                 "-o", options, "start", stdout=subprocess.DEVNULL)
        if created:
            subprocess.run([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                            "smarttvet"], check=True)
        return created

    def stop(self, quiet: bool = False) -> None:
        subprocess.run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if quiet else None, check=False)


def environment(cluster: Cluster, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "SMARTTVET_DATABASE_URL": cluster.url,
        "SMARTTVET_DATA_DIR": str(data_dir),
        "SMARTTVET_DEBUG": "0",
        "SMARTTVET_SECRET_KEY": "load-test-only-" + "x" * 40,
        "SMARTTVET_PERSON_KEY": "load-test-person-key",
        "SMARTTVET_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SMARTTVET_LOG_LEVEL": env.get("SMARTTVET_LOG_LEVEL", "INFO"),  # a JSON line a request, as deployed
        "SMARTTVET_METRICS_ALLOW": "127.0.0.1/32",
    })
    return env


def timed(label: str, argv: list[str], env: dict[str, str], timings: dict[str, float]) -> None:
    log(f"{label}: {' '.join(argv[1:])}")
    started = time.monotonic()
    subprocess.run(argv, env=env, check=True)
    timings[label] = round(time.monotonic() - started, 1)
    log(f"{label}: {timings[label]} s")


def setup(home: Path, scale: str, seed: int, cluster: Cluster) -> dict:
    data_dir = home / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = environment(cluster, data_dir)
    state_file = home / "setup.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    timings: dict[str, float] = {}
    timed("migrate", [SMARTTVET, "migrate", "--no-input", "-v", "0"], env, timings)
    if not state.get("demo"):
        timed("demo", [SMARTTVET, "demo", "--scale", scale, "--seed", str(seed), "--no-progress"], env, timings)
        state["demo"] = timings["demo"]
        state_file.write_text(json.dumps(state, indent=1))
    if not state.get("rating"):
        timed("rating", [SMARTTVET, "rating", "run", "--year", "2025", "--publish", "--no-progress"], env, timings)
        state["rating"] = timings["rating"]
        state["vacuum"] = 0.0
        state_file.write_text(json.dumps(state, indent=1))
        # the directors' KPI scorecards of the published year, so that the database is the one `make demo` builds
        timed("kpi", [SMARTTVET, "kpi", "demo"], env, timings)
        state["kpi"] = timings["kpi"]
        started = time.monotonic()
        subprocess.run([str(cluster.bindir / "vacuumdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U",
                        "postgres", "--analyze", "--quiet", "smarttvet"], check=True)
        state["vacuum"] = round(time.monotonic() - started, 1)
        state_file.write_text(json.dumps(state, indent=1))
    manifest = data_dir / "static" / "staticfiles.json"
    newest = max((f.stat().st_mtime for f in (ROOT / "src" / "smarttvet").glob("*/static/**/*") if f.is_file()),
                 default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        timed("collectstatic", [SMARTTVET, "collectstatic", "--no-input", "-v", "0"], env, timings)
    state["this_run"] = timings
    return state


class Server:
    """gunicorn serving the platform on a free loopback port, with Prometheus multiprocess files in ``home``."""

    def __init__(self, home: Path, env: dict[str, str], workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(env, PROMETHEUS_MULTIPROC_DIR=str(home / "prometheus"), WEB_CONCURRENCY=str(workers))
        self.log = home / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        argv = [str(BIN / "gunicorn"), "-c", "python:smarttvet.core.gunicorn_conf", "--bind",
                f"127.0.0.1:{self.port}", "smarttvet.config.wsgi"]
        self.process = subprocess.Popen(argv, env=self.env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 120
        last = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"load: gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/ready/", timeout=10) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                last = exc.read().decode(errors="replace")
            except OSError as exc:
                last = str(exc)
            time.sleep(0.5)
        raise SystemExit(f"load: the server did not become ready in 2 minutes ({last}); see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


COLUMNS = ("scenario", "users", "req/s", "p50 ms", "p95 ms", "p99 ms", "failures", "load avg")


def locust_step(server: Server, home: Path, users: int, duration: int) -> list[dict]:
    prefix = home / f"locust-{users}"
    spawn = max(1, users // 5)
    argv = [str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "--host", server.url,
            "-u", str(users), "-r", str(spawn), "-t", f"{duration}s", "--csv", str(prefix), "--only-summary",
            "--stop-timeout", "10", "--loglevel", "WARNING"]
    load_before = os.getloadavg()[0]
    with (home / "locust.log").open("ab") as out:
        subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False, cwd=ROOT, env=server.env)
    load_after = os.getloadavg()[0]
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "login (once per user)":
                continue
            rows.append({
                "scenario": "all (aggregated)" if row["Name"] == "Aggregated" else row["Name"],
                "users": users,
                "rps": float(row["Requests/s"]),
                "requests": int(row["Request Count"]),
                "p50": _ms(row["50%"]), "p95": _ms(row["95%"]), "p99": _ms(row["99%"]),
                "failures": int(row["Failure Count"]),
                "load": f"{load_before:.1f}->{load_after:.1f}",
            })
    rows.sort(key=lambda r: (r["scenario"].startswith("all"), r["scenario"]))
    return rows


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def saturation(previous_rps: float, total: dict) -> str | None:
    """Why the step whose aggregated row is ``total`` shows a saturated server (None if it does not)."""
    if total["requests"] and total["failures"] / total["requests"] > 0.2:
        return f"{total['failures']} of {total['requests']} requests failed"
    if previous_rps and total["rps"] < previous_rps * 1.1:
        return f"throughput no longer rises ({previous_rps:.1f} -> {total['rps']:.1f} req/s)"
    return None


def print_table(rows: list[dict], out=sys.stdout) -> None:
    table = [COLUMNS] + [(r["scenario"], str(r["users"]), f"{r['rps']:.1f}",
                          *(f"{r[k]:.0f}" if r[k] is not None else "-" for k in ("p50", "p95", "p99")),
                          f"{r['failures']}/{r['requests']}", r["load"]) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for n, line in enumerate(table):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths,
                                                                                                     strict=True))),
              file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


def discover(server: Server, home: Path) -> Path:
    """The published run and organisation ids, found once (the locustfile's discovery) for every step."""
    sys.path.insert(0, str(ROOT / "loadtest"))
    import locustfile

    class _Env:
        host = server.url

    locustfile._discover(_Env())
    path = home / "targets.json"
    state = {k: v for k, v in locustfile.STATE.items()}
    path.write_text(json.dumps(state))
    log(f"targets: run {state['run']}, {len(state['orgs'])} organisations, {len(state['region_orgs'])} in the region")
    return path


def wait_idle(server: Server, limit: float = 180) -> None:
    """Wait until the requests of the previous step are finished (the in-progress gauge of /metrics)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/metrics", timeout=30) as response:  # noqa: S310 - loopback
                text = response.read().decode()
        except OSError:
            return
        busy = sum(float(line.split()[-1]) for line in text.splitlines()
                   if line.startswith("smarttvet_http_requests_in_progress"))
        if busy <= 1:  # this request
            return
        time.sleep(1)
    log(f"the server was still busy after {limit:.0f} s")


def warm_up(server: Server) -> None:
    """One request to each public page, so the first step does not measure imports and cold caches."""
    for path in ("/kk/", "/kk/ratings/", "/kk/ratings/regions/", "/kk/labour/", "/api/v1/organizations"):
        try:
            urllib.request.urlopen(server.url + path, timeout=120).read()  # noqa: S310 - loopback
        except OSError as exc:
            log(f"warm-up {path}: {exc}")


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--home", default=os.environ.get("SMARTTVET_LOAD_DIR", "/tmp/smarttvet-load"))
    parser.add_argument("--users", default="10,25,50,100,200,400", help="concurrency steps, comma-separated")
    parser.add_argument("--duration", type=int, default=60, help="seconds per step (default 60)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1, help="gunicorn workers")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--setup-only", action="store_true", help="build (or reuse) the database and stop")
    parser.add_argument("--serve", action="store_true", help="start the server and wait (Ctrl-C stops)")
    args = parser.parse_args(argv)
    try:
        steps = [int(u) for u in args.users.split(",") if u.strip()]
    except ValueError:
        parser.error(f"--users: {args.users!r} is not a comma-separated list of numbers")
    if not steps or min(steps) < 1:
        parser.error("--users: give at least one positive number")
    home = Path(args.home) / f"{args.scale}-{args.seed}"
    signal.signal(signal.SIGTERM, _terminate)  # so that the finally below stops gunicorn and PostgreSQL
    cluster = Cluster(home)
    cluster.start()
    log(f"PostgreSQL at {cluster.url} (data in {cluster.data})")
    server = None
    try:
        state = setup(home, args.scale, args.seed, cluster)
        log("setup (seconds): " + ", ".join(f"{k} {v}" for k, v in state.items() if k != "this_run")
            + " (kept between runs); this run: " + ", ".join(f"{k} {v}" for k, v in state["this_run"].items()))
        if args.setup_only:
            return 0
        server = Server(home, environment(cluster, home / "data"), args.workers)
        server.start()
        log(f"gunicorn ({args.workers} workers) at {server.url}")
        if args.serve:
            log("serving; Ctrl-C stops")
            try:
                server.process.wait()
            except KeyboardInterrupt:
                pass
            return 0
        warm_up(server)
        server.env["SMARTTVET_LOAD_TARGETS"] = str(discover(server, home))
        rows: list[dict] = []
        previous_rps = 0.0
        for users in steps:
            wait_idle(server)
            log(f"step: {users} users for {args.duration} s (load average {os.getloadavg()[0]:.1f})")
            step = locust_step(server, home, users, args.duration)
            rows.extend(step)
            total = next(r for r in step if r["scenario"].startswith("all"))
            log(f"  {total['rps']:.1f} req/s, p95 {total['p95']} ms, {total['failures']} failures")
            reason = saturation(previous_rps, total)
            if reason:
                log(f"  {reason}: the server is saturated; stopping")
                break
            previous_rps = total["rps"]
        print(f"\nLoad test: {args.scale} demo (seed {args.seed}), gunicorn {args.workers} sync workers, "
              f"PostgreSQL {cluster.bindir.parent.name}, {args.duration} s a step, {os.cpu_count()} CPUs; "
              f"'load avg' is the machine's 1-minute load average before->after the step.\n")
        print_table(rows)
        if args.json:
            Path(args.json).write_text(json.dumps({"setup": state, "steps": rows, "workers": args.workers,
                                                   "duration": args.duration}, indent=1))
        return 0
    finally:
        if server is not None:
            server.stop()
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
