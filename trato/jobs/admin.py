from django.contrib import admin

from trato.jobs.models import PeriodicJob, WorkerHeartbeat


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_enqueued_at"]
    search_fields = ["name"]
    readonly_fields = ["name", "last_enqueued_at"]  # next_run_at stays editable: "run it now" = set it to now


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen_at")
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False
