"""Eligibility rules from the data file: each failed rule gives its reason; boundaries; malformed rules."""

import datetime as dt

import pytest

from smarttvet.leadership import eligibility

RULES = eligibility.load_rules()


def values(**changes):
    base = {"experience_years": 5, "management_years": 0, "category": "moderator", "record_age_years": 3.0}
    base.update(changes)
    return base


def codes(**changes):
    return [r.code for r in eligibility.screen(values(**changes), RULES)]


def test_the_file_holds_the_three_rules_with_reasons_in_three_languages():
    assert [r["code"] for r in RULES] == ["experience", "category", "record_age"]
    for rule in RULES:
        assert set(rule["reason"]) == {"kk", "ru", "en"}


def test_boundaries_are_inclusive():
    assert codes() == []
    assert codes(experience_years=4) == ["experience"]
    assert codes(record_age_years=3.01) == ["record_age"]


def test_a_low_category_is_waived_by_two_years_of_management():
    assert codes(category="teacher") == ["category"]
    assert codes(category="teacher", management_years=1) == ["category"]
    assert codes(category="teacher", management_years=2) == []


def test_every_failed_rule_is_reported_with_its_reason():
    refusals = eligibility.screen(values(experience_years=1, category="none", record_age_years=9), RULES)
    assert [r.code for r in refusals] == ["experience", "category", "record_age"]
    assert "5 years" in refusals[0].reason["en"] and refusals[0].reason["ru"]


def test_record_age():
    assert eligibility.record_age_years(dt.date(2022, 3, 1), dt.date(2025, 3, 1)) == pytest.approx(3.0, abs=0.01)


@pytest.mark.parametrize("rules, message", [
    ("x", "expected a list"),
    ([{"test": {"field": "experience_years", "min": 1}, "reason": {"en": "r"}}], "needs a code"),
    ([{"code": "a", "test": {"field": "age", "min": 1}, "reason": {"en": "r"}}], "needs a field"),
    ([{"code": "a", "test": {"field": "experience_years"}, "reason": {"en": "r"}}], "exactly one of"),
    ([{"code": "a", "test": {"field": "experience_years", "min": 1}}], "needs a reason"),
])
def test_malformed_rules_are_refused(rules, message):
    with pytest.raises(ValueError, match=message):
        eligibility.validate_rules(rules)
