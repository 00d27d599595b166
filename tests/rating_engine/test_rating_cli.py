"""The command line: the output file on success; exit 2, a located message and no output on bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from smarttvet.rating.engine.cli import main
from smarttvet.rating.engine.compute import Dataset, compute
from smarttvet.rating.engine.methodology import load_methodology

HDI = Path(__file__).resolve().parents[2] / "src" / "smarttvet" / "rating" / "methodologies" / "hdi.yaml"
HEADER = ["unit", "life_expectancy", "expected_schooling", "mean_schooling", "gni_per_capita"]
ROWS = [
    ["NOR", "83.2", "18.2", "13.0", "64660"],
    ["KAZ", "69.4", "15.8", "12.3", "23943"],
    ["DEU", "80.6", "17.0", "14.1", "54534"],
    ["TCD", "52.5", "8.0", "2.6", "1364"],
]

# A methodology where empty cells are allowed (mean imputation) and a unit can be not rated.
LENIENT = HDI.read_text(encoding="utf-8").replace("missing: fail", "missing: mean").replace(
    "coverage: {minimum: 1.0}", "coverage: {minimum: 0.5}")


def write_csv(path: Path, header=HEADER, rows=ROWS, delimiter=",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run(tmp_path, data: Path, *extra: str, methodology: Path = HDI) -> tuple[int, Path]:
    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir(exist_ok=True)
    code = main(["compute", "--methodology", str(methodology), "--data", str(data), "--out", str(out), *extra])
    return code, out


def test_csv_happy_path(tmp_path, capsys):
    code, out = run(tmp_path, write_csv(tmp_path / "data.csv"))
    assert code == 0
    rows = read_csv(out)
    assert list(rows[0]) == ["unit", "score", "rank", "league", "health", "education", "income"]
    assert [r["unit"] for r in rows] == ["NOR", "KAZ", "DEU", "TCD"]
    assert [r["rank"] for r in rows] == ["1", "3", "2", "4"]
    assert [r["league"] for r in rows] == ["very_high", "very_high", "very_high", "low"]
    assert round(float(rows[0]["score"]), 3) == 0.961 and round(float(rows[3]["score"]), 3) == 0.394
    methodology = load_methodology(HDI)
    expected = compute(methodology, Dataset(("NOR",), methodology.indicator_codes,
                                            np.array([[83.2, 18.2, 13.0, 64660]])))
    assert float(rows[0]["education"]) == pytest.approx(expected.group_scores[0, 1], abs=1e-11)
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in out.parent.iterdir()) == ["result.csv"]  # no temporary file left


def test_uncertainty_columns_and_explanation(tmp_path, capsys):
    code, out = run(tmp_path, write_csv(tmp_path / "data.csv"), "--uncertainty", "300", "--seed", "7",
                    "--explain", "KAZ")
    assert code == 0
    rows = read_csv(out)
    leagues = ["p_very_high", "p_high", "p_medium", "p_low"]
    assert list(rows[0])[7:] == ["rank_p05", "rank_median", "rank_p95", *leagues]
    for row in rows:
        assert sum(float(row[c]) for c in leagues) == pytest.approx(1.0)
        assert int(row["rank_p05"]) <= int(row["rank_median"]) <= int(row["rank_p95"])
    printed = capsys.readouterr().out
    assert printed.startswith("KAZ - Human Development Index (hdi)")
    assert "rank 3 of 4" in printed
    again_out = tmp_path / "again.csv"
    assert main(["compute", "--methodology", str(HDI), "--data", str(tmp_path / "data.csv"), "--out",
                 str(again_out), "--uncertainty", "300", "--seed", "7"]) == 0
    assert again_out.read_text() == out.read_text()  # seeded: the same file


def test_xlsx_happy_path_with_empty_cells_and_a_unit_not_rated(tmp_path):
    methodology = tmp_path / "lenient.yaml"
    methodology.write_text(LENIENT, encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(["gni_per_capita", "unit", "mean_schooling", "expected_schooling", "life_expectancy"])
    sheet.append([64660, "NOR", 13.0, 18.2, 83.2])
    sheet.append([23943, "KAZ", None, 15.8, 69.4])
    sheet.append([None, "XXX", None, None, 70])
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    sheet.append([1364, 1001, 2.6, 8.0, 52.5])     # a numeric unit code
    data = tmp_path / "data.xlsx"
    book.save(data)
    code, out = run(tmp_path, data, methodology=methodology)
    assert code == 0
    rows = {r["unit"]: r for r in read_csv(out)}
    assert list(rows) == ["NOR", "KAZ", "XXX", "1001"]
    assert rows["XXX"]["score"] == "" and rows["XXX"]["rank"] == "" and rows["XXX"]["league"] == ""
    assert rows["NOR"]["rank"] == "1" and rows["1001"]["rank"] == "3"
    # KAZ's mean schooling is the mean of the rated units' (NOR, 1001) normalised values
    assert float(rows["KAZ"]["education"]) == pytest.approx((15.8 / 18 + (13.0 / 15 + 2.6 / 15) / 2) / 2)


def test_semicolon_csv_is_read(tmp_path):
    code, out = run(tmp_path, write_csv(tmp_path / "data.csv", delimiter=";"))
    assert code == 0 and len(read_csv(out)) == 4


def bad(rows=None, header=None):
    return (header or HEADER), (rows or ROWS)


BAD_INPUTS = {
    "unknown column": (HEADER + ["teachers"], [r + ["5"] for r in ROWS], ["row 1", "column F (teachers)",
                                                                          "unknown column"]),
    "missing column": (HEADER[:4], [r[:4] for r in ROWS], ["row 1", "gni_per_capita", "missing column"]),
    "duplicate column": (HEADER + ["mean_schooling"], [r + ["1"] for r in ROWS],
                         ["row 1", "column F (mean_schooling)", "duplicate column (also column D)"]),
    "non-numeric cell": (HEADER, [ROWS[0], ["KAZ", "69.4", "n/a", "12.3", "23943"]],
                         ["row 3", "column C (expected_schooling)", "'n/a' is not a number"]),
    "comma decimal": (HEADER, [["KAZ", "69,4", "15.8", "12.3", "23943"]],
                      ["row 2", "column B (life_expectancy)", "is not a number"]),
    "non-positive under log": (HEADER, [ROWS[0], ROWS[1], ["TCD", "52.5", "8.0", "2.6", "0"]],
                               ["row 4", "column E (gni_per_capita)", "not positive", "log-transformed"]),
    "duplicate unit": (HEADER, [ROWS[0], ROWS[1], ROWS[0]], ["row 4", "column A (unit)", "duplicate unit 'NOR'",
                                                             "also row 2"]),
    "empty unit": (HEADER, [ROWS[0], ["", "69.4", "15.8", "12.3", "23943"]], ["row 3", "column A (unit)"]),
    "missing value under fail": (HEADER, [ROWS[0], ["KAZ", "69.4", "", "12.3", "23943"]],
                                 ["row 3", "column C (expected_schooling)", "'fail'"]),
    "value without a header": (HEADER, [ROWS[0], ROWS[1] + ["7"]], ["row 3", "column F"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_data_exits_2_with_row_and_column_and_writes_nothing(tmp_path, capsys, case):
    header, rows, fragments = BAD_INPUTS[case]
    code, out = run(tmp_path, write_csv(tmp_path / "data.csv", header, rows))
    assert code == 2
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_bad_xlsx_cell_is_located(tmp_path, capsys):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["NOR", 83.2, 18.2, True, 64660])
    data = tmp_path / "data.xlsx"
    book.save(data)
    code, out = run(tmp_path, data)
    assert code == 2 and "row 2, column D (mean_schooling)" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_explain_unit(tmp_path, capsys):
    code, out = run(tmp_path, write_csv(tmp_path / "data.csv"), "--explain", "ATLANTIS")
    assert code == 2
    err = capsys.readouterr().err
    assert "column A (unit)" in err and "'ATLANTIS'" in err
    assert not out.exists()


def test_bad_methodology_names_the_key_path(tmp_path, capsys):
    methodology = tmp_path / "bad.yaml"
    methodology.write_text(HDI.read_text(encoding="utf-8").replace("min: 100, max: 75000", "min: 100, max: 50"),
                           encoding="utf-8")
    code, out = run(tmp_path, write_csv(tmp_path / "data.csv"), methodology=methodology)
    assert code == 2
    assert "indicators[3].normalisation.max: must be greater than min" in capsys.readouterr().err
    assert not out.exists()


def test_bad_arguments_and_files(tmp_path, capsys):
    data = write_csv(tmp_path / "data.csv")
    assert run(tmp_path, data, "--uncertainty", "0")[0] == 2
    assert main(["compute", "--methodology", str(HDI)]) == 2
    assert main([]) == 2
    code, out = run(tmp_path, tmp_path / "absent.csv")
    assert code == 2 and "cannot read" in capsys.readouterr().err
    text = tmp_path / "data.txt"
    text.write_text("unit\n")
    assert run(tmp_path, text)[0] == 2 and "unsupported file type" in capsys.readouterr().err
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    assert run(tmp_path, fake)[0] == 2 and "not a readable XLSX" in capsys.readouterr().err
    nowhere = tmp_path / "missing-dir" / "out.csv"
    assert main(["compute", "--methodology", str(HDI), "--data", str(data), "--out", str(nowhere)]) == 2


def test_a_failed_run_leaves_an_existing_output_untouched(tmp_path):
    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir()
    out.write_text("previous\n")
    data = write_csv(tmp_path / "data.csv", HEADER, [ROWS[0], ROWS[0]])
    code = main(["compute", "--methodology", str(HDI), "--data", str(data), "--out", str(out)])
    assert code == 2 and out.read_text() == "previous\n" and len(list(out.parent.iterdir())) == 1
