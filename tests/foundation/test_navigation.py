"""The menu shows each role what it may use: pages for some roles only appear for those roles."""

import pytest
from django.test import RequestFactory

from smarttvet.web.context_processors import shell

pytestmark = pytest.mark.django_db


def _links(user) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user
    return {name for _title, items in shell(request)["nav_sections"] for name, _label in items}


@pytest.mark.parametrize("role,allocation,monitoring,enterprise", [
    ("ministry", True, True, False),
    ("region", True, True, False),
    ("organization", False, True, False),
    ("teacher", False, False, False),
    ("employer", False, False, True),
])
def test_role_specific_links(world, role, allocation, monitoring, enterprise):
    links = _links(world.users[role])
    assert ("labour:allocation_new" in links) is allocation
    assert ("gradebook:monitoring" in links) is monitoring
    assert ("plans:list" in links) is monitoring
    assert ("partnership:my_enterprise" in links) is enterprise
    assert "people:students" in links  # logged-in pages stay for everyone logged in


def test_anonymous_sees_public_links_only(world):
    from django.contrib.auth.models import AnonymousUser

    links = _links(AnonymousUser())
    assert "rating:league_table" in links and "labour:heatmap" in links
    assert not links & {"people:students", "gradebook:monitoring", "labour:allocation_new", "plans:list"}
