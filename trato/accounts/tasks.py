"""Mail that leaves through the background worker.

The password reset page queues its mail here instead of sending it, so it answers in the same time whether or
not the address has an account: a slow mail server cannot tell anyone which addresses are registered.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from trato.accounts.models import User

RESET_SUBJECT = "accounts/email/password_reset_subject.txt"
RESET_BODY = "accounts/email/password_reset.txt"


@task()
def password_reset_mail_send(*, user_id: int, domain: str, protocol: str, language: str) -> None:
    """Send the reset link in the account's language (else the page's). The link is made here, at sending
    time, so the queue never holds it."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return
    context = {
        "user": user,
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "protocol": protocol,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(user.language or language):
        subject = "".join(render_to_string(RESET_SUBJECT, context).splitlines())  # a header: one line
        body = render_to_string(RESET_BODY, context)
    EmailMessage(subject, body, to=[user.email]).send()
