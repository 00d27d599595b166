"""Load the shipped reference list of WorldSkills Kazakhstan competencies."""

from django.db import migrations

from smarttvet.partnership import reference


def load(apps, schema_editor):
    reference.load_competencies(apps.get_model("partnership", "WorldSkillsCompetency"),
                                apps.get_model("registry", "EconomicSector"))


class Migration(migrations.Migration):
    dependencies = [("partnership", "0002_clusters_dual_target_mobility"), ("registry", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
