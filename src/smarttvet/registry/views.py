"""Registry pages. Thin: selectors read, services write, ``list_page`` paginates and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smarttvet.accounts.scoping import can_write, get_visible_or_404, require_writable
from smarttvet.registry import selectors, services
from smarttvet.registry.forms import OrganizationForm
from smarttvet.registry.models import Enterprise, Organization, Region
from smarttvet.registry.tabular import ENTERPRISES, ORGANIZATIONS
from smarttvet.web.listing import list_page


def regions(request):
    return render(request, "registry/regions.html", {"regions": selectors.region_list(request.user)})


def organizations(request):
    g = request.GET
    filters = selectors.OrganizationFilters(
        region=g.get("region", ""), kind=g.get("kind", ""), ownership=g.get("ownership", ""),
        specialty=g.get("specialty", ""), settlement=g.get("settlement", ""), q=g.get("q", ""),
    )
    return list_page(
        request,
        queryset=selectors.organization_list(request.user, filters),
        template="registry/organizations.html",
        export_spec=ORGANIZATIONS,
        context={
            "filters": filters,
            "regions": Region.objects.order_by("kato"),
            "kinds": Organization.Kind.choices,
            "ownerships": Organization.Ownership.choices,
            "settlements": Organization.Settlement.choices,
        },
    )


def organization_detail(request, pk: int):
    organization = get_visible_or_404(
        request.user, Organization.objects.select_related("region", "parent"), pk=pk
    )
    return render(
        request,
        "registry/organization_detail.html",
        {
            "organization": organization,
            "offers": selectors.organization_offers(request.user, organization),
            "counts": selectors.organization_counts(organization),
            "branches": organization.branches.order_by("name_ru"),
            "can_edit": request.user.is_authenticated and can_write(request.user, organization),
        },
    )


@login_required
def organization_edit(request, pk: int):
    organization = get_visible_or_404(request.user, Organization.objects.select_related("region"), pk=pk)
    require_writable(request.user, organization)
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.organization_update(actor=request.user, organization=organization, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:organization", pk=pk)
    return render(request, "registry/organization_edit.html", {"organization": organization, "form": form})


def classifier(request):
    q = request.GET.get("q", "").strip()
    field = request.GET.get("field", "")
    return list_page(
        request,
        queryset=selectors.specialty_list(request.user, q=q, field=field),
        template="registry/classifier.html",
        context={"q": q, "field": field, "fields": selectors.broad_fields()},
    )


def enterprises(request):
    g = request.GET
    filters = selectors.EnterpriseFilters(
        region=g.get("region", ""), sector=g.get("sector", ""), size=g.get("size", ""), q=g.get("q", "")
    )
    return list_page(
        request,
        queryset=selectors.enterprise_list(request.user, filters),
        template="registry/enterprises.html",
        export_spec=ENTERPRISES,
        context={
            "filters": filters,
            "regions": Region.objects.order_by("kato"),
            "sectors": selectors.sector_list(),
            "sizes": Enterprise.Size.choices,
        },
    )
