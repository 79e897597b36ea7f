"""Each pair's tally also keeps the minutes of its meetings held and how many did not take place."""

from django.db import migrations, models
from django.db.models import Count, Q, Sum


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingTally = apps.get_model("meetings", "MeetingTally")
    rows = (
        Meeting.objects.filter(held__isnull=False)
        .values("pair")
        .annotate(
            minutes=Sum("log__duration_minutes", filter=Q(held=True)),
            not_held=Count("pk", filter=Q(held=False)),
        )
        .order_by()
    )
    tallies = [
        MeetingTally(pair_id=r["pair"], minutes_held=r["minutes"] or 0, not_held=r["not_held"])
        for r in rows
    ]
    # A pair whose meetings were all not held has no tally yet: it starts with none held.
    MeetingTally.objects.bulk_create(tallies, batch_size=1000, ignore_conflicts=True)
    MeetingTally.objects.bulk_update(tallies, ["minutes_held", "not_held"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0007_who_changed_a_meeting")]

    operations = [
        migrations.AddField(
            model_name="meetingtally",
            name="minutes_held",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="meetingtally",
            name="not_held",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
