"""The TVET rating's indicators, each derived from the platform's records by a named function.

No indicator is typed in by hand: every value of ``methodologies/tvet.yaml`` comes from one function
below, registered under the indicator's code with ``@indicator("code")``. Each function computes the
indicator for **all** TVET organisations (kind ``college`` or ``higher_college``, branches included) of
one rating year at once, from a handful of aggregate queries grouped by organisation that are shared
by all indicators (:class:`SourceData`); no query is made per organisation. Derivation is national:
no user, no scope.

The rating year ``Y``
---------------------
A rating of year ``Y`` describes the academic year that ends in ``Y``, ``A(Y)`` = 1 September ``Y-1``
to 30 June ``Y`` (for ``Y`` = 2025: the 2024-25 academic year), and is complete by the end of ``Y``:

* **students** ``S(Y)``: enrolments with ``cohort_year <= Y-1`` and ``status_year >= Y`` - admitted by
  September ``Y-1`` and not graduated, expelled or gone on leave before ``Y`` (graduates of June ``Y``
  and those expelled in ``Y`` are counted; a studying student's status year is the current year);
* **graduates**: graduates of ``Y-1`` (``status_year = Y-1``) observed 12 months after graduating, in
  July ``Y`` (:class:`~smarttvet.people.models.GraduateOutcome` with ``months_after = 12``);
* **staff** ``T(Y)``: teachers and masters of industrial training (directors, deputies and methodists
  are not counted) employed on the census day, 1 October ``Y-1``;
* **agreements** with employers and **international partnerships** in force at any time during ``A(Y)``:
  begun on or before 30 June ``Y`` and not ended before 1 September ``Y-1``;
* **WorldSkills** results of the championships of ``Y-1`` and ``Y`` (two seasons, to smooth the luck of one);
* **infrastructure** opened in ``Y`` or before; **finance** of the calendar year ``Y``; the independent
  **qualification assessment** of ``Y`` (the graduates of June ``Y``);
* the **gradebook**'s learning measures of school year ``Y`` (the gradebook names a school year by the
  calendar year in which it ends, as the rating does): the organisation-level rows of
  :class:`~smarttvet.gradebook.models.LearningMeasure` stored by ``smarttvet gradebook analyse --year Y``.

Minimum denominators
--------------------
A ratio over too few cases says little, so it is NaN (missing: the methodology's missing-data policy
decides) when its denominator is below: ``MIN_GRADUATES`` (5) graduates observed, ``MIN_EMPLOYED`` (5)
employed graduates, ``MIN_STUDENTS`` (20) students (for the gradebook: students with at least one mark),
``MIN_STAFF`` (3) staff, ``MIN_ASSESSED`` (5) graduates assessed. Counts (agreements, partners, facilities,
medals) are never missing: no record is 0. A finance indicator is NaN when the organisation reported no
finance for ``Y``; a gradebook indicator is NaN when the gradebook of ``Y`` has not been analysed or has no
marks of the organisation.

Public API: :func:`indicator_table`, :func:`derive`, :data:`INDICATORS` (code -> function; a function
takes the year, or a :class:`SourceData` to share its queries, and returns a float Series indexed by
organisation id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property, wraps

import numpy as np
import pandas as pd
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from smarttvet.gradebook.models import LearningMeasure
from smarttvet.partnership.models import (
    EmployerAgreement,
    FinanceYear,
    Infrastructure,
    InternationalPartnership,
    QualificationAssessment,
    WorldSkillsResult,
)
from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.registry.models import Organization

MIN_GRADUATES = 5
MIN_EMPLOYED = 5
MIN_STUDENTS = 20
MIN_STAFF = 3
MIN_ASSESSED = 5

# WorldSkills points: award weight x level weight (see ``worldskills_points``).
AWARD_POINTS = {"gold": 3.0, "silver": 2.0, "bronze": 1.0, "medallion": 0.5, "participant": 0.0}
LEVEL_WEIGHTS = {"regional": 1.0, "national": 3.0, "international": 6.0}

IndicatorFunction = Callable[["int | SourceData"], pd.Series]
INDICATORS: dict[str, IndicatorFunction] = {}


# ---------------------------------------------------------------------------------------- the shared queries
def _frame(rows, index: pd.Index, columns: list[str]) -> pd.DataFrame:
    """Grouped query rows (dicts with ``org`` and ``columns``) as a frame on ``index``; absent rows are 0."""
    frame = pd.DataFrame.from_records(list(rows), columns=["org", *columns])
    frame = frame.set_index("org").reindex(index)
    return frame.astype(float).fillna(0.0)


class SourceData:
    """The grouped source figures of one rating year, each loaded by one query the first time it is used."""

    def __init__(self, year: int) -> None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"the rating year must be an int, not {year!r}")
        self.year = year
        self.year_start = dt.date(year - 1, 9, 1)   # A(Y) begins
        self.year_end = dt.date(year, 6, 30)        # A(Y) ends
        self.census = dt.date(year - 1, 10, 1)      # staff census day
        self.staff_year_end = dt.date(year, 8, 31)  # retention horizon

    @cached_property
    def organizations(self) -> pd.DataFrame:
        """TVET organisations (index: id, sorted) with their governance flags (0/1)."""
        rows = Organization.objects.filter(kind__in=Organization.TVET_KINDS).order_by("pk").values(
            "pk", "has_board_of_trustees", "has_supervisory_board", "has_endowment_fund")
        frame = pd.DataFrame.from_records(
            list(rows), columns=["pk", "has_board_of_trustees", "has_supervisory_board", "has_endowment_fund"])
        frame = frame.set_index("pk").astype(float)
        frame.index = frame.index.astype(np.int64)
        frame.index.name = "organization_id"
        return frame

    @property
    def index(self) -> pd.Index:
        return self.organizations.index

    def series(self, values, name: str) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=float), index=self.index, name=name)

    @cached_property
    def students(self) -> pd.DataFrame:
        """Per organisation: ``enrolled`` S(Y), and among them ``dual``, ``target``, ``expelled`` (in Y),
        ``graduating`` (graduates of June Y)."""
        y = self.year
        rows = (Student.objects.filter(cohort_year__lte=y - 1, status_year__gte=y)
                .values(org=F("organization_id"))
                .annotate(enrolled=Count("id"),
                          dual=Count("id", filter=Q(study_form="dual")),
                          target=Count("id", filter=Q(funding=Student.Funding.TARGET)),
                          expelled=Count("id", filter=Q(status=Student.Status.EXPELLED, status_year=y)),
                          graduating=Count("id", filter=Q(status=Student.Status.GRADUATED, status_year=y)))
                .order_by())
        return _frame(rows, self.index, ["enrolled", "dual", "target", "expelled", "graduating"])

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """Per organisation, graduates of Y-1: observed at 12 months (``n12``) and their statuses, employed
        with a known employer (``known12``) and at a partner enterprise (``partner12``)."""
        partner = EmployerAgreement.objects.filter(
            organization_id=OuterRef("student__organization_id"), enterprise_id=OuterRef("employer_id"),
            signed_on__lte=OuterRef("observed_on"))
        twelve, employed = Q(months_after=12), Q(status=GraduateOutcome.Status.EMPLOYED)
        rows = (GraduateOutcome.objects
                .filter(months_after=12, student__status=Student.Status.GRADUATED,
                        student__status_year=self.year - 1)
                .annotate(at_partner=Exists(partner))
                .values(org=F("student__organization_id"))
                .annotate(n12=Count("id", filter=twelve),
                          employed12=Count("id", filter=twelve & employed),
                          in_field12=Count("id", filter=twelve & employed & Q(in_field=True)),
                          continuing12=Count("id", filter=twelve & Q(status=GraduateOutcome.Status.CONTINUING)),
                          military12=Count("id", filter=twelve & Q(status=GraduateOutcome.Status.MILITARY)),
                          known12=Count("id", filter=twelve & employed & Q(employer__isnull=False)),
                          partner12=Count("id", filter=twelve & employed & Q(employer__isnull=False, at_partner=True)))
                .order_by())
        return _frame(rows, self.index, ["n12", "employed12", "in_field12", "continuing12", "military12",
                                         "known12", "partner12"])

    @cached_property
    def staff(self) -> pd.DataFrame:
        """Per organisation: ``staff`` T(Y) on the census day and among them ``masters``, ``higher`` (expert,
        researcher, master categories), ``production``; ``start`` (employed on 1 September Y-1) and
        ``retained`` (of those, still employed on 31 August Y)."""
        census, start, end = self.census, self.year_start, self.staff_year_end
        on_census = Q(employed_from__lte=census) & (Q(employed_until__isnull=True) | Q(employed_until__gte=census))
        on_start = Q(employed_from__lte=start) & (Q(employed_until__isnull=True) | Q(employed_until__gte=start))
        stays = Q(employed_until__isnull=True) | Q(employed_until__gt=end)
        rows = (Teacher.objects.filter(position__in=[Teacher.Position.TEACHER, Teacher.Position.MASTER])
                .values(org=F("organization_id"))
                .annotate(staff=Count("id", filter=on_census),
                          masters=Count("id", filter=on_census & Q(position=Teacher.Position.MASTER)),
                          higher=Count("id", filter=on_census & Q(category__in=Teacher.HIGHER_CATEGORIES)),
                          production=Count("id", filter=on_census & Q(from_production=True)),
                          start=Count("id", filter=on_start),
                          retained=Count("id", filter=on_start & stays))
                .order_by())
        return _frame(rows, self.index, ["staff", "masters", "higher", "production", "start", "retained"])

    @cached_property
    def agreements(self) -> pd.DataFrame:
        """Per organisation: employer ``agreements`` in force during A(Y) and their distinct ``enterprises``."""
        rows = (EmployerAgreement.objects
                .filter(Q(signed_on__lte=self.year_end),
                        Q(expires_on__isnull=True) | Q(expires_on__gte=self.year_start))
                .values(org=F("organization_id"))
                .annotate(agreements=Count("id"), enterprises=Count("enterprise_id", distinct=True))
                .order_by())
        return _frame(rows, self.index, ["agreements", "enterprises"])

    @cached_property
    def worldskills(self) -> pd.DataFrame:
        """Per organisation, championships of Y-1 and Y: ``points`` and distinct ``competencies`` entered."""
        points = {f"p_{level}_{award}": Count("id", filter=Q(level=level, award=award))
                  for level in LEVEL_WEIGHTS for award, value in AWARD_POINTS.items() if value}
        rows = (WorldSkillsResult.objects.filter(year__in=[self.year - 1, self.year])
                .values(org=F("organization_id"))
                .annotate(competencies=Count("competence_code", distinct=True), **points)
                .order_by())
        frame = _frame(rows, self.index, ["competencies", *points])
        frame["points"] = sum(frame[key] * LEVEL_WEIGHTS[key.split("_")[1]] * AWARD_POINTS[key.split("_")[2]]
                              for key in points)
        return frame[["competencies", "points"]]

    @cached_property
    def international(self) -> pd.DataFrame:
        """Per organisation, international links in force during A(Y): ``partners`` (all but accreditations),
        ``joint`` programmes, ``accreditations``."""
        kind = InternationalPartnership.Kind
        rows = (InternationalPartnership.objects
                .filter(Q(since__lte=self.year_end), Q(until__isnull=True) | Q(until__gte=self.year_start))
                .values(org=F("organization_id"))
                .annotate(partners=Count("id", filter=~Q(kind=kind.ACCREDITATION)),
                          joint=Count("id", filter=Q(kind=kind.JOINT_PROGRAMME)),
                          accreditations=Count("id", filter=Q(kind=kind.ACCREDITATION)))
                .order_by())
        return _frame(rows, self.index, ["partners", "joint", "accreditations"])

    @cached_property
    def infrastructure(self) -> pd.DataFrame:
        """Per organisation, facilities opened in Y or before: distinct ``innovative`` kinds, ``workshop_m2``."""
        rows = (Infrastructure.objects.filter(opened_year__lte=self.year)
                .values(org=F("organization_id"))
                .annotate(innovative=Count("kind", distinct=True, filter=Q(kind__in=Infrastructure.INNOVATIVE)),
                          workshop_m2=Sum("area_m2", filter=Q(kind=Infrastructure.Kind.WORKSHOP), default=0))
                .order_by())
        return _frame(rows, self.index, ["innovative", "workshop_m2"])

    @cached_property
    def finance(self) -> pd.DataFrame:
        """Per organisation, finance of the calendar year Y; NaN where none was reported."""
        rows = FinanceYear.objects.filter(year=self.year).values(
            org=F("organization_id"), state=F("state_funding_tenge"), extra=F("extra_budgetary_income_tenge"),
            endowment=F("endowment_assets_tenge"))
        frame = pd.DataFrame.from_records(list(rows), columns=["org", "state", "extra", "endowment"])
        return frame.set_index("org").reindex(self.index).astype(float)

    @cached_property
    def assessments(self) -> pd.DataFrame:
        """Per organisation, the independent qualification assessment of Y: ``assessed`` and ``passed``."""
        rows = (QualificationAssessment.objects.filter(year=self.year)
                .values(org=F("organization_id"))
                .annotate(assessed=Sum("assessed"), passed=Sum("passed"))
                .order_by())
        return _frame(rows, self.index, ["assessed", "passed"])

    @cached_property
    def gradebook(self) -> pd.DataFrame:
        """Per organisation, the gradebook's learning measures of school year Y: ``students`` with a mark,
        ``knowledge_quality`` and ``success_rate`` (shares 0-1 of the marks); all NaN without a stored row.

        ``success_rate`` is loaded with the rest (same row, no extra query) although methodology 2026.1 does
        not use it: see ``knowledge_quality``.
        """
        rows = (LearningMeasure.objects
                .filter(year=self.year, level=LearningMeasure.Level.ORGANIZATION, key="",
                        organization__kind__in=Organization.TVET_KINDS)
                .values("students", "knowledge_quality", "success_rate", org=F("organization_id")))
        frame = pd.DataFrame.from_records(list(rows), columns=["org", "students", "knowledge_quality",
                                                               "success_rate"])
        return frame.set_index("org").reindex(self.index).astype(float)


def _share(numerator, denominator, minimum: float, *, per: float = 100.0) -> np.ndarray:
    """``per * numerator / denominator``, NaN where the denominator is below ``minimum``."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((denominator >= minimum) & (denominator > 0), per * numerator / denominator, np.nan)


