"""Background work of the outbox: send one message after its transaction commits; sweep the outbox every minute."""

from django_tasks import task

from trato.mail import sending


@task()
def message_send(*, message_pk: int) -> int:
    """Enqueued on commit by message_queue. A message already sent or not due is left alone."""
    return sending.send_messages([message_pk])


@task()
def outbox_sweep() -> int:
    """Periodic: recover messages left by stopped workers and send whatever is due (retries included)."""
    return sending.send_due()
