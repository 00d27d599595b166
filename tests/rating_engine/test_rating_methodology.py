"""Methodology files: validation messages name the key path; the hash is canonical."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from smarttvet.rating.engine.errors import MethodologyError
from smarttvet.rating.engine.methodology import load_methodology, loads_methodology, parse_methodology

HDI = Path(__file__).resolve().parents[2] / "src" / "smarttvet" / "rating" / "methodologies" / "hdi.yaml"

BASE = """
code: colleges
names: {kk: Колледждер, ru: Колледжи, en: Colleges}
scale: {min: 0, max: 100}
indicators:
  - code: employment
    names: {kk: Жұмыспен қамту, ru: Трудоустройство, en: Employment}
    unit: "%"
    direction: positive
    normalisation: {method: goalposts, min: 0, max: 100}
  - code: dropout
    names: {kk: Оқудан шығу, ru: Отсев, en: Dropout}
    unit: "%"
    direction: negative
    normalisation: {method: target, target: 2, floor: 30}
    missing: reweight
  - code: salary
    names: {kk: Жалақы, ru: Зарплата, en: Salary}
    unit: KZT
    direction: positive
    transform: log
    normalisation: {method: minmax}
groups:
  - code: outcomes
    names: {kk: Нәтижелер, ru: Результаты, en: Outcomes}
    aggregation: arithmetic
    members: [{code: employment, weight: 2}, {code: salary, weight: 1}]
  - code: process
    names: {kk: Процесс, ru: Процесс, en: Process}
    aggregation: arithmetic
    members: [dropout]
index:
  aggregation: geometric
  members: [outcomes, process]
leagues:
  - code: leaders
    names: {kk: Көшбасшылар, ru: Лидеры, en: Leaders}
    rule: {min_score: 80, gates: [{indicator: employment, at_least: 70}]}
  - code: others
    names: {kk: Басқалар, ru: Остальные, en: Others}
