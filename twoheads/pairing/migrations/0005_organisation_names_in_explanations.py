"""Stored explanations name the organisations a pair spans, not their database ids.

Runs used to give the engine each person's organisation id, so a pair across two organisations
read "They work in different organisations (1, 2)." to its partners, and a pair the programme
could not make "different organisations (1, 2) and ..." to its manager. The ids become names.
"""

import re

from django.db import migrations

IDS = re.compile(r"different organisations \((\d+|none), (\d+|none)\)")


def name_organisations(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    names = {str(pk): name for pk, name in Organisation.objects.values_list("pk", "name")}

    def named(text):
        return IDS.sub(
            lambda m: f"different organisations ({names.get(m[1], m[1])}, {names.get(m[2], m[2])})",
            text,
        )

    for model_name in ("Pair", "ProposedPair"):
        model = apps.get_model("pairing", model_name)
        rows = model.objects.filter(explanation__contains="different organisations (")
        for row in rows.only("explanation"):
            row.explanation = named(row.explanation)
            row.save(update_fields=["explanation"])
    ProposedPair = apps.get_model("pairing", "ProposedPair")
    for row in ProposedPair.objects.exclude(broken_rules=[]).only("broken_rules"):
        rules = [named(rule) for rule in row.broken_rules]
        if rules != row.broken_rules:
            row.broken_rules = rules
            row.save(update_fields=["broken_rules"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_timezone"),
        ("pairing", "0004_pair_made_by_the_manager"),
    ]

    operations = [migrations.RunPython(name_organisations, migrations.RunPython.noop)]
