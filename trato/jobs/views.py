"""The jobs page: what the background workers have queued, are running, finished or failed. Administrators only."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from trato.core.access import admin_only
from trato.core.errors import DomainError
from trato.core.listing import ANY, ListSpec, paginate
from trato.jobs.models import WorkerHeartbeat
from trato.jobs.recovery import LOST_EXCEPTION_PATH
from trato.jobs.services import task_retry

# Public status key in the URL -> stored status, with the words administrators read.
STATUSES = {
    "queued": (TaskResultStatus.READY, gettext_lazy("Queued")),
    "running": (TaskResultStatus.RUNNING, gettext_lazy("Running")),
    "failed": (TaskResultStatus.FAILED, gettext_lazy("Failed")),
    "successful": (TaskResultStatus.SUCCESSFUL, gettext_lazy("Finished")),
}
STATUS_KEYS = {stored: key for key, (stored, _label) in STATUSES.items()}
ALIVE_WITHIN = datetime.timedelta(minutes=2)  # a worker beats every few seconds, even while running a long task

JOB_LIST = ListSpec(
    sorts={"enqueued": "enqueued_at", "started": "started_at", "finished": "finished_at"},
    default_sort="-enqueued",
    filters={"status": set(STATUSES), "task": ANY},
)


@dataclass(frozen=True)
class JobRow:
    result: DBTaskResult
    status_key: str
    status_label: str
    task_name: str
    scheduled_for: datetime.datetime | None
    lost_with_worker: bool


def _row(result: DBTaskResult) -> JobRow:
    key = STATUS_KEYS.get(result.status, "")
    return JobRow(
        result=result,
        status_key=key,
        status_label=str(STATUSES[key][1]) if key else result.status,
        task_name=result.task_path.rsplit(".", 1)[-1],  # no import per row: the code may have changed since
        scheduled_for=None if result.run_after == get_date_max() else result.run_after,
        lost_with_worker=result.exception_class_path == LOST_EXCEPTION_PATH,
    )


def _filtered(params):
    results = DBTaskResult.objects.defer("return_value")
    if key := params.filter("status"):
        results = results.filter(status=STATUSES[key][0])
    if task_path := params.filter("task"):
        results = results.filter(task_path=task_path)
    return JOB_LIST.sort(results, params)


def _status_counts() -> dict[str, int]:
    counts = DBTaskResult.objects.aggregate(
        **{key: Count("pk", filter=Q(status=stored)) for key, (stored, _label) in STATUSES.items()}
    )
    return counts


@admin_only
def job_list(request):
    params = JOB_LIST.parse(request.GET)
    page = paginate(_filtered(params), params)
    counts = _status_counts()
    context = {
        "params": params,
        "page": page,
        "rows": [_row(result) for result in page.object_list],
        "status_tabs": [(key, label, counts[key]) for key, (_stored, label) in STATUSES.items()],
        "total": sum(counts.values()),
        "task_choices": DBTaskResult.objects.order_by("task_path").values_list("task_path", flat=True).distinct(),
        "live_workers": WorkerHeartbeat.objects.filter(last_seen_at__gte=timezone.now() - ALIVE_WITHIN).count(),
        "sort_links": JOB_LIST.sort_links(request.GET, params),
    }
    template = "jobs/list.html#table" if request.htmx and not request.htmx.boosted else "jobs/list.html"
    return render(request, template, context)


@require_POST
@admin_only
def job_retry(request, pk):
    result = get_object_or_404(DBTaskResult, pk=pk)
    try:
        task_retry(result=result, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The job “%(name)s” is queued again.") % {"name": _row(result).task_name})
    return redirect(_back_to_list(request))


def _back_to_list(request) -> str:
    """Back to the list as it was shown (filters, page), never to another site."""
    back = request.POST.get("next", "")
    list_url = reverse("jobs:list")
    allowed = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith(list_url)
    return back if allowed else list_url
