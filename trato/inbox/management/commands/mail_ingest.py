"""Read one RFC 822 message from standard input and hand it to the gateway.

For a mail server's pipe alias, e.g. in Postfix's aliases file::

    claims: "|/srv/trato/.venv/bin/python /srv/trato/manage.py mail_ingest --alias claims"

Exit status 0 when the message is stored (filed, in triage or ignored); 75 (EX_TEMPFAIL) when it could not
be stored, so that the mail server keeps it and tries again later.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from trato.inbox.models import Source
from trato.inbox.services import message_ingest

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one email message (RFC 822) from standard input and file it."
    stealth_options = ("stdin",)  # tests pass a bytes stream

    def add_arguments(self, parser) -> None:
        parser.add_argument("--alias", default="", help="The alias the mail server delivered it to, e.g. claims.")

    def handle(self, *args, alias: str = "", **options) -> None:
        stdin = options.get("stdin") or sys.stdin.buffer
        try:
            raw = stdin.read()
            inbound = message_ingest(raw, source=Source.STDIN, alias=alias)
        except Exception as error:  # anything that stops storing it: let the MTA retry
            message = f"Not stored, try again later: {type(error).__name__}: {error}"
            raise CommandError(message, returncode=EX_TEMPFAIL) from error
        where = f"{inbound.record_type}#{inbound.record_id}" if inbound.record_id else inbound.reason
        self.stdout.write(f"{inbound.message_id}: {inbound.state} ({where})")
