"""Operations tests: health, logs, metrics, the cache of derived figures, backups."""

import pytest

from tests.rating_platform.conftest import grow, rated_world, rating_setup  # noqa: F401 - fixtures reused


@pytest.fixture
def real_cache(settings):
    """A real (in-memory) cache: the suite otherwise runs without one."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "operations-tests"}}
    cache.clear()
    yield cache
    cache.clear()
