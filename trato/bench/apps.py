from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`make bench`: a realistic PostgreSQL data set and the timing of every page against its raw SQL (no models)."""

    name = "trato.bench"
    label = "bench"
    verbose_name = "Bench"
