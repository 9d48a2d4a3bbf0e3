"""Writes on background jobs, shared by the jobs page (and any future API)."""

import logging

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks_db.compat import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from trato.accounts.roles import is_admin
from trato.core.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)


class TaskGone(DomainError):
    code = "task_gone"
    default_message = _("This task no longer exists in Trato's code, so it cannot be run again.")


class NotRetriable(DomainError):
    code = "not_retriable"
    default_message = _("Only a failed job can be retried.")


def task_retry(*, result: DBTaskResult, by) -> DBTaskResult:
    """Enqueue the task of a failed result again with the same arguments, as a new result; the old one stays."""
    if not is_admin(by):
        raise NotAllowed()
    if result.status != TaskResultStatus.FAILED:
        raise NotRetriable()
    task = _task_of(result)
    args = result.args_kwargs.get("args", [])
    kwargs = result.args_kwargs.get("kwargs", {})
    retried = task.using(priority=result.priority, queue_name=result.queue_name, backend=result.backend_name)
    new_result = retried.enqueue(*args, **kwargs)
    logger.info("Task %s (%s) retried by %s as %s", result.pk, result.task_path, by, new_result.id)
    return new_result.db_result


def _task_of(result: DBTaskResult) -> Task:
    try:
        task = import_string(result.task_path)
    except ImportError as error:
        raise TaskGone() from error
    if not isinstance(task, Task):
        raise TaskGone()
    return task
