"""Background work of claims: the deadline reminders and notices, enqueued every hour by the worker's beat."""

from datetime import timedelta

from django_tasks import task

from trato.claims import notifications

REMINDER_EVERY = timedelta(hours=1)


@task()
def claim_reminders_send() -> int:
    """Periodic: mail each responsible person once, TRATO_CLAIM_REMINDER_DAYS before the deadline."""
    return notifications.reminders_send()


@task()
def claim_deadline_notices_send() -> int:
    """Periodic: the in-app notice "due tomorrow" to each claim's people, once per claim and date."""
    return notifications.deadline_notices_send()


def register_reminders() -> None:
    from trato.jobs import periodic

    periodic.register("claims.reminders", claim_reminders_send, every=REMINDER_EVERY)
    periodic.register("claims.deadline_notices", claim_deadline_notices_send, every=REMINDER_EVERY)
