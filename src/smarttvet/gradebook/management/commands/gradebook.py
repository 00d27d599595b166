"""smarttvet gradebook import|analyse|lowest

``smarttvet gradebook import PATH [--year YYYY] [--dataset marks|attendance] [--sample N] [--no-progress]``
    Validate a file (Parquet or CSV) or a folder (partitioned as year=YYYY/region=PP, or not) of marks or
    attendance and load the valid rows into the analytic store. Bad rows are not loaded; they are counted per
    organisation and reason, and a sample is printed. Each (year, organisation) in the input replaces what
    the store held for it, so importing the same export twice changes nothing.

``smarttvet gradebook analyse --year YYYY [--backend duckdb|spark|postgres] [--no-progress]``
    Compute the year's learning measures (organisation, subject, class or group, term, region) with the
    configured backend and store them for the pages, the API, the monitoring lists and the rating.

``smarttvet gradebook lowest --year YYYY [--n 100] [--region CODE] [--kind school|college]
[--format table|csv] [--out FILE] [--force]``
    Rank organisations by the composite learning measure shrunk toward their region's mean (empirical
    Bayes), print the lowest N and save them as the year's monitoring list.

``smarttvet gradebook support-plans --year YYYY [--region CODE] [--kind school|college] [--deadline-months N]``
    Make the missing support plans of a saved monitoring list (one per flagged organisation, from the
    template, with suggested mentors); running it again adds nothing.

Bad arguments exit with code 2 and a message naming the argument; nothing is written.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Gradebook analytics: import marks and attendance, analyse a year, list the lowest performers."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True,
                                         metavar="{import,analyse,lowest,support-plans}")
        imp = commands.add_parser("import", help="validate and load marks or attendance (Parquet, CSV or a folder)")
        imp.add_argument("path", help="a .parquet or .csv file, or a folder of them (year=YYYY/region=PP allowed)")
        imp.add_argument("--dataset", default="", help="marks or attendance (default: guessed from the columns)")
        imp.add_argument("--year", default="", help="school year of every row (default: the folder's year=, "
                                                    "else each date's school year)")
        imp.add_argument("--sample", default="10", help="how many rejected rows to print (default: 10)")
        imp.add_argument("--no-progress", action="store_true", help="do not draw progress bars")

        analyse = commands.add_parser("analyse", help="compute and store a year's learning measures")
        analyse.add_argument("--year", required=True, help="school year, e.g. 2025 (for 2024-2025)")
        analyse.add_argument("--backend", default="", help="duckdb, spark or postgres (default: the configured one)")
        analyse.add_argument("--no-progress", action="store_true", help="do not draw progress bars")

        lowest = commands.add_parser("lowest", help="rank and save the year's lowest-performing organisations")
        lowest.add_argument("--year", required=True, help="school year, e.g. 2025")
        lowest.add_argument("--n", default="100", help="how many organisations to flag (default: 100)")
        lowest.add_argument("--region", default="", help="region code (first two KATO digits, e.g. 61) or KATO")
        lowest.add_argument("--kind", default="", help="school or college (default: both)")
        lowest.add_argument("--format", default="table", help="table or csv (default: table)")
        lowest.add_argument("--out", default="", help="write to this file instead of standard output")
        lowest.add_argument("--force", action="store_true",
                            help="replace a saved monitoring list even if support plans were made from it")

        plans = commands.add_parser("support-plans", help="make the support plans of a saved monitoring list")
        plans.add_argument("--year", required=True, help="the monitoring list's school year, e.g. 2024")
        plans.add_argument("--region", default="", help="the list's region (2-digit KATO prefix); empty: national")
        plans.add_argument("--kind", default="", help="the list's kind: school, college or empty (both)")
        plans.add_argument("--deadline-months", default="9", help="months to the last activity's deadline")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "support-plans":
            from smarttvet.gradebook.commands import run_support_plans as run
        elif subcommand == "import":
            from smarttvet.gradebook.commands import run_import as run
        elif subcommand == "analyse":
            from smarttvet.gradebook.commands import run_analyse as run
        else:
            from smarttvet.gradebook.monitoring_cli import run_lowest as run
        from smarttvet.core.metrics import track_job

        with track_job(f"gradebook_{subcommand.replace('-', '_')}"):  # duration and outcome on /metrics
            run(options, stdout=self.stdout)
