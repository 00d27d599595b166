"""State-order allocation pages: the form (region, year, places, bounds) and the result beside last year's,
with its XLSX download. Thin: ``allocation_service`` builds, solves, stores and reads.

The ministry may allocate for any region, a region's department for its own region (the region field is
then fixed); anyone else gets 403. A stored allocation is visible to the same people (404 otherwise).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarttvet.core.exports import XLSX_TYPE
from smarttvet.labour import allocation_service as service
from smarttvet.labour.allocation import AllocationInfeasible
from smarttvet.registry.models import Region

RECENT = 20


class AllocationForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=gettext_lazy("Region"),
                                    empty_label=None)
    year = forms.IntegerField(label=gettext_lazy("Admission year"), min_value=service.FIRST_YEAR,
                              max_value=service.LAST_YEAR)
    places = forms.IntegerField(label=gettext_lazy("State-funded places"), min_value=1, max_value=service.MAX_PLACES)
    min_per_specialty = forms.IntegerField(label=gettext_lazy("Minimum per specialty"), min_value=0, required=False,
                                           initial=0)
    max_per_specialty = forms.IntegerField(label=gettext_lazy("Maximum per specialty"), min_value=0, required=False,
                                           help_text=gettext_lazy("Empty: no maximum"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        field.queryset = regions
        only = list(regions[:2])
        if len(only) == 1:  # a region's department allocates for its own region only
            field.initial = only[0].pk
            field.disabled = True

    def clean(self):
        data = super().clean()
        low, high = data.get("min_per_specialty"), data.get("max_per_specialty")
        if low is not None and high is not None and low > high:
            self.add_error("max_per_specialty", _("The maximum per specialty is below the minimum."))
        return data


def _regions(user):
    regions = service.regions_for(user)
    if not regions.exists():
        raise PermissionDenied(_("Only the ministry and regional departments may allocate the state order."))
    return regions


@login_required
def allocation_new(request):
    regions = _regions(request.user)
    initial = {"year": timezone.localdate().year + 1, "min_per_specialty": 0}
    form = AllocationForm(request.POST or None, regions=regions, initial=initial)
    conflicts: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = service.allocation_create(
                actor=request.user, region=data["region"], year=data["year"], places=data["places"],
                min_per_specialty=data.get("min_per_specialty") or 0,
                max_per_specialty=data.get("max_per_specialty"))
        except AllocationInfeasible as error:
            conflicts = error.conflicts
        except service.DemandUnavailable as error:
            form.add_error(None, _("No demand figures for this region: %(reason)s") % {"reason": error})
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            return redirect("labour:allocation_detail", pk=allocation.pk)
    recent = service.allocation_list(request.user)[:RECENT]
    return render(request, "labour/allocation_new.html", {"form": form, "conflicts": conflicts, "recent": recent},
                  status=422 if conflicts else 200)


@login_required
def allocation_detail(request, pk: int):
    allocation = service.allocation_get(request.user, pk)
    specialties = service.specialty_rows(allocation)
    return render(request, "labour/allocation_detail.html", {
        "allocation": allocation, "parameters": allocation.parameters, "specialties": specialties,
        "totals": service.totals(specialties), "offers": service.offer_rows(allocation),
    })


@login_required
def allocation_xlsx(request, pk: int):
    allocation = service.allocation_get(request.user, pk)
    response = HttpResponse(service.xlsx_bytes(allocation), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{service.filename(allocation)}"'
    return response
