# ruff: noqa: RUF012
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contests", "0001_initial"),
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
