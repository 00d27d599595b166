"""The reference data the migrations load (regions, classifier, occupations, WorldSkills competencies).

Transactional tests empty every table afterwards, the migrations' data included: a test that needs it after
one of them (the browser tests, the backup test) reloads it with ``ensure_reference_data()``.
"""

from __future__ import annotations


def ensure_reference_data() -> None:
    from smarttvet.labour import reference as labour_reference
    from smarttvet.labour.models import Occupation
    from smarttvet.partnership import reference as partnership_reference
    from smarttvet.partnership.models import WorldSkillsCompetency
    from smarttvet.registry import reference
    from smarttvet.registry.models import EconomicSector, FieldOfEducation, Qualification, Region, Specialty

    if not Region.objects.exists():
        reference.load_regions(Region)
        reference.load_sectors(EconomicSector)
        reference.load_fields(FieldOfEducation)
        reference.load_classifier(FieldOfEducation, Specialty, Qualification)
    if not Occupation.objects.exists():
        labour_reference.load_all()
    if not WorldSkillsCompetency.objects.exists():
        partnership_reference.load_competencies(WorldSkillsCompetency, EconomicSector)
