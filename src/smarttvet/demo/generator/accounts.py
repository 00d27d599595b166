"""Demo users, one per role, all with the password ``demo`` (demo datasets only; never in production data).

=========  ============  ==========================================================================
username   role          scope
=========  ============  ==========================================================================
ministry   ministry      the whole country
region     region        Turkistan region (KATO 610000000)
college    organization  the Turkistan college (not a branch) with the most studying students
teacher    teacher       a current teacher of that college (the user's full name is the teacher's)
employer   employer      the Turkistan enterprise that sponsors the most target-order students
committee  committee     the cadre-reserve selection committee (every cohort; leadership app)
assessor   assessor      a reserve assessor of a Turkistan college (scores the candidates assigned to it)
admin      (superuser)   everything, including the Django admin
=========  ============  ==========================================================================
"""

from __future__ import annotations

import numpy as np
from django.contrib.auth.hashers import make_password

from smarttvet.accounts.models import Role, RoleAssignment, User
from smarttvet.demo.generator.context import Context
from smarttvet.demo.generator.people import full_name
from smarttvet.demo.generator.scales import TURKISTAN
from smarttvet.people.models import Teacher

DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo accounts
DEMO_USERNAMES = ("admin", "ministry", "region", "college", "teacher", "employer", "committee", "assessor")


def _scopes(ctx: Context) -> dict[str, dict[str, object]]:
    colleges, ent = ctx.colleges, ctx.enterprises
    region_index = ctx.region_index(TURKISTAN)
    if region_index is None:  # every scale includes Turkistan; stay useful if a future one does not
        region_index = int(colleges.region[0])
    region_pk = ctx.regions[region_index].pk
    studying = ctx.extra["studying_per_college"]
    in_region = np.flatnonzero((colleges.region == region_index) & ~colleges.branch)
    college = int(in_region[np.argmax(studying[in_region])])
    college_id = int(colleges.ids[college])
    teacher = (
        Teacher.objects.filter(organization_id=college_id, position=Teacher.Position.TEACHER,
                               employed_until__isnull=True)
        .order_by("id").first()
    )
    sponsored = ctx.extra["sponsor_counts"]
    candidates = np.flatnonzero(ent.region == region_index)
    employer = int(candidates[np.argmax(sponsored[candidates])])
    return {
        "ministry": {},
        "region": {"region_id": region_pk},
        "college": {"organization_id": college_id},
        "teacher": {"teacher_id": teacher.pk, "_name": teacher.full_name},
        "employer": {"enterprise_id": int(ent.ids[employer])},
        "committee": {},
        "assessor": {},
    }


ROLES = {"ministry": Role.MINISTRY, "region": Role.REGION, "college": Role.ORGANIZATION, "teacher": Role.TEACHER,
         "employer": Role.EMPLOYER, "committee": Role.COMMITTEE, "assessor": Role.ASSESSOR}


def generate(ctx: Context) -> None:
    """Create the demo users and their role assignments."""
    rng = ctx.rng("users")
    password = make_password(DEMO_PASSWORD)  # hashed once: the same known password for every demo account
    scopes = _scopes(ctx)
    admin = User(username="admin", full_name="Demo administrator", is_staff=True, is_superuser=True,
                 password=password)
    users = [admin]
    assignments = []
    for username, role in ROLES.items():
        scope = dict(scopes[username])
        name = scope.pop("_name", None) or full_name(rng, 0, bool(rng.random() < 0.5), False)
        user = User(username=username, full_name=name, password=password)
        users.append(user)
        assignments.append((user, role, scope))
    for user in users:
        user.save()
    for user, role, scope in assignments:
        assignment = RoleAssignment(user=user, role=role, **scope)
        assignment.full_clean()
        assignment.save()
    ctx.counts["users"] = len(users)


def clear() -> None:
    """Delete the demo users (their role assignments go with them)."""
    User.objects.filter(username__in=DEMO_USERNAMES).delete()
