"""Fixtures of the rating platform tests: a test methodology and a deterministic indicator table.

The product's methodology (``methodologies/tvet.yaml``) and indicator derivation (``rating/indicators.py``)
evolve on their own; these tests pin their own small "tvet" methodology and indicator function so that
they test the platform (runs, immutability, pages, API), not the methodology. ``test_cli.py`` also runs
the real ones after a small demo.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest

TEST_METHODOLOGY = """
code: tvet
version: "test-1"
names: {kk: Тест рейтингі, ru: Тестовый рейтинг, en: Test rating}
scale: {min: 0, max: 100, decimals: 2}
coverage: {minimum: 0.6}
indicators:
  - code: employment
    names: {kk: Жұмысқа орналасу, ru: Трудоустройство, en: Graduate employment}
    unit: "%"
    direction: positive
    normalisation: {method: goalposts, min: 0, max: 100}
    missing: reweight
  - code: categories
    names: {kk: Санаттағы педагогтер, ru: Педагоги с категорией, en: Teachers with a category}
    unit: "%"
    direction: positive
    normalisation: {method: minmax}
    missing: reweight
  - code: dual
    names: {kk: Дуалды оқыту, ru: Дуальное обучение, en: Dual training}
    unit: "%"
    direction: positive
    normalisation: {method: goalposts, min: 0, max: 60}
    missing: zero
  - code: partners
    names: {kk: Серіктестер, ru: Партнёры, en: Partner enterprises}
    unit: enterprises
    direction: positive
    transform: log
    normalisation: {method: goalposts, min: 1, max: 200}
    missing: reweight
  - code: dropout
    names: {kk: Оқудан шығу, ru: Отчисление, en: Dropout}
    unit: "%"
    direction: negative
    normalisation: {method: goalposts, min: 0, max: 30}
    missing: mean
groups:
  - code: outcomes
    names: {kk: Нәтижелер, ru: Результаты, en: Outcomes}
    aggregation: arithmetic
    members: [{code: employment, weight: 2}, {code: dropout, weight: 1}]
  - code: staff
    names: {kk: Кадрлар, ru: Кадры, en: Staff}
    aggregation: arithmetic
    members: [categories]
  - code: industry
    names: {kk: Өндіріс, ru: Производство, en: Industry}
    aggregation: arithmetic
    members: [dual, partners]
index:
  aggregation: arithmetic
  members: [{code: outcomes, weight: 2}, {code: staff, weight: 1}, {code: industry, weight: 1}]
leagues:
  - code: leaders
    names: {kk: Көшбасшылар, ru: Лидеры, en: Leaders}
    rule: {top_share: 0.2}
  - code: backbone
    names: {kk: Тірек, ru: Опорные, en: Backbone}
    rule: {top_share: 0.5}
  - code: social
    names: {kk: Әлеуметтік, ru: Социальные, en: Social}
    rule: {top_share: 0.8}
  - code: target
    names: {kk: Мақсатты, ru: Целевые, en: Target}
uncertainty:
  concentration: 40
  normalisations: [nominal, minmax, rank]
  missing: [nominal, mean]
"""

CODES = ("employment", "categories", "dual", "partners", "dropout")


def fake_indicator_table(year: int) -> pd.DataFrame:
    """Indicators of every college from its position and the year (some values missing).

    Seeded by position, not by id: ids differ between SQLite and PostgreSQL test runs (PostgreSQL does not
    reuse sequence values after a rollback), and the tests must see the same data on both."""
    from smarttvet.registry.models import Organization

    ids = sorted(Organization.objects.filter(kind__in=Organization.TVET_KINDS).values_list("id", flat=True))
    rows = []
    for position, _organization_id in enumerate(ids):
        rng = np.random.default_rng(zlib.crc32(f"{position}:{year}".encode()))
        quality = rng.uniform(0, 1)
        row = [
            30 + 60 * quality + rng.normal(0, 5),
            20 + 60 * quality + rng.normal(0, 8),
            max(0.0, 40 * quality + rng.normal(0, 5)),
            float(max(1, round(np.exp(1 + 4 * quality + rng.normal(0, 0.5))))),
            max(0.0, 20 - 15 * quality + rng.normal(0, 2)),
        ]
        for j in range(len(row)):
            if rng.uniform() < 0.08:
                row[j] = np.nan
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(ids, name="organization_id"), columns=list(CODES), dtype=float)


@pytest.fixture
def rating_setup(tmp_path, monkeypatch):
    """The services use the test methodology (as ``tvet``) and the fake indicator table."""
    from smarttvet.rating import services, snapshot

    directory = tmp_path / "methodologies"
    directory.mkdir()
    (directory / "tvet.yaml").write_text(TEST_METHODOLOGY, encoding="utf-8")
    monkeypatch.setattr(services, "METHODOLOGY_DIR", directory)
    monkeypatch.setattr(services, "indicator_table", fake_indicator_table)
    snapshot.clear_cache()
    services._explanations.clear()
    yield directory
    snapshot.clear_cache()
    services._explanations.clear()


@pytest.fixture
def grow(world):
    """``grow(n)``: n more colleges in the world's two regions."""
    from tests import factories as f

    def add(n: int) -> None:
        for i in range(n):
            f.organization(world.turkistan if i % 2 else world.almaty)

    return add


@pytest.fixture
def rated_world(world, rating_setup, grow):
    """The world with 12 colleges and a published 2024 run and a published 2025 run (100 draws)."""
    from smarttvet.rating import services

    grow(9)
    ministry = world.users["ministry"]
    run_2024 = services.rating_run_create(actor=ministry, year=2024, uncertainty=50, seed=7)
    services.rating_run_publish(actor=ministry, run=run_2024)
    run_2025 = services.rating_run_create(actor=ministry, year=2025, uncertainty=100, seed=7)
    services.rating_run_publish(actor=ministry, run=run_2025)
    world.run_2024 = run_2024
    world.run_2025 = run_2025
    return world
