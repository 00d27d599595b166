"""Credentials from portfolios (issued and signed by ``smarttvet.credentials``): a teacher's portfolio summary,
built from the verified records only, and a verified certification record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.portfolio import access, selectors
from smarttvet.portfolio.models import Record

CATEGORY_NAMES = {
    "none": {"kk": "санатсыз", "ru": "без категории", "en": "no category"},
    "intern": {"kk": "педагог-стажер", "ru": "педагог-стажер", "en": "teacher-intern"},
    "teacher": {"kk": "педагог", "ru": "педагог", "en": "teacher"},
    "moderator": {"kk": "педагог-модератор", "ru": "педагог-модератор", "en": "teacher-moderator"},
    "expert": {"kk": "педагог-сарапшы", "ru": "педагог-эксперт", "en": "teacher-expert"},
    "researcher": {"kk": "педагог-зерттеуші", "ru": "педагог-исследователь", "en": "teacher-researcher"},
    "master": {"kk": "педагог-шебер", "ru": "педагог-мастер", "en": "teacher-master"},
}


def _require(actor, teacher) -> None:
    if not (access.may_edit(actor, teacher) or access.may_verify(actor, teacher)):
        raise PermissionDenied(_("You may not issue credentials for this teacher."))


def summary_spec(teacher, evaluation=None):
    from smarttvet.credentials.services import AchievementSpec

    evaluation = evaluation or selectors.evaluate(teacher)
    verified = Record.objects.filter(selectors.IN_FORCE, teacher=teacher).count()
    category = CATEGORY_NAMES.get(evaluation.category, CATEGORY_NAMES["none"])
    day = evaluation.as_of.isoformat()
    return AchievementSpec(
        name={"kk": "Педагогтың цифрлық портфолиосы", "ru": "Цифровое портфолио педагога",
              "en": "Teacher digital portfolio"},
        description={
            "kk": f"{teacher.organization.name_kk}: {day} күнгі расталған жазбалардың қорытындысы.",
            "ru": f"{teacher.organization.name_ru}: итог подтверждённых записей на {day}.",
            "en": f"{teacher.organization.name_en}: summary of the verified records on {day}.",
        },
        criteria={
            "kk": "Ұйымның әдіскері немесе кадр қызметі растаған портфолио жазбалары ғана есептеледі "
                  f"(ережелер нұсқасы {evaluation.rules_version}).",
            "ru": "Учитываются только записи портфолио, подтверждённые методистом или кадровой службой организации "
                  f"(версия правил {evaluation.rules_version}).",
            "en": "Only portfolio records verified by the organisation's methodist or HR officer count "
                  f"(rules version {evaluation.rules_version}).",
        },
        achievement_type="ext:PortfolioSummary",
        facts={
            "Qualification category": f"{category['en']} / {category['ru']} / {category['kk']}",
            "Professional development hours (3 years)": evaluation.pd_hours,
            "New-format certification": evaluation.new_format,
            "Publications (3 years)": evaluation.publications,
            "Open lessons (3 years)": evaluation.open_lessons,
            "Students' results (3 years)": evaluation.student_results,
            "Verified records": verified,
            "Rules version": evaluation.rules_version,
        },
    )


def issue_summary(*, actor, teacher):
    """Sign a portfolio-summary credential of ``teacher`` from the verified records."""
    from smarttvet.credentials import services

    _require(actor, teacher)
    return services.issue(teacher=teacher, kind="portfolio_summary", achievement=summary_spec(teacher),
                          actor=actor)


def issue_certification(*, actor, record: Record):
    """Sign a credential attesting one verified certification record (refused for anything else)."""
    from smarttvet.credentials import services
    from smarttvet.credentials.services import AchievementSpec

    _require(actor, record.teacher)
    if record.kind != "certification" or not record.in_force:
        raise ValidationError(_("Only a verified certification record (the version in force) can be issued as a "
                                "credential."))
    scheme = {
        "new_format": {"kk": "Жаңа формат педагогін сертификаттау", "ru": "Сертификация педагога нового формата",
                       "en": "New-format teacher certification"},
        "worldskills_expert": {"kk": "WorldSkills сарапшысы", "ru": "Эксперт WorldSkills", "en": "WorldSkills expert"},
        "international": {"kk": "Халықаралық сертификат", "ru": "Международный сертификат",
                          "en": "International certificate"},
    }.get(record.code, {"kk": "Сертификат", "ru": "Сертификат", "en": "Certificate"})
    issuer = record.details.get("issuer", "")
    facts = {"Certificate": record.title, "Issued by": issuer, "Issued on": record.start_date.isoformat()}
    if record.details.get("certificate_no"):
        facts["Certificate number"] = record.details["certificate_no"]
    valid_until = record.end_date if record.end_date and record.end_date >= timezone.localdate() else None
    return services.issue(
        teacher=record.teacher, kind="certification", source=record, actor=actor, valid_until=valid_until,
        achievement=AchievementSpec(
            name={code: f"{text}: {record.title}" for code, text in scheme.items()},
            description={"kk": f"{issuer} берген, ұйым растаған сертификат.",
                         "ru": f"Сертификат, выданный {issuer}, подтверждён организацией.",
                         "en": f"A certificate issued by {issuer}, verified by the organisation."},
            criteria={"kk": "Сертификатты педагогтың ұйымы құжат бойынша растады.",
                      "ru": "Сертификат подтверждён организацией педагога по документу.",
                      "en": "The teacher's organisation verified the certificate against the document."},
            achievement_type="Certificate", facts=facts,
        ),
    )


def credentials_of(teacher):
    from smarttvet.credentials.models import IssuedCredential

    return IssuedCredential.objects.filter(teacher=teacher).order_by("-issued_at")
