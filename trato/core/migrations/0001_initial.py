import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedFilter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("list_key", models.CharField(max_length=40, verbose_name="list")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("query", models.CharField(max_length=1000, verbose_name="filters")),
                ("shared", models.BooleanField(default=False, verbose_name="shared with everyone")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_filters",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "saved filter",
                "verbose_name_plural": "saved filters",
                "ordering": ["name", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("shared", True)), fields=["list_key", "name"], name="saved_filter_shared"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("owner"),
                        models.F("list_key"),
                        django.db.models.functions.text.Lower("name"),
                        name="saved_filter_name_per_owner",
                    )
                ],
            },
        ),
    ]
