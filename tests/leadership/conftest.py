"""A cohort with the five default stages (no seats), four candidates in two regions, three assessors
(one of college A) and a committee user."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from smarttvet.leadership import services
from tests import factories as f
from tests.leadership import factories as lf


@pytest.fixture
def pipeline(world):
    p = SimpleNamespace(world=world)
    p.cohort = lf.cohort()
    p.stages = {s.code: s for s in p.cohort.stages.all()}
    p.testing = p.stages["testing"]
    p.training = p.stages["training"]
    p.staff = services.application_create(actor="test", cohort=p.cohort, applied_on=lf.APPLIED,
                                          teacher=world.teacher_a)  # of college A, Turkistan
    p.staff.record_date = lf.SCREENED  # the staff record was confirmed recently
    p.staff.experience_years = 10
    p.staff.save()
    p.turkistan = lf.external(p.cohort, world.turkistan)
    p.almaty = lf.external(p.cohort, world.almaty)
    p.novice = lf.external(p.cohort, world.turkistan, experience_years=2)  # refused: experience
    services.screen_cohort(actor="test", cohort=p.cohort, as_of=lf.SCREENED)
    p.from_a = lf.assessor("assessor-a", world.college_a)
    p.from_b = lf.assessor("assessor-b", world.college_b)
    p.free = lf.assessor("assessor-free")
    p.committee = f.user_with_role("committee", "committee")
    lf.open_stage(p.testing)
    return p


def score_all(stage, application, assessors, values):
    """Assign and score (as the trusted command line)."""
    for assessor, value in zip(assessors, values, strict=True):
        assignment = services.assign(actor="test", stage=stage, application=application, assessor=assessor)
        services.submit_score(actor="test", assignment=assignment, value=value)
