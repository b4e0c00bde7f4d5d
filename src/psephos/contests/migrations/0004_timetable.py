# ruff: noqa: RUF012
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contests", "0003_audit_signatures"),
    ]

    operations = [
        migrations.AddField(
            model_name="contest",
            name="opens_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="contest",
            name="closes_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
