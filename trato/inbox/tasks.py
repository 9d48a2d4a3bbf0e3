"""The IMAP poller: every minute, each enabled mailbox's unseen mail is ingested, then flagged seen.

A message is flagged seen only once it is stored, so a poll that dies half-way fetches the rest next time;
one fetched twice is recognised by its Message-ID and files nothing new.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags

from trato.inbox.models import Mailbox, Security, Source

logger = logging.getLogger(__name__)

FETCH_CHUNK = 20  # messages per IMAP FETCH: bounded memory with large attachments
MAX_PER_POLL = 500  # a huge backlog is read over several polls rather than in one endless task
CLIENTS: dict[str, type[MailBox | MailBoxStartTls | MailBoxUnencrypted]] = {
    Security.SSL: MailBox,
    Security.STARTTLS: MailBoxStartTls,
    Security.NONE: MailBoxUnencrypted,
}


def _connect(mailbox: Mailbox):
    client = CLIENTS[mailbox.security](mailbox.host, port=mailbox.port, timeout=60)
    return client.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder or "INBOX")


def _raw_bytes(message) -> bytes:
    return message.obj.as_bytes()


def poll_mailbox(mailbox: Mailbox) -> int:
    """Ingest the mailbox's unseen messages; return how many were stored. Errors are kept on the mailbox."""
    from trato.inbox.services import message_ingest

    count, error = 0, ""
    try:
        with _connect(mailbox) as client:
            unseen = client.fetch(AND(seen=False), mark_seen=False, bulk=FETCH_CHUNK, limit=MAX_PER_POLL)
            for message in unseen:
                message_ingest(_raw_bytes(message), source=Source.IMAP, mailbox=mailbox)
                client.flag(message.uid, MailMessageFlags.SEEN, True)
                count += 1
    except Exception as exc:  # one broken mailbox must not stop the others
        logger.exception("Polling the mailbox %s failed", mailbox)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=error)
    return count


@task()
def poll_mailboxes() -> int:
    """Poll every enabled mailbox once."""
    return sum(poll_mailbox(mailbox) for mailbox in Mailbox.objects.filter(is_enabled=True))


def register_polling() -> None:
    from trato.jobs import periodic

    every = timedelta(seconds=settings.TRATO_INBOX_POLL_SECONDS)
    periodic.register("inbox.poll_mailboxes", poll_mailboxes, every=every)