# ---------------------------------------------------------------------------------------- registration
def indicator(code: str) -> Callable[[Callable[[SourceData], object]], IndicatorFunction]:
    """Register a derivation function under an indicator code.

    The function receives a :class:`SourceData` and returns values aligned with ``data.index``; the
    registered callable also accepts a plain year and returns a float Series named ``code``.
    """

    def register(function: Callable[[SourceData], object]) -> IndicatorFunction:
        if code in INDICATORS:
            raise ValueError(f"indicator {code!r} is registered twice")

        @wraps(function)
        def derive_one(data: int | SourceData) -> pd.Series:
            data = data if isinstance(data, SourceData) else SourceData(data)
            values = function(data)
            return data.series(values, code)

        derive_one.code = code  # type: ignore[attr-defined]
        INDICATORS[code] = derive_one
        return derive_one

    return register


# ---------------------------------------------------------------------------------------- graduate outcomes
@indicator("employment_12m")
def employment_12m(data: SourceData):
    """Graduates of Y-1 employed 12 months after graduating, % of those observed at 12 months.

    ``100 * employed / observed``; NaN if fewer than ``MIN_GRADUATES`` observed. Military service and
    further study count as not employed (the statistics bureau's method, ≈60% nationally).
    """
    o = data.outcomes
    return _share(o["employed12"], o["n12"], MIN_GRADUATES)


