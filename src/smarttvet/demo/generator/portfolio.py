"""Demo data for the teacher digital portfolio: records for every current teacher and master, a verifier login
and a rich portfolio for the demo ``teacher`` login.

Every record is marked ``is_demo``. Per teacher (vectorised draws from ``ctx.rng("portfolio")``; the college's
hidden quality ``q`` of the current year shifts each, so good colleges have better portfolios):

* education (one), the current category with its award date (within the last 5 years, not before hiring;
  teachers without a category have none) and, for some, a knowledge-test result near the category's pass mark;
* professional-development courses in the last 3 years (Poisson, more with ``q``; 36-144 hours; some in the
  new-format programme), an industry internship (more often for masters and with ``q``);
* new-format certification (about 7 % nationally, more with ``q`` and new-format training), publications, open
  lessons and students' results (more in the higher categories), academic mobility, mentoring (specialists from
  production are mentees), languages;
* statuses: mostly verified, some submitted, drafts and returned (with a comment).

``methodist`` / ``demo`` is a verifier of the demo college (the ``college`` login's). The ``teacher`` login's
portfolio has every kind of record, every status, a verified new-format certificate and small PDF evidence files.
Records are bulk-inserted (no per-record audit rows or history: the dataset has one audit row). ``clear()``
deletes every portfolio row: the teachers they belong to are demo data and go next.
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np

from smarttvet.demo.generator.context import AS_OF, CURRENT_YEAR, Context, batches
from smarttvet.portfolio.rules import CATEGORY_ORDER

VERIFIER_USERNAME = "methodist"
PASS_MARKS = {"teacher": 50, "moderator": 60, "expert": 70, "researcher": 80, "master": 90, "intern": 50}
PROVIDERS = ("«Өрлеу» БАҰО", "НЦПК «Өрлеу»", "Talap", "Kasipkor Holding", "Назарбаев Зияткерлік мектептері")
COURSES = ("Цифровые инструменты в обучении", "Дуальное обучение: наставничество на производстве",
           "Кәсіптік оқытудағы модульдік бағдарламалар", "Инклюзивное образование в колледже",
           "Оценивание по результатам обучения", "Педагог нового формата: компетентностный подход")
ENTERPRISES = ("ТОО «ШымкентМай»", "АО «KEGOC»", "ТОО «Түркістан құрылыс»", "АО «Казахтелеком»",
               "ТОО «Агрохолдинг Береке»", "АО «ПетроКазахстан»")
COUNTRIES = ("Turkey", "Germany", "Korea", "Finland", "Uzbekistan", "Russia")
STATUS_CHOICES = ("verified", "submitted", "draft", "returned")
STATUS_P = (0.86, 0.07, 0.04, 0.03)
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _day(base: dt.date, days) -> dt.date:
    return base + dt.timedelta(days=int(days))


class _Builder:
    """Collects the records (as Record objects) for a bulk insert."""

    def __init__(self, rng: np.random.Generator) -> None:
        from django.utils import timezone

        self.rng = rng
        self.rows: list = []
        self.now = timezone.now()

    def add(self, teacher_id: int, kind: str, title: str, start: dt.date, *, code: str = "", end=None, hours=None,
            details=None, status: str | None = None, related=None) -> None:
        from smarttvet.portfolio.models import Record

        if status is None:
            status = STATUS_CHOICES[int(np.searchsorted(self._cum, self.rng.random()))]
        verified = status == "verified"
        stamp = dt.datetime.combine(min(end or start, AS_OF), dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=14)
        self.rows.append(Record(
            teacher_id=teacher_id, kind=kind, title=title[:300], code=code, start_date=start, end_date=end,
            hours=hours, details=details or {}, status=status, lineage=uuid.UUID(int=int(self.rng.integers(2**62))
                                                                                 << 64 | len(self.rows)),
            related_teacher_id=related, is_demo=True, submitted_at=stamp if status != "draft" else None,
            verified_at=stamp if verified else None,
            comment="Приложите скан сертификата." if status == "returned" else "",
        ))

    _cum = np.cumsum(STATUS_P)


def _teachers():
    from smarttvet.people.models import Teacher

    rows = list(Teacher.objects.filter(employed_until__isnull=True)
                .exclude(position=Teacher.Position.DIRECTOR).order_by("id")
                .values_list("id", "organization_id", "category", "employed_from", "from_production", "position"))
    return rows


def generate(ctx: Context) -> None:
    """Portfolios for the current teachers and masters, the verifier login and the demo teacher's portfolio."""
    from smarttvet.core.progress import progress_bar
    from smarttvet.portfolio.models import Record

    rng = ctx.rng("portfolio")
    rows = _teachers()
    n = len(rows)
    if not n:
        return
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    org_index = {int(pk): i for i, pk in enumerate(ctx.colleges.ids)}
    quality = ctx.colleges.quality_in(CURRENT_YEAR)
    q = np.array([quality[org_index[r[1]]] if r[1] in org_index else 0.0 for r in rows])
    rank = np.array([CATEGORY_ORDER.index(r[2]) if r[2] in CATEGORY_ORDER else 0 for r in rows])
    master = np.array([r[5] == "master" for r in rows])
    production = np.array([bool(r[4]) for r in rows])
    hired = [r[3] for r in rows]
    # vectorised draws, one column per fact
    n_courses = rng.poisson(np.clip(1.3 + 0.5 * q, 0.2, None))
    internship = rng.random(n) < 1 / (1 + np.exp(-(-0.9 + 0.7 * q + 0.9 * master)))
    new_format_p = 1 / (1 + np.exp(-(-1.2 + 0.7 * q)))
    certified = rng.random(n) < 1 / (1 + np.exp(-(np.log(0.07 / 0.93) + 0.8 * q)))
    n_pub = rng.poisson(np.clip(0.2 + 0.6 * np.maximum(rank - 3, 0) + 0.3 * q, 0.05, None))
    n_lessons = rng.poisson(np.clip(0.6 + 0.5 * np.maximum(rank - 2, 0) + 0.3 * q, 0.1, None))
    n_results = rng.poisson(np.clip(0.2 + 0.5 * np.maximum(rank - 3, 0) + 0.3 * q, 0.05, None))
    tested = rng.random(n) < 0.45
    score = np.clip(np.round(rng.normal(65 + 6 * rank + 4 * q, 9)), 20, 100).astype(int)
    mobility = rng.random(n) < 0.02 + 0.02 * (q > 1)
    language = rng.random(n) < 0.3
    award_age = rng.integers(30, 5 * 365 - 30, n)
    b = _Builder(rng)
    pick = rng.integers
    with progress_bar("Portfolios", n, enabled=ctx.progress) as advance:
        for i in range(n):
            tid = int(ids[i])
            start = hired[i]
            b.add(tid, "education", ("Южно-Казахстанский университет им. М. Ауэзова", "Колледж", "ЕНУ им. Гумилёва")
                  [i % 3], _day(start, -5 * 365), code=("bachelor", "tvet", "master")[i % 3],
                  end=_day(start, -60), details={"specialty": "Педагогика и психология"}, status="verified")
            if rank[i] >= 1:
                awarded = max(start, _day(AS_OF, -int(award_age[i])))
                b.add(tid, "category", f"Приказ № {100 + i % 800}", awarded, code=CATEGORY_ORDER[rank[i]],
                      end=_day(awarded, 5 * 365), status="verified")
            if tested[i]:
                b.add(tid, "test", "НЦТ: квалификационное тестирование", _day(AS_OF, -int(pick(20, 600))),
                      details={"score": int(score[i])}, code=CATEGORY_ORDER[min(rank[i] + 1, 6)])
            nf_hours = 0
            for _k in range(int(n_courses[i])):
                hours = int((36, 72, 72, 108, 144)[int(pick(0, 5))])
                end = _day(AS_OF, -int(pick(10, 3 * 365 - 20)))
                new_format = bool(rng.random() < new_format_p[i])
                nf_hours += hours if new_format else 0
                b.add(tid, "course", COURSES[int(pick(0, len(COURSES)))], _day(end, -14), end=end, hours=hours,
                      details={"provider": PROVIDERS[int(pick(0, len(PROVIDERS)))], "new_format": new_format,
                               "certificate_no": f"PK-{tid}-{_k}"})
            if internship[i]:
                end = _day(AS_OF, -int(pick(30, 3 * 365)))
                b.add(tid, "internship", ENTERPRISES[int(pick(0, len(ENTERPRISES)))], _day(end, -30), end=end,
                      hours=int((36, 72, 72)[int(pick(0, 3))]))
            if certified[i] or (nf_hours >= 72 and rng.random() < 0.25):
                issued = _day(AS_OF, -int(pick(15, 700)))
                b.add(tid, "certification", "Сертификат педагога нового формата", issued, code="new_format",
                      end=_day(issued, 5 * 365), details={"issuer": "НЦПК «Өрлеу»"},
                      status="verified" if rng.random() < 0.9 else "submitted")
            for _k in range(int(n_pub[i])):
                b.add(tid, "publication", "Методическое пособие по специальности", _day(AS_OF, -int(pick(20, 1000))),
                      code=("article", "methodological", "textbook")[int(pick(0, 3))],
                      details={"outlet": "Кәсіптік білім журналы"})
            for _k in range(int(n_lessons[i])):
                b.add(tid, "open_lesson", "Открытый урок", _day(AS_OF, -int(pick(20, 1000))),
                      code=("organization", "city", "region")[int(pick(0, 3 if rank[i] >= 4 else 2))])
            for _k in range(int(n_results[i])):
                b.add(tid, "student_result", "Конкурс профессионального мастерства", _day(AS_OF, -int(pick(20, 1000))),
                      code=("organization", "region", "national")[int(pick(0, 3 if rank[i] >= 4 else 2))],
                      details={"place": int(pick(1, 4))})
            if mobility[i]:
                begin = _day(AS_OF, -int(pick(60, 1000)))
                b.add(tid, "mobility", "Partner college", begin, code="out", end=_day(begin, 14),
                      details={"country": COUNTRIES[int(pick(0, len(COUNTRIES)))]})
            if production[i]:
                b.add(tid, "mentoring", "Наставник из педагогов колледжа", start, code="mentee",
                      end=_day(start, 365), details={"mentoring_type": "production"})
            if language[i]:
                b.add(tid, "language", "English", _day(AS_OF, -int(pick(60, 2000))),
                      code=("A2", "B1", "B2")[int(pick(0, 3))])
            advance()
    records = b.rows
    with progress_bar("Portfolio records", len(records), enabled=ctx.progress) as advance:
        for start, stop in batches(len(records)):
            Record.objects.bulk_create(records[start:stop], batch_size=5_000)
            advance(stop - start)
    _verifier(ctx)
    _demo_teacher(ctx)
    ctx.counts["portfolio_records"] = Record.objects.count()
    ctx.counts["portfolio_records_verified"] = Record.objects.filter(status="verified").count()


