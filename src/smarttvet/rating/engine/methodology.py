"""A rating methodology: its schema, its validation, loading it from YAML and its stable hash.

A methodology is plain data. The YAML document has these keys (``?`` marks optional ones)::

    code: hdi                        # letters, digits, "_", "-", "."; starts with a letter
    names: {kk: ..., ru: ..., en: ...}
    version?: "2021/22"
    description?: free text
    scale?: {min: 0, max: 1, decimals?: 3}      # output scale, default 0-1; ranks and league thresholds
                                                # use the score rounded to ``decimals`` (default 10)
    coverage?: {minimum: 0.75}                  # share of indicators a unit must have to be rated
    statistics?: {correlation_threshold: 0.9, histogram_bins: 10}
    indicators:
      - code: gni_pc
        names: {kk: ..., ru: ..., en: ...}
        unit: 2017 PPP $
        direction: positive | negative
        transform?: none | log                  # natural logarithm
        winsorise?: none | auto | {lower: 0.05, upper: 0.95}
                    | {method: auto, skew: 2, kurtosis: 3.5, max_points: 5}
        normalisation: {method: minmax | zscore | rank}
                     | {method: goalposts, min: 100, max: 75000}
                     | {method: target, target: 90, floor: 40}
        missing?: fail | zero | mean | reweight  # default fail
    groups:                                     # the pillars, any depth
      - code: income
        names: {...}
        aggregation: arithmetic | geometric
        members: [{code: gni_pc, weight: 1}]    # indicators or groups; a bare code means weight 1
    index: {code?: hdi, names?: {...}, aggregation: geometric, members: [...]}
    leagues:                                    # best first; the last takes the rest and has no rule
      - code: leaders
        names: {...}
        rule: {min_score: 0.8, top_share: 0.1, gates: [{indicator: x, at_least: 60}]}
      - code: others
        names: {...}
    uncertainty?: {concentration: 50, perturb_weights: true, normalisations: [nominal, minmax, rank],
                   missing: [nominal, mean, reweight], leave_one_out: false, chunk_size: 128}

Validation collects every problem with the key path where it was found, for example
``indicators[3].normalisation.max: must be greater than min``. The validated structure is a tree of
frozen dataclasses; numbers are stored as floats, so ``1`` and ``1.0`` mean (and hash) the same.

``methodology_hash`` is the SHA-256 of the canonical JSON of the validated structure (defaults filled
in, keys sorted, no insignificant whitespace): two files that validate to the same methodology have the
same hash, whatever their formatting, comments or key order.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from smarttvet.rating.engine.errors import MethodologyError

LANGUAGES = ("kk", "ru", "en")
DIRECTIONS = ("positive", "negative")
TRANSFORMS = ("none", "log")
NORMALISATIONS = ("minmax", "goalposts", "zscore", "rank", "target")
DATA_DRIVEN_NORMALISATIONS = ("minmax", "zscore", "rank")
AGGREGATIONS = ("arithmetic", "geometric")
MISSING_POLICIES = ("fail", "zero", "mean", "reweight")
# What the Monte Carlo may swap in: "nominal" keeps each indicator's own choice.
ALTERNATIVE_NORMALISATIONS = ("nominal", "minmax", "zscore", "rank")
ALTERNATIVE_MISSING = ("nominal", "zero", "mean", "reweight")
# Output columns the CLI writes next to the group columns; a group code must not collide with them.
RESERVED_COLUMNS = ("unit", "score", "rank", "league", "rank_p05", "rank_median", "rank_p95")
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


# ---------------------------------------------------------------------------------------- structure
@dataclass(frozen=True)
class Names:
    kk: str
    ru: str
    en: str

    def get(self, language: str) -> str:
        return getattr(self, language) if language in LANGUAGES else self.en


@dataclass(frozen=True)
class Normalisation:
    method: str
    min: float | None = None
    max: float | None = None
    target: float | None = None
    floor: float | None = None


@dataclass(frozen=True)
class Winsorisation:
    """``quantile``: clamp to the [lower, upper] quantiles; ``auto``: COINr's skew/kurtosis rule."""

    method: str = "none"
    lower: float | None = None
    upper: float | None = None
    skew: float | None = None
    kurtosis: float | None = None
    max_points: int | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    names: Names
    unit: str
    direction: str
    transform: str
    winsorisation: Winsorisation
    normalisation: Normalisation
    missing: str


