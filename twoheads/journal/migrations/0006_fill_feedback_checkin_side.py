"""Record which side of its pair wrote each feedback and check-in, from the author's account.

The feedback tallies were added up the same way, so they stay as they are.
"""

from django.db import migrations
from django.db.models import F

SIDES = ("mentor", "mentee")


def fill(apps, schema_editor):
    for name in ("Feedback", "CheckIn"):
        rows = apps.get_model("journal", name).objects.filter(side="")
        for side in SIDES:
            rows.filter(author=F(f"pair__{side}__user")).update(side=side)


def empty(apps, schema_editor):
    for name in ("Feedback", "CheckIn"):
        apps.get_model("journal", name).objects.update(side="")


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0005_feedback_checkin_side_author_kept"),
        ("pairing", "0002_match_workflow"),
    ]

    operations = [migrations.RunPython(fill, empty)]
