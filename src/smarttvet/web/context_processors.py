"""What every page's shell needs: navigation, the user's roles, the demo-data banner."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import assignments

# (section title, [(url name, label, needs login)])
NAVIGATION = [
    (_("Overview"), [("web:home", _("Dashboard"), False)]),
    (_("Registry"), [
        ("registry:regions", _("Regions"), False),
        ("registry:organizations", _("Organisations"), False),
        ("registry:classifier", _("Specialties"), False),
        ("registry:enterprises", _("Enterprises"), False),
    ]),
    (_("People"), [
        ("people:teachers", _("Teachers"), True),
        ("people:students", _("Students"), True),
        ("people:graduates", _("Graduates"), True),
    ]),
    (_("Ratings"), [
        ("rating:league_table", _("League table"), False),
        ("rating:regions", _("Leagues by region"), False),
        ("rating:methodology", _("Methodology"), False),
        ("rating:compare", _("Run comparison"), False),
        ("rating:runs", _("Rating runs"), False),
    ]),
    (_("Partnership"), [
        ("partnership:clusters", _("Clusters"), False),
        ("partnership:agreements", _("Employer agreements"), False),
        ("partnership:training", _("Dual training and target orders"), True),
        ("partnership:infrastructure", _("Infrastructure and WorldSkills"), False),
        ("partnership:my_enterprise", _("My enterprise"), True),
    ]),
    (_("Learning"), [("gradebook:monitoring", _("Learning monitoring"), True)]),
    (_("Labour market"), [
        ("labour:heatmap", _("Demand and graduates"), False),
        ("labour:employment", _("Graduate employment"), False),
    ]),
    (_("Plans"), [("plans:list", _("Plans and roadmaps"), True)]),
    (_("Administration"), [("accounts:audit", _("Audit trail"), True)]),
]


DEMO_SCALES = {"small": _("small"), "region": _("one region"), "national": _("national")}


def shell(request):
    from smarttvet.demo.models import DemoDataset

    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    sections = []
    for title, items in NAVIGATION:
        visible_items = [(name, label) for name, label, needs_login in items if logged_in or not needs_login]
        if visible_items:
            sections.append((title, visible_items))
    dataset = DemoDataset.objects.order_by("-generated_at").first()
    return {
        "nav_sections": sections,
        "demo_scale": DEMO_SCALES.get(dataset.scale, dataset.scale) if dataset else "",
        "user_roles": assignments(user) if logged_in else [],
        "demo_dataset": dataset,
    }