@indicator("employment_in_field_12m")
def employment_in_field_12m(data: SourceData):
    """Employed graduates of Y-1 working in their field of study at 12 months, % of the employed.

    ``100 * employed in field / employed``; NaN if fewer than ``MIN_EMPLOYED`` employed.
    """
    o = data.outcomes
    return _share(o["in_field12"], o["employed12"], MIN_EMPLOYED)


@indicator("positive_destinations_12m")
def positive_destinations_12m(data: SourceData):
    """Graduates of Y-1 employed, studying further or in military service at 12 months, % of those observed.

    ``100 * (employed + continuing + military) / observed``; NaN if fewer than ``MIN_GRADUATES`` observed.
    The complement is the share neither working nor studying.
    """
    o = data.outcomes
    return _share(o["employed12"] + o["continuing12"] + o["military12"], o["n12"], MIN_GRADUATES)


# ---------------------------------------------------------------------------------------- learning quality
@indicator("qualification_pass_rate")
def qualification_pass_rate(data: SourceData):
    """Graduates of Y who passed the independent qualification assessment, % of those assessed.

    ``100 * sum(passed) / sum(assessed)`` over the organisation's specialties; NaN if fewer than
    ``MIN_ASSESSED`` assessed.
    """
    a = data.assessments
    return _share(a["passed"], a["assessed"], MIN_ASSESSED)


