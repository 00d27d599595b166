"""Personal API tokens and the ``Authorization: Bearer`` authentication of the API.

A token is ``stv_`` and 43 random URL-safe characters (256 bits); only its SHA-256 digest is stored (a token is
random, so a plain digest is enough: there is nothing to guess). The bearer acts as the token's user with the
user's roles and scope: an organisation's token reaches that organisation's teachers only. Made by the user on
the tokens page, or by an administrator with ``smarttvet portfolio token USERNAME --name NAME``.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from smarttvet.accounts import audit
from smarttvet.portfolio.models import ApiToken

MAX_ACTIVE = 10


class Made:
    def __init__(self, token: ApiToken, secret: str) -> None:
        self.token, self.secret = token, secret


@transaction.atomic
def create(*, user, name: str, actor=None) -> Made:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("Name the token (at most 100 characters), e.g. the system that uses it.")]})
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise ValidationError({"name": [_("At most %(n)s active tokens: revoke one first.") % {"n": MAX_ACTIVE}]})
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(secret), hint=secret[:10])
    audit.record(actor=actor or user, action="create", obj=token, target_label=f"API token {name} of {user}")
    return Made(token, secret)


@transaction.atomic
def revoke(*, user, pk: int) -> None:
    token = user.api_tokens.filter(pk=pk, revoked_at__isnull=True).first()
    if token is None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=user, action="update", obj=token, changes={"revoked": True})


def user_for(secret: str):
    """The active user of a token, or None."""
    if not secret or not secret.startswith(ApiToken.PREFIX) or len(secret) > 100:
        return None
    token = (ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(secret),
                                                             revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    """``Authorization: Bearer stv_…``: the request acts as the token's user."""

    def authenticate(self, request, token):
        user = user_for(token)
        if user is not None:
            request.user = user
        return user