def _verifier(ctx: Context) -> None:
    from django.contrib.auth.hashers import make_password

    from smarttvet.accounts.models import Role, RoleAssignment, User
    from smarttvet.demo.generator.accounts import DEMO_PASSWORD

    college = RoleAssignment.objects.filter(user__username="college", role=Role.ORGANIZATION).first()
    if college is None:
        return
    user = User.objects.create(username=VERIFIER_USERNAME, full_name="Демо методист",
                               password=make_password(DEMO_PASSWORD))
    assignment = RoleAssignment(user=user, role=Role.VERIFIER, organization_id=college.organization_id)
    assignment.full_clean()
    assignment.save()
    ctx.counts["users"] = ctx.counts.get("users", 0) + 1


def _demo_teacher(ctx: Context) -> None:
    """Every kind and status, a verified new-format certificate and evidence for the ``teacher`` login."""
    from django.core.files.base import ContentFile

    from smarttvet.accounts.models import RoleAssignment
    from smarttvet.portfolio.models import Evidence, Record

    assignment = RoleAssignment.objects.filter(user__username="teacher", role="teacher").first()
    if assignment is None:
        return
    tid = assignment.teacher_id
    Record.objects.filter(teacher_id=tid).delete()
    b = _Builder(ctx.rng("portfolio-teacher"))
    d = AS_OF
    b.add(tid, "education", "Южно-Казахстанский университет им. М. Ауэзова", dt.date(2006, 9, 1), code="bachelor",
          end=dt.date(2010, 6, 30), details={"specialty": "Физика и информатика", "diploma_no": "ЖБ-0123456"},
          status="verified")
    b.add(tid, "category", "Приказ № 245 управления образования", dt.date(2021, 5, 20), code="moderator",
          end=dt.date(2026, 5, 20), status="verified")
    b.add(tid, "category", "Приказ № 118", dt.date(2016, 5, 18), code="teacher", end=dt.date(2021, 5, 18),
          status="verified")
    b.add(tid, "test", "НЦТ: квалификационное тестирование", _day(d, -120), code="expert", details={"score": 74},
          status="verified")
    b.add(tid, "course", "Педагог нового формата: компетентностный подход", _day(d, -200), end=_day(d, -186),
          hours=72, details={"provider": "НЦПК «Өрлеу»", "new_format": True, "certificate_no": "ӨР-2025-0045"},
          status="verified")
    b.add(tid, "course", "Цифровые инструменты в обучении", _day(d, -500), end=_day(d, -490), hours=36,
          details={"provider": "Talap", "new_format": False}, status="verified")
    b.add(tid, "course", "Оценивание по результатам обучения", _day(d, -40), end=_day(d, -30), hours=36,
          details={"provider": "«Өрлеу» БАҰО"}, status="submitted")
    b.add(tid, "internship", "АО «Казахтелеком»", _day(d, -420), end=_day(d, -400), hours=72,
          details={"position": "Инженер связи"}, status="verified")
    b.add(tid, "certification", "Сертификат педагога нового формата", _day(d, -150), code="new_format",
          end=_day(d, -150 + 5 * 365), details={"issuer": "НЦПК «Өрлеу»", "certificate_no": "NF-000731"},
          status="verified")
    b.add(tid, "certification", "WorldSkills Kazakhstan: эксперт компетенции «Сетевое администрирование»",
          _day(d, -300), code="worldskills_expert", details={"issuer": "WorldSkills Kazakhstan"}, status="verified")
    b.add(tid, "publication", "Сетевые технологии: практикум для колледжей", _day(d, -260), code="methodological",
          details={"outlet": "Издательство «Білім»"}, status="verified")
    b.add(tid, "publication", "Дуальное обучение на уроках информатики", _day(d, -60), code="article",
          details={"outlet": "Кәсіптік білім журналы"}, status="returned")
    b.add(tid, "open_lesson", "Маршрутизация в локальных сетях", _day(d, -90), code="city",
          details={"group": "ИС-21"}, status="verified")
    b.add(tid, "open_lesson", "Кибергигиена", _day(d, -400), code="organization", status="verified")
    b.add(tid, "award", "Грамота управления образования", _day(d, -330), code="region",
          details={"awarded_by": "Управление образования Туркестанской области"}, status="verified")
    b.add(tid, "student_result", "WorldSkills Turkistan 2025", _day(d, -280), code="region",
          details={"place": 2, "student": "Команда ИС-31"}, status="verified")
    b.add(tid, "mobility", "Anadolu University", _day(d, -700), code="out", end=_day(d, -686),
          details={"country": "Turkey", "purpose": "Стажировка по цифровой педагогике"}, status="verified")
    b.add(tid, "mentoring", "Молодой педагог кафедры", _day(d, -150), code="mentor",
          details={"mentoring_type": "new_teacher"}, status="verified")
    b.add(tid, "language", "English", _day(d, -800), code="B1", details={"certificate": "Oxford Test of English"},
          status="verified")
    b.add(tid, "language", "Қазақ тілі", dt.date(2010, 6, 30), code="native", status="draft")
    Record.objects.bulk_create(b.rows)
    for record in Record.objects.filter(teacher_id=tid, kind__in=["certification", "course", "education"]):
        evidence = Evidence(record=record, name="certificate.pdf", content_type="application/pdf",
                            size=len(DEMO_PDF), sha256=__import__("hashlib").sha256(DEMO_PDF).hexdigest())
        evidence.file.save(uuid.uuid4().hex, ContentFile(DEMO_PDF), save=False)
        evidence.save()


def clear() -> None:
    """Delete every portfolio (the demo's teachers go next; evidence files too) and the verifier login."""
    from smarttvet.accounts.models import User
    from smarttvet.demo.generator.context import wipe_table
    from smarttvet.portfolio.models import Evidence, Record, Transition

    for evidence in Evidence.objects.iterator():
        evidence.file.delete(save=False)
    for model in (Transition, Evidence, Record):
        wipe_table(model)
    User.objects.filter(username=VERIFIER_USERNAME).delete()
