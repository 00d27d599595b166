"""Command line of the rating engine; ``main`` is the pure entry point the Django command calls.

    rating compute --methodology FILE.yaml --data FILE(.csv|.xlsx) --out FILE.csv
                   [--uncertainty N] [--seed S] [--explain UNIT]

The output CSV has one row per unit, in the order of the data file, and the columns
``unit,score,rank,league``, one column per group (its code, group score on the output scale), and with
``--uncertainty`` also ``rank_p05,rank_median,rank_p95`` and ``p_<league code>`` per league. A unit that
is not rated has empty cells. ``--explain UNIT`` prints the explanation of one unit to stdout.

Exit codes: 0 on success; 2 for a bad methodology, bad data or bad arguments, with a message on stderr
naming the key path, or the row (header = row 1) and column; in that case no output file is written -
the output is written to a temporary file next to it and renamed only when complete.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import tempfile
from pathlib import Path

from smarttvet.rating.engine.compute import RunResult, compute
from smarttvet.rating.engine.errors import DataError, MethodologyError
from smarttvet.rating.engine.explain import explain, format_explanation
from smarttvet.rating.engine.methodology import load_methodology
from smarttvet.rating.engine.tabular import UNIT_COLUMN, TableError, read_dataset
from smarttvet.rating.engine.uncertainty import UncertaintyResult, monte_carlo

USAGE_ERROR = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rating", description="Composite-indicator ratings.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("compute", help="compute a rating from a methodology and a data file")
    run.add_argument("--methodology", required=True, type=Path, help="methodology YAML file")
    run.add_argument("--data", required=True, type=Path, help="data file (.csv or .xlsx)")
    run.add_argument("--out", required=True, type=Path, help="output CSV file")
    run.add_argument("--uncertainty", type=_positive_int, metavar="N", help="Monte Carlo draws")
    run.add_argument("--seed", type=int, default=0, help="seed of the Monte Carlo (default 0)")
    run.add_argument("--explain", metavar="UNIT", help="print the explanation of one unit")
    run.add_argument("--language", choices=("kk", "ru", "en"), default="en", help="language of names")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse has printed the usage message on stderr
        return int(stop.code) if isinstance(stop.code, int) else USAGE_ERROR
    return _compute(args)


def _fail(message: str) -> int:
    print(f"rating: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def _compute(args: argparse.Namespace) -> int:
    try:
        methodology = load_methodology(args.methodology)
    except MethodologyError as error:
        return _fail(f"methodology {args.methodology}:\n{error}")
    try:
        loaded = read_dataset(methodology, args.data)
    except DataError as error:
        return _fail(f"data {args.data}: {error}")
    if args.explain is not None and args.explain not in loaded.unit_rows:
        located = TableError(f"no row has the unit {args.explain!r} asked for by --explain", column=UNIT_COLUMN,
                             letter=loaded.columns[UNIT_COLUMN])
        return _fail(f"data {args.data}: {located}")
    try:
        result = compute(methodology, loaded.dataset)
        uncertainty = None
        if args.uncertainty:
            uncertainty = monte_carlo(methodology, loaded.dataset, args.uncertainty, args.seed,
                                      pipeline=result.pipeline)
        text = None
        if args.explain is not None:
            explanation = explain(methodology, loaded.dataset, args.explain, result=result)
            text = format_explanation(explanation, methodology, args.language)
    except DataError as error:
        return _fail(f"data {args.data}: {loaded.locate(error)}")
    try:
        _write_atomically(args.out, _rows(result, uncertainty))
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}")
    if text is not None:
        sys.stdout.write(text)
    return 0


def _cell(value: float | None, *, whole: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value)) if whole else format(float(value), ".12g")


def _rows(result: RunResult, uncertainty: UncertaintyResult | None) -> list[list[str]]:
    methodology = result.methodology
    header = [UNIT_COLUMN, "score", "rank", "league", *methodology.group_codes]
    if uncertainty is not None:
        header += ["rank_p05", "rank_median", "rank_p95", *(f"p_{code}" for code in methodology.league_codes)]
    rows = [header]
    for row, unit in enumerate(result.units):
        rated = bool(result.rated[row])
        cells = [unit, _cell(result.scores[row]), _cell(result.ranks[row], whole=True) if rated else "",
                 result.league(row) or ""]
        cells += [_cell(result.group_scores[row, k]) for k in range(len(methodology.group_codes))]
        if uncertainty is not None:
            cells += [_cell(uncertainty.rank_p05[row], whole=True), _cell(uncertainty.rank_median[row], whole=True),
                      _cell(uncertainty.rank_p95[row], whole=True)]
            cells += [_cell(p) for p in uncertainty.league_probabilities[row]]
        rows.append(cells)
    return rows


def _write_atomically(path: Path, rows: list[list[str]]) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=directory, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            csv.writer(handle).writerows(rows)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