"""


def base() -> dict:
    return yaml.safe_load(BASE)


def problems_of(document: dict) -> str:
    with pytest.raises(MethodologyError) as caught:
        parse_methodology(document)
    return str(caught.value)


def test_the_base_document_is_valid_and_normalises_weights_within_groups():
    methodology = parse_methodology(base())
    assert methodology.indicator_codes == ("employment", "dropout", "salary")
    assert methodology.group_codes == ("outcomes", "process")
    assert methodology.index.code == "index"
    assert methodology.indicators[1].missing == "reweight"
    assert methodology.indicators[0].missing == "fail"  # the default
    assert methodology.scale.max == 100.0
    assert methodology.leagues[0].gates[0].at_least == 70.0


def _set(document: dict, path: tuple, value) -> dict:
    document = copy.deepcopy(document)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()

BAD = [
    (("indicators", 0, "normalisation"), {"method": "goalposts", "min": 100, "max": 100},
     "indicators[0].normalisation.max: must be greater than min"),
    (("groups", 1, "aggregation"), "harmonic",
     "groups[1].aggregation: must be one of arithmetic, geometric, not 'harmonic'"),
    (("index", "members", 1), "nowhere", "index.members[1].code: 'nowhere' is neither an indicator nor a group"),
    (("leagues", 1, "rule"), {"min_score": 10}, "leagues[1].rule: the last league takes the rest"),
    (("leagues", 0, "rule"), _DELETE, "leagues[0].rule: is required for every league but the last"),
    (("groups", 0, "members", 0, "weight"), -1, "groups[0].members[0].weight: must be greater than 0"),
    (("indicators", 2, "names", "kk"), _DELETE, "indicators[2].names.kk: is required"),
    (("indicators", 1, "normalization"), {"method": "minmax"}, "indicators[1].normalization: unknown key"),
    (("indicators", 2, "normalisation"), {"method": "goalposts", "min": 0, "max": 10},
     "indicators[2].normalisation.min: must be positive because the indicator is log-transformed"),
    (("indicators", 1, "normalisation"), {"method": "target", "target": 30, "floor": 2},
     "indicators[1].normalisation.target: must be less than floor for a negative indicator"),
    (("indicators", 0, "normalisation"), {"method": "zscore"},
     "indicators[0].normalisation.method: zscore values can be negative, which the geometric mean of 'index'"),
    (("indicators", 0, "direction"), "up", "indicators[0].direction: must be one of positive, negative"),
    (("indicators", 0, "missing"), "guess", "indicators[0].missing: must be one of fail, zero, mean, reweight"),
    (("indicators", 0, "winsorise"), {"lower": 0.9, "upper": 0.1}, "indicators[0].winsorise.upper: must be greater"),
    (("indicators", 1, "code"), "employment",
     "indicators[1].code: duplicate code 'employment' (also indicators[0].code)"),
    (("groups", 1, "members"), ["dropout", "employment"],
     "groups[1].members[1].code: 'employment' already belongs to group 'outcomes'"),
    (("leagues", 0, "rule", "gates", 0, "indicator"), "teachers",
     "leagues[0].rule.gates[0].indicator: 'teachers' is not an indicator of this methodology"),
    (("leagues", 0, "rule", "top_share"), 1.5, "leagues[0].rule.top_share: must be at most 1"),
    (("scale",), {"min": 100, "max": 0}, "scale.max: must be greater than min"),
    (("coverage",), {"minimum": 2}, "coverage.minimum: must be at most 1"),
    (("uncertainty",), {"normalisations": ["nominal", "zscore"]},
     "uncertainty.normalisations[1]: zscore values can be negative"),
    (("uncertainty",), {"missing": ["nominal", "median"]}, "uncertainty.missing[1]: must be one of"),
    (("groups", 0, "code"), "score", "groups[0].code: 'score' is reserved for an output column"),
    (("code",), 12, "code: must be a non-empty text, not the number 12"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[m.split(":")[0] for _, _, m in BAD])
def test_a_bad_methodology_is_refused_with_the_key_path(path, value, message):
    assert message in problems_of(_set(base(), path, value))


def test_an_indicator_outside_the_tree_is_named():
    document = base()
    document["groups"][0]["members"] = [{"code": "employment", "weight": 2}]
    assert "indicators[2].code: 'salary' is not a member of any group" in problems_of(document)


def test_a_cycle_of_groups_is_refused():
    document = base()
    document["groups"].append({"code": "loop", "names": document["names"], "aggregation": "arithmetic",
                               "members": ["process"]})
    document["groups"][1]["members"] = ["dropout", "loop"]
    document["index"]["members"] = ["outcomes"]
    message = problems_of(document)
    assert "does not reach the index (a cycle" in message
    assert "groups[1].code" in message or "groups[2].code" in message


def test_every_problem_is_reported_at_once():
    document = _set(base(), ("indicators", 0, "direction"), "up")
    document = _set(document, ("groups", 1, "aggregation"), "median")
    with pytest.raises(MethodologyError) as caught:
        parse_methodology(document)
    paths = [path for path, _ in caught.value.problems]
    assert "indicators[0].direction" in paths and "groups[1].aggregation" in paths


def test_bad_files_on_disk(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: x\nnames: [unclosed\n", encoding="utf-8")
    with pytest.raises(MethodologyError, match=r"not valid YAML at line \d+"):
        load_methodology(broken)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(BASE.replace("max: 100}\n    missing", "max: 100}\n    missing").replace(
        "{method: goalposts, min: 0, max: 100}", "{method: goalposts, min: 5, max: 1}"), encoding="utf-8")
    with pytest.raises(MethodologyError, match=r"indicators\[0\]\.normalisation\.max: must be greater than min"):
        load_methodology(wrong)
    with pytest.raises(MethodologyError, match="cannot read"):
        load_methodology(tmp_path / "absent.yaml")
    with pytest.raises(MethodologyError, match="must be a mapping"):
        loads_methodology("- just\n- a list\n")


def test_the_hash_ignores_formatting_order_and_number_spelling():
    methodology = parse_methodology(base())
    reordered = yaml.safe_load(BASE)
    reordered = dict(reversed(list(reordered.items())))
    reordered["groups"][0]["members"][0]["weight"] = 2.0          # 2 and 2.0 are the same weight
    reordered["groups"][1]["members"] = [{"code": "dropout", "weight": 1}]  # a bare code means weight 1
    other = parse_methodology(reordered)
    assert other.hash == methodology.hash
    assert len(methodology.hash) == 64 and int(methodology.hash, 16) >= 0


def test_the_hash_changes_with_anything_that_changes_the_result():
    reference = parse_methodology(base()).hash
    assert parse_methodology(_set(base(), ("groups", 0, "members", 0, "weight"), 3)).hash != reference
    assert parse_methodology(_set(base(), ("leagues", 0, "rule", "min_score"), 81)).hash != reference
    assert parse_methodology(_set(base(), ("indicators", 0, "missing"), "mean")).hash != reference


def test_the_shipped_hdi_methodology_validates():
    methodology = load_methodology(HDI)
    assert methodology.code == "hdi"
    assert methodology.indicator_codes == ("life_expectancy", "expected_schooling", "mean_schooling", "gni_per_capita")
    assert methodology.index.aggregation == "geometric"
    assert methodology.indicator("gni_per_capita").transform == "log"
    assert methodology.indicator("gni_per_capita").normalisation.max == 75000.0
    assert [league.min_score for league in methodology.leagues] == [0.8, 0.7, 0.55, None]
    assert load_methodology(HDI).hash == methodology.hash
