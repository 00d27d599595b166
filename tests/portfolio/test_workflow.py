"""Verification workflow: draft → submitted → verified | returned, by the organisation's verifier; a verified record
is locked and a change makes a new version; every step is in the history and the audit trail; illegal steps are
refused with a clear message and change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smarttvet.accounts.models import AuditEntry
from smarttvet.portfolio import selectors, services
from smarttvet.portfolio.models import Record
from tests.portfolio.conftest import COURSE, record

pytestmark = pytest.mark.django_db


def test_teacher_submits_verifier_verifies_with_history_and_audit(world, verifier):
    teacher_user = world.users["teacher"]
    r = services.record_create(actor=teacher_user, teacher=world.teacher_a, kind="course", data=COURSE)
    assert (r.status, r.hours, r.details) == ("draft", 72, {"provider": "Orleu", "new_format": True})
    r = services.transition(actor=teacher_user, record=r, to="submitted")
    r = services.transition(actor=verifier, record=r, to="verified")
    assert r.status == "verified" and r.verified_by == verifier and r.in_force
    steps = list(r.transitions.values_list("from_status", "to_status", "actor_label"))
    assert steps == [("", "draft", "teacher"), ("draft", "submitted", "teacher"),
                     ("submitted", "verified", "methodist")]
    changes = list(AuditEntry.objects.filter(target_type="portfolio.record", target_id=str(r.pk))
                   .order_by("id").values_list("action", "changes"))
    assert changes[0][0] == "create" and changes[-1] == ("update", {"status": ["submitted", "verified"]})
    assert AuditEntry.objects.filter(target_id=str(r.pk), organization_id=world.college_a.pk).count() == 3
    assert selectors.evaluate(world.teacher_a).pd_hours in (0, 72)  # counted when the course is in the window


def test_returning_needs_a_comment_and_the_teacher_resubmits(world, verifier):
    r = record(world.teacher_a, status="submitted")
    with pytest.raises(ValidationError, match="Say what to correct"):
        services.transition(actor=verifier, record=r, to="returned")
    assert Record.objects.get(pk=r.pk).status == "submitted"
    r = services.transition(actor=verifier, record=r, to="returned", comment="Attach the certificate.")
    assert (r.status, r.comment) == ("returned", "Attach the certificate.")
    r = services.record_update(actor=world.users["teacher"], record=r, data={**COURSE, "hours": "80"})
    assert r.hours == 80 and r.status == "returned"
    r = services.transition(actor=world.users["teacher"], record=r, to="submitted")
    assert r.status == "submitted" and r.comment == ""


@pytest.mark.parametrize("start,to", [("draft", "verified"), ("draft", "returned"), ("verified", "submitted"),
                                      ("verified", "returned"), ("submitted", "submitted"), ("returned", "verified"),
                                      ("draft", "draft"), ("draft", "approved")])
def test_illegal_transitions_are_refused_and_change_nothing(world, start, to):
    r = record(world.teacher_a, status=start)
    steps = r.transitions.count()
    with pytest.raises(ValidationError) as caught:
        services.transition(actor="test", record=r, to=to, comment="x")
    assert "cannot become" in str(caught.value) or "Unknown status" in str(caught.value)
    assert Record.objects.get(pk=r.pk).status == start and r.transitions.count() == steps


def test_only_the_organisations_verifier_verifies_never_the_teacher(world, verifier, other_verifier):
    r = record(world.teacher_a, status="submitted")
    for actor in (world.users["teacher"], other_verifier, world.users["region"], world.users["ministry"],
                  world.users["employer"]):
        with pytest.raises(PermissionDenied):
            services.transition(actor=actor, record=r, to="verified")
    assert Record.objects.get(pk=r.pk).status == "submitted"
    services.transition(actor=world.users["organization"], record=r, to="verified")  # the administration may
    assert Record.objects.get(pk=r.pk).status == "verified"


def test_others_may_not_write_a_teachers_portfolio(world, verifier):
    for actor in (verifier, world.users["region"], world.users["ministry"], world.users["employer"]):
        with pytest.raises(PermissionDenied):
            services.record_create(actor=actor, teacher=world.teacher_a, kind="course", data=COURSE)
    from tests import factories as f

    other = f.user_with_role("t2", "teacher", teacher=world.teacher_other_region)
    with pytest.raises(PermissionDenied):
        services.record_create(actor=other, teacher=world.teacher_a, kind="course", data=COURSE)
    assert not Record.objects.exists()


def test_a_verified_record_is_locked_and_a_change_makes_a_new_version(world, verifier):
    r = record(world.teacher_a, status="verified")
    new = services.record_update(actor=world.users["teacher"], record=r, data={**COURSE, "hours": "108"})
    assert new.pk != r.pk and (new.version, new.status, new.lineage) == (2, "draft", r.lineage)
    old = Record.objects.get(pk=r.pk)
    assert (old.hours, old.status, old.superseded_at) == (72, "verified", None)  # in force until v2 is verified
    with pytest.raises(ValidationError, match="already waiting"):
        services.record_update(actor=world.users["teacher"], record=old, data=COURSE)
    services.transition(actor=world.users["teacher"], record=new, to="submitted")
    with pytest.raises(ValidationError, match="submitted for verification"):
        services.record_update(actor=world.users["teacher"], record=new, data=COURSE)
    services.transition(actor=verifier, record=new, to="verified")
    old.refresh_from_db()
    assert old.superseded_at is not None and not old.in_force
    assert list(Record.objects.filter(selectors.IN_FORCE).values_list("version", "hours")) == [(2, 108)]
    with pytest.raises(ValidationError, match="replaced by a later one"):
        services.record_update(actor=world.users["teacher"], record=old, data=COURSE)
    assert Record.objects.filter(lineage=r.lineage).count() == 2  # the history is kept


def test_bad_fields_are_refused_by_field_and_nothing_is_written(world):
    bad = {**COURSE, "hours": "many", "start_date": "14.03.2025", "end_date": "2025-01-01", "title": ""}
    with pytest.raises(ValidationError) as caught:
        services.record_create(actor="test", teacher=world.teacher_a, kind="course", data=bad)
    assert set(caught.value.message_dict) == {"hours", "start_date", "title"}
    with pytest.raises(ValidationError) as caught:
        services.record_create(actor="test", teacher=world.teacher_a, kind="course",
                               data={**COURSE, "end_date": "2025-01-01"})
    assert "end_date" in caught.value.message_dict
    with pytest.raises(ValidationError, match="Unknown record type"):
        services.record_create(actor="test", teacher=world.teacher_a, kind="hobby", data={})
    with pytest.raises(ValidationError) as caught:
        services.record_create(actor="test", teacher=world.teacher_a, kind="category",
                               data={"code": "guru", "start_date": "2024-01-01", "title": "Order"})
    assert "code" in caught.value.message_dict
    assert not Record.objects.exists()


def test_a_category_without_an_end_is_valid_five_years_and_only_drafts_are_deleted(world):
    r = services.record_create(actor="test", teacher=world.teacher_a, kind="category",
                               data={"code": "expert", "start_date": "2024-02-29", "title": "Order 5"})
    assert str(r.end_date) == "2029-02-28"
    services.record_delete(actor="test", record=r)
    submitted = record(world.teacher_a, status="returned")
    with pytest.raises(ValidationError, match="Only a draft"):
        services.record_delete(actor="test", record=submitted)
