"""Writes of the rating app (and the computations that decide what is written).

* ``methodology_version_store`` / ``methodology_version_for_code``: a methodology is stored the first time
  it is used; the same code and version with different content is refused;
* ``rating_run_create``: indicators of a year -> snapshot -> engine (+ Monte Carlo) -> results, in one
  transaction with one audit row;
* ``rating_run_publish``: a draft becomes published (and immutable), with an audit row;
* ``rating_run_delete``: a draft may be deleted; a published run never;
* ``rating_run_recompute``: the stored run computed again from its snapshot and YAML (nothing written);
* ``organization_explanation`` / ``organization_what_if``: one organisation's explanation and what-if
  (nothing written).

Bad input raises ``django.core.exceptions.ValidationError`` keyed by the argument's name (``year``,
``methodology``, ``uncertainty``, ``seed``, ``organization_id``, ``changes.<code>``); a write by someone
other than the ministry raises ``PermissionDenied``; a change to a published run ``PublishedRunError``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from smarttvet.accounts import audit
from smarttvet.core.metrics import track_job
from smarttvet.core.progress import progress_bar
from smarttvet.rating import snapshot
from smarttvet.rating.access import require_ministry
from smarttvet.rating.engine import (
    DataError,
    Explanation,
    Methodology,
    MethodologyError,
    WhatIf,
    compute,
    explain,
    methodology_hash,
    monte_carlo,
    what_if,
)
from smarttvet.rating.engine.methodology import CODE_PATTERN
from smarttvet.rating.indicators import indicator_table
from smarttvet.rating.models import MethodologyVersion, PublishedRunError, RatingInput, RatingResult, RatingRun

METHODOLOGY_DIR = Path(__file__).resolve().parent / "methodologies"
DEFAULT_METHODOLOGY = "tvet"
DEFAULT_SEED = 2025
FIRST_YEAR = 2000
MAX_DRAWS = 100_000
BATCH = 1000


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _actor_label(actor) -> str:
    if isinstance(actor, str):
        return actor
    return str(actor) if getattr(actor, "is_authenticated", False) else "system"


def _actor_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------- methodologies
def methodology_file(code: str) -> Path | None:
    """The packaged methodology file of ``code`` (``methodologies/<code>.yaml``), if there is one."""
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        return None
    path = METHODOLOGY_DIR / f"{code}.yaml"
    return path if path.is_file() else None


def methodology_version_store(*, actor, text: str) -> MethodologyVersion:
    """The stored version of the methodology in ``text``, storing it if it is new.

    Refused (ValidationError on ``methodology``) when the text does not validate, or when a methodology
    with the same code and version is stored with a different content: a changed methodology needs a
    new version, so that every run keeps pointing at exactly what computed it.
    """
    try:
        methodology = snapshot.loads_methodology(text)
    except MethodologyError as error:
        raise _invalid("methodology", f"the methodology does not validate:\n{error}") from None
    digest = methodology_hash(methodology)
    version = methodology.version or ""
    existing = MethodologyVersion.objects.filter(code=methodology.code, version=version).first()
    if existing is not None:
        if existing.hash != digest:
            raise _invalid(
                "methodology",
                f"methodology {methodology.code!r} version {version or '(none)'!r} is already stored with "
                "different content; give the changed methodology a new version",
            )
        return existing
    try:
        with transaction.atomic():
            stored = MethodologyVersion.objects.create(
                code=methodology.code, version=version, name_kk=methodology.names.kk,
                name_ru=methodology.names.ru, name_en=methodology.names.en, yaml_text=text, hash=digest,
            )
            audit.record(actor=actor, action="create", obj=stored,
                         changes={"code": methodology.code, "version": version, "hash": digest})
    except IntegrityError:  # stored meanwhile by another process: it must be the same
        existing = MethodologyVersion.objects.filter(code=methodology.code, version=version).first()
        if existing is None or existing.hash != digest:
            raise _invalid("methodology", f"methodology {methodology.code!r} version {version!r} was stored "
                                          "meanwhile with different content") from None
        return existing
    return stored


def methodology_version_for_code(*, actor, code: str) -> MethodologyVersion:
    """The version of methodology ``code`` to use now: the packaged file (stored on first use), or else the
    latest stored version of that code."""
    path = methodology_file(code)
    if path is not None:
        return methodology_version_store(actor=actor, text=path.read_text(encoding="utf-8"))
    stored = MethodologyVersion.objects.filter(code=code).order_by("-created_at", "-id").first() if code else None
    if stored is None:
        available = sorted({p.stem for p in METHODOLOGY_DIR.glob("*.yaml")}
                           | set(MethodologyVersion.objects.values_list("code", flat=True)))
        raise _invalid("methodology", f"unknown methodology {code!r}; available: {', '.join(available) or 'none'}")
    return stored


# ---------------------------------------------------------------------------------------- arguments
def check_year(year: Any) -> int:
    if isinstance(year, bool):
        raise _invalid("year", f"{year!r} is not a year")
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        raise _invalid("year", f"{year!r} is not a year (a whole number such as 2025)") from None
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= value <= last:
        raise _invalid("year", f"{value} is outside {FIRST_YEAR}-{last}")
    return value


def check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _invalid(name, f"{value!r} is not a whole number")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _invalid(name, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise _invalid(name, f"{number} is outside {low}-{high}")
    return number


def dataset_for_year(methodology: Methodology, year: int):
    """The engine's dataset of ``year`` from ``indicator_table`` (columns the methodology does not use are
    ignored; a column it needs and does not find is an error naming the indicator)."""
    table = indicator_table(year)
    missing = [code for code in methodology.indicator_codes if code not in table.columns]
    if missing:
        raise _invalid("methodology", f"methodology {methodology.code!r} needs indicator {missing[0]!r}, which "
                                      f"the indicator derivation does not provide")
    if len(table.index) == 0:
        raise _invalid("year", f"no organisation has indicators for {year}")
    values: dict[int, dict[str, float | None]] = {}
    columns = {code: table[code].to_numpy(dtype=float, na_value=np.nan) for code in methodology.indicator_codes}
    for position, organization_id in enumerate(table.index):
        values[int(organization_id)] = {code: snapshot.optional_float(columns[code][position])
                                        for code in methodology.indicator_codes}
    return snapshot.dataset_from_values(methodology, values)


# ---------------------------------------------------------------------------------------- runs
@track_job("rating_run")  # duration and outcome on /metrics, from a page, the API or the command line
def rating_run_create(*, actor, year: Any, methodology_code: str = DEFAULT_METHODOLOGY, uncertainty: Any = 0,
                      seed: Any = DEFAULT_SEED, progress: bool = False) -> RatingRun:
    """Compute and store a new draft run (the ministry only); returns it.

    Indicators are derived for ``year``, snapshotted, computed by the engine with the methodology's
    nominal choices and, with ``uncertainty`` > 0, that many Monte Carlo draws with ``seed``. Everything
    is written in one transaction, with one audit row; an older run is never touched.
    """
    require_ministry(actor)
    year = check_year(year)
    uncertainty = check_int("uncertainty", uncertainty, 0, MAX_DRAWS)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    with transaction.atomic():
        version = methodology_version_for_code(actor=actor, code=methodology_code)
        methodology = version.methodology
        with progress_bar(f"Indicators {year}", None, enabled=progress) as advance:
            dataset = dataset_for_year(methodology, year)
            advance(len(dataset.units))
        try:
            with progress_bar("Rating", 1, enabled=progress) as advance:
                result = compute(methodology, dataset)
                advance()
            uncertainty_result = None
            if uncertainty:
                with progress_bar("Monte Carlo draws", uncertainty, enabled=progress) as advance:
                    uncertainty_result = monte_carlo(methodology, dataset, uncertainty, seed,
                                                     pipeline=result.pipeline)
                    advance(uncertainty)
        except DataError as error:
            raise _invalid("year", f"the indicators of {year} cannot be rated: {error}") from None
        rows = snapshot.result_rows(result, uncertainty_result)
        run = RatingRun.objects.create(
            year=year, methodology=version, seed=seed, uncertainty_draws=uncertainty,
            inputs_hash=snapshot.inputs_hash(dataset), created_by=_actor_user(actor),
            created_by_label=_actor_label(actor), summary=snapshot.summary(result, uncertainty_result),
        )
        values = snapshot.snapshot_values(dataset)
        with progress_bar("Storing results", 2 * len(rows), enabled=progress) as advance:
            RatingInput.objects.bulk_create(
                [RatingInput(run=run, organization_id=oid, values=row) for oid, row in values.items()],
                batch_size=BATCH,
            )
            advance(len(rows))
            RatingResult.objects.bulk_create([RatingResult(run=run, **row) for row in rows], batch_size=BATCH)
            advance(len(rows))
        audit.record(actor=actor, action="create", obj=run, target_label=f"{version} {year}", changes={
            "year": year, "methodology": str(version), "methodology_hash": version.hash, "seed": seed,
            "uncertainty_draws": uncertainty, "units": len(rows), "rated": run.summary["n_rated"],
            "league_counts": run.summary["league_counts"],
        })
    return run


def published_twin(*, year: int, methodology_code: str, uncertainty: int, seed: int) -> RatingRun | None:
    """A published run that used the same methodology version, year, inputs, seed and draws as a run
    computed now would (the inputs are derived to compare); None if there is none."""
    path = methodology_file(methodology_code)
    candidates = RatingRun.objects.filter(status=RatingRun.Status.PUBLISHED, year=year, seed=seed,
                                          uncertainty_draws=uncertainty, methodology__code=methodology_code)
    if path is None or not candidates.exists():
        return None
    methodology = snapshot.loads_methodology(path.read_text(encoding="utf-8"))
    digest = snapshot.inputs_hash(dataset_for_year(methodology, year))
    return candidates.filter(methodology__hash=methodology_hash(methodology), inputs_hash=digest).first()


def rating_run_publish(*, actor, run: RatingRun) -> RatingRun:
    """Publish a draft run (the ministry only). Refused for a run that is already published."""
    require_ministry(actor)
    with transaction.atomic():
        locked = RatingRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_published:
            raise PublishedRunError("This rating run is already published.")
        locked.status = RatingRun.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = _actor_user(actor)
        locked.save(update_fields=["status", "published_at", "published_by"])
        audit.record(actor=actor, action="update", obj=locked, target_label=f"{locked.methodology} {locked.year}",
                     changes={"status": [RatingRun.Status.DRAFT.value, RatingRun.Status.PUBLISHED.value]})
    return locked


def rating_run_delete(*, actor, run: RatingRun) -> None:
    """Delete a draft run with its inputs and results (the ministry only); a published run never."""
    require_ministry(actor)
    with transaction.atomic():
        locked = RatingRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_published:
            raise PublishedRunError()
        audit.record(actor=actor, action="delete", obj=locked, target_label=f"{locked.methodology} {locked.year}",
                     changes={"year": locked.year, "methodology": str(locked.methodology)})
        locked.delete()


def rating_run_recompute(run: RatingRun) -> list[dict]:
    """The run's results computed again from its stored snapshot and YAML, nothing written.

    The rows have exactly the stored fields (``selectors.stored_result_rows`` reads the stored ones in the
    same form and order): equal rows mean the run reproduces bit for bit.
    """
    methodology = run.methodology.methodology
    values = dict(RatingInput.objects.filter(run=run).values_list("organization_id", "values"))
    dataset = snapshot.dataset_from_values(methodology, values)
    result = compute(methodology, dataset)
    uncertainty = (monte_carlo(methodology, dataset, run.uncertainty_draws, run.seed, pipeline=result.pipeline)
                   if run.uncertainty_draws else None)
    return snapshot.result_rows(result, uncertainty)


# ---------------------------------------------------------------------------------------- one organisation
def _unit(loaded: snapshot.LoadedRun, organization) -> str:
    unit = loaded.unit(organization.pk)
    if unit is None:
        raise _invalid("organization_id", f"organisation {organization.pk} is not in this rating run")
    return unit


_explanations: dict[tuple, Explanation] = {}
EXPLANATION_CACHE = 512


def organization_explanation(run: RatingRun, organization) -> Explanation:
    """Helps and hurts against its league's and the next league's medians, and what it takes to move up."""
    loaded = snapshot.load_run(run)
    unit = _unit(loaded, organization)
    key = (run.pk, run.inputs_hash, unit)
    cached = _explanations.get(key)
    if cached is None:
        # Shared by the workers too (a run's inputs never change: the run is the cache version), so that each
        # organisation's explanation is computed once, not once per worker.
        from smarttvet.core.cache import cached as shared

        cached = shared("rating-explanation", key,
                        lambda: explain(loaded.methodology, loaded.dataset, unit, result=loaded.result),
                        version=f"run{run.pk}")
        if len(_explanations) >= EXPLANATION_CACHE:
            _explanations.pop(next(iter(_explanations)))
        _explanations[key] = cached
    return cached


def parse_changes(methodology: Methodology, changes: Any) -> dict[str, float | None]:
    """Validate what-if changes ``{code: number | None}``; errors are keyed ``changes.<code>``."""
    if not isinstance(changes, Mapping):
        raise _invalid("changes", "must be an object {indicator code: value}")
    if not changes:
        raise _invalid("changes", "give at least one indicator value to change")
    parsed: dict[str, float | None] = {}
    errors: dict[str, list[str]] = {}
    codes = methodology.indicator_codes
    for code, raw in changes.items():
        field = f"changes.{code}"
        if code not in codes:
            errors[field] = [f"unknown indicator {code!r}; the methodology has: {', '.join(codes)}"]
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            parsed[code] = None
            continue
        if isinstance(raw, bool):
            errors[field] = [f"{raw!r} is not a number"]
            continue
        try:
            value = float(raw.strip().replace(",", ".") if isinstance(raw, str) else raw)
        except (TypeError, ValueError):
            errors[field] = [f"{raw!r} is not a number"]
            continue
        if not math.isfinite(value):
            errors[field] = [f"{raw!r} is not a finite number"]
            continue
        if methodology.indicator(code).transform == "log" and value <= 0:
            errors[field] = [f"{value:g} must be positive (the indicator is log-transformed)"]
            continue
        parsed[code] = value
    if errors:
        raise ValidationError(errors)
    return parsed


def organization_what_if(run: RatingRun, organization, changes: Any) -> WhatIf:
    """Score, rank and league of ``organization`` in ``run`` if its indicators were ``changes``; nothing stored."""
    loaded = snapshot.load_run(run)
    unit = _unit(loaded, organization)
    parsed = parse_changes(loaded.methodology, changes)
    try:
        return what_if(loaded.methodology, loaded.dataset, unit, parsed, baseline=loaded.result)
    except DataError as error:
        field = f"changes.{error.indicator}" if error.indicator else "changes"
        raise _invalid(field, str(error)) from None


def indicator_ranges(run: RatingRun) -> dict[str, tuple[float | None, float | None]]:
    """Per indicator, the range of raw values worth simulating: the observed values of the run and the
    normalisation's goalposts or target (for the what-if sliders)."""
    loaded = snapshot.load_run(run)
    ranges: dict[str, tuple[float | None, float | None]] = {}
    for j, indicator in enumerate(loaded.methodology.indicators):
        column = loaded.dataset.values[:, j]
        candidates = [float(v) for v in column[~np.isnan(column)]]
        spec = indicator.normalisation
        candidates += [v for v in (spec.min, spec.max, spec.target, spec.floor) if v is not None]
        if not candidates:
            ranges[indicator.code] = (None, None)
            continue
        low, high = min(candidates), max(candidates)
        if indicator.transform == "log":
            low = max(low, min((v for v in candidates if v > 0), default=1.0))
        ranges[indicator.code] = (low, high)
    return ranges


def rating_runs_clear_for_demo(*, actor="demo generator") -> int:
    """Delete every rating run with its inputs and results; returns how many runs were deleted.

    Only for the demo generator, which replaces the whole synthetic dataset (organisations included:
    results protect their organisation from deletion). Published runs are otherwise never deleted; this
    is the one place that bypasses the guard, for data that was never real. Methodology versions stay.
    """
    from django.db.models import QuerySet

    with transaction.atomic():
        runs = list(RatingRun.objects.values_list("pk", "year", "status"))
        if not runs:
            return 0
        QuerySet.delete(RatingResult.objects.all())
        QuerySet.delete(RatingInput.objects.all())
        QuerySet.delete(RatingRun.objects.all())
        audit.record(actor=actor, action="delete", target_type="rating.ratingrun",
                     target_label=f"{len(runs)} rating runs of the demo data",
                     changes={"runs": [{"id": pk, "year": year, "status": status} for pk, year, status in runs]})
    snapshot.clear_cache()
    _explanations.clear()
    return len(runs)
