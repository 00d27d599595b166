"""The rules on constructed teachers: each requirement of each category at its boundary (one day or one unit
short fails, exactly at it passes), PD hours in the window, and the new-format certification statuses."""

import datetime as dt

import pytest

from smarttvet.portfolio import rules
from smarttvet.portfolio.rules import Item, Profile

AS_OF = dt.date(2026, 6, 15)
R = rules.load("2025.1")


def years_before(n, days=0):
    return rules.add_years(AS_OF, -n) + dt.timedelta(days=days)


def meeting(category: str, **override) -> list[Item]:
    """Verified items that meet every requirement of ``category`` exactly at its boundary."""
    spec = R.categories[category]
    previous = spec.get("previous")
    items = []
    if previous:
        items.append(Item("category", previous, start=years_before(spec.get("years_in_category", 0))))
    if "test_pass" in spec:
        items.append(Item("test", start=AS_OF, details={"score": spec["test_pass"]}))
    if "pd_hours" in spec:
        items.append(Item("course", start=years_before(3), end=years_before(3), hours=spec["pd_hours"]))
    level = {"open_lessons": spec.get("open_lesson_level", "organization"),
             "student_results": spec.get("student_result_level", "organization")}
    for key, kind in (("publications", "publication"), ("open_lessons", "open_lesson"),
                      ("student_results", "student_result")):
        for _ in range(spec.get(key, 0)):
            items.append(Item(kind, level.get(key, ""), start=years_before(3)))
    return items


def check(profile, category):
    evaluation = rules.evaluate(profile, AS_OF, R)
    return next(c for c in evaluation.checks if c.category == category)


def profile(category, items=None, experience=None):
    spec = R.categories[category]
    employed = years_before(experience if experience is not None else spec.get("experience_years", 0))
    return Profile(employed_from=employed, items=tuple(meeting(category) if items is None else items))


@pytest.mark.parametrize("category", ["teacher", "moderator", "expert", "researcher", "master"])
def test_exactly_at_every_boundary_is_eligible(category):
    c = check(profile(category), category)
    assert c.eligible and not c.missing and not c.held


@pytest.mark.parametrize("category", ["teacher", "moderator", "expert", "researcher", "master"])
def test_one_day_less_experience_is_missing_only_experience(category):
    spec = R.categories[category]
    p = Profile(employed_from=years_before(spec["experience_years"], days=1), items=tuple(meeting(category)))
    c = check(p, category)
    assert [r.key for r in c.missing] == ["experience_years"] and not c.eligible


@pytest.mark.parametrize("category", ["moderator", "expert", "researcher", "master"])
def test_one_day_less_in_the_category_is_missing(category):
    spec = R.categories[category]
    items = [i for i in meeting(category) if i.kind != "category"]
    items.append(Item("category", spec["previous"], start=years_before(spec["years_in_category"], days=1)))
    assert [r.key for r in check(profile(category, items), category).missing] == ["years_in_category"]


@pytest.mark.parametrize("category", ["teacher", "moderator", "expert", "researcher", "master"])
def test_test_score_one_below_the_pass_mark_fails(category):
    mark = R.categories[category]["test_pass"]
    items = [i for i in meeting(category) if i.kind != "test"]
    items.append(Item("test", start=AS_OF, details={"score": mark - 1}))
    c = check(profile(category, items), category)
    assert [r.key for r in c.missing] == ["test_pass"]
    assert c.missing[0].actual == mark - 1 and c.missing[0].needed == mark


def test_pass_marks_are_the_official_ones():
    assert {k: v["test_pass"] for k, v in R.categories.items()} == {
        "teacher": 50, "moderator": 60, "expert": 70, "researcher": 80, "master": 90}


