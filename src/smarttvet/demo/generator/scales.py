"""The sizes of the demo datasets, and how an amount is shared out among regions.

* ``national``: the whole country at its real size (Bureau of National Statistics, 2025-26: 706
  colleges + 35 branches, 562,000 students, 38,684 teachers and 5,170 masters of industrial training,
  7,859 schools, over 18,000 partner enterprises).
* ``region``: Turkistan region only (KATO 610000000) at national density: the part of the national
  dataset that falls in Turkistan.
* ``small``: about 40 colleges in 10 regions (Turkistan with 8) and everything scaled down, for the
  test suite and a quick look; it runs in a few seconds.

Pure module: no Django, no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TURKISTAN = "61"


@dataclass(frozen=True)
class Scale:
    name: str
    description: str
    tvet_organizations: int  # colleges, higher colleges and branches
    branches: int
    schools: int
    studying_students: int
    teachers: int
    masters: int
    enterprises: int
    regions: tuple[str, ...] | None = None  # KATO prefixes; None = all 20
    only_region: str | None = None  # generate the national allocation but keep this region
    minimum_colleges: dict[str, int] = field(default_factory=dict)


NATIONAL = Scale(
    name="national", description="The whole country at real size",
    tvet_organizations=741, branches=35, schools=7_859, studying_students=562_000,
    teachers=38_684, masters=5_170, enterprises=18_000,
)
REGION = Scale(
    name="region", description="Turkistan region at national density",
    tvet_organizations=NATIONAL.tvet_organizations, branches=NATIONAL.branches, schools=NATIONAL.schools,
    studying_students=NATIONAL.studying_students, teachers=NATIONAL.teachers, masters=NATIONAL.masters,
    enterprises=NATIONAL.enterprises, only_region=TURKISTAN,
)
SMALL = Scale(
    name="small", description="About 40 colleges in 10 regions, for tests and a quick look",
    tvet_organizations=40, branches=2, schools=40, studying_students=4_000, teachers=320, masters=40,
    enterprises=300, regions=("61", "75", "71", "79", "35", "23", "59", "63", "19", "55"),
    minimum_colleges={"61": 8},
)
SCALES = {s.name: s for s in (SMALL, REGION, NATIONAL)}


def get(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}: use one of {', '.join(SCALES)}") from None


def share_out(total: int, weights: dict[str, float], minimum: dict[str, int] | int = 0) -> dict[str, int]:
    """Split ``total`` among the keys in proportion to ``weights`` (largest remainder), honouring minimums.

    Deterministic: ties are broken by key order.
    """
    keys = list(weights)
    mins = {k: (minimum if isinstance(minimum, int) else minimum.get(k, 0)) for k in keys}
    fixed = sum(mins.values())
    if fixed > total:
        raise ValueError(f"minimums ({fixed}) exceed the total ({total})")
    rest = total - fixed
    weight_sum = sum(weights.values()) or 1.0
    exact = {k: rest * weights[k] / weight_sum for k in keys}
    result = {k: mins[k] + int(exact[k]) for k in keys}
    left = total - sum(result.values())
    order = sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), keys.index(k)))
    for k in order[:left]:
        result[k] += 1
    return result


def college_weight(population: float) -> float:
    """Colleges follow population, with a floor so that the smallest region still has a few."""
    return population + 0.12


def school_weight(population: float, is_city: bool) -> float:
    """Schools follow population too, but rural regions have many small schools and cities few large ones."""
    return population * (0.45 if is_city else 1.25)


def enterprise_weight(population: float, is_city: bool) -> float:
    return population * (1.4 if is_city else 1.0) + 0.05