@indicator("knowledge_quality")
def knowledge_quality(data: SourceData):
    """Marks of school year Y in the electronic gradebook that are good or excellent, % of all its marks.

    ``100 * knowledge_quality`` of the organisation's measures of Y (``smarttvet gradebook analyse``): the
    share of marks with ``mark / scale_max >= 0.7`` (4 and 5 of 5, 7-10 of 10, 70-100 of 100), marks of every
    kind; NaN without measures of Y or with fewer than ``MIN_STUDENTS`` students with a mark. The success
    rate (passing marks) is not an indicator: it sits near 100% and moves with knowledge quality.
    """
    g = data.gradebook
    return np.where(g["students"] >= MIN_STUDENTS, 100.0 * g["knowledge_quality"], np.nan)


@indicator("qualification_coverage")
def qualification_coverage(data: SourceData):
    """Graduates of Y who took the independent qualification assessment, % of the graduates of Y.

    ``min(100, 100 * sum(assessed) / graduates of June Y)``; NaN if fewer than ``MIN_GRADUATES`` graduates.
    """
    return np.minimum(_share(data.assessments["assessed"], data.students["graduating"], MIN_GRADUATES), 100.0)


@indicator("dropout_rate")
def dropout_rate(data: SourceData):
    """Students expelled in Y, % of the students S(Y) (lower is better).

    ``100 * expelled in Y / S(Y)``; NaN if S(Y) has fewer than ``MIN_STUDENTS``.
    """
    s = data.students
    return _share(s["expelled"], s["enrolled"], MIN_STUDENTS)


