"""Director KPI sets, yearly scorecards computed from platform data, and KPI-based incentive funding."""

from __future__ import annotations
