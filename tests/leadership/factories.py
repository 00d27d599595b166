"""Builders of a small reserve cohort for the leadership tests (explicit, no randomness)."""

from __future__ import annotations

import datetime as dt
import itertools

from smarttvet.core.identifiers import person_key
from smarttvet.leadership import services
from smarttvet.leadership.models import Application, Assessor, Cohort, Programme
from tests import factories as f

_n = itertools.count(1)
APPLIED = dt.date(2025, 2, 1)
SCREENED = dt.date(2025, 3, 1)


def programme() -> Programme:
    return Programme.objects.get_or_create(code="1000-leaders", defaults={
        "name_kk": "1000 көшбасшы", "name_ru": "1000 лидеров", "name_en": "1000 leaders"})[0]


def cohort(code: str = "test-2025", *, stages=None, training_seats=None, region=None) -> Cohort:
    return services.cohort_create(actor="test", programme=programme(), code=code, year=2025, region=region,
                                  names={"en": f"Cohort {code}", "ru": f"Набор {code}", "kk": f"Жинақ {code}"},
                                  stages=stages if stages is not None else services.default_stages(training_seats))


def external(cohort_obj: Cohort, region, **fields) -> Application:
    n = next(_n)
    values = dict(full_name=f"Applicant {n}", person_key=person_key(f.valid_twelve("7")), region=region,
                  experience_years=10, management_years=0, category="expert",
                  record_date=dt.date(2024, 6, 1), field_codes=["0715"])
    values.update(fields)
    return services.application_create(actor="test", cohort=cohort_obj, applied_on=APPLIED, **values)


def assessor(username: str, organization=None) -> Assessor:
    user = f.user_with_role(username, "assessor")
    return services.assessor_register(actor="test", user=user, full_name=f"Assessor {username}",
                                      organization=organization)


def open_stage(stage):
    return services.stage_set_status(actor="test", stage=stage, status="open")
