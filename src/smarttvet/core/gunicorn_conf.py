"""gunicorn settings for SMART TVET: ``gunicorn -c python:smarttvet.core.gunicorn_conf smarttvet.config.wsgi``.

Command-line options override these. ``WEB_CONCURRENCY`` sets the number of workers (default: 2 × CPUs + 1).
With ``PROMETHEUS_MULTIPROC_DIR`` set, the directory is emptied at start and a dead worker's live gauges are
removed, as prometheus-client's multiprocess mode requires.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"  # nginx buffers slow clients; the views are CPU- and database-bound
timeout = 60  # a request still running after a minute is a bug or a job that belongs in a command
graceful_timeout = 30
keepalive = 5
max_requests = 10000  # recycle workers now and then (pandas/numpy memory); a fresh worker is cold for a second
max_requests_jitter = 1000
accesslog = None  # smarttvet.core.middleware logs every request (without query strings) as JSON
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = False


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
