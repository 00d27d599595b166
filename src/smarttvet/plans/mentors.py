"""Mentor suggestions for a support plan: the nearest organisations of the same kind from the higher leagues.

* Colleges (college and higher college are one kind here, as in the rating): the organisations in the
  ``MENTOR_LEAGUES`` (leaders, backbone) of the latest published rating run. Without a published run (or
  without colleges in those leagues), the colleges in the top quartile of the year's composite learning measure.
* Schools (not rated): the schools in the top quartile of the year's composite learning measure among schools
  (the composite at or above its 75th percentile).

Among those, never the organisation itself nor any organisation on the same monitoring list, the nearest by
great-circle (haversine) distance between their coordinates, up to ``LIMIT``. When the organisation has no
coordinates, the candidates of its region are taken instead, strongest first (basis "same region"); when
fewer than ``LIMIT`` candidates with coordinates exist, candidates of its region without coordinates fill in.
Reads only; a fixed number of queries per pool, whatever the number of organisations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from smarttvet.registry.models import Organization

EARTH_RADIUS_KM = 6371.0088
LIMIT = 3
MENTOR_LEAGUES = ("leaders", "backbone")
TOP_QUARTILE = 0.75

HIGHER_LEAGUE = "higher_league"
TOP_QUARTILE_REASON = "top_quartile"
DISTANCE = "distance"
SAME_REGION = "same_region"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _haversine_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi, dlambda = phi2 - phi1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def kind_group(kind: str) -> tuple[str, ...]:
    """The kinds counted as "the same kind" as ``kind``."""
    tvet = tuple(str(k) for k in Organization.TVET_KINDS)
    return tvet if kind in tvet else (kind,)


@dataclass(frozen=True)
class Candidate:
    organization_id: int
    region_id: int
    latitude: float | None
    longitude: float | None
    reason: str
    league: str = ""
    value: float | None = None  # rating score or composite: strongest first when distance cannot decide


@dataclass(frozen=True)
class Suggestion:
    organization_id: int
    rank: int
    reason: str
    league: str
    value: float | None
    basis: str
    distance_km: float | None


def _coordinate(value) -> float | None:
    return float(value) if value is not None else None


def league_pool(kinds: tuple[str, ...]) -> list[Candidate] | None:
    """Organisations of ``kinds`` in the mentor leagues of the latest published rating run (None: no run)."""
    from smarttvet.rating.models import RatingResult, RatingRun

    run = (RatingRun.objects.filter(status=RatingRun.Status.PUBLISHED)
           .order_by("-year", "-published_at", "-id").first())
    if run is None:
        return None
    rows = (RatingResult.objects.filter(run=run, league__in=MENTOR_LEAGUES, organization__kind__in=kinds)
            .values_list("organization_id", "organization__region_id", "organization__latitude",
                         "organization__longitude", "league", "score"))
    return [Candidate(oid, region_id, _coordinate(lat), _coordinate(lon), HIGHER_LEAGUE, league or "", score)
            for oid, region_id, lat, lon, league, score in rows]


def quartile_pool(kinds: tuple[str, ...], year: int) -> list[Candidate]:
    """Organisations of ``kinds`` whose composite learning measure of ``year`` is in the top quartile."""
    from smarttvet.gradebook.models import LearningMeasure

    rows = list(LearningMeasure.objects
                .filter(level=LearningMeasure.Level.ORGANIZATION, key="", year=year, organization__kind__in=kinds,
                        composite__isnull=False)
                .values_list("organization_id", "organization__region_id", "organization__latitude",
                             "organization__longitude", "composite"))
    if not rows:
        return []
    threshold = float(np.quantile(np.array([r[4] for r in rows], dtype=float), TOP_QUARTILE))
    return [Candidate(oid, region_id, _coordinate(lat), _coordinate(lon), TOP_QUARTILE_REASON, "", composite)
            for oid, region_id, lat, lon, composite in rows if composite >= threshold - 1e-12]


def candidate_pool(kind: str, year: int) -> list[Candidate]:
    """The mentors an organisation of ``kind`` may be offered for the monitoring year ``year``."""
    kinds = kind_group(kind)
    if set(kinds) & {str(k) for k in Organization.TVET_KINDS}:
        pool = league_pool(kinds)
        if pool:  # no published run, or nobody of these kinds in its higher leagues: the composite decides
            return pool
    return quartile_pool(kinds, year)


class Pool:
    """A candidate pool prepared for many nearest-neighbour questions."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.candidates = sorted(candidates, key=lambda c: c.organization_id)
        located = [c for c in self.candidates if c.latitude is not None and c.longitude is not None]
        self.located = located
        self.lats = np.array([c.latitude for c in located], dtype=float)
        self.lons = np.array([c.longitude for c in located], dtype=float)
        self.unlocated_by_region: dict[int, list[Candidate]] = {}
        self.by_region: dict[int, list[Candidate]] = {}
        for c in self.candidates:
            self.by_region.setdefault(c.region_id, []).append(c)
            if c.latitude is None or c.longitude is None:
                self.unlocated_by_region.setdefault(c.region_id, []).append(c)

    @staticmethod
    def _strongest_first(candidates: list[Candidate]) -> list[Candidate]:
        return sorted(candidates, key=lambda c: (-(c.value if c.value is not None else -math.inf), c.organization_id))

    def suggest(self, organization_id: int, region_id: int, latitude, longitude, *, exclude: set[int] = frozenset(),
                limit: int = LIMIT) -> list[Suggestion]:
        skip = set(exclude) | {organization_id}
        chosen: list[tuple[Candidate, str, float | None]] = []
        lat, lon = _coordinate(latitude), _coordinate(longitude)
        if lat is not None and lon is not None and self.located:
            distances = _haversine_many(lat, lon, self.lats, self.lons)
            ids = np.array([c.organization_id for c in self.located])
            for index in np.lexsort((ids, distances)):
                candidate = self.located[int(index)]
                if candidate.organization_id in skip:
                    continue
                chosen.append((candidate, DISTANCE, float(distances[index])))
                if len(chosen) == limit:
                    break
            fill = self._strongest_first(self.unlocated_by_region.get(region_id, []))
        else:
            fill = self._strongest_first(self.by_region.get(region_id, []))
        for candidate in fill:
            if len(chosen) == limit:
                break
            if candidate.organization_id in skip:
                continue
            chosen.append((candidate, SAME_REGION, None))
        return [Suggestion(c.organization_id, rank, c.reason, c.league, c.value, basis,
                           round(distance, 1) if distance is not None else None)
                for rank, (c, basis, distance) in enumerate(chosen, start=1)]
