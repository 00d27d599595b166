"""The deterministic synthetic demo dataset: ``generate(scale=..., seed=...)``.

One module per domain, run in order (``DOMAINS``); each has ``generate(ctx)`` and ``clear()``.
Later work adds its module to ``DOMAINS`` (after the ones it builds on) and reads what earlier
ones left in the :class:`~smarttvet.demo.generator.context.Context`; ``clear()`` runs in reverse.

Rules:

* Same scale and seed give the same data (BINs, counts, person keys; person keys also depend on
  the ``SMARTTVET_PERSON_KEY`` secret). Every random stream is derived from the seed and a stage name.
* A :class:`~smarttvet.demo.models.DemoDataset` row records scale, seed and counts (the UI shows a
  banner from it). The same scale and seed again do nothing; another scale or seed replaces the
  generated data (never the reference data: regions, sectors, fields, specialties, qualifications).
* Organisations without a DemoDataset row are taken for real data: :class:`RealDataError` unless
  ``force=True``, which deletes them and generates the demo.
* Everything happens in one transaction, with one audit row (action "generate").
"""

from __future__ import annotations

from django.db import transaction

from smarttvet.accounts import audit
from smarttvet.demo.generator import (
    accounts,
    gradebook,
    kpi,
    labour,
    leadership,
    partnership,
    people,
    plans,
    portfolio,
    ratings,
    registry,
    scales,
)
from smarttvet.demo.generator.context import Context
from smarttvet.demo.generator.latent import organization_quality
from smarttvet.demo.models import DemoDataset
from smarttvet.registry.models import Enterprise, Organization

DOMAINS = (registry, people, partnership, labour, accounts, portfolio, ratings, plans, leadership, kpi)


class RealDataError(RuntimeError):
    """The database holds organisations that the demo generator did not create."""


def validate(*, scale: str, seed: int) -> scales.Scale:
    """The Scale for ``scale``; ValueError naming the argument when scale or seed are unusable."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if seed >= 2**63:
        raise ValueError(f"seed must be below 2**63, got {seed}")
    return scales.get(scale)


def existing(*, scale: str, seed: int) -> DemoDataset | None:
    """The DemoDataset row of this scale and seed, if the database holds it."""
    return DemoDataset.objects.filter(scale=scale, seed=seed).order_by("-generated_at").first()


def holds_real_data() -> bool:
    """Organisations or enterprises exist but no DemoDataset row says they are synthetic."""
    if DemoDataset.objects.exists():
        return False
    return Organization.objects.exists() or Enterprise.objects.exists()


def clear() -> None:
    """Delete all generated data (in reverse domain order) and the DemoDataset rows."""
    # The gradebook (generated on demand by `demo gradebook`) first: its monitoring lists and support plans
    # protect the organisations, and its marks live outside these tables.
    gradebook.clear()
    for domain in reversed(DOMAINS):
        domain.clear()
    DemoDataset.objects.all().delete()


def generate(*, scale: str, seed: int, progress: bool = True, force: bool = False) -> dict:
    """Generate the demo dataset and return its counts per table.

    Returns the stored counts without doing anything when this scale and seed are already there
    (unless ``force``). Raises ValueError for a bad scale or seed and RealDataError when the
    database holds data that is not a demo dataset (unless ``force``).
    """
    spec = validate(scale=scale, seed=seed)
    found = existing(scale=scale, seed=seed)
    if found and not force:
        return dict(found.counts)
    if not force and holds_real_data():
        raise RealDataError(
            f"the database holds {Organization.objects.count()} organisations and "
            f"{Enterprise.objects.count()} enterprises but no demo dataset: this looks like real data. "
            "Refusing to replace it; use --force to delete it and generate demo data."
        )
    regions, per_region, totals = registry.plan(spec, registry.load_regions())
    with transaction.atomic():
        clear()
        ctx = Context(scale=spec, seed=seed, progress=progress, regions=regions, per_region=per_region,
                      totals=totals)
        for domain in DOMAINS:
            domain.generate(ctx)
        counts = dict(ctx.counts)
        dataset = DemoDataset.objects.create(scale=spec.name, seed=seed, counts=counts)
        audit.record(actor="demo generator", action="generate", obj=dataset, target_type="demo.demodataset",
                     target_label=f"Demo dataset: {spec.name}, seed {seed}", changes=counts)
    return counts


__all__ = ["DOMAINS", "RealDataError", "clear", "existing", "generate", "holds_real_data",
           "organization_quality", "validate"]
