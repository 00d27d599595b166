"""What every page's shell needs: navigation, the user's roles, the demo-data banner."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import assignments, roles

PLANNERS = frozenset({"ministry", "region"})
MONITORS = frozenset({"ministry", "region", "organization"})
# (section, [(url name, label, audience)]): audience False = everyone, True = logged in, a set = those roles.
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
        ("partnership:my_enterprise", _("My enterprise"), frozenset({"employer"})),
    ]),
    (_("Learning"), [("gradebook:monitoring", _("Learning monitoring"), MONITORS)]),
    (_("Labour market"), [
        ("labour:heatmap", _("Demand and graduates"), False),
        ("labour:employment", _("Graduate employment"), False),
        ("labour:allocation_new", _("State-order allocation"), PLANNERS),
    ]),
    (_("Plans"), [("plans:list", _("Plans and roadmaps"), MONITORS)]),
    (_("Teacher portfolio"), [
        ("portfolio:home", _("My portfolio"), frozenset({"teacher"})),
        ("portfolio:queue", _("Verification queue"), frozenset({"organization", "verifier"})),
        ("portfolio:staff", _("Staff portfolios"), frozenset({"ministry", "region", "organization", "verifier"})),
        ("portfolio:dashboard", _("Teacher certification"), frozenset({"ministry", "region"})),
        ("portfolio:tokens", _("API tokens"), True),
        ("credentials:verify", _("Verify a credential"), False),
    ]),
    (_("Leadership"), [
        ("leadership:index", _("Cadre reserve"), frozenset({"ministry", "region", "committee", "assessor", "teacher"})),
        ("leadership:assignments", _("Reserve assessments"), frozenset({"committee", "assessor"})),
        ("leadership:reserve", _("Reserve registry"), frozenset({"ministry", "region", "committee"})),
        ("leadership:match", _("Vacancy matching"), frozenset({"ministry", "region", "committee"})),
    ]),
    (_("Director KPIs"), [
        ("kpi:list", _("KPI scorecards"), MONITORS),
        ("kpi:incentives", _("Incentive funding"), frozenset({"ministry"})),
    ]),
    (_("Administration"), [("accounts:audit", _("Audit trail"), True)]),
]


DEMO_SCALES = {"small": _("small"), "region": _("one region"), "national": _("national")}


def shell(request):
    from smarttvet.demo.models import DemoDataset

    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    sections = []
    user_roles = roles(user) if logged_in else set()
    superuser = logged_in and getattr(user, "is_superuser", False)
    for title, items in NAVIGATION:
        visible_items = [(name, label) for name, label, audience in items
                         if not audience or (logged_in and (audience is True or superuser or audience & user_roles))]
        if visible_items:
            sections.append((title, visible_items))
    dataset = DemoDataset.objects.order_by("-generated_at").first()
    return {
        "nav_sections": sections,
        "demo_scale": DEMO_SCALES.get(dataset.scale, dataset.scale) if dataset else "",
        "user_roles": assignments(user) if logged_in else [],
        "demo_dataset": dataset,
    }
