"""Each concern keeps whose managers read it: its author's own organisation (a blank one, or
an author no longer known, is the host's). Until now every concern went to the host's."""

import django.db.models.deletion
from django.db import migrations, models


def address(apps, schema_editor):
    Concern = apps.get_model("privacy", "Concern")
    for concern in Concern.objects.select_related("author", "programme").iterator():
        author = concern.author
        home = author.organisation_id if author is not None else None
        concern.organisation_id = home or concern.programme.organisation_id
        concern.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_timezone"),
        ("participants", "0005_invitation_organisation"),
        ("privacy", "0003_concern_raise_unnamed"),
    ]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
                verbose_name="read by the managers of",
            ),
        ),
        migrations.RunPython(address, migrations.RunPython.noop),
    ]
