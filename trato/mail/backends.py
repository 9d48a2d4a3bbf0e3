"""An SMTP backend that lets the outbox record "about to commit" before the server accepts a message.

Why: a worker can be killed at any moment. With a plain ``sendmail`` there is a window in which the server has
accepted the message (it answered 250 to the final ".") but the database does not know yet; on restart the
message looks unsent and goes out a second time. SMTP itself offers the way out: a server only takes
responsibility for a message when it receives the line "." that ends DATA (RFC 5321, 4.1.1.4); a connection that
drops before that line is an incomplete transaction that the server discards.

So this backend runs MAIL, RCPT and DATA itself, sends the message body *without* the final ".", then calls the
message's ``before_final_dot()`` hook — the outbox records the message as committing in its own short transaction
— and only then sends ".\\r\\n" and reads the answer:

- killed before the hook's record is committed: the server discards the incomplete DATA; the message is still
  "sending, not committing" and is sent again on recovery — once;
- killed after it: the record says "committing", which recovery reads as delivered, so it is never sent again.

The only loss is a worker killed in the microseconds between that record and the "." (or a connection that
breaks right then): the message is counted as sent but was not. Trato prefers that rare loss to a duplicate.
``before_final_dot()`` returns False when the outbox's claim on the message was lost (a recovery took it back
from a worker it believed dead): the backend then drops the connection without the ".", so nothing is sent.

Messages without the hook (password resets, anything sent with ``send_mail``) go out normally.
"""

import re
import smtplib
import socket

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

_LEADING_DOT = re.compile(rb"(?m)^\.")


class DeliveryAbandoned(Exception):
    """The outbox no longer holds the message: nothing was sent, someone else will send it."""


class DeliveryUncertain(Exception):
    """The connection broke after the final "." went out: the server may well have accepted the message."""


class TwoPhaseSMTPBackend(EmailBackend):
    two_phase = True

    def open(self):
        opened = super().open()
        if opened and self.connection is not None and self.connection.sock is not None:
            # The final "." is a tiny write after the body: without this, Nagle's algorithm holds it until the
            # server's delayed ACK arrives (tens of milliseconds per message).
            self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return opened

    def _send(self, email_message) -> bool:
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in email_message.recipients()]
        body = email_message.message().as_bytes(linesep="\r\n")
        try:
            email_message.refused_recipients = self._envelope(sender, recipients, len(body))
            self._transfer(body, getattr(email_message, "before_final_dot", None))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True

    def _smtp(self) -> smtplib.SMTP:
        if self.connection is None:
            raise smtplib.SMTPServerDisconnected("not connected")
        return self.connection

    def _reset_or_close(self, code: int) -> None:
        if code == 421:  # the server is closing the connection
            self._drop()
        else:
            self._smtp().rset()

    def _drop(self) -> None:
        """Close the socket without QUIT: an unfinished DATA is discarded by the server."""
        try:
            if self.connection is not None:
                self.connection.close()
        finally:
            self.connection = None

    def _envelope(self, sender: str, recipients: list[str], size: int) -> dict:
        """MAIL FROM and RCPT TO. A temporary refusal of any recipient postpones the whole message (nobody gets
        it yet, so a retry duplicates nothing); recipients refused for good are returned and skipped."""
        connection = self._smtp()
        connection.ehlo_or_helo_if_needed()
        options = [f"size={size}"] if connection.does_esmtp and connection.has_extn("size") else []
        code, answer = connection.mail(sender, options)
        if code != 250:
            self._reset_or_close(code)
            raise smtplib.SMTPSenderRefused(code, answer, sender)
        refused = {}
        for address in recipients:
            code, answer = connection.rcpt(address)
            if code not in (250, 251):
                refused[address] = (code, answer)
            if code == 421:
                self._drop()
                raise smtplib.SMTPRecipientsRefused(refused)
        if len(refused) == len(recipients) or any(400 <= code < 500 for code, _a in refused.values()):
            connection.rset()
            raise smtplib.SMTPRecipientsRefused(refused)
        return refused

    def _transfer(self, body: bytes, before_final_dot) -> None:
        connection = self._smtp()
        connection.putcmd("data")
        code, answer = connection.getreply()
        if code != 354:
            self._reset_or_close(code)
            raise smtplib.SMTPDataError(code, answer)
        quoted = _LEADING_DOT.sub(b"..", body)  # RFC 5321 4.5.2 "transparency", as smtplib does
        connection.send(quoted if quoted.endswith(b"\r\n") else quoted + b"\r\n")
        if before_final_dot is not None:
            self._commit_or_abandon(before_final_dot)
        try:
            connection.send(b".\r\n")
            code, answer = connection.getreply()
        except OSError as error:
            self.connection = None
            raise DeliveryUncertain(str(error) or type(error).__name__) from error
        if code != 250:
            self._reset_or_close(code)
            raise smtplib.SMTPDataError(code, answer)

    def _commit_or_abandon(self, before_final_dot) -> None:
        try:
            go_ahead = before_final_dot()
        except BaseException:
            self._drop()
            raise
        if not go_ahead:
            self._drop()
            raise DeliveryAbandoned()