def test_a_test_older_than_its_validity_does_not_count():
    items = [i for i in meeting("expert") if i.kind != "test"]
    edge = Item("test", start=years_before(R.test_valid_years), details={"score": 99})
    assert check(profile("expert", items + [edge]), "expert").eligible
    old_only = Item("test", start=years_before(R.test_valid_years) - dt.timedelta(days=1), details={"score": 99})
    assert [r.key for r in check(profile("expert", items + [old_only]), "expert").missing] == ["test_pass"]


@pytest.mark.parametrize("category", ["moderator", "expert", "researcher", "master"])
def test_pd_hours_one_short_or_one_day_out_of_the_window_fail(category):
    needed = R.categories[category]["pd_hours"]
    base = [i for i in meeting(category) if i.kind != "course"]
    short = base + [Item("course", start=AS_OF, end=AS_OF, hours=needed - 1)]
    assert [r.key for r in check(profile(category, short), category).missing] == ["pd_hours"]
    outside = base + [Item("course", start=years_before(3, -30), end=years_before(3, -1), hours=needed)]
    assert [r.key for r in check(profile(category, outside), category).missing] == ["pd_hours"]
    # a course is dated by its end: started before the window, ended inside it, it counts
    straddling = base + [Item("course", start=years_before(3, -30), end=years_before(3), hours=needed)]
    assert check(profile(category, straddling), category).eligible


@pytest.mark.parametrize("category,key,kind", [
    ("expert", "publications", "publication"), ("researcher", "publications", "publication"),
    ("master", "publications", "publication"), ("moderator", "open_lessons", "open_lesson"),
    ("expert", "open_lessons", "open_lesson"), ("master", "open_lessons", "open_lesson"),
    ("expert", "student_results", "student_result"), ("master", "student_results", "student_result"),
])
def test_one_work_fewer_is_missing(category, key, kind):
    items = meeting(category)
    first = next(i for i in items if i.kind == kind)
    items.remove(first)
    c = check(profile(category, items), category)
    assert [r.key for r in c.missing] == [key]
    assert c.missing[0].actual == R.categories[category][key] - 1


def test_an_open_lesson_below_the_required_level_does_not_count():
    items = [i if i.kind != "open_lesson" else Item("open_lesson", "organization", start=i.start)
             for i in meeting("researcher")]
    assert [r.key for r in check(profile("researcher", items), "researcher").missing] == ["open_lessons"]
    higher = [i if i.kind != "open_lesson" else Item("open_lesson", "national", start=i.start)
              for i in meeting("researcher")]
    assert check(profile("researcher", higher), "researcher").eligible


def test_the_previous_category_is_needed_and_a_higher_one_counts_as_held():
    items = [i for i in meeting("expert") if i.kind != "category"]
    items.append(Item("category", "teacher", start=years_before(5)))
    c = check(profile("expert", items), "expert")
    assert [r.key for r in c.missing] == ["previous"]
    evaluation = rules.evaluate(profile("expert", [Item("category", "researcher", start=years_before(1))]), AS_OF, R)
    held = {c.category: c.held for c in evaluation.checks}
    assert held == {"teacher": True, "moderator": True, "expert": True, "researcher": True, "master": False}
    assert evaluation.next_check.category == "master" and evaluation.higher


def test_current_category_is_the_latest_award_and_its_validity_five_years():
    items = (Item("category", "teacher", start=dt.date(2015, 1, 1)), Item("category", "moderator",
                                                                          start=dt.date(2021, 6, 16)))
    e = rules.evaluate(Profile(dt.date(2010, 1, 1), items), AS_OF, R)
    assert e.category == "moderator" and e.category_valid_until == dt.date(2026, 6, 16) and e.attestation_due
    e = rules.evaluate(Profile(dt.date(2010, 1, 1), ()), AS_OF, R)
    assert e.category == "none" and e.category_valid_until is None


