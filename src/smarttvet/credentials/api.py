"""Verifiable credentials API."""

from ninja import Router

router = Router(tags=["credentials"])
