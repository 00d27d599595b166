"""The hidden latent quality of an organisation: the one cause behind the demo's observable differences.

Every organisation (college, branch or school) has a quality that is **never stored** in any table.
It is a pure function of the generator's seed, the organisation's BIN and the year::

    quality(seed, bin, year) = base(seed, bin)
                               + TREND_SD  * trend(seed, bin) * (year - REFERENCE_YEAR)
                               + WOBBLE_SD * wobble(seed, bin, year)

where ``base``, ``trend`` and ``wobble`` are independent standard-normal draws obtained by hashing
their arguments (BLAKE2b to a uniform number, then the inverse normal distribution function), so
the value is stable across platforms, Python and NumPy versions, and needs no state. ``base`` is
standard normal; the trend (a slow improvement or decline, SD 0.04 a year) and the yearly wobble
(SD 0.08) make the year-to-year drift small against the differences between organisations.

What it drives (each with its own noise, so the observable indicators are informative but never
exact copies of it): graduate employment and in-field rates, the mix of teacher categories, the share
of teachers who came from production, the share of dual training, target orders and the number of
partner and sponsor enterprises, the governance flags (boards, endowment fund), the chance of being a
higher college and the expulsion rate. Later generators (WorldSkills results, gradebook marks, ...)
import :func:`organization_quality` so that their data agree with everything else: a good college
is good in every table, which is what gives a rating something real to find.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from statistics import NormalDist

import numpy as np

REFERENCE_YEAR = 2022
TREND_SD = 0.04
WOBBLE_SD = 0.08

_NORMAL = NormalDist()


def _standard_normal(*parts: object) -> float:
    """A standard-normal number determined by ``parts`` (hash -> uniform -> inverse CDF)."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8).digest()
    uniform = (int.from_bytes(digest, "big") + 0.5) / 2.0**64
    return _NORMAL.inv_cdf(uniform)


@functools.lru_cache(maxsize=200_000)
def _base_and_trend(seed: int, bin: str) -> tuple[float, float]:  # noqa: A002 - the domain's name
    return _standard_normal("quality", seed, bin), _standard_normal("trend", seed, bin)


def organization_quality(seed: int, bin: str, year: int) -> float:  # noqa: A002
    """The hidden quality of the organisation with this BIN in ``year`` under generator ``seed``.

    About standard normal across organisations (mean 0, SD ≈ 1); higher is better.
    """
    base, trend = _base_and_trend(int(seed), str(bin))
    wobble = _standard_normal("wobble", seed, bin, year)
    return base + TREND_SD * trend * (year - REFERENCE_YEAR) + WOBBLE_SD * wobble


def organization_qualities(seed: int, bins: Iterable[str], year: int) -> np.ndarray:
    """:func:`organization_quality` for many BINs at once, as a float array in the same order."""
    return np.fromiter((organization_quality(seed, b, year) for b in bins), dtype=float)
