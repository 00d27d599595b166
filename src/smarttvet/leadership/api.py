"""Leadership and cadre reserve API."""

from ninja import Router

router = Router(tags=["leadership"])
