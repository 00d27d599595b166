"""The labour-market reference data: occupations (NKZ / ISCO-08) and the specialty-occupation mapping."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from smarttvet.labour import reference
from smarttvet.labour.models import Occupation, SpecialtyOccupation
from smarttvet.registry import reference as registry_reference
from smarttvet.registry.models import Specialty


def _files():
    occupations = registry_reference.read_csv(reference.DATA / "occupations.csv")
    links = registry_reference.read_csv(reference.DATA / "specialty_occupations.csv")
    classifier = registry_reference.read_csv(registry_reference.DATA / "specialties.csv")
    specialties = {r["specialty_code"] for r in classifier}
    return occupations, links, specialties


def test_the_shipped_files_are_valid():
    occupations, links, specialties = _files()
    assert reference.check_occupations(occupations) == []
    assert reference.check_links(links, specialties, {o["code"] for o in occupations}) == []


def test_occupations_are_the_unit_groups_graduates_go_into():
    occupations, _links, _specialties = _files()
    codes = [o["code"] for o in occupations]
    assert 100 <= len(codes) <= 150
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[2-8]\d{3}", c) for c in codes)
    assert {c[0] for c in codes} == set("2345678")
    for row in occupations:
        assert row["name_kk"] and row["name_ru"] and row["name_en"]
        assert re.search(r"[әғқңөұүһі]", row["name_kk"], re.IGNORECASE) or row["name_kk"] != row["name_ru"]
        assert re.search(r"[а-яё]", row["name_ru"], re.IGNORECASE)
    by_code = {o["code"]: o for o in occupations}
    assert by_code["7212"]["name_en"] == "Welders and flamecutters"
    assert by_code["5120"]["name_en"] == "Cooks"
    assert by_code["3221"]["name_en"] == "Nursing associate professionals"


def test_every_specialty_is_mapped_to_one_to_three_occupations_and_every_occupation_is_used():
    occupations, links, specialties = _files()
    per_specialty = defaultdict(list)
    for row in links:
        per_specialty[row["specialty_code"]].append(row["occupation_code"])
    assert set(per_specialty) == specialties
    assert all(1 <= len(v) <= 3 for v in per_specialty.values())
    assert {row["occupation_code"] for row in links} == {o["code"] for o in occupations}


def test_shares_are_in_range_and_sum_to_at_most_one_per_occupation():
    _occupations, links, _specialties = _files()
    totals = defaultdict(float)
    for row in links:
        share = float(row["share"])
        assert 0 < share <= 1
        totals[row["occupation_code"]] += share
    assert max(totals.values()) <= 1 + 1e-9
    # the rule of data/README.md: the TVET share of the major group, split among the specialties
    assert totals["7212"] == pytest.approx(0.8, abs=0.011)  # craft, one specialty
    assert totals["2512"] == pytest.approx(0.3, abs=0.011)  # professionals


def test_problems_are_reported_with_row_and_column():
    occupations = [
        {"code": "7212", "name_kk": "a", "name_ru": "б", "name_en": "c", "illustrative": "0"},
        {"code": "72", "name_kk": "a", "name_ru": "б", "name_en": "c", "illustrative": "0"},
        {"code": "7212", "name_kk": "", "name_ru": "б", "name_en": "c", "illustrative": "x"},
    ]
    problems = reference.check_occupations(occupations)
    assert "row 3, code: '72' is not 4 digits" in problems
    assert "row 4, code: 7212 repeats row 2" in problems
    assert "row 4, name_kk: is required" in problems
    assert "row 4, illustrative: use 0 or 1" in problems
    links = [
        {"specialty_code": "07150500", "occupation_code": "7212", "share": "0.7"},
        {"specialty_code": "07150100", "occupation_code": "7212", "share": "0.6"},
        {"specialty_code": "99999999", "occupation_code": "9999", "share": "abc"},
        {"specialty_code": "07150500", "occupation_code": "7212", "share": "1.5"},
    ]
    problems = reference.check_links(links, {"07150500", "07150100"}, {"7212"})
    assert "row 4, specialty_code: '99999999' is not a specialty of the classifier" in problems
    assert "row 4, occupation_code: '9999' is not in the occupations list" in problems
    assert "row 4, share: 'abc' is not a number" in problems
    assert "row 5, occupation_code: the pair repeats row 2" in problems
    assert "row 5, share: 1.5 is not above 0 and at most 1" in problems
    assert "row 2, share: the shares of occupation 7212 sum to 1.30, above 1" in problems


@pytest.mark.django_db
def test_the_migration_loaded_everything_and_reloading_changes_nothing():
    occupations, links, _specialties = _files()
    assert Occupation.objects.count() == len(occupations)
    assert SpecialtyOccupation.objects.count() == len(links)
    assert not Specialty.objects.filter(occupation_links__isnull=True).exists()
    assert Occupation.objects.get(code="7212").specialty_links.get(specialty__code="07150500").share == 0.8
    assert reference.load_all() == {"occupations": (0, 0), "specialty_occupations": (0, 0)}


@pytest.mark.django_db
def test_a_bad_file_writes_nothing(tmp_path):
    path = tmp_path / "links.csv"
    path.write_text("specialty_code,occupation_code,share\n07150500,7212,0.5\n07150500,0000,0.5\n", encoding="utf-8")
    before = list(SpecialtyOccupation.objects.values_list("specialty_id", "occupation_id", "share"))
    with pytest.raises(reference.ReferenceDataError, match="row 3, occupation_code"):
        reference.load_specialty_occupations(Specialty, Occupation, SpecialtyOccupation, path)
    assert list(SpecialtyOccupation.objects.values_list("specialty_id", "occupation_id", "share")) == before


@pytest.mark.django_db
def test_an_edited_share_is_loaded_back_from_the_file():
    link = SpecialtyOccupation.objects.get(specialty__code="07150500", occupation__code="7212")
    link.share = 0.5
    link.save()
    assert reference.load_all()["specialty_occupations"] == (0, 1)
    link.refresh_from_db()
    assert link.share == 0.8
