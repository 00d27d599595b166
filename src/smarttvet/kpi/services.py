"""Writes of the KPI app (and the computations that decide what is written).

* ``kpi_set_load``: a KPI set from its YAML file, stored the first time; the same code and version with other
  content is refused;
* ``scorecards_compute``: the scorecards of a year for the directors of the organisations in the KPI leagues of
  the year's published rating run - created, updated while not signed off, or a new version after a sign-off when
  the result changed; one audit row;
* ``scorecard_recompute``: one scorecard's KPIs computed again from its stored inputs (nothing written);
* ``scorecard_decide``: the supervising body signs a scorecard off (locking it) or returns it with a comment;
* ``scenario_save`` / ``scenario_delete`` and ``allocation_for``: incentive scenarios and their payments.

Bad input raises ``ValidationError`` keyed by the argument's name; a write outside the writer's rights raises
``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from smarttvet.accounts import audit
from smarttvet.core.metrics import track_job
from smarttvet.kpi import access, incentives, scoring, sources
from smarttvet.kpi.models import IncentiveScenario, KpiIndicator, KpiSet, Scorecard, ScorecardEvent

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SET = "director-kpi"
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_POOL = 10**15  # tenge
NAME_PATTERN = re.compile(r"^[\w .\-()]{1,100}$")
NOT_SIGNED_OFF = "not_signed_off"  # a reason for no payment, beside those of ``incentives``


def _invalid(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def _actor_label(actor) -> str:
    if isinstance(actor, str):
        return actor
    return str(actor) if getattr(actor, "is_authenticated", False) else "system"


def _actor_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def check_year(year: Any, name: str = "year") -> int:
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        raise _invalid(name, f"expected a year such as 2025, not {year!r}") from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise _invalid(name, f"the year must be {FIRST_YEAR} to {LAST_YEAR}, not {value}")
    return value


# ---------------------------------------------------------------------------------------- KPI sets
TRILINGUAL = ("kk", "ru", "en")


def _names(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or any(not isinstance(data.get(c), str) or not data[c].strip() for c in TRILINGUAL):
        raise ValueError(f"{where}: names in kk, ru and en are needed")
    return {c: data[c].strip() for c in TRILINGUAL}


def parse_kpi_set(text: str) -> dict:
    """The validated content of a KPI set's YAML (ValueError naming the key otherwise)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ValueError("a KPI set is a mapping")
    for key in ("code", "version", "methodology"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValueError(f"{key}: a text is needed")
    names = _names(data.get("names"), "names")
    leagues = data.get("leagues")
    if not isinstance(leagues, list) or not leagues or not all(isinstance(x, str) and x for x in leagues):
        raise ValueError("leagues: a list of league codes is needed")
    kpi_cap = data.get("kpi_cap", 1.2)
    min_coverage = data.get("min_coverage", 0.6)
    if not isinstance(kpi_cap, int | float) or not 1 <= kpi_cap <= 2:
        raise ValueError(f"kpi_cap: a number from 1 to 2, not {kpi_cap!r}")
    if not isinstance(min_coverage, int | float) or not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage: a number above 0 and at most 1, not {min_coverage!r}")
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        raise ValueError("indicators: at least one KPI is needed")
    indicators = []
    seen = set()
    for n, item in enumerate(items):
        where = f"indicators[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item["code"]:
            raise ValueError(f"{where}.code: a code is needed")
        code = item["code"]
        if code in seen:
            raise ValueError(f"{where}.code: {code!r} appears twice")
        seen.add(code)
        try:
            sources.parse_source(item.get("source"))
        except ValueError as error:
            raise ValueError(f"{where}.source: {error}") from None
        rule = scoring.KpiRule(code=code, direction=item.get("direction"), threshold=item.get("threshold"),
                               target=item.get("target"), weight=item.get("weight"))
        try:
            rule.check()
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
        unit = item.get("unit") or {}
        indicators.append({"code": code, "names": _names(item.get("names"), f"{where}.names"),
                           "unit": {c: str(unit.get(c, "")) for c in TRILINGUAL}, "source": item["source"],
                           "direction": rule.direction, "threshold": float(rule.threshold),
                           "target": float(rule.target), "weight": float(rule.weight)})
    return {"code": data["code"].strip(), "version": str(data["version"]).strip(),
            "methodology": data["methodology"].strip(), "names": names, "leagues": leagues,
            "kpi_cap": float(kpi_cap), "min_coverage": float(min_coverage), "indicators": indicators}


@functools.cache
def default_spec() -> dict:
    """The packaged default KPI set as parsed (no database): its leagues and methodology for forms and pages."""
    return parse_kpi_set((DATA_DIR / f"{DEFAULT_SET}.yaml").read_text(encoding="utf-8"))


def kpi_set_load(*, actor, text: str | None = None, code: str = DEFAULT_SET) -> KpiSet:
    """The stored KPI set of ``text`` (default: the packaged file ``data/<code>.yaml``), stored if it is new."""
    if text is None:
        path = DATA_DIR / f"{code}.yaml"
        if not re.fullmatch(r"[a-z0-9-]+", code or "") or not path.is_file():
            raise _invalid("kpi_set", f"no KPI set file {code!r}")
        text = path.read_text(encoding="utf-8")
    try:
        spec = parse_kpi_set(text)
    except ValueError as error:
        raise _invalid("kpi_set", f"the KPI set does not validate: {error}") from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = KpiSet.objects.filter(code=spec["code"], version=spec["version"]).first()
    if existing is not None:
        if existing.hash != digest:
            raise _invalid("kpi_set", f"KPI set {spec['code']!r} version {spec['version']!r} is already stored with "
                                      "different content; give the changed set a new version")
        return existing
    try:
        with transaction.atomic():
            stored = KpiSet.objects.create(
                code=spec["code"], version=spec["version"], name_kk=spec["names"]["kk"],
                name_ru=spec["names"]["ru"], name_en=spec["names"]["en"], methodology_code=spec["methodology"],
                leagues=spec["leagues"], kpi_cap=spec["kpi_cap"], min_coverage=spec["min_coverage"],
                yaml_text=text, hash=digest,
            )
            KpiIndicator.objects.bulk_create([
                KpiIndicator(kpi_set=stored, order=n, code=i["code"], name_kk=i["names"]["kk"],
                             name_ru=i["names"]["ru"], name_en=i["names"]["en"], unit_kk=i["unit"]["kk"],
                             unit_ru=i["unit"]["ru"], unit_en=i["unit"]["en"], source=i["source"],
                             direction=i["direction"], threshold=i["threshold"], target=i["target"],
                             weight=i["weight"])
                for n, i in enumerate(spec["indicators"])
            ])
            audit.record(actor=actor, action="create", obj=stored,
                         changes={"code": stored.code, "version": stored.version, "hash": digest})
    except IntegrityError:
        existing = KpiSet.objects.filter(code=spec["code"], version=spec["version"], hash=digest).first()
        if existing is None:
            raise _invalid("kpi_set", "the KPI set was stored meanwhile with different content") from None
        return existing
    return stored


# ---------------------------------------------------------------------------------------- scorecards
def published_run(year: int, methodology_code: str):
    """The latest published rating run of ``year`` computed with ``methodology_code`` (None if there is none)."""
    from smarttvet.rating.models import RatingRun

    return (RatingRun.objects.filter(year=year, status=RatingRun.Status.PUBLISHED,
                                     methodology__code=methodology_code)
            .order_by(F("published_at").desc(nulls_last=True), "-id").first())


def directors(organization_ids, year: int) -> dict[int, Any]:
    """The director of each organisation at the end of the academic year (30 June ``year``): the
    ``people.Teacher`` with position director employed that day, the latest appointed if several."""
    from smarttvet.people.models import Teacher

    day = dt.date(year, 6, 30)
    rows = (Teacher.objects.filter(organization_id__in=list(organization_ids), position=Teacher.Position.DIRECTOR,
                                   employed_from__lte=day)
            .filter(Q(employed_until__isnull=True) | Q(employed_until__gte=day))
            .order_by("organization_id", "-employed_from", "-id").only("id", "organization_id", "full_name"))
    found: dict[int, Any] = {}
    for teacher in rows:
        found.setdefault(teacher.organization_id, teacher)
    return found


def _hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def compute_card(kpi_set: KpiSet, indicators: list[KpiIndicator], readings: dict[str, sources.Reading]) -> dict:
    """One scorecard's KPI rows, overall attainment and coverage from its readings (pure given the readings)."""
    rules = [scoring.KpiRule(i.code, i.direction, i.threshold, i.target, i.weight) for i in indicators]
    attainments = {}
    rows = []
    for indicator, rule in zip(indicators, rules, strict=True):
        reading = readings[indicator.code]
        attained = scoring.kpi_attainment(rule, reading.value, kpi_set.kpi_cap)
        attainments[indicator.code] = attained
        rows.append({"code": indicator.code, "source": indicator.source, "value": reading.value, "ref": reading.ref,
                     "missing": reading.missing, "direction": indicator.direction, "threshold": indicator.threshold,
                     "target": indicator.target, "weight": indicator.weight, "attainment": attained})
    result = scoring.overall(rules, attainments, kpi_set.min_coverage)
    for row in rows:
        row["used_weight"] = result.used_weights.get(row["code"])
    return {"rows": rows, "attainment": result.attainment, "coverage": result.coverage}


@dataclass
class ComputeSummary:
    year: int
    run_id: int | None = None
    kpi_set: str = ""
    created: int = 0
    updated: int = 0
    new_versions: int = 0
    unchanged: int = 0
    locked_unchanged: int = 0
    scorecards: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.new_versions + self.unchanged


@track_job("kpi_scorecards")  # duration and outcome on /metrics, from the page or the command line
def scorecards_compute(*, actor, year: Any, kpi_set: KpiSet | None = None) -> ComputeSummary:
    """Compute the scorecards of ``year`` (see the module's description). The ministry (or the command line)."""
    access.require_ministry(actor)
    year = check_year(year)
    kpi_set = kpi_set or kpi_set_load(actor=actor)
    run = published_run(year, kpi_set.methodology_code)
    if run is None:
        raise _invalid("year", f"no published rating run of {year} (methodology {kpi_set.methodology_code}): "
                               "publish the year's rating first")
    from smarttvet.rating.models import RatingResult

    members = list(RatingResult.objects.filter(run=run, league__in=kpi_set.leagues)
                   .values_list("organization_id", "league").order_by("organization_id"))
    indicators = list(kpi_set.indicators.order_by("order", "id"))
    ids = [oid for oid, _league in members]
    readings = sources.collect(indicators, run, ids, year)
    heads = directors(ids, year)
    latest = {}
    for card in (Scorecard.objects.filter(organization_id__in=ids, year=year)
                 .order_by("organization_id", "-version")):
        latest.setdefault(card.organization_id, card)
    now = timezone.now()
    label = _actor_label(actor)
    summary = ComputeSummary(year=year, run_id=run.pk, kpi_set=str(kpi_set))
    to_create: list[Scorecard] = []
    events: list[tuple[Scorecard, str, str]] = []
    with transaction.atomic():
        for oid, league in members:
            card_data = compute_card(kpi_set, indicators, readings[oid])
            director = heads.get(oid)
            payload = {"kpi_set": kpi_set.hash, "run": run.pk, "league": league, "director": director.pk if director
                       else None, "rows": card_data["rows"], "attainment": card_data["attainment"]}
            digest = _hash(payload)
            fields = dict(kpi_set=kpi_set, director=director, director_name=director.full_name if director else "",
                          league=league, rating_run=run, attainment=card_data["attainment"],
                          coverage=card_data["coverage"], inputs=card_data["rows"], inputs_hash=digest,
                          computed_at=now, computed_by=label)
            current = latest.get(oid)
            if current is not None and current.inputs_hash == digest:
                summary.unchanged += 1
                summary.locked_unchanged += current.is_locked
                summary.scorecards.append(current.pk)
                continue
            if current is None or current.is_locked:
                card = Scorecard(organization_id=oid, year=year, version=1 if current is None else current.version + 1,
                                 status=Scorecard.Status.PENDING, **fields)
                to_create.append(card)
                if current is None:
                    summary.created += 1
                    events.append((card, ScorecardEvent.Action.COMPUTED, ""))
                else:
                    summary.new_versions += 1
                    events.append((card, ScorecardEvent.Action.COMPUTED,
                                   f"v{current.version} is signed off and locked; the result changed"))
            else:
                for name, value in fields.items():
                    setattr(current, name, value)
                current.status = Scorecard.Status.PENDING
                current.save()
                summary.updated += 1
                summary.scorecards.append(current.pk)
                events.append((current, ScorecardEvent.Action.RECOMPUTED, ""))
        Scorecard.objects.bulk_create(to_create)
        summary.scorecards.extend(c.pk for c in to_create)
        ScorecardEvent.objects.bulk_create([
            ScorecardEvent(scorecard=card, action=action, actor=_actor_user(actor), actor_label=label, comment=comment)
            for card, action, comment in events
        ])
        audit.record(actor=actor, action="generate", target_type="kpi.scorecard",
                     target_label=f"KPI scorecards {year}",
                     changes={"year": year, "run": run.pk, "kpi_set": str(kpi_set), "created": summary.created,
                              "updated": summary.updated, "new_versions": summary.new_versions,
                              "unchanged": summary.unchanged})
    return summary


def scorecard_recompute(card: Scorecard) -> dict:
    """The scorecard's KPIs computed again from its stored inputs (values and rules): nothing is read from the
    platform and nothing written. ``matches`` tells whether it equals what is stored."""
    kpi_set = card.kpi_set
    indicators = {i.code: i for i in kpi_set.indicators.all()}
    ordered = [indicators[row["code"]] for row in card.inputs]
    readings = {row["code"]: sources.Reading(row["value"], row.get("ref") or {}, row.get("missing", ""))
                for row in card.inputs}
    again = compute_card(kpi_set, ordered, readings)
    return {**again, "matches": again["attainment"] == card.attainment and again["rows"] == card.inputs}


DECISIONS = ("sign_off", "return")


def scorecard_decide(*, actor, card: Scorecard, decision: str, comment: str = "") -> Scorecard:
    """The supervising body signs ``card`` off (it is then locked) or returns it with a comment."""
    role = access.require_supervisor(actor, card.organization)
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise _invalid("decision", f"choose sign_off or return, not {decision!r}")
    if decision == "return" and not comment:
        raise _invalid("comment", "say why the scorecard is returned")
    if len(comment) > 2000:
        raise _invalid("comment", "at most 2000 characters")
    with transaction.atomic():
        card = Scorecard.objects.select_for_update().select_related("organization").get(pk=card.pk)
        newest = Scorecard.objects.filter(organization=card.organization, year=card.year).aggregate(
            v=Max("version"))["v"]
        if card.version != newest:
            raise _invalid("scorecard", f"version {card.version} is not the latest ({newest}): decide on the latest")
        if card.is_locked:
            raise _invalid("scorecard", "this scorecard is already signed off and locked")
        if decision == "return" and card.status == Scorecard.Status.RETURNED:
            raise _invalid("scorecard", "this scorecard is already returned")
        before = audit.snapshot(card, ["status", "signed_off_at"])
        if decision == "sign_off":
            card.status = Scorecard.Status.SIGNED_OFF
            card.signed_off_by = _actor_user(actor)
            card.signed_off_label = _actor_label(actor)
            card.signed_off_at = timezone.now()
            action = ScorecardEvent.Action.SIGNED_OFF
        else:
            card.status = Scorecard.Status.RETURNED
            action = ScorecardEvent.Action.RETURNED
        card.save(update_fields=["status", "signed_off_by", "signed_off_label", "signed_off_at"])
        ScorecardEvent.objects.create(scorecard=card, action=action, actor=_actor_user(actor),
                                      actor_label=_actor_label(actor), role=role, comment=comment)
        audit.record(actor=actor, action="update", obj=card,
                     changes={**audit.diff(before, audit.snapshot(card, ["status", "signed_off_at"])),
                              "decision": decision, "comment": comment})
    return card


# ---------------------------------------------------------------------------------------- incentives
@dataclass(frozen=True)
class ScenarioParams:
    year: int
    pool: int
    threshold: float = 0.5
    cap: int | None = None
    league_pools: dict[str, int] | None = None
    include_unsigned: bool = False


def _amount(value: Any, name: str, *, allow_none: bool = False) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise _invalid(name, "an amount in whole tenge is needed")
    if isinstance(value, bool):
        raise _invalid(name, f"expected a whole number of tenge, not {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise _invalid(name, f"expected a whole number of tenge, not {value!r}")
        value = int(value)
    try:
        number = int(str(value).strip().replace(" ", "").replace("_", ""))
    except (TypeError, ValueError):
        raise _invalid(name, f"expected a whole number of tenge, not {value!r}") from None
    if number < 0:
        raise _invalid(name, f"must not be negative, not {number}")
    if number > MAX_POOL:
        raise _invalid(name, f"must be at most {MAX_POOL}, not {number}")
    return number


def parse_league_pools(value: Any, leagues: list[str]) -> dict[str, int] | None:
    """League pools from ``"1=600000000,2=400000000"`` (league numbers in the KPI set's order, or league codes)
    or a mapping; None when empty."""
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, str):
        pairs = []
        for part in value.split(","):
            key, sep, amount = part.partition("=")
            if not sep or not key.strip():
                raise _invalid("league_pools", f"write leagues as 1=AMOUNT,2=AMOUNT, not {value!r}")
            pairs.append((key.strip(), amount))
    elif isinstance(value, dict):
        pairs = [(str(k).strip(), v) for k, v in value.items()]
    else:
        raise _invalid("league_pools", f"expected leagues and amounts, not {value!r}")
    result: dict[str, int] = {}
    for key, amount in pairs:
        if key.isdigit():
            index = int(key)
            if not 1 <= index <= len(leagues):
                raise _invalid("league_pools", f"league {index} does not exist: the KPI leagues are 1 to "
                                               f"{len(leagues)} ({', '.join(leagues)})")
            code = leagues[index - 1]
        elif key in leagues:
            code = key
        else:
            raise _invalid("league_pools", f"unknown league {key!r}: use {', '.join(leagues)} or 1 to {len(leagues)}")
        if code in result:
            raise _invalid("league_pools", f"league {code} appears twice")
        result[code] = _amount(amount, "league_pools")
    return result


def check_params(*, year: Any, pool: Any, threshold: Any = 0.5, cap: Any = None, league_pools: Any = None,
                 include_unsigned: bool = False, leagues: list[str] | None = None) -> ScenarioParams:
    """Validated allocation parameters (ValidationError naming the field otherwise)."""
    year = check_year(year)
    pool = _amount(pool, "pool")
    try:
        threshold = float(str(threshold).strip()) if threshold not in (None, "") else 0.5
    except (TypeError, ValueError):
        raise _invalid("threshold", f"expected a number such as 0.5, not {threshold!r}") from None
    if not 0 <= threshold <= 1.2 or threshold != threshold:
        raise _invalid("threshold", f"the threshold is an attainment from 0 to 1.2, not {threshold}")
    cap = _amount(cap, "cap", allow_none=True)
    if leagues is None:
        leagues = list(default_spec()["leagues"])
    pools = parse_league_pools(league_pools, leagues)
    if pools is not None and sum(pools.values()) != pool:
        raise _invalid("league_pools", f"the league pools sum to {sum(pools.values())}, not to the pool {pool}")
    return ScenarioParams(year=year, pool=pool, threshold=threshold, cap=cap, league_pools=pools,
                          include_unsigned=bool(include_unsigned))


@dataclass
class PaymentRow:
    card: Scorecard | None
    payment: incentives.Payment
    reason: str  # "" when paid; a reason code otherwise


@dataclass
class AllocationResult:
    params: ScenarioParams
    allocation: incentives.Allocation
    rows: list[PaymentRow]

    @property
    def total(self) -> int:
        return self.allocation.total

    @property
    def paid_count(self) -> int:
        return sum(1 for r in self.rows if r.payment.amount > 0)


def year_cards(year: int) -> list[Scorecard]:
    """Every version of every scorecard of ``year`` (one query), organisations in order."""
    return list(Scorecard.objects.filter(year=year).select_related("organization", "organization__region")
                .order_by("organization_id", "-version"))


def choose_cards(cards: list[Scorecard], include_unsigned: bool) -> list[tuple[Scorecard, bool]]:
    """Per organisation the scorecard that counts: the latest signed-off version; with ``include_unsigned`` the
    latest version. ``(card, usable)``: not usable = no signed-off version (then the latest is shown)."""
    by_org: dict[int, list[Scorecard]] = {}
    for card in cards:
        by_org.setdefault(card.organization_id, []).append(card)
    chosen = []
    for versions in by_org.values():
        versions.sort(key=lambda c: -c.version)
        if include_unsigned:
            chosen.append((versions[0], True))
            continue
        signed = next((c for c in versions if c.is_locked), None)
        chosen.append((signed, True) if signed is not None else (versions[0], False))
    return chosen


def allocation_for(params: ScenarioParams, cards: list[Scorecard] | None = None) -> AllocationResult:
    """Each organisation's payment under ``params`` from the year's scorecards (ValidationError on ``year`` when
    the year has none)."""
    cards = year_cards(params.year) if cards is None else cards
    if not cards:
        raise _invalid("year", f"no KPI scorecards of {params.year}: compute them first "
                               f"(smarttvet kpi scorecards --year {params.year})")
    chosen = choose_cards(cards, params.include_unsigned)
    chosen.sort(key=lambda item: (item[0].organization.region_id, item[0].organization_id))
    usable = [(card, ok) for card, ok in chosen if ok]
    try:
        allocation = incentives.allocate(
            [incentives.Candidate(str(card.organization_id), card.attainment, card.league) for card, _ok in usable],
            incentives.Params(pool=params.pool, threshold=params.threshold, cap=params.cap,
                              group_pools=params.league_pools),
        )
    except incentives.IncentiveError as error:
        raise _invalid(error.field, error.message) from None
    by_key = allocation.by_key()
    rows = []
    for card, ok in chosen:
        if ok:
            payment = by_key[str(card.organization_id)]
            rows.append(PaymentRow(card, payment, "" if payment.eligible else payment.reason))
        else:
            rows.append(PaymentRow(card, incentives.Payment(key=str(card.organization_id), group=card.league,
                                                            attainment=card.attainment, eligible=False,
                                                            reason=NOT_SIGNED_OFF), NOT_SIGNED_OFF))
    return AllocationResult(params, allocation, rows)


def scenario_params(scenario: IncentiveScenario) -> ScenarioParams:
    return ScenarioParams(year=scenario.year, pool=scenario.pool, threshold=scenario.threshold, cap=scenario.cap,
                          league_pools=dict(scenario.league_pools) or None,
                          include_unsigned=scenario.include_unsigned)


def check_name(name: Any) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not NAME_PATTERN.match(name):
        raise _invalid("name", "a name of 1 to 100 letters, digits, spaces, dots, dashes or brackets is needed")
    return name


def scenario_save(*, actor, name: Any, params: ScenarioParams) -> IncentiveScenario:
    """Store (or replace) the named scenario of the year. The ministry."""
    access.require_ministry(actor)
    name = check_name(name)
    if not Scorecard.objects.filter(year=params.year).exists():
        raise _invalid("year", f"no KPI scorecards of {params.year}")
    values = dict(pool=params.pool, threshold=params.threshold, cap=params.cap,
                  league_pools=params.league_pools or {}, include_unsigned=params.include_unsigned,
                  created_by=_actor_user(actor), created_by_label=_actor_label(actor))
    with transaction.atomic():
        scenario, created = IncentiveScenario.objects.update_or_create(year=params.year, name=name, defaults=values)
        audit.record(actor=actor, action="create" if created else "update", obj=scenario,
                     changes={k: v for k, v in values.items() if k not in ("created_by",)})
    return scenario


def scenario_delete(*, actor, scenario: IncentiveScenario) -> None:
    access.require_ministry(actor)
    with transaction.atomic():
        audit.record(actor=actor, action="delete", obj=scenario, changes={"name": scenario.name})
        scenario.delete()


def kpi_clear_for_demo() -> None:
    """Delete every scorecard, event and scenario (the demo generator's clear; KPI sets are reference data)."""
    ScorecardEvent.objects.all().delete()
    Scorecard.objects.all().delete()
    IncentiveScenario.objects.all().delete()
