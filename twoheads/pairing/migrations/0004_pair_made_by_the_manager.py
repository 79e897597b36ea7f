"""A pair remembers that the programme manager made it, and their reason, which both partners
read. Pairs published before are given what their run's proposal recorded."""

from django.db import migrations, models


def from_the_runs(apps, schema_editor):
    Pair = apps.get_model("pairing", "Pair")
    ProposedPair = apps.get_model("pairing", "ProposedPair")
    manual = ProposedPair.objects.filter(manual=True).values_list(
        "run_id", "mentor_id", "mentee_id", "note"
    )
    for run_id, mentor_id, mentee_id, note in manual.iterator():
        Pair.objects.filter(run_id=run_id, mentor_id=mentor_id, mentee_id=mentee_id).update(
            manual=True, manager_reason=note
        )


class Migration(migrations.Migration):
    dependencies = [("pairing", "0003_explanations_for_participants")]

    operations = [
        migrations.AddField(
            model_name="pair",
            name="manager_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="pair",
            name="manual",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(from_the_runs, migrations.RunPython.noop),
    ]
