"""The one audit writer. Services call it inside their transaction; there are no signals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model

from smarttvet.accounts.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The current values of ``fields`` (foreign keys as ids), to diff after a change."""
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        result[name] = _plain(getattr(obj, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _scope_ids(obj: Model | None) -> tuple[int | None, int | None]:
    if obj is None:
        return None, None
    paths = getattr(type(obj), "scope", None)
    if paths is None:
        return None, None

    def follow(path: str | None) -> int | None:
        if not path:
            return None
        if path in ("pk", "id"):
            return obj.pk
        *hops, last = path.split("__")
        value: Any = obj
        for hop in hops:
            value = getattr(value, hop, None)
            if value is None:
                return None
        return getattr(value, f"{last}_id", None)

    return follow(paths.region), follow(paths.organization)


def record(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    target_type: str | None = None,
    target_label: str = "",
    changes: dict[str, Any] | None = None,
    region_id: int | None = None,
    organization_id: int | None = None,
) -> AuditEntry:
    """Write one audit row: who, what, which record, what changed."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    scope_region, scope_org = _scope_ids(obj)
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=str(actor_obj) if actor_obj else (actor if isinstance(actor, str) else "system"),
        action=action,
        target_type=target_type or (obj._meta.label_lower if obj is not None else ""),
        target_id=str(obj.pk) if obj is not None else "",
        target_label=(target_label or str(obj))[:300] if obj is not None else target_label[:300],
        changes=changes or {},
        region_id=region_id if region_id is not None else scope_region,
        organization_id=organization_id if organization_id is not None else scope_org,
    )
