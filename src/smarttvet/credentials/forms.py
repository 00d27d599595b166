"""The public verification form: paste the credential's JSON or upload its file (checked by content)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smarttvet.credentials import verification


class VerifyForm(forms.Form):
    text = forms.CharField(label=_("Credential (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           max_length=verification.MAX_BYTES)
    file = forms.FileField(label=_("or a credential file (.json)"), required=False)

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if self.errors:
            return cleaned
        if upload is not None and text.strip():
            raise forms.ValidationError(_("Paste the text or upload a file, not both."))
        if upload is not None:
            if upload.size > verification.MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is too large: %(size)d KB, at most %(max)d KB.")
                    % {"size": -(-upload.size // 1024), "max": verification.MAX_BYTES // 1024})
            data = upload.read(verification.MAX_BYTES + 1)
        elif text.strip():
            data = text
        else:
            raise forms.ValidationError(_("Paste a credential or choose its file."))
        try:
            cleaned["document"] = verification.parse(data)
        except verification.BadInput as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned
