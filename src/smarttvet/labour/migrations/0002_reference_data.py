"""Load the shipped labour-market reference data: occupations (NKZ / ISCO-08 unit groups) and their specialties."""

from django.db import migrations

from smarttvet.labour import reference


def load(apps, schema_editor):
    reference.load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("labour", "0001_initial"), ("registry", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
