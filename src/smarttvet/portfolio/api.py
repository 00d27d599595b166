"""Teacher digital portfolio API."""

from ninja import Router

router = Router(tags=["portfolio"])
