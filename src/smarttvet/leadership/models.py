"""The cadre-reserve selection pipeline, the reserve registry, appointments and vacancy matching."""

from __future__ import annotations
