"""Director KPIs and incentive funding API."""

from ninja import Router

router = Router(tags=["kpi"])
