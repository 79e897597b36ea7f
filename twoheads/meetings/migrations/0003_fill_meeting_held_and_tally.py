"""Mark every logged meeting held or not, and count each pair's held meetings."""

from django.db import migrations
from django.db.models import Count, Max


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingTally = apps.get_model("meetings", "MeetingTally")
    for held in (True, False):
        Meeting.objects.filter(log__held=held).update(held=held)
    rows = (
        Meeting.objects.filter(held=True)
        .values("pair")
        .annotate(n=Count("pk"), last=Max("starts_at"))
        .order_by()
    )
    MeetingTally.objects.bulk_create(
        [MeetingTally(pair_id=r["pair"], held=r["n"], last_held_at=r["last"]) for r in rows],
        batch_size=1000,
    )


def empty(apps, schema_editor):
    apps.get_model("meetings", "MeetingTally").objects.all().delete()
    apps.get_model("meetings", "Meeting").objects.update(held=None)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_meeting_held_and_tally")]

    operations = [migrations.RunPython(fill, empty)]