@dataclass(frozen=True)
class Member:
    code: str
    weight: float


@dataclass(frozen=True)
class Group:
    code: str
    names: Names | None
    aggregation: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Gate:
    indicator: str
    at_least: float | None = None
    at_most: float | None = None

    def passes(self, value: float) -> bool:
        if value is None or not math.isfinite(value):
            return False
        return (self.at_least is None or value >= self.at_least) and (self.at_most is None or value <= self.at_most)


@dataclass(frozen=True)
class League:
    code: str
    names: Names
    min_score: float | None = None
    top_share: float | None = None
    gates: tuple[Gate, ...] = ()

    @property
    def has_rule(self) -> bool:
        return self.min_score is not None or self.top_share is not None or bool(self.gates)


@dataclass(frozen=True)
class Scale:
    min: float = 0.0
    max: float = 1.0
    decimals: int | None = None

    @property
    def span(self) -> float:
        return self.max - self.min


@dataclass(frozen=True)
class UncertaintySettings:
    concentration: float = 50.0
    perturb_weights: bool = True
    normalisations: tuple[str, ...] = ("nominal",)
    missing: tuple[str, ...] = ("nominal",)
    leave_one_out: bool = False
    chunk_size: int = 128


@dataclass(frozen=True)
class Methodology:
    code: str
    names: Names
    indicators: tuple[Indicator, ...]
    groups: tuple[Group, ...]
    index: Group
    leagues: tuple[League, ...]
    version: str | None = None
    description: str | None = None
    scale: Scale = field(default_factory=Scale)
    minimum_coverage: float = 0.0
    correlation_threshold: float = 0.9
    histogram_bins: int = 10
    uncertainty: UncertaintySettings = field(default_factory=UncertaintySettings)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def group_codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.groups)

    @property
    def league_codes(self) -> tuple[str, ...]:
        return tuple(league.code for league in self.leagues)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def canonical(self) -> dict[str, Any]:
        """The validated structure as plain JSON-able data (the input of the hash)."""
        return _plain(self)

    @property
    def hash(self) -> str:
        return methodology_hash(self)


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def methodology_hash(methodology: Methodology) -> str:
    """SHA-256 (hex) of the canonical JSON of the validated methodology."""
    text = json.dumps(methodology.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------- loading
def load_methodology(path: str | Path) -> Methodology:
    """Read and validate a YAML methodology file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MethodologyError([("", f"{path}: cannot read the methodology file ({exc.strerror})")]) from None
    except UnicodeDecodeError:
        raise MethodologyError([("", f"{path}: not UTF-8 text")]) from None
    return loads_methodology(text)


def loads_methodology(text: str) -> Methodology:
    """Validate a methodology given as YAML text."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise MethodologyError([("", f"not valid YAML{where}: {problem}")]) from None
    return parse_methodology(document)


def parse_methodology(document: Any) -> Methodology:
    """Validate a methodology given as plain data (the parsed YAML); raise ``MethodologyError``."""
    checker = _Checker()
    methodology = checker.methodology(document)
    if checker.problems or methodology is None:
        raise MethodologyError(checker.problems or [("", "the methodology is empty")])
    return methodology


# ---------------------------------------------------------------------------------------- validation
_MISSING = object()


class _Checker:
    """Walks the document, building dataclasses and collecting ``(path, message)`` problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    # -- primitives
    def mapping(self, value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> bool:
        if not isinstance(value, Mapping):
            self.fail(path, f"must be a mapping, not {_kind(value)}")
            return False
        ok = True
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.fail(_join(path, str(key)), f"unknown key (expected one of: {allowed})")
                ok = False
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "is required")
                ok = False
        return ok

    def string(self, value: Any, path: str, *, pattern: re.Pattern | None = None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty text, not {_kind(value)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.fail(path, f"{value!r} is not a valid code (a letter, then letters, digits, '_', '-' or '.')")
            return None
        return value

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> str | None:
        if value not in choices:
            self.fail(path, f"must be one of {', '.join(choices)}, not {value!r}")
            return None
        return value

    def number(self, value: Any, path: str, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(path, f"must be a finite number, not {_kind(value)}")
            return None
        value = float(value)
        if low is not None and (value <= low if low_open else value < low):
            self.fail(path, f"must be {'greater than' if low_open else 'at least'} {low:g}")
            return None
        if high is not None and (value >= high if high_open else value > high):
            self.fail(path, f"must be {'less than' if high_open else 'at most'} {high:g}")
            return None
        return value

    def integer(self, value: Any, path: str, *, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be a whole number, not {_kind(value)}")
            return None
        if not low <= value <= high:
            self.fail(path, f"must be between {low} and {high}")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, not {_kind(value)}")
            return None
        return value

    def names(self, value: Any, path: str) -> Names | None:
        if not self.mapping(value, path, LANGUAGES):
            return None
        texts = [self.string(value[language], _join(path, language)) for language in LANGUAGES]
        return Names(*texts) if all(texts) else None

    def sequence(self, value: Any, path: str, *, non_empty: bool = True) -> list | None:
        if not isinstance(value, list):
            self.fail(path, f"must be a list, not {_kind(value)}")
            return None
        if non_empty and not value:
            self.fail(path, "must not be empty")
            return None
        return value

    # -- the document
    def methodology(self, doc: Any) -> Methodology | None:
        top_required = ("code", "names", "indicators", "groups", "index", "leagues")
        top_optional = ("version", "description", "scale", "coverage", "statistics", "uncertainty")
        if not self.mapping(doc, "", top_required, top_optional):
            if not isinstance(doc, Mapping):
                return None
        get = doc.get
        code = self.string(get("code"), "code", pattern=CODE_PATTERN) if "code" in doc else None
        names = self.names(get("names"), "names") if "names" in doc else None
        version = None
        if get("version") is not None:
            version = str(get("version"))
        description = None
        if get("description") is not None:
            description = self.string(get("description"), "description")
        scale = self.scale(get("scale", _MISSING))
        minimum_coverage = self.coverage(get("coverage", _MISSING))
        threshold, bins = self.statistics(get("statistics", _MISSING))

        indicators = self.indicators(get("indicators")) if "indicators" in doc else []
        groups = self.groups(get("groups")) if "groups" in doc else []
        index = self.group(get("index"), "index", is_index=True) if "index" in doc else None
        if indicators and index is not None:
            self.structure(indicators, groups, index)
        leagues = self.leagues(get("leagues"), indicators) if "leagues" in doc else []
        uncertainty = self.uncertainty(get("uncertainty", _MISSING), indicators, groups, index)
        if self.problems or None in (code, names, index, scale, uncertainty):
            return None
        return Methodology(
            code=code, names=names, version=version, description=description, scale=scale,
            minimum_coverage=minimum_coverage, correlation_threshold=threshold, histogram_bins=bins,
            indicators=tuple(indicators), groups=tuple(groups), index=index, leagues=tuple(leagues),
            uncertainty=uncertainty,
        )

    def scale(self, value: Any) -> Scale | None:
        if value is _MISSING:
            return Scale()
        if not self.mapping(value, "scale", ("min", "max"), ("decimals",)):
            return None
        low = self.number(value["min"], "scale.min")
        high = self.number(value["max"], "scale.max")
        decimals = None
        if value.get("decimals") is not None:
            decimals = self.integer(value["decimals"], "scale.decimals", low=0, high=12)
        if low is not None and high is not None and high <= low:
            self.fail("scale.max", "must be greater than min")
            return None
        return Scale(low, high, decimals) if low is not None and high is not None else None

    def coverage(self, value: Any) -> float:
        if value is _MISSING:
            return 0.0
        if not self.mapping(value, "coverage", ("minimum",)):
            return 0.0
        minimum = self.number(value["minimum"], "coverage.minimum", low=0.0, high=1.0)
        return 0.0 if minimum is None else minimum

    def statistics(self, value: Any) -> tuple[float, int]:
        threshold, bins = 0.9, 10
        if value is _MISSING:
            return threshold, bins
        if not self.mapping(value, "statistics", (), ("correlation_threshold", "histogram_bins")):
            return threshold, bins
        if "correlation_threshold" in value:
            found = self.number(value["correlation_threshold"], "statistics.correlation_threshold",
                                low=0.0, high=1.0, low_open=True)
            threshold = threshold if found is None else found
        if "histogram_bins" in value:
            found = self.integer(value["histogram_bins"], "statistics.histogram_bins", low=1, high=1000)
            bins = bins if found is None else found
        return threshold, bins

    def indicators(self, value: Any) -> list[Indicator]:
        items = self.sequence(value, "indicators")
        if items is None:
            return []
        result: list[Indicator] = []
        for position, item in enumerate(items):
            indicator = self.indicator(item, f"indicators[{position}]")
            if indicator is not None:
                result.append(indicator)
        return result if len(result) == len(items) else []

    def indicator(self, value: Any, path: str) -> Indicator | None:
        required = ("code", "names", "unit", "direction", "normalisation")
        optional = ("transform", "winsorise", "missing", "description")
        if not self.mapping(value, path, required, optional):
            if not isinstance(value, Mapping) or any(key not in value for key in required):
                return None
        code = self.string(value["code"], f"{path}.code", pattern=CODE_PATTERN)
        if code in ("unit",):
            self.fail(f"{path}.code", "'unit' names the unit column and cannot be an indicator code")
            code = None
        names = self.names(value["names"], f"{path}.names")
        unit = self.string(value["unit"], f"{path}.unit")
        direction = self.choice(value["direction"], f"{path}.direction", DIRECTIONS)
        transform = self.choice(value.get("transform", "none") or "none", f"{path}.transform", TRANSFORMS)
        winsorisation = self.winsorisation(value.get("winsorise", "none"), f"{path}.winsorise")
        missing = self.choice(value.get("missing", "fail"), f"{path}.missing", MISSING_POLICIES)
        normalisation = self.normalisation(value["normalisation"], f"{path}.normalisation", direction, transform)
        parts = (code, names, unit, direction, transform, winsorisation, normalisation, missing)
        if any(part is None for part in parts):
            return None
        return Indicator(*parts)

    def winsorisation(self, value: Any, path: str) -> Winsorisation | None:
        if value is None or value == "none":
            return Winsorisation()
        if value == "auto":
            value = {"method": "auto"}
        if isinstance(value, Mapping) and "method" not in value:
            value = {"method": "quantile", **value}
        if not isinstance(value, Mapping):
            self.fail(path, f"must be none, auto or a mapping, not {_kind(value)}")
            return None
        method = self.choice(value.get("method"), f"{path}.method", ("quantile", "auto"))
        if method == "quantile":
            if not self.mapping(value, path, ("method", "lower", "upper")):
                return None
            lower = self.number(value["lower"], f"{path}.lower", low=0.0, high=1.0)
            upper = self.number(value["upper"], f"{path}.upper", low=0.0, high=1.0)
            if lower is not None and upper is not None and upper <= lower:
                self.fail(f"{path}.upper", "must be greater than lower")
                return None
            return None if lower is None or upper is None else Winsorisation("quantile", lower, upper)
        if method == "auto":
            if not self.mapping(value, path, ("method",), ("skew", "kurtosis", "max_points")):
                return None
            skew = self.number(value.get("skew", 2.0), f"{path}.skew", low=0.0, low_open=True)
            kurtosis = self.number(value.get("kurtosis", 3.5), f"{path}.kurtosis")
            max_points = self.integer(value.get("max_points", 5), f"{path}.max_points", low=1, high=10_000)
            if None in (skew, kurtosis, max_points):
                return None
            return Winsorisation("auto", skew=skew, kurtosis=kurtosis, max_points=max_points)
        return None

    def normalisation(self, value: Any, path: str, direction: str | None, transform: str | None
                      ) -> Normalisation | None:
        if isinstance(value, str):
            value = {"method": value}
        if not isinstance(value, Mapping):
            self.fail(path, f"must be a mapping with a method, not {_kind(value)}")
            return None
        method = self.choice(value.get("method"), f"{path}.method", NORMALISATIONS)
        if method is None:
            return None
        if method in DATA_DRIVEN_NORMALISATIONS:
            return Normalisation(method) if self.mapping(value, path, ("method",)) else None
        positive_only = transform == "log"
        if method == "goalposts":
            if not self.mapping(value, path, ("method", "min", "max")):
                return None
            low = self.number(value["min"], f"{path}.min")
            high = self.number(value["max"], f"{path}.max")
            if low is None or high is None:
                return None
            if high <= low:
                self.fail(f"{path}.max", "must be greater than min")
                return None
            if positive_only and low <= 0:
                self.fail(f"{path}.min", "must be positive because the indicator is log-transformed")
                return None
            return Normalisation("goalposts", min=low, max=high)
        # target: the value that earns full marks and the floor that earns none
        if not self.mapping(value, path, ("method", "target", "floor")):
            return None
        target = self.number(value["target"], f"{path}.target")
        floor = self.number(value["floor"], f"{path}.floor")
        if target is None or floor is None:
            return None
        if direction == "positive" and target <= floor:
            self.fail(f"{path}.target", "must be greater than floor for a positive indicator")
            return None
        if direction == "negative" and target >= floor:
            self.fail(f"{path}.target", "must be less than floor for a negative indicator")
            return None
        if positive_only and min(target, floor) <= 0:
            self.fail(f"{path}.{'target' if target <= 0 else 'floor'}",
                      "must be positive because the indicator is log-transformed")
            return None
        return Normalisation("target", target=target, floor=floor)

    def members(self, value: Any, path: str) -> tuple[Member, ...] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        members: list[Member] = []
        for position, item in enumerate(items):
            where = f"{path}[{position}]"
            if isinstance(item, str):
                item = {"code": item, "weight": 1}
            if not self.mapping(item, where, ("code",), ("weight",)):
                continue
            code = self.string(item["code"], f"{where}.code", pattern=CODE_PATTERN)
            weight = self.number(item.get("weight", 1), f"{where}.weight", low=0.0, low_open=True)
            if code is not None and weight is not None:
                members.append(Member(code, weight))
        return tuple(members) if len(members) == len(items) else None

    def groups(self, value: Any) -> list[Group]:
        items = self.sequence(value, "groups", non_empty=False)
        if items is None:
            return []
        result = [self.group(item, f"groups[{position}]") for position, item in enumerate(items)]
        return [g for g in result if g is not None] if all(result) else []

    def group(self, value: Any, path: str, *, is_index: bool = False) -> Group | None:
        required = ("aggregation", "members") if is_index else ("code", "names", "aggregation", "members")
        optional = ("code", "names", "description") if is_index else ("description",)
        if not self.mapping(value, path, required, optional):
            if not isinstance(value, Mapping) or any(key not in value for key in required):
                return None
        code = self.string(value.get("code", "index"), f"{path}.code", pattern=CODE_PATTERN)
        if not is_index and code is not None and (code in RESERVED_COLUMNS or code.startswith("p_")):
            self.fail(f"{path}.code", f"{code!r} is reserved for an output column")
            code = None
        names = self.names(value["names"], f"{path}.names") if "names" in value else None
        if names is None and not is_index and "names" in value:
            return None
        aggregation = self.choice(value["aggregation"], f"{path}.aggregation", AGGREGATIONS)
        members = self.members(value["members"], f"{path}.members")
        if None in (code, aggregation, members):
            return None
        return Group(code, names, aggregation, members)

    def structure(self, indicators: list[Indicator], groups: list[Group], index: Group) -> None:
        """Codes unique; every indicator and group used exactly once; a tree rooted at the index."""
        where: dict[str, str] = {}
        for position, indicator in enumerate(indicators):
            path = f"indicators[{position}].code"
            if indicator.code in where:
                self.fail(path, f"duplicate code {indicator.code!r} (also {where[indicator.code]})")
            where.setdefault(indicator.code, path)
        for position, group in enumerate(groups):
            path = f"groups[{position}].code"
            if group.code in where:
                self.fail(path, f"duplicate code {group.code!r} (also {where[group.code]})")
            where.setdefault(group.code, path)
        if index.code in where:
            self.fail("index.code", f"duplicate code {index.code!r} (also {where[index.code]})")
        if self.problems:
            return
        parent: dict[str, str] = {}
        all_groups = [(f"groups[{p}]", g) for p, g in enumerate(groups)] + [("index", index)]
        for path, group in all_groups:
            seen: set[str] = set()
            for position, member in enumerate(group.members):
                member_path = f"{path}.members[{position}].code"
                if member.code not in where:
                    self.fail(member_path, f"{member.code!r} is neither an indicator nor a group")
                elif member.code in seen:
                    self.fail(member_path, f"{member.code!r} is listed twice in this group")
                elif member.code in parent:
                    self.fail(member_path, f"{member.code!r} already belongs to group {parent[member.code]!r}")
                else:
                    parent[member.code] = group.code
                seen.add(member.code)
        if self.problems:
            return
        for code, path in where.items():
            if code not in parent:
                self.fail(path, f"{code!r} is not a member of any group, so it cannot reach the index")
        if self.problems:
            return
        # Every code must reach the index without a cycle.
        for code, path in where.items():
            chain = [code]
            while chain[-1] != index.code:
                step = parent.get(chain[-1])
                if step is None or step in chain:
                    self.fail(path, f"{code!r} does not reach the index (a cycle: {' -> '.join(chain)})")
                    break
                chain.append(step)
        if self.problems:
            return
        aggregation = {g.code: g.aggregation for _, g in all_groups}
        for position, indicator in enumerate(indicators):
            if indicator.normalisation.method != "zscore":
                continue
            step = parent[indicator.code]
            while True:
                if aggregation[step] == "geometric":
                    self.fail(f"indicators[{position}].normalisation.method",
                              f"zscore values can be negative, which the geometric mean of {step!r} cannot take")
                    break
                if step == index.code:
                    break
                step = parent[step]

    def leagues(self, value: Any, indicators: list[Indicator]) -> list[League]:
        items = self.sequence(value, "leagues")
        if items is None:
            return []
        codes = {i.code for i in indicators}
        result: list[League] = []
        seen: dict[str, int] = {}
        for position, item in enumerate(items):
            path = f"leagues[{position}]"
            last = position == len(items) - 1
            if not self.mapping(item, path, ("code", "names"), ("rule", "description")):
                continue
            code = self.string(item["code"], f"{path}.code", pattern=CODE_PATTERN)
            if code in seen:
                self.fail(f"{path}.code", f"duplicate league code {code!r} (also leagues[{seen[code]}])")
                code = None
            elif code is not None:
                seen[code] = position
            names = self.names(item["names"], f"{path}.names")
            rule = item.get("rule")
            if last:
                if rule:
                    self.fail(f"{path}.rule", "the last league takes the rest and must not have a rule")
                if code and names:
                    result.append(League(code, names))
                continue
            if rule is None:
                self.fail(f"{path}.rule", "is required for every league but the last")
                continue
            if not self.mapping(rule, f"{path}.rule", (), ("min_score", "top_share", "gates")):
                continue
            if not rule:
                self.fail(f"{path}.rule", "needs min_score, top_share or gates")
                continue
            min_score = top_share = None
            if rule.get("min_score") is not None:
                min_score = self.number(rule["min_score"], f"{path}.rule.min_score")
            if rule.get("top_share") is not None:
                top_share = self.number(rule["top_share"], f"{path}.rule.top_share", low=0.0, high=1.0,
                                        low_open=True)
            gates = self.gates(rule.get("gates", []), f"{path}.rule.gates", codes)
            if code and names and gates is not None:
                result.append(League(code, names, min_score, top_share, gates))
        return result

    def gates(self, value: Any, path: str, codes: set[str]) -> tuple[Gate, ...] | None:
        items = self.sequence(value, path, non_empty=False)
        if items is None:
            return None
        gates: list[Gate] = []
        for position, item in enumerate(items):
            where = f"{path}[{position}]"
            if not self.mapping(item, where, ("indicator",), ("at_least", "at_most")):
                continue
            indicator = item["indicator"]
            if indicator not in codes:
                self.fail(f"{where}.indicator", f"{indicator!r} is not an indicator of this methodology")
                continue
            if "at_least" not in item and "at_most" not in item:
                self.fail(where, "needs at_least or at_most")
                continue
            at_least = self.number(item["at_least"], f"{where}.at_least") if "at_least" in item else None
            at_most = self.number(item["at_most"], f"{where}.at_most") if "at_most" in item else None
            if at_least is not None and at_most is not None and at_most < at_least:
                self.fail(f"{where}.at_most", "must be at least at_least")
                continue
            if ("at_least" in item and at_least is None) or ("at_most" in item and at_most is None):
                continue
            gates.append(Gate(indicator, at_least, at_most))
        return tuple(gates) if len(gates) == len(items) else None

    def uncertainty(self, value: Any, indicators: list[Indicator], groups: list[Group],
                    index: Group | None) -> UncertaintySettings | None:
        if value is _MISSING:
            return UncertaintySettings()
        optional = ("concentration", "perturb_weights", "normalisations", "missing", "leave_one_out", "chunk_size")
        if not self.mapping(value, "uncertainty", (), optional):
            return None
        defaults = UncertaintySettings()
        concentration = self.number(value.get("concentration", defaults.concentration),
                                    "uncertainty.concentration", low=0.0, low_open=True)
        perturb = self.boolean(value.get("perturb_weights", True), "uncertainty.perturb_weights")
        leave_one_out = self.boolean(value.get("leave_one_out", False), "uncertainty.leave_one_out")
        chunk_size = self.integer(value.get("chunk_size", defaults.chunk_size), "uncertainty.chunk_size",
                                  low=1, high=1_000_000)
        normalisations = self.options(value.get("normalisations", ["nominal"]), "uncertainty.normalisations",
                                      ALTERNATIVE_NORMALISATIONS)
        missing = self.options(value.get("missing", ["nominal"]), "uncertainty.missing", ALTERNATIVE_MISSING)
        geometric = any(g.aggregation == "geometric" for g in groups) or (index and index.aggregation == "geometric")
        if normalisations and "zscore" in normalisations and geometric:
            position = normalisations.index("zscore")
            self.fail(f"uncertainty.normalisations[{position}]",
                      "zscore values can be negative, which a geometric mean cannot take")
            return None
        if None in (concentration, perturb, leave_one_out, chunk_size, normalisations, missing):
            return None
        return UncertaintySettings(concentration, perturb, tuple(normalisations), tuple(missing), leave_one_out,
                                   chunk_size)

    def options(self, value: Any, path: str, allowed: tuple[str, ...]) -> list[str] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        result = []
        for position, item in enumerate(items):
            choice = self.choice(item, f"{path}[{position}]", allowed)
            if choice is None:
                return None
            if choice in result:
                self.fail(f"{path}[{position}]", f"{choice!r} is listed twice")
                return None
            result.append(choice)
        return result


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
