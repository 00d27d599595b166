"""The site's URLs plus one deliberately leaky page, to prove that the authorization sweep catches a leak."""

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path

from smarttvet.config.urls import urlpatterns as site


def leaky_plan(request, pk: int):
    """Shows any plan to anyone and lets anyone 'change' it: no scoping at all."""
    from smarttvet.accounts import audit
    from smarttvet.plans.models import Plan

    plan = Plan.objects.get(pk=pk)
    if request.method == "POST":
        audit.record(actor="leak", action="update", obj=plan, target_type="plans.plan", target_label="leak")
        return HttpResponseRedirect("/")
    return HttpResponse(plan.title_en)


urlpatterns = [*site, path("leaky/plans/<int:pk>/", leaky_plan, name="leaky_plan")]
