"""Indexes for the jobs page on django-tasks-db's table (its own indexes serve the worker, not the list).

RunSQL because the table belongs to another app; the SQL is the same on SQLite and PostgreSQL.
"""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"
INDEXES = {
    "trato_jobs_result_enqueued": "enqueued_at",
    "trato_jobs_result_status_enqueued": "status, enqueued_at",
    "trato_jobs_result_task_path": "task_path, enqueued_at",
}


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
