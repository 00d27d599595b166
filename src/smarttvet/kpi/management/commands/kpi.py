"""smarttvet kpi scorecards|sign-off|demo

``smarttvet kpi scorecards --year YYYY [--year YYYY ...]``
    Compute the KPI scorecards of the directors of the leader and backbone organisations of each year's published
    rating run (the KPI set ``kpi/data/director-kpi.yaml``, loaded on first use). Deterministic: the same data give
    the same scorecards, and nothing changes. A scorecard not yet signed off is updated in place; a signed-off
    one is locked, and a different result becomes its next version, awaiting sign-off. Prints the counts.

``smarttvet kpi sign-off --year YYYY (--organization BIN ... | --all) [--comment TEXT]``
    Sign off (as the ministry, from the command line) the latest version of the scorecards of the year.

``smarttvet kpi demo``
    The demo's KPI data: scorecards of every year with a published rating run, most signed off, one returned,
    and incentive scenarios for the latest year (``smarttvet.demo.generator.kpi.build``). ``make demo`` runs it
    after publishing the ratings.

Bad arguments (a year without a published rating run, an unknown organisation) exit with code 2 and a message
naming the argument; nothing is written then.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

ACTOR = "command line"


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _message(argument: str, error: ValidationError) -> str:
    return "; ".join(f"{argument}: {problem}" for problems in error.message_dict.values() for problem in problems)


class Command(BaseCommand):
    help = "Director KPIs: 'scorecards' (compute a year's scorecards), 'sign-off', 'demo'."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{scorecards,sign-off,demo}")
        compute = commands.add_parser("scorecards", help="compute the KPI scorecards of a year")
        compute.add_argument("--year", action="append", required=True, help="the year, e.g. 2025 (repeatable)")
        sign = commands.add_parser("sign-off", help="sign off scorecards of a year (as the ministry)")
        sign.add_argument("--year", required=True)
        sign.add_argument("--organization", action="append", default=[], help="an organisation's BIN (repeatable)")
        sign.add_argument("--all", action="store_true", help="every scorecard of the year awaiting sign-off")
        sign.add_argument("--comment", default="")
        commands.add_parser("demo", help="the demo's scorecards, sign-offs and incentive scenarios")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "scorecards":
            self._scorecards(options["year"])
        elif subcommand == "sign-off":
            self._sign_off(options)
        else:
            from smarttvet.demo.generator.kpi import build

            started = time.perf_counter()
            summary = build()
            self.stdout.write(f"KPI demo: {summary} in {time.perf_counter() - started:.1f} s")

    def _scorecards(self, raw_years):
        from smarttvet.kpi import services

        years = []
        for raw in raw_years:
            try:
                years.append(services.check_year(raw))
            except ValidationError as error:
                raise _fail(_message("--year", error)) from None
        for year in years:
            kpi_set = services.kpi_set_load(actor=ACTOR)
            if services.published_run(year, kpi_set.methodology_code) is None:
                raise _fail(f"--year: no published rating run of {year} (methodology {kpi_set.methodology_code}); "
                            f"publish it first: smarttvet rating run --year {year} --publish")
        for year in years:
            started = time.perf_counter()
            summary = services.scorecards_compute(actor=ACTOR, year=year)
            self.stdout.write(
                f"{year}: {summary.total} scorecards (run #{summary.run_id}, {summary.kpi_set}) - "
                f"{summary.created} new, {summary.updated} updated, {summary.new_versions} new versions, "
                f"{summary.unchanged} unchanged, in {time.perf_counter() - started:.1f} s")

    def _sign_off(self, options):
        from smarttvet.kpi import services
        from smarttvet.kpi.models import Scorecard
        from smarttvet.kpi.selectors import ScorecardFilters, scorecard_list
        from smarttvet.registry.models import Organization

        try:
            year = services.check_year(options["year"])
        except ValidationError as error:
            raise _fail(_message("--year", error)) from None
        bins = [b.strip() for b in options["organization"]]
        if bool(bins) == bool(options["all"]):
            raise _fail("--organization/--all: name organisations by BIN, or give --all (not both)")
        cards = scorecard_list(_Trusted(), ScorecardFilters(year=year))
        if bins:
            found = dict(Organization.objects.filter(bin__in=bins).values_list("bin", "pk"))
            unknown = [b for b in bins if b not in found]
            if unknown:
                raise _fail(f"--organization: no organisation with BIN {', '.join(unknown)}")
            cards = cards.filter(organization_id__in=found.values())
        cards = list(cards.exclude(status=Scorecard.Status.SIGNED_OFF))
        if not cards and not Scorecard.objects.filter(year=year).exists():
            raise _fail(f"--year: no KPI scorecards of {year}: smarttvet kpi scorecards --year {year}")
        for card in cards:
            services.scorecard_decide(actor=ACTOR, card=card, decision="sign_off", comment=options["comment"])
        self.stdout.write(f"{year}: {len(cards)} scorecards signed off")


class _Trusted:
    """The command line reads everything."""

    is_authenticated = True
    is_superuser = True
