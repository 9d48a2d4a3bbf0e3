import datetime

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.jobs.tasks import append_line, explode


def queued(*, value="a", path="/tmp/never-written") -> DBTaskResult:
    return append_line.enqueue(path, value).db_result


def running(*, worker_id="worker-1", started_ago=datetime.timedelta(seconds=1)) -> DBTaskResult:
    result = queued()
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - started_ago)
    result.refresh_from_db()
    return result


def failed(*, reason="bad input") -> DBTaskResult:
    result = explode.enqueue(reason).db_result
    result.claim("worker-1")
    try:
        explode.call(reason)
    except ValueError as error:
        result.set_failed(error)
    return result


def successful() -> DBTaskResult:
    result = queued()
    result.claim("worker-1")
    result.set_successful(None)
    assert result.status == TaskResultStatus.SUCCESSFUL
    return result
