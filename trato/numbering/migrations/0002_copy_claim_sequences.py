"""Claims kept their own number sequences (claims.NumberSequence): carry them over before that table goes."""

from django.db import migrations


def copy_claim_sequences(apps, schema_editor):
    Old = apps.get_model("claims", "NumberSequence")
    Sequence = apps.get_model("numbering", "Sequence")
    for old in Old.objects.all():
        sequence, _created = Sequence.objects.get_or_create(prefix=old.prefix, year=old.year)
        if old.last > sequence.last:
            sequence.last = old.last
            sequence.save(update_fields=["last"])


def copy_back(apps, schema_editor):
    Old = apps.get_model("claims", "NumberSequence")
    Sequence = apps.get_model("numbering", "Sequence")
    for sequence in Sequence.objects.filter(prefix__in=["RC", "RP", "NC"]):
        Old.objects.update_or_create(prefix=sequence.prefix, year=sequence.year, defaults={"last": sequence.last})


class Migration(migrations.Migration):
    dependencies = [
        ("numbering", "0001_sequence"),
        ("claims", "0002_figures_not_negative"),
    ]

    operations = [migrations.RunPython(copy_claim_sequences, copy_back)]
