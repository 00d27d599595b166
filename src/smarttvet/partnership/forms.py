"""The employer's form for a declared need (the service checks and writes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smarttvet.partnership.services import COMMENT_MAX
from smarttvet.registry.models import Qualification, Specialty


class _CodeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


class NeedForm(forms.Form):
    specialty = _CodeChoice(label=_("Specialty"), queryset=Specialty.objects.order_by("code"))
    qualification = _CodeChoice(label=_("Qualification (optional)"), required=False,
                                queryset=Qualification.objects.order_by("code"))
    # the service checks the ranges and says which years are allowed
    year = forms.IntegerField(label=_("Year"))
    people = forms.IntegerField(label=_("People needed"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=COMMENT_MAX)

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("specialty", "qualification", "year", "people",
                                                               "comment")}
