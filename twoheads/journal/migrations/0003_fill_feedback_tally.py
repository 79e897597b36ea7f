"""Copy each feedback's meeting pair and start onto it, and add up each pair's feedback."""

from django.db import migrations
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

DIMENSIONS = ("listened", "was_listened_to", "learned", "will_act")


def fill(apps, schema_editor):
    Feedback = apps.get_model("journal", "Feedback")
    FeedbackTally = apps.get_model("journal", "FeedbackTally")
    Meeting = apps.get_model("meetings", "Meeting")
    meeting = Meeting.objects.filter(pk=OuterRef("meeting"))
    Feedback.objects.update(
        pair=Subquery(meeting.values("pair")[:1]),
        meeting_starts_at=Subquery(meeting.values("starts_at")[:1]),
    )
    total = F("listened") + F("was_listened_to") + F("learned") + F("will_act")
    sums = {"ratings": Count("pk"), "rating_total": Sum(total)}
    for side in ("mentor", "mentee"):
        mine = Q(author=F(f"pair__{side}__user"))
        sums[f"{side}_ratings"] = Count("pk", filter=mine)
        for name in DIMENSIONS:
            sums[f"{side}_{name}"] = Sum(name, filter=mine)
    rows = Feedback.objects.values("pair").annotate(**sums).order_by()
    FeedbackTally.objects.bulk_create(
        [FeedbackTally(pair_id=row["pair"], **{k: row[k] or 0 for k in sums}) for row in rows],
        batch_size=1000,
    )


def empty(apps, schema_editor):
    apps.get_model("journal", "FeedbackTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_feedback_tally"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, empty)]
