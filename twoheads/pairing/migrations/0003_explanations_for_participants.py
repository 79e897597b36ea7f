"""Stored explanations of locked pairs lose what only the manager is told.

Runs used to store the engine's full text, "Locked by the programme manager. <why> It breaks:
<rules>.", which a pair's partners then read on their pages and in the matched email, with
each other's levels in the rules. The lock and the rules are kept in their own fields.
"""

from django.db import migrations

LOCKED = "Locked by the programme manager. "
BREAKS = " It breaks: "


def plain(text: str) -> str:
    text = text.removeprefix(LOCKED)
    return text.split(BREAKS, 1)[0]


def strip_manager_words(apps, schema_editor):
    for name in ("Pair", "ProposedPair"):
        model = apps.get_model("pairing", name)
        for row in model.objects.filter(explanation__startswith=LOCKED).only("explanation"):
            row.explanation = plain(row.explanation)
            row.save(update_fields=["explanation"])


class Migration(migrations.Migration):
    dependencies = [("pairing", "0002_match_workflow")]

    operations = [migrations.RunPython(strip_manager_words, migrations.RunPython.noop)]
