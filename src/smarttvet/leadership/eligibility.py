"""Eligibility screening of reserve applications by the rules of ``data/eligibility.yaml`` (pure; the file is read
by :func:`load_rules`). Each failed rule gives one refusal: its code and its reason in three languages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "data" / "eligibility.yaml"
FIELDS = ("experience_years", "management_years", "category", "record_age_years")
OPERATORS = ("min", "max", "in")


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: dict[str, str]

    def as_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason}


def _check_test(test, where: str) -> None:
    if not isinstance(test, dict) or test.get("field") not in FIELDS:
        raise ValueError(f"{where}: a test needs a field, one of {', '.join(FIELDS)}")
    operators = [op for op in OPERATORS if op in test]
    if len(operators) != 1:
        raise ValueError(f"{where}: a test needs exactly one of {', '.join(OPERATORS)}")


def validate_rules(rules) -> list[dict]:
    """The rules if they are well formed; ValueError naming the rule otherwise."""
    if not isinstance(rules, list):
        raise ValueError("rules: expected a list")
    codes = set()
    for i, rule in enumerate(rules):
        where = f"rule {i + 1}"
        if not isinstance(rule, dict) or not rule.get("code"):
            raise ValueError(f"{where}: a rule needs a code")
        if rule["code"] in codes:
            raise ValueError(f"{where}: the code {rule['code']!r} is used twice")
        codes.add(rule["code"])
        _check_test(rule.get("test"), where)
        for alternative in rule.get("or", []):
            _check_test(alternative, where)
        if not isinstance(rule.get("reason"), dict) or not rule["reason"].get("en"):
            raise ValueError(f"{where}: a rule needs a reason (at least in English)")
    return rules


def load_rules(path: Path = RULES_FILE) -> list[dict]:
    import yaml

    with open(path, encoding="utf-8") as handle:
        return validate_rules((yaml.safe_load(handle) or {}).get("rules", []))


def record_age_years(record_date: dt.date, as_of: dt.date) -> float:
    return (as_of - record_date).days / 365.25


def _holds(test: dict, values: dict) -> bool:
    value = values.get(test["field"])
    if value is None:
        return False
    if "min" in test:
        return float(value) >= float(test["min"])
    if "max" in test:
        return float(value) <= float(test["max"])
    return value in test["in"]


def screen(values: dict, rules: list[dict]) -> list[Refusal]:
    """The refusals of an applicant (``values``: the FIELDS); empty when eligible."""
    refusals = []
    for rule in rules:
        if not any(_holds(test, values) for test in [rule["test"], *rule.get("or", [])]):
            refusals.append(Refusal(rule["code"], dict(rule["reason"])))
    return refusals
