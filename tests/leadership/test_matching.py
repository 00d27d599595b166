"""Vacancy matching at its boundaries: region and willingness to move, kind, fields, scores, validity, order."""

import datetime as dt

from smarttvet.leadership import matching

ON = dt.date(2026, 1, 1)
VACANCY = matching.Vacancy(region_id=1, organization_kind="college", field_codes=frozenset({"0715", "0732"}), on=ON)


def member(i=1, **changes):
    values = dict(id=i, region_id=1, willing_to_move=False, preferred_kind="any",
                  field_codes=frozenset({"0715", "0732"}), total_score=100.0, valid_until=dt.date(2027, 1, 1))
    values.update(changes)
    return matching.Member(**values)


def test_a_perfect_member_fits_100_with_a_reason_per_part():
    match = matching.fit(VACANCY, member())
    assert match.fit == 100
    assert [code for code, _p in match.reasons] == ["same_region", "kind_any", "fields", "score"]


def test_region_and_willingness_to_move():
    assert matching.fit(VACANCY, member(region_id=2)) is None  # elsewhere, not willing to move: not proposed
    moving = matching.fit(VACANCY, member(region_id=2, willing_to_move=True))
    assert moving.parts["region"] == 20 and ("willing_to_move", {}) in moving.reasons


def test_kind_of_organisation():
    assert matching.fit(VACANCY, member(preferred_kind="college")).parts["kind"] == 20
    school_lover = matching.fit(VACANCY, member(preferred_kind="school"))
    assert school_lover.parts["kind"] == 0 and school_lover.reasons[1][0] == "kind_other"
    higher = matching.Vacancy(region_id=1, organization_kind="higher_college", on=ON)
    assert matching.fit(higher, member(preferred_kind="college")).parts["kind"] == 20
    assert matching.kind_of("school") == "school" and matching.kind_of("university") == "other"


def test_fields_share_and_an_organisation_without_fields():
    half = matching.fit(VACANCY, member(field_codes=frozenset({"0715", "0111"})))
    assert half.parts["fields"] == 10 and ("fields", {"known": 1, "of": 2}) in half.reasons
    assert matching.fit(VACANCY, member(field_codes=frozenset())).parts["fields"] == 0
    school = matching.Vacancy(region_id=1, organization_kind="school", on=ON)
    assert matching.fit(school, member()).parts["fields"] == 10


def test_score_part_is_clipped():
    assert matching.fit(VACANCY, member(total_score=50)).parts["scores"] == 10
    assert matching.fit(VACANCY, member(total_score=150)).parts["scores"] == 20
    assert matching.fit(VACANCY, member(total_score=-5)).parts["scores"] == 0


def test_validity_and_status():
    assert matching.fit(VACANCY, member(valid_until=ON)) is not None  # valid on the last day
    assert matching.fit(VACANCY, member(valid_until=ON - dt.timedelta(days=1))) is None
    assert matching.fit(VACANCY, member(active=False)) is None


def test_rank_orders_by_fit_then_total_then_id_and_limits():
    members = [member(1, total_score=80), member(2, total_score=90), member(3, total_score=90),
               member(4, region_id=2, willing_to_move=True, total_score=100), member(5, region_id=3)]
    ranked = matching.rank(VACANCY, members)
    assert [m.member.id for m in ranked] == [2, 3, 1, 4]
    assert [m.member.id for m in matching.rank(VACANCY, members, limit=2)] == [2, 3]