# ---------------------------------------------------------------------------------------- teaching staff
@indicator("higher_category_share")
def higher_category_share(data: SourceData):
    """Staff T(Y) with a higher category (teacher-expert, -researcher or -master), % of T(Y).

    ``100 * higher / staff``; NaN if fewer than ``MIN_STAFF``. Categories are the current ones (the
    registry keeps no history of categories yet).
    """
    t = data.staff
    return _share(t["higher"], t["staff"], MIN_STAFF)


@indicator("production_specialists_share")
def production_specialists_share(data: SourceData):
    """Staff T(Y) who came from production, % of T(Y).

    ``100 * from production / staff``; NaN if fewer than ``MIN_STAFF``.
    """
    t = data.staff
    return _share(t["production"], t["staff"], MIN_STAFF)


@indicator("masters_share")
def masters_share(data: SourceData):
    """Masters of industrial training in T(Y), % of T(Y).

    ``100 * masters / staff``; NaN if fewer than ``MIN_STAFF`` (≈12% nationally).
    """
    t = data.staff
    return _share(t["masters"], t["staff"], MIN_STAFF)


@indicator("students_per_teacher")
def students_per_teacher(data: SourceData):
    """Students S(Y) per member of staff T(Y) (lower is better, up to the methodology's target).

    ``S(Y) / staff``; NaN if fewer than ``MIN_STAFF`` staff or ``MIN_STUDENTS`` students.
    """
    ratio = _share(data.students["enrolled"], data.staff["staff"], MIN_STAFF, per=1.0)
    return np.where(data.students["enrolled"] >= MIN_STUDENTS, ratio, np.nan)


@indicator("staff_retention")
def staff_retention(data: SourceData):
    """Staff employed on 1 September Y-1 still employed on 31 August Y, %.

    ``100 * retained / staff at the start``; NaN if fewer than ``MIN_STAFF`` at the start.
    """
    t = data.staff
    return _share(t["retained"], t["start"], MIN_STAFF)


# ---------------------------------------------------------------------------------------- partnership with business
@indicator("dual_training_share")
def dual_training_share(data: SourceData):
    """Students S(Y) in dual training, % of S(Y).

    ``100 * dual / S(Y)``; NaN if fewer than ``MIN_STUDENTS``.
    """
    s = data.students
    return _share(s["dual"], s["enrolled"], MIN_STUDENTS)


@indicator("target_order_share")
def target_order_share(data: SourceData):
    """Students S(Y) studying on an enterprise's target order, % of S(Y).

    ``100 * target order / S(Y)``; NaN if fewer than ``MIN_STUDENTS``.
    """
    s = data.students
    return _share(s["target"], s["enrolled"], MIN_STUDENTS)


@indicator("agreements_per_100_students")
def agreements_per_100_students(data: SourceData):
    """Employer agreements in force during A(Y) (all kinds) per 100 students S(Y).

    ``100 * agreements / S(Y)``; NaN if fewer than ``MIN_STUDENTS``.
    """
    return _share(data.agreements["agreements"], data.students["enrolled"], MIN_STUDENTS)


@indicator("partner_enterprises")
def partner_enterprises(data: SourceData):
    """Distinct enterprises with an agreement in force during A(Y) (a count; 0 without agreements)."""
    return data.agreements["enterprises"]


