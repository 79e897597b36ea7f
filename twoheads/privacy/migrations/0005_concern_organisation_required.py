"""Every concern now names whose managers read it (filled in by 0004, in its own transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_concern_organisation")]

    operations = [
        migrations.AlterField(
            model_name="concern",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
                verbose_name="read by the managers of",
            ),
        ),
    ]
