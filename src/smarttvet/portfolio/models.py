"""Teachers' digital portfolios: records, verification, rules, exports."""

from __future__ import annotations
