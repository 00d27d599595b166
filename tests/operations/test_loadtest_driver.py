"""The pieces of `make load` that run without a server: the table, the gunicorn hooks."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]


def _driver():
    spec = importlib.util.spec_from_file_location("loadtest_run", ROOT / "loadtest" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_has_a_row_per_scenario_and_step():
    run = _driver()
    rows = [{"scenario": "league table", "users": 50, "rps": 8.81, "requests": 518, "p50": 82.0, "p95": 320.0,
             "p99": None, "failures": 0, "load": "3.2->5.2"}]
    out = io.StringIO()
    run.print_table(rows, out=out)
    header, rule, line = out.getvalue().splitlines()
    assert header.split()[:3] == ["scenario", "users", "req/s"] and set(rule) <= {"-", " "}
    assert line.split() == ["league", "table", "50", "8.8", "82", "320", "-", "0/518", "3.2->5.2"]
    assert run._ms("N/A") is None and run._ms("110") == 110.0


def test_the_climb_stops_at_saturation():
    run = _driver()
    assert run.saturation(0.0, {"rps": 7.1, "requests": 421, "failures": 0}) is None  # the first step
    assert run.saturation(35.9, {"rps": 72.1, "requests": 4260, "failures": 0}) is None  # still rising
    assert "no longer rises" in run.saturation(124.1, {"rps": 115.2, "requests": 7036, "failures": 0})
    assert "no longer rises" in run.saturation(100.0, {"rps": 109.9, "requests": 6000, "failures": 0})
    assert "failed" in run.saturation(10.0, {"rps": 40.0, "requests": 100, "failures": 21})


def test_gunicorn_hooks_prepare_the_multiprocess_directory(tmp_path, monkeypatch):
    from smarttvet.core import gunicorn_conf

    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_123.db").write_bytes(b"old")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    gunicorn_conf.on_starting(None)
    assert directory.is_dir() and not list(directory.iterdir())
    (directory / "gauge_livesum_4242.db").write_bytes(b"")
    gunicorn_conf.child_exit(None, SimpleNamespace(pid=4242))
    assert not (directory / "gauge_livesum_4242.db").exists()
    assert gunicorn_conf.worker_class == "sync" and gunicorn_conf.timeout == 60 and gunicorn_conf.accesslog is None
