"""Pairs carry the time of their last change, for integrators asking what changed since."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


def last_known_change(apps, schema_editor):
    """A pair's last change before this field was known: when it ended or was declined, else
    when it became active, else when it was made."""
    Pair = apps.get_model("pairing", "Pair")
    Pair.objects.update(updated_at=Coalesce("ended_at", "activated_at", "created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("pairing", "0005_organisation_names_in_explanations"),
    ]

    operations = [
        migrations.AddField(
            model_name="pair",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunPython(last_known_change, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="pair",
            index=models.Index(
                fields=["programme", "updated_at"], name="pairing_pai_program_5a4fdc_idx"
            ),
        ),
    ]
