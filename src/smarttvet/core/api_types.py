"""Types for the API's input schemas that are stricter than pydantic's defaults.

Pydantic reads a number as a Unix time where a date is expected (``?active_on=-4.8e-232`` was 1 January
1970, found by schemathesis). A date given to the API must be written as a date: ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value):
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    if value is None:
        return value
    raise ValueError("a date is written YYYY-MM-DD, e.g. 2025-09-01")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
