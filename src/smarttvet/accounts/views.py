from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q

from smarttvet.accounts.models import AuditEntry
from smarttvet.accounts.scoping import assignments
from smarttvet.web.listing import list_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def audit_visible(user):
    """Audit rows about records inside the user's scope (the ministry sees all)."""
    if user.is_superuser:
        return AuditEntry.objects.all()
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == "ministry":
            return AuditEntry.objects.all()
        if a.role == "region":
            condition |= Q(region_id=a.region_id)
        elif a.role == "organization":
            condition |= Q(organization_id=a.organization_id)
        condition |= Q(actor=user)
    return AuditEntry.objects.filter(condition)


@login_required
def audit(request):
    return list_page(request, queryset=audit_visible(request.user).select_related("actor"),
                     template="accounts/audit.html")
