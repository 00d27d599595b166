from django import forms

from smarttvet.registry.models import Organization
from smarttvet.registry.services import ORGANIZATION_EDITABLE


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = list(ORGANIZATION_EDITABLE)
