"""Load the shipped reference data: the 20 regions, OKED sections, ISCED-F fields and the classifier."""

from django.db import migrations

from smarttvet.registry import reference


def load(apps, schema_editor):
    reference.load_regions(apps.get_model("registry", "Region"))
    reference.load_sectors(apps.get_model("registry", "EconomicSector"))
    field_model = apps.get_model("registry", "FieldOfEducation")
    reference.load_fields(field_model)
    reference.load_classifier(
        field_model, apps.get_model("registry", "Specialty"), apps.get_model("registry", "Qualification")
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