def test_pd_hours_sum_verified_courses_in_the_window_only():
    items = (Item("course", start=years_before(3), end=years_before(3), hours=72),
             Item("course", end=years_before(3, -1), start=years_before(4), hours=36),
             Item("course", start=years_before(3, 1), end=years_before(3, 1), hours=500),
             Item("course", start=AS_OF + dt.timedelta(days=1), hours=300),
             Item("internship", start=AS_OF, hours=100))
    e = rules.evaluate(Profile(dt.date(2000, 1, 1), items), AS_OF, R)
    assert e.pd_hours == 72 + 500  # not the one ending a day before the window, nor the future one


def nf(items):
    return rules.evaluate(Profile(dt.date(2000, 1, 1), tuple(items)), AS_OF, R)


def test_new_format_statuses_at_their_boundaries():
    hours = R.programme_hours
    assert nf([]).new_format == "none"
    assert nf([Item("course", start=AS_OF, hours=hours - 1, details={"new_format": True})]).new_format == "in_training"
    assert nf([Item("course", start=AS_OF, hours=hours, details={"new_format": False})]).new_format == "none"
    assert nf([Item("course", start=AS_OF, hours=hours, details={"new_format": True})]).new_format == "ready"
    # a certificate without an end date is valid certificate_valid_years, the last day included
    edge = Item("certification", "new_format", start=years_before(R.certificate_valid_years))
    assert nf([edge]).new_format == "certified" and nf([edge]).certified
    expired = Item("certification", "new_format", start=years_before(R.certificate_valid_years, days=1) -
                   dt.timedelta(days=2))
    assert nf([expired]).new_format == "expired"
    assert nf([Item("certification", "new_format", start=years_before(1), end=AS_OF)]).new_format == "certified"
    ended = Item("certification", "new_format", start=years_before(1), end=AS_OF - dt.timedelta(days=1))
    assert nf([ended]).new_format == "expired" and nf([ended]).certified_until == AS_OF - dt.timedelta(days=1)
    assert nf([Item("certification", "international", start=AS_OF)]).new_format == "none"
    assert nf([Item("certification", "new_format", start=AS_OF + dt.timedelta(days=1))]).new_format == "none"


def test_staff_indicators_and_closeness():
    expert = rules.evaluate(profile("expert"), AS_OF, R)
    rows = [
        (Profile(dt.date(2000, 1, 1), from_production=True), nf([Item("internship", start=years_before(3))])),
        (Profile(dt.date(2000, 1, 1)), nf([Item("category", "master", start=years_before(1)),
                                           Item("certification", "new_format", start=AS_OF)])),
        (Profile(dt.date(2000, 1, 1)), nf([Item("internship", start=years_before(3, -1))])),  # a day too early
        (Profile(dt.date(2000, 1, 1)), expert),
    ]
    s = rules.staff_indicators(rows)
    assert (s.staff, s.higher, s.internship, s.certified, s.production) == (4, 1, 1, 1, 1)
    assert s.higher_share == 25.0 and s.certified_share == 25.0
    assert rules.is_close(expert, R) is False  # eligible for the next category already: nothing missing
    one_short = [i for i in meeting("expert") if i.kind != "publication"]
    assert rules.is_close(rules.evaluate(profile("expert", one_short), AS_OF, R), R)


def test_rules_files_load_and_bad_ones_are_refused(tmp_path):
    assert rules.load().version == "2025.1" and R.target == 10_000
    assert rules.load(on=dt.date(2024, 1, 1)).version == "2025.1"  # the earliest applies before its date
    with pytest.raises(rules.RulesError, match="no rules version"):
        rules.load("1999.1")
    with pytest.raises(rules.RulesError, match="unknown requirements"):
        rules._parse({"categories": {"expert": {"pd_hourz": 1}}}, "x.yaml")
    with pytest.raises(rules.RulesError, match="unknown category"):
        rules._parse({"categories": {"guru": {}}}, "x.yaml")
    with pytest.raises(rules.RulesError, match="missing"):
        rules._parse({"categories": {}}, "x.yaml")
