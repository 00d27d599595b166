"""``smarttvet leadership incentives``: the arguments and the work (the ``leadership`` command wires them).

``smarttvet leadership incentives --year YYYY --pool AMOUNT --out FILE.xlsx [--league-pools 1=AMOUNT,2=AMOUNT]
[--threshold 0.5] [--cap AMOUNT] [--include-unsigned] [--scenario NAME ...] [--save-as NAME] [--language ru]``

Writes the payments of each organisation with a KPI scorecard of the year to ``FILE.xlsx`` (sheets ``payments``
with one explained row per organisation, ``summary``; with ``--scenario``, ``comparison``: the payments under each
named stored scenario of the year beside this one) and prints the totals. Amounts are whole tenge; the payments
never sum to more than the pool. ``--league-pools`` splits the pool by league (1 = leaders, 2 = backbone, or the
league codes; the parts must sum to ``--pool``). Only signed-off scorecards count unless ``--include-unsigned``.
``--save-as`` stores these parameters as a named scenario of the year.

Bad input (a year without scorecards, a negative or non-numeric amount, a bad league spec, a threshold outside
0-1.2, an unknown scenario, a path that cannot be written) exits with code 2, a message naming the argument, and
writes nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

ACTOR = "command line"
LANGUAGES = ("kk", "ru", "en")
ARGUMENTS = {"year": "--year", "pool": "--pool", "league_pools": "--league-pools", "threshold": "--threshold",
             "cap": "--cap", "name": "--save-as", "kpi_set": "--year"}


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def add_incentives_arguments(parser) -> None:
    parser.add_argument("--year", required=True, help="the scorecards' year, e.g. 2025")
    parser.add_argument("--pool", required=True, help="the yearly pool in whole tenge")
    parser.add_argument("--out", required=True, help="the XLSX file to write")
    parser.add_argument("--league-pools", dest="league_pools",
                        help="pools per league, e.g. 1=600000000,2=400000000 (1 = leaders, 2 = backbone); "
                             "they must sum to --pool")
    parser.add_argument("--threshold", default="0.5", help="the attainment below which nothing is paid "
                                                           "(0-1.2, default 0.5)")
    parser.add_argument("--cap", help="the most one organisation receives, in whole tenge (default: no cap)")
    parser.add_argument("--include-unsigned", dest="include_unsigned", action="store_true",
                        help="count scorecards not signed off yet (a preview)")
    parser.add_argument("--scenario", action="append", default=[],
                        help="a stored scenario of the year to compare with (repeat for more)")
    parser.add_argument("--save-as", dest="save_as", help="store these parameters as a named scenario")
    parser.add_argument("--language", default="ru", help="language of the file: kk, ru or en (default: ru)")


def check_out(value) -> Path:
    """A path that can be written: its directory exists and is writable, it is not a directory."""
    if not value or not str(value).strip():
        raise _fail("--out: a file name is needed")
    path = Path(value)
    if path.is_dir():
        raise _fail(f"--out: {value!r} is a directory")
    if path.suffix.lower() != ".xlsx":
        raise _fail(f"--out: the file must end in .xlsx, not {value!r}")
    if not path.parent.is_dir():
        raise _fail(f"--out: the directory of {value!r} does not exist")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _fail(f"--out: {value!r} cannot be written")
    return path


def write_bytes_atomically(path: Path, data: bytes) -> None:
    handle = tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _message(error: ValidationError) -> str:
    parts = []
    for name, problems in error.message_dict.items():
        argument = ARGUMENTS.get(name.split(".")[0], name)
        parts.extend(f"{argument}: {problem}" for problem in problems)
    return "; ".join(parts)


def run_incentives(options: dict, stdout, stderr) -> None:
    from smarttvet.kpi import exports, services
    from smarttvet.kpi.models import IncentiveScenario

    language = options.get("language") or "ru"
    if language not in LANGUAGES:
        raise _fail(f"--language: choose one of {', '.join(LANGUAGES)}, not {language!r}")
    path = check_out(options.get("out"))
    pool = options.get("pool")
    if isinstance(pool, str) and pool.strip().startswith("-"):
        raise _fail(f"--pool: must not be negative, not {pool.strip()}")
    try:
        kpi_set = services.kpi_set_load(actor=ACTOR)
        params = services.check_params(year=options.get("year"), pool=pool,
                                       threshold=options.get("threshold"), cap=options.get("cap"),
                                       league_pools=options.get("league_pools"),
                                       include_unsigned=options.get("include_unsigned", False),
                                       leagues=list(kpi_set.leagues))
        result = services.allocation_for(params)
        comparison = []
        for name in options.get("scenario") or []:
            scenario = IncentiveScenario.objects.filter(year=params.year, name=name).first()
            if scenario is None:
                raise _fail(f"--scenario: no stored scenario {name!r} of {params.year}")
            comparison.append((name, services.allocation_for(services.scenario_params(scenario))))
        save_as = options.get("save_as")
        if save_as is not None:
            services.check_name(save_as)
    except ValidationError as error:
        raise _fail(_message(error)) from None
    if comparison:
        comparison = [("--", result), *comparison]
    data = exports.payments_xlsx(result, language, comparison=comparison or None)
    try:
        write_bytes_atomically(path, data)
    except OSError as error:
        raise _fail(f"--out: {path} cannot be written ({error.strerror or error})") from None
    if save_as is not None:
        services.scenario_save(actor=ACTOR, name=save_as, params=params)
    groups = ", ".join(f"{g.group}: {g.paid:,} of {g.pool:,}" for g in result.allocation.groups if g.group)
    stdout.write(f"{params.year}: paid {result.total:,} of {params.pool:,} tenge to {result.paid_count} of "
                 f"{len(result.rows)} organisations (unspent {result.allocation.unspent:,})"
                 + (f" [{groups}]" if groups else "") + f"; written to {path}")
