"""A database of its own for the fault tests, which run the real ``smarttvet`` command in subprocesses.

The base (migrated, small demo, a year of gradebook marks) is built once per test module; each test gets a
fresh copy: a copy of the SQLite file, or on PostgreSQL (when the suite runs on it) a database created from
the base as a template. ``digest`` reads a table from the test process to compare states exactly.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def smarttvet_command() -> list[str]:
    script = Path(sys.executable).parent / "smarttvet"
    return [str(script)] if script.exists() else [sys.executable, "-m", "smarttvet.cli"]


def _postgres_url() -> str | None:
    url = os.environ.get("SMARTTVET_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@dataclass
class Instance:
    """One copy: its data folder (gradebook store inside) and the environment that points the CLI at it."""

    data_dir: Path
    env: dict
    database: str  # SQLite file path, or the PostgreSQL database name
    url: str | None

    def run(self, *args: str, extra: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        env = dict(self.env, **(extra or {}))
        return subprocess.run([*smarttvet_command(), *args], env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def check(self, *args: str, timeout: float = 300) -> str:
        done = self.run(*args, timeout=timeout)
        assert done.returncode == 0, f"smarttvet {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        return done.stdout

    def kill_at(self, label: str, *args: str, timeout: float = 180) -> str:
        """Run the command, SIGKILL it when its progress stage ``label`` is reached; return where it stopped."""
        marker = self.data_dir / f"fault-{uuid.uuid4().hex[:8]}.marker"
        env = dict(self.env, SMARTTVET_FAULT_AT=label, SMARTTVET_FAULT_MARKER=str(marker))
        process = subprocess.Popen([*smarttvet_command(), *args], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timeout
        try:
            while not marker.exists():
                if process.poll() is not None:
                    out, err = process.communicate()
                    raise AssertionError(f"smarttvet {' '.join(args)} ended ({process.returncode}) before "
                                         f"reaching {label!r}:\n{out[-1500:]}\n{err[-3000:]}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"smarttvet {' '.join(args)} did not reach {label!r} in {timeout} s")
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
            process.stdout.close()
            process.stderr.close()
        assert process.returncode == -signal.SIGKILL
        return marker.read_text(encoding="utf-8").strip()

    def kill_after(self, seconds: float, *args: str) -> int | None:
        """Run the command and SIGKILL it after ``seconds`` (if still running); its exit code if it finished."""
        process = subprocess.Popen([*smarttvet_command(), *args], env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=seconds)
            return process.returncode
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            return None

    # ---------------------------------------------------------------------------------------- reading the state
    def rows(self, sql: str) -> list[tuple]:
        if self.url is None:
            with sqlite3.connect(self.database) as con:
                return con.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as con:
            return con.execute(sql).fetchall()

    def count(self, table: str) -> int:
        return self.rows(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 - table names of the tests

    def digest(self, table: str, columns: str = "*", order: str = "id") -> str:
        digest = hashlib.sha256()
        for row in self.rows(f"SELECT {columns} FROM {table} ORDER BY {order}"):  # noqa: S608
            digest.update(repr(tuple(str(v) for v in row)).encode())
        return digest.hexdigest()

    def store_digest(self, dataset: str = "marks") -> dict[str, str]:
        """Per partition of the gradebook store, a digest of its rows in a stable order (via DuckDB)."""
        import duckdb

        result = {}
        base = self.data_dir / "gradebook" / dataset
        for folder in sorted(base.glob("year=*/region=*")):
            files = sorted(folder.glob("*.parquet"))
            if not files:
                continue
            con = duckdb.connect()
            rows = con.sql(f"SELECT * FROM read_parquet({[str(f) for f in files]!r}, hive_partitioning = false) "
                           "ORDER BY ALL").fetchall()
            con.close()
            result[f"{folder.parent.name}/{folder.name}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return result

    def hidden_store_entries(self) -> list[str]:
        base = self.data_dir / "gradebook"
        return sorted(str(p.relative_to(base)) for p in base.glob("*/year=*/.*"))


class CliDatabase:
    def __init__(self, root: Path):
        self.root = root
        self.url = _postgres_url()
        self.base = root / "base"
        self.base.mkdir(parents=True, exist_ok=True)
        self.template = f"reliability_base_{uuid.uuid4().hex[:10]}" if self.url else None
        self._created: list[str] = []

    def _env(self, data_dir: Path, database: str | None) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SMARTTVET_FAULT", "PYTEST_", "DJANGO_SETTINGS"))}
        env.update(SMARTTVET_DATA_DIR=str(data_dir), SMARTTVET_DEBUG="1",
                   SMARTTVET_GRADEBOOK_STORE=str(data_dir / "gradebook"), SMARTTVET_GRADEBOOK_BACKEND="duckdb",
                   PYTHONPATH=str(ROOT / "src"))
        env.pop("SMARTTVET_DATABASE_URL", None)
        if self.url and database:
            env["SMARTTVET_DATABASE_URL"] = self._url_for(database)
        return env

    def _url_for(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._url_for("postgres"), autocommit=True) as con:
            con.execute(sql)

    def build(self, *, gradebook_rows: int = 20000) -> Instance:
        if self.url:
            self._admin(f'CREATE DATABASE "{self.template}"')
        base = Instance(self.base, self._env(self.base, self.template), str(self.base / "smarttvet.sqlite3"),
                        self._url_for(self.template) if self.url else None)
        base.check("migrate", "--no-input", "-v", "0")
        base.check("demo", "--no-progress")
        base.check("demo", "gradebook", "--rows", str(gradebook_rows), "--years", "2025", "--no-progress")
        if self.url is None:
            with sqlite3.connect(base.database) as con:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return base

    def fresh(self, name: str) -> Instance:
        data_dir = self.root / f"{name}-{uuid.uuid4().hex[:6]}"
        data_dir.mkdir(parents=True)
        if (self.base / "gradebook").exists():
            shutil.copytree(self.base / "gradebook", data_dir / "gradebook")
        if self.url:
            database = f"reliability_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
            self._created.append(database)
            return Instance(data_dir, self._env(data_dir, database), database, self._url_for(database))
        shutil.copy2(self.base / "smarttvet.sqlite3", data_dir / "smarttvet.sqlite3")
        return Instance(data_dir, self._env(data_dir, None), str(data_dir / "smarttvet.sqlite3"), None)

    def close(self) -> None:
        if self.url:
            for database in [*self._created, self.template]:
                try:
                    self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                except Exception:  # noqa: BLE001,S110 - the throw-away server goes anyway
                    pass
