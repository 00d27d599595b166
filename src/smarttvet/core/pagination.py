"""Page-number pagination for the API, with a bounded page number.

django-ninja's ``PageNumberPagination`` accepts any page number, and ``?page=10**28`` made the database fail
on an offset beyond a 64-bit integer (a 500). Here the page number has a maximum, so such a request gets a
422 naming the parameter, like any other invalid input.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.pagination import paginate

MAX_PAGE = 1_000_000  # times the largest page size (500) stays far below 2**63


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


__all__ = ["MAX_PAGE", "PageNumberPagination", "paginate"]
