"""Languages already stored become codes ("English" and "en-GB" become "en"), as the profile
page and the import now store them, so that people stored before still share a language."""

from django.db import migrations

from twoheads.participants.languages import language_codes


def to_codes(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    changed = []
    for person in Participant.objects.exclude(languages=[]).only("languages").iterator(2000):
        codes = language_codes(person.languages or [])
        if codes != person.languages:
            person.languages = codes
            changed.append(person)
        if len(changed) >= 1000:
            Participant.objects.bulk_update(changed, ["languages"])
            changed = []
    Participant.objects.bulk_update(changed, ["languages"])


class Migration(migrations.Migration):
    dependencies = [("participants", "0003_alter_participant_timezone")]

    operations = [migrations.RunPython(to_codes, migrations.RunPython.noop)]