@indicator("partner_employment_share")
def partner_employment_share(data: SourceData):
    """Employed graduates of Y-1 (12 months) working at a partner enterprise, % of those with a known employer.

    A partner is an enterprise with an agreement with the organisation signed on or before the
    observation. ``100 * at partner / employed with known employer``; NaN if fewer than ``MIN_EMPLOYED``.
    """
    o = data.outcomes
    return _share(o["partner12"], o["known12"], MIN_EMPLOYED)


# ---------------------------------------------------------------------------------------- innovation and infrastructure
@indicator("innovation_facilities")
def innovation_facilities(data: SourceData):
    """Kinds of innovative facility opened by Y: Fab Lab, IT hub, Business Startup centre, mini-enterprise,
    technopark (a count of distinct kinds, 0-5)."""
    return data.infrastructure["innovative"]


@indicator("workshop_area_per_student")
def workshop_area_per_student(data: SourceData):
    """Training workshop area opened by Y, m² per student S(Y).

    ``sum(area of workshops) / S(Y)`` (workshops with an unknown area add nothing); NaN if fewer than
    ``MIN_STUDENTS``.
    """
    return _share(data.infrastructure["workshop_m2"], data.students["enrolled"], MIN_STUDENTS, per=1.0)


@indicator("worldskills_points")
def worldskills_points(data: SourceData):
    """WorldSkills points of the championships of Y-1 and Y.

    ``sum(award points x level weight)`` over the results, award points gold 3, silver 2, bronze 1,
    medallion for excellence 0.5, participation 0; level weights regional 1, national 3, international 6.
    """
    return data.worldskills["points"]


@indicator("worldskills_competencies")
def worldskills_competencies(data: SourceData):
    """Distinct WorldSkills competencies the organisation entered (any level, any result) in Y-1 and Y."""
    return data.worldskills["competencies"]


# ---------------------------------------------------------------------------------------- internationalisation
@indicator("international_partners")
def international_partners(data: SourceData):
    """International partnerships in force during A(Y), accreditations excepted (a count)."""
    return data.international["partners"]


@indicator("joint_programmes")
def joint_programmes(data: SourceData):
    """Joint educational programmes with foreign partners in force during A(Y) (a count)."""
    return data.international["joint"]


@indicator("international_accreditation")
def international_accreditation(data: SourceData):
    """1 if an international accreditation is in force during A(Y), else 0."""
    return (data.international["accreditations"] > 0).astype(float)


# ---------------------------------------------------------------------------------------- governance and finance
@indicator("board_of_trustees")
def board_of_trustees(data: SourceData):
    """1 if the organisation has a board of trustees, else 0 (the registry's current record)."""
    return data.organizations["has_board_of_trustees"]


@indicator("supervisory_board")
def supervisory_board(data: SourceData):
    """1 if the organisation has a supervisory board (corporate governance), else 0 (current record)."""
    return data.organizations["has_supervisory_board"]


@indicator("endowment_per_student")
def endowment_per_student(data: SourceData):
    """Endowment fund assets at the end of Y, thousand tenge per student S(Y).

    ``endowment assets / 1000 / S(Y)`` (0 without a fund); NaN without finance for Y or with fewer than
    ``MIN_STUDENTS``.
    """
    return _share(data.finance["endowment"] / 1000.0, data.students["enrolled"], MIN_STUDENTS, per=1.0)


@indicator("extra_budgetary_share")
def extra_budgetary_share(data: SourceData):
    """Extra-budgetary income of Y, % of all income (state funding + extra-budgetary income).

    ``100 * extra / (state + extra)``; NaN without finance for Y or with no income.
    """
    f = data.finance
    return _share(f["extra"], f["state"] + f["extra"], 1.0)


# ---------------------------------------------------------------------------------------- the table
def indicator_table(year: int) -> pd.DataFrame:
    """Index: organization id (int), sorted; one float column per indicator code of the TVET methodology;
    NaN where the organisation has no data (e.g. no graduates observed).

    Columns follow the methodology's order (that of :data:`INDICATORS`). A fixed number of queries,
    whatever the number of organisations.
    """
    data = SourceData(year)
    columns = {code: function(data) for code, function in INDICATORS.items()}
    table = pd.DataFrame(columns, index=data.index)
    table.index.name = "organization_id"
    return table.astype(float)


def derive(code: str, year: int) -> pd.Series:
    """One indicator for every TVET organisation of the rating year ``year`` (index: organisation id)."""
    try:
        function = INDICATORS[code]
    except KeyError:
        raise KeyError(f"no derivation function for indicator {code!r}") from None
    return function(year)
