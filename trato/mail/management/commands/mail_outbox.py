"""``manage.py mail_outbox``: send what is due now; ``--loop`` keeps sending until stopped.

The worker (``trato_worker``) sends mail on its own; this command is for a mail-only sender process, for flushing
the outbox by hand, and for the tests that kill a sender half-way through a batch.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from trato.mail import sending


class Command(BaseCommand):
    help = "Send the queued mail that is due (and take back mail left by stopped workers)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep sending until interrupted.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds to wait when nothing is due.")

    def handle(self, *, loop: bool, interval: float, **options):
        while True:
            close_old_connections()
            sent = sending.send_due()
            if options["verbosity"] > 1 or (sent and not loop):
                self.stdout.write(f"{sent} sent")
            if not loop:
                return
            if not sent:
                time.sleep(interval)
