"""Fixtures of the portfolio tests: the world's teacher with a verifier of their college, files in a temporary
private storage."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages in English (the pages' default language too); the CV test picks its languages itself."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def verifier(world):
    return f.user_with_role("methodist", "verifier", organization=world.college_a)


@pytest.fixture
def other_verifier(world):
    return f.user_with_role("methodist-b", "verifier", organization=world.college_b)


COURSE = {"title": "Digital tools", "provider": "Orleu", "hours": "72", "start_date": "2025-03-01",
          "end_date": "2025-03-14", "new_format": "1"}


def record(teacher, kind="course", data=None, *, status="draft", actor="test"):
    """A record made through the services and moved to ``status`` by a trusted actor."""
    from smarttvet.portfolio import services

    made = services.record_create(actor=actor, teacher=teacher, kind=kind, data=dict(data or COURSE))
    if status in ("submitted", "verified", "returned"):
        made = services.transition(actor=actor, record=made, to="submitted")
    if status == "verified":
        made = services.transition(actor=actor, record=made, to="verified")
    if status == "returned":
        made = services.transition(actor=actor, record=made, to="returned", comment="Attach the certificate.")
    return made


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
