"""Background work of webhooks: one delivery after its transaction commits; a sweep every minute for retries and
for whatever a stopped worker left."""

from datetime import timedelta

from django_tasks import task

from trato.webhooks import delivery


@task()
def webhook_deliver(*, delivery_pk: int) -> str | None:
    return delivery.attempt(delivery_pk)


@task()
def webhook_sweep() -> int:
    return delivery.attempt_due()


def register_sweep() -> None:
    from trato.jobs import periodic

    periodic.register("webhooks.sweep", webhook_sweep, every=timedelta(minutes=1))
