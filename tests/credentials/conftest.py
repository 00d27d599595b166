from __future__ import annotations

import pytest

from smarttvet.credentials import services

SPEC = services.AchievementSpec(
    name={"kk": "Жаңа форматтағы педагог сертификаты", "ru": "Сертификат педагога нового формата",
          "en": "New-format teacher certificate"},
    description={"kk": "Педагог жаңа форматтағы сертификаттаудан өтті.",
                 "ru": "Педагог прошёл сертификацию нового формата.",
                 "en": "The teacher passed the new-format certification."},
    criteria={"kk": "Расталған біліктілік жазбалары.", "ru": "Подтверждённые записи о квалификации.",
              "en": "Verified qualification records."},
    achievement_type="Certification",
    facts={"Professional development hours (3 years)": 144, "Qualification category": "Teacher-expert"},
)


@pytest.fixture(autouse=True)
def english():
    """Messages in English unless a test asks for another language (the platform's default is Kazakh)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path):
    """Each test has its own key directory (and so its own platform keys)."""
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.PUBLIC_URL = "https://smarttvet.example.kz"
    return tmp_path / "keys"


@pytest.fixture
def spec():
    return SPEC


@pytest.fixture
def credential(world):
    return services.issue(teacher=world.teacher_a, kind="certification", achievement=SPEC)
