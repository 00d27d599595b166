"""Caching of derived figures under a cheap **data version**, shared by every gunicorn worker.

Every write of the platform goes through a service that writes an audit row in the same transaction
(``smarttvet.accounts.audit.record``: imports, edits, rating runs and their publication, the demo generator).
So the audit table's newest id, read in one indexed query, changes with every committed write: a figure cached
under it can never be served after the data behind it changed, and nothing has to remember to invalidate.
The count of the newest 1,000 audit ids is part of the version too, so that a slower transaction that
commits an older id after a newer one still changes it. Writes that bypass the services (raw SQL, the Django
shell) are not seen: clearing the cache (``cache.clear()``, or deleting ``DATA_DIR/cache``) or the timeout
(six hours) covers them.

A value being computed is computed once: the other workers wait for it (up to ``wait`` seconds) instead of
starting the same seconds-long computation (a "dogpile" on publication day).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Max

T = TypeVar("T")
TIMEOUT = 6 * 3600
WINDOW = 1000
_MISSING = object()


def enabled() -> bool:
    """False with the dummy backend (``SMARTTVET_CACHE=none``, the test suite's default): nothing to key."""
    from django.conf import settings

    return not settings.CACHES["default"]["BACKEND"].endswith(".DummyCache")


def data_version() -> str:
    """A short token that changes with every committed audited write (two indexed queries)."""
    from smarttvet.accounts.models import AuditEntry

    top = AuditEntry.objects.aggregate(top=Max("id"))["top"] or 0
    recent = AuditEntry.objects.filter(id__gt=top - WINDOW).count() if top else 0
    return f"{top}.{recent}"


def key(name: str, parts: tuple = (), version: str | None = None) -> str:
    raw = "|".join(str(p) for p in parts)
    digest = hashlib.blake2b(raw.encode(), digest_size=8).hexdigest() if raw else "-"
    return f"smarttvet:{name}:{digest}:{version if version is not None else data_version()}"


def cached(name: str, parts: tuple, compute: Callable[[], T], *, timeout: int = TIMEOUT, wait: float = 60.0,
           version: str | None = None) -> T:
    """``compute()``'s value for ``name`` and ``parts`` at the current data version (or ``version``)."""
    if not enabled():
        return compute()
    cache_key = key(name, parts, version)
    value = cache.get(cache_key, _MISSING)
    if value is not _MISSING:
        return value
    lock = cache_key + ":computing"
    if not cache.add(lock, 1, timeout=int(wait) + 30):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:  # another worker is computing it: wait for its result
            time.sleep(0.1)
            value = cache.get(cache_key, _MISSING)
            if value is not _MISSING:
                return value
    try:
        value = compute()
        cache.set(cache_key, value, timeout)
    finally:
        cache.delete(lock)
    return value
