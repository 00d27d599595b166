"""Public pages: verify a credential (paste or upload), a stored credential's status and its JSON, the platform's
keys; the PDF copy, for the teacher, their organisation and the ministry only; revocation by the ministry or
the holder's organisation. Thin: the checks live in
``verification``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smarttvet.accounts.scoping import get_visible_or_404, visible
from smarttvet.credentials import keys, pdf, services, verification
from smarttvet.credentials.forms import VerifyForm
from smarttvet.credentials.models import IssuedCredential
from smarttvet.credentials.qr import qr_svg

LANGUAGE_NAMES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


@require_http_methods(["GET", "POST"])
def verify_page(request):
    result, status = None, 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            result = verification.verify(form.cleaned_data["document"])
        else:
            status = 400
    else:
        form = VerifyForm()
    return render(request, "credentials/verify.html", {"form": form, "result": result}, status=status)


def credential_detail(request, public_id):
    credential = get_object_or_404(IssuedCredential.objects.select_related("teacher"), public_id=public_id)
    may_print = request.user.is_authenticated and visible(
        request.user, IssuedCredential.objects.filter(pk=credential.pk)).exists()
    url = services.verification_url(credential)
    return render(request, "credentials/detail.html", {
        "credential": credential, "result": verification.verify_stored(credential), "may_print": may_print,
        "may_revoke": may_print and credential.revoked_at is None and services.may_revoke(request.user, credential),
        "languages": LANGUAGE_NAMES, "url": url, "qr": qr_svg(url),
    })


@login_required
@require_POST
def credential_revoke(request, public_id):
    """Revoke with a reason (the ministry, the holder's organisation): outside the user's scope 404, without
    the right 403, a missing reason or a second revocation a message; nothing written then."""
    credential = get_visible_or_404(request.user, IssuedCredential.objects.select_related("teacher"),
                                    public_id=public_id)
    try:
        services.revoke(credential, reason=request.POST.get("reason", ""), actor=request.user)
    except ValidationError as error:
        for problems in error.message_dict.values():
            messages.error(request, " ".join(problems))
    else:
        messages.success(request, _("The credential is revoked: from now on it fails verification."))
    return redirect("credentials:detail", public_id=credential.public_id)


def credential_json(request, public_id):
    credential = get_object_or_404(IssuedCredential, public_id=public_id)
    response = HttpResponse(credential.json_bytes(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{credential.file_name()}"'
    return response


def credential_pdf(request, public_id):
    """The PDF copy in ``?lang=`` (kk, ru, en). The teacher, their organisation (and region) and the ministry only:
    for anybody else the PDF does not exist (404); an anonymous visitor is asked to log in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    credential = get_visible_or_404(request.user, IssuedCredential.objects.select_related("teacher"),
                                    public_id=public_id)
    language = pdf.pdf_language(request.GET.get("lang"), request.LANGUAGE_CODE)
    response = HttpResponse(pdf.credential_pdf(credential, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{credential.file_name(language + ".pdf")}"'
    return response


def keys_json(request):
    """The platform's public keys (current, retired, compromised) with the issuer's profile."""
    return JsonResponse(keys.public_registry(services.issuer_profile()), json_dumps_params={"indent": 2})

