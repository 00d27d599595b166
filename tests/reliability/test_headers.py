"""Security headers on every page: each URL pattern of the site, opened anonymously and as several roles (with
parameters set to records the role may read), answers with a Content-Security-Policy whose scripts need no
'unsafe-inline', X-Content-Type-Options, a Referrer-Policy and framing forbidden; and no HTML page carries inline
script or event-handler attributes that this policy would block (a page that would silently break).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.reliability import report
from tests.reliability.conftest import FULL
from tests.reliability.sweep import fill_inside, routes

SUITE = "security headers"
pytestmark = pytest.mark.django_db
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>",
                           re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _directives(policy: str) -> dict[str, str]:
    result = {}
    for part in policy.split(";"):
        words = part.strip().split(None, 1)
        if words:
            result[words[0].lower()] = words[1] if len(words) > 1 else ""
    return result


def check(response, url: str) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        problems.append("no Content-Security-Policy")
    directives = _directives(policy)
    scripts = directives.get("script-src", directives.get("default-src", ""))
    if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"script-src allows inline or eval: {scripts}")
    if "default-src" not in directives:
        problems.append("no default-src")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if response.get("X-Frame-Options") not in ("DENY", "SAMEORIGIN") and \
            directives.get("frame-ancestors") not in ("'none'", "'self'"):
        problems.append("framing not forbidden (X-Frame-Options / frame-ancestors)")
    if "text/html" in response.get("Content-Type", "") and response.status_code == 200:
        html = response.content.decode(errors="replace")
        if INLINE_SCRIPT.search(html):
            problems.append(f"inline <script> without a nonce: {INLINE_SCRIPT.search(html).group(0)[:80]}")
        if EVENT_HANDLER.search(html):
            problems.append(f"inline event handler: {EVENT_HANDLER.search(html).group(0)[:80]}")
    return [f"{url} ({response.status_code}): {p}" for p in problems]


ROLES = ["anonymous", "teacher"] + (["ministry", "region", "organization", "employer"] if FULL else [])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_carries_the_security_headers(demo_world, role):
    client = Client(raise_request_exception=False)
    user = AnonymousUser() if role == "anonymous" else demo_world.users[role]
    if role != "anonymous":
        client.force_login(user)
    failures, tried = [], 0
    for route in routes():
        if route.name in ("accounts:logout",) or (route.is_admin and route.name != "admin:index" and not FULL):
            continue  # no role here is staff: every admin page answers the same redirect as its index
        url = fill_inside(route, user)
        if url is None:
            continue
        response = client.get(url)
        tried += 1
        failures += check(response, url)
    report.cases(SUITE, tried, role)
    print(f"\nsecurity headers as {role}: {tried} URLs")
    assert tried > 40
    assert not failures, "\n".join(failures[:50])
