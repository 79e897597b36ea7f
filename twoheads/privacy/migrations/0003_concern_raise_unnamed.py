"""Audit events of raised concerns no longer name who raised them (see `raise_concern`)."""

from django.db import migrations


def unname(apps, schema_editor):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    AuditEvent.objects.filter(action="concern.raise").update(actor=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_timezone"),
        ("privacy", "0002_past_pair_tokens"),
    ]

    operations = [migrations.RunPython(unname, migrations.RunPython.noop)]
