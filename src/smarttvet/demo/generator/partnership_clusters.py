"""Regional educational-production clusters in the demo. Called last from :mod:`.partnership`.

Every region gets one cluster of the sector its economy leans on (the registry stage's region characters):
mining and metallurgy in Karaganda, Ulytau, East Kazakhstan, Pavlodar and Abai; oil and gas in Atyrau,
Mangystau, West Kazakhstan, Aktobe and Kyzylorda; IT in the three cities; agro-industry elsewhere. Its members:

* **anchor enterprises**: the region's largest enterprises of the cluster's main sector, then of its other
  sectors (2-4 in all);
* **colleges**: up to five colleges of the region teaching the cluster's specialties, most students first
  (medical, pedagogical and arts colleges only where no other college teaches them);
* **specialties**: the cluster's specialties those colleges teach;
* **schools**: one to three schools of the region with profile classes of the cluster's profile, with their
  pupils entered for each school year since the cluster was founded (25-60 a school, growing).

Each member college gets a social-partnership agreement with each anchor enterprise, signed when the cluster
was founded, unless one is already in force.

**The mining-metallurgy cluster** of Karaganda (or of the first mining region of the scale) reproduces the
seed document's report that its graduates are all employed: every graduate of its specialties at its
colleges since its founding (2020) is recorded as employed in the field 6 and 12 months after graduating, at
an anchor enterprise (about nine in ten) or where the graduate already worked in the region, confirmed by the
employer. The people stage's ``employed_12_months`` count is corrected by the difference.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from smarttvet.demo.generator.context import CURRENT_YEAR, Context, insert, wipe_table
from smarttvet.demo.generator.registry import AGRICULTURE, CITIES, MINING, OIL
from smarttvet.partnership.models import Cluster, ClusterSchool, EmployerAgreement, ProfileClassYear
from smarttvet.people.models import GraduateOutcome, Student
from smarttvet.registry.models import EconomicSector, Organization, Specialty

MINING_FOUNDED = 2020
UNFIT_PROFILES = frozenset({"medical", "pedagogical", "music", "arts"})
MINING_PREFERENCE = ("35", "55", "63", "62", "10")  # Karaganda first

# kind -> (main sector, sectors of anchors, specialty-code prefixes, school profile, names (kk, ru, en))
KINDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str, tuple[str, str, str]]] = {
    "mining": ("B", ("B", "C"),
               ("072404", "072405", "072406", "072407", "071507", "071508", "071505", "071301", "071302",
                "071511", "071401"),
               "mining",
               ("Тау-кен металлургиялық кластері — {kk}", "Горно-металлургический кластер — {ru}",
                "{en}: mining and metallurgy cluster")),
    "oil_gas": ("B", ("B", "H", "C"),
                ("072401", "072402", "072403", "071101", "071102", "071301", "071505", "071401"),
                "oil_gas",
                ("Мұнай-газ кластері — {kk}", "Нефтегазовый кластер — {ru}", "{en}: oil and gas cluster")),
    "digital": ("J", ("J", "K", "M"),
                ("06", "071405", "071409", "071410"),
                "it",
                ("IT және цифрлық технологиялар кластері — {kk}", "Кластер IT и цифровых технологий — {ru}",
                 "{en}: IT and digital technology cluster")),
    "agro": ("A", ("A", "C"),
             ("08", "0721"),
             "agriculture",
             ("Агроөнеркәсіптік кластер — {kk}", "Агропромышленный кластер — {ru}",
              "{en}: agro-industrial cluster")),
}


@dataclass
class _Made:
    cluster: Cluster
    schools: list[int]
    profile: str
    members: list[int]  # college indices
    anchors: np.ndarray  # enterprise indices
    kind: str
    region: int  # region index


def region_kind(prefix: str) -> str:
    if prefix in MINING:
        return "mining"
    if prefix in OIL:
        return "oil_gas"
    if prefix in CITIES:
        return "digital"
    if prefix in AGRICULTURE:
        return "agro"
    return "agro"


def mining_region(ctx: Context) -> int | None:
    """The index of the region whose mining cluster reports 100% employment."""
    for prefix in MINING_PREFERENCE:
        found = ctx.region_index(prefix)
        if found is not None:
            return found
    return None


def generate_clusters(ctx: Context) -> None:
    rng = ctx.rng("partnership-clusters")
    colleges, offers, ent = ctx.colleges, ctx.offers, ctx.enterprises
    codes = dict(Specialty.objects.values_list("pk", "code"))
    offer_codes = np.array([codes.get(int(s), "") for s in offers.specialty_id.tolist()])
    admitted = (offers.admitted_state + offers.admitted_target + offers.admitted_paid).sum(axis=1)
    sectors = dict(EconomicSector.objects.values_list("code", "pk"))
    schools: dict[int, list[int]] = defaultdict(list)
    for pk, region_id in Organization.objects.filter(kind=Organization.Kind.SCHOOL).order_by("pk").values_list(
            "pk", "region_id"):
        schools[region_id].append(pk)
    mining = mining_region(ctx)
    made = []
    for r, region in enumerate(ctx.regions):
        kind = region_kind(region.prefix)
        main, anchor_sectors, prefixes, profile, names = KINDS[kind]
        fits = np.zeros(offers.n, bool)
        for prefix in prefixes:
            fits |= np.char.startswith(offer_codes, prefix)
        fits &= colleges.region[offers.college] == r
        if not fits.any():
            continue
        weight = np.bincount(offers.college[fits], weights=admitted[fits], minlength=colleges.n)
        fitting = weight * np.array([p not in UNFIT_PROFILES for p in colleges.profile])
        if fitting.any():  # a medical or arts college teaching one such specialty is not a member
            weight = fitting
        members = [int(i) for i in np.argsort(-weight, kind="stable")[:5] if weight[i] > 0]
        specialties = sorted({int(offers.specialty_id[o]) for o in np.flatnonzero(fits)
                              if int(offers.college[o]) in members})
        pool = np.flatnonzero((ent.region == r) & np.isin(ent.sector, list(anchor_sectors)))
        if not len(pool) or not members:
            continue
        rank = np.array([anchor_sectors.index(sector) for sector in ent.sector[pool]])
        pool = pool[np.lexsort((-ent.employees[pool], rank))]  # the main sector first, larger first
        anchors = pool[: int(rng.integers(2, 5))]
        founded = MINING_FOUNDED if r == mining and kind == "mining" else int(rng.integers(2019, 2024))
        kk, ru, en = (template.format(kk=region.name_kk, ru=region.name_ru, en=region.name_en) for template in names)
        cluster = Cluster.objects.create(name_kk=kk, name_ru=ru, name_en=en, region_id=region.pk,
                                         sector_id=sectors[main], year_founded=founded)
        cluster.colleges.set([int(colleges.ids[i]) for i in members])
        cluster.anchor_enterprises.set([int(ent.ids[e]) for e in anchors])
        cluster.specialties.set(specialties)
        region_schools = schools.get(region.pk, [])
        chosen = (rng.choice(region_schools, size=min(len(region_schools), int(rng.integers(1, 4))), replace=False)
                  if region_schools else [])
        made.append(_Made(cluster, [int(s) for s in chosen], profile, members, anchors, kind, r))

    memberships, years = [], []
    for m in made:
        for s in m.schools:
            memberships.append(ClusterSchool(cluster=m.cluster, school_id=s, profile=m.profile))
    ClusterSchool.objects.bulk_create(memberships)
    for membership in memberships:
        founded = membership.cluster.year_founded
        pupils = rng.integers(25, 61)
        for year in range(founded, CURRENT_YEAR + 1):
            years.append(ProfileClassYear(cluster_school=membership, year=year,
                                          pupils=int(round(pupils * 1.05 ** (year - founded)))))
    insert(ctx, ProfileClassYear, len(years), lambda a, b: years[a:b], "Profile-class pupils")
    _cluster_agreements(ctx, made)
    ctx.counts["clusters"] = len(made)
    ctx.counts["cluster_schools"] = len(memberships)
    ctx.counts["mining_clusters"] = sum(1 for m in made if m.kind == "mining")
    for m in made:
        if m.region == mining and m.kind == "mining":
            _employ_all(ctx, m.cluster, m.anchors)


def _cluster_agreements(ctx: Context, made: list[_Made]) -> None:
    """A social-partnership agreement between each member college and anchor enterprise, unless one is in force
    when the cluster is founded."""
    colleges, ent = ctx.colleges, ctx.enterprises
    pairs = {(int(colleges.ids[i]), int(ent.ids[e]), m.cluster.year_founded)
             for m in made for i in m.members for e in m.anchors.tolist()}
    if not pairs:
        ctx.counts["cluster_agreements"] = 0
        return
    existing = defaultdict(list)
    for org, e, signed, expires in EmployerAgreement.objects.filter(
            organization_id__in={p[0] for p in pairs}, enterprise_id__in={p[1] for p in pairs}).values_list(
            "organization_id", "enterprise_id", "signed_on", "expires_on"):
        existing[(org, e)].append((signed, expires))
    rows = []
    for org, e, founded in sorted(pairs):
        day = dt.date(founded, 9, 1)
        if any(signed <= day and (expires is None or expires >= day) for signed, expires in existing[(org, e)]):
            continue
        rows.append(EmployerAgreement(organization_id=org, enterprise_id=e, kind="partnership", signed_on=day))
    insert(ctx, EmployerAgreement, len(rows), lambda a, b: rows[a:b], "Cluster agreements")
    ctx.counts["employer_agreements"] = ctx.counts.get("employer_agreements", 0) + len(rows)
    ctx.counts["cluster_agreements"] = len(rows)


def _employ_all(ctx: Context, cluster: Cluster, anchors: np.ndarray) -> None:
    """Record every graduate of the cluster since its founding as employed in the field at 6 and 12 months."""
    rng = ctx.rng("partnership-mining-cluster")
    ent = ctx.enterprises
    anchor_ids = np.array([int(ent.ids[e]) for e in anchors])
    weight = np.sqrt(ent.employees[anchors].astype(float))
    region_index = next(i for i, r in enumerate(ctx.regions) if r.pk == cluster.region_id)
    region_enterprises = {int(pk) for pk in ent.ids[ent.region == region_index].tolist()}
    anchor_set = set(anchor_ids.tolist())
    # Ids are read first: PostgreSQL plans the nested IN subqueries badly on freshly loaded tables (minutes).
    graduates = list(Student.objects.filter(
        status=Student.Status.GRADUATED, status_year__gte=cluster.year_founded,
        organization__in=list(cluster.colleges.values_list("pk", flat=True)),
        specialty__in=list(cluster.specialties.values_list("pk", flat=True))).values_list("pk", flat=True))
    outcomes = []
    for start in range(0, len(graduates), 5000):
        outcomes += GraduateOutcome.objects.filter(student_id__in=graduates[start:start + 5000])
    outcomes.sort(key=lambda o: (o.student_id, o.months_after))
    before12 = sum(1 for o in outcomes if o.months_after == 12 and o.status == GraduateOutcome.Status.EMPLOYED)
    choice: dict[int, int] = {}
    for outcome in outcomes:
        if outcome.student_id not in choice:
            current = outcome.employer_id
            if current in anchor_set or (current in region_enterprises and rng.random() < 0.1):
                choice[outcome.student_id] = current
            else:
                choice[outcome.student_id] = int(anchor_ids[rng.choice(len(anchor_ids), p=weight / weight.sum())])
        if outcome.status != GraduateOutcome.Status.EMPLOYED or outcome.employer_id is None:
            outcome.source = GraduateOutcome.Source.EMPLOYER
        outcome.status = GraduateOutcome.Status.EMPLOYED
        outcome.in_field = True
        outcome.employer_id = choice[outcome.student_id]
    GraduateOutcome.objects.bulk_update(outcomes, ["status", "in_field", "employer", "source"], batch_size=2000)
    observed12 = sum(1 for o in outcomes if o.months_after == 12)
    ctx.counts["employed_12_months"] = ctx.counts.get("employed_12_months", 0) + observed12 - before12
    ctx.counts["mining_cluster_graduates"] = len(graduates)
    ctx.counts["mining_cluster_observed_12_months"] = observed12
    ctx.counts["mining_cluster_employed_12_months"] = observed12
    ctx.counts["mining_cluster_at_anchors_12_months"] = sum(
        1 for o in outcomes if o.months_after == 12 and o.employer_id in anchor_set)


def generate(ctx: Context) -> None:
    """Create the clusters (and record the mining cluster's graduates as employed)."""
    generate_clusters(ctx)


def clear() -> None:
    """Delete the clusters, their members and their schools' pupils."""
    wipe_table(ProfileClassYear)
    wipe_table(ClusterSchool)
    for through in (Cluster.colleges.through, Cluster.anchor_enterprises.through, Cluster.specialties.through):
        wipe_table(through)
    wipe_table(Cluster)

