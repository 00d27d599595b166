"""Writes to the registry. Each checks the actor's write scope and writes its audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from smarttvet.accounts import audit
from smarttvet.accounts.scoping import require_writable
from smarttvet.registry.models import Organization

# What an organisation's own administration and its region may edit; BIN, kind and region are
# registry facts that only change through the import of the official registry.
ORGANIZATION_EDITABLE = (
    "name_kk", "name_ru", "name_en", "address", "latitude", "longitude", "languages", "founded_year",
    "capacity", "has_board_of_trustees", "has_supervisory_board", "has_endowment_fund", "settlement",
)


def organization_update(*, actor, organization: Organization, data: dict[str, Any]) -> Organization:
    """Change an organisation's editable fields; 403 outside the actor's write scope, nothing written."""
    require_writable(actor, organization)
    unknown = set(data) - set(ORGANIZATION_EDITABLE)
    if unknown:
        from django.core.exceptions import ValidationError

        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        before = audit.snapshot(locked, list(data))
        for name, value in data.items():
            setattr(locked, name, value)
        locked.full_clean()
        changes = audit.diff(before, audit.snapshot(locked, list(data)))
        if changes:
            locked.save(update_fields=[*changes, "updated_at"])
            audit.record(actor=actor, action="update", obj=locked, changes=changes)
    return locked
