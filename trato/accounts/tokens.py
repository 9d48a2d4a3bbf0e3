"""Personal API tokens: how a raw secret is made, recognised and turned back into its user.

The database keeps only the SHA-256 of each secret. Looking a token up by that hash means the
secret itself is never compared byte by byte, so response times reveal nothing about it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from trato.accounts.models import MACHINE_USERNAMES, ApiToken, User

SECRET_PREFIX = "trato_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 6  # e.g. "trato_Ab3dEf": enough to tell one's tokens apart
TOUCH_INTERVAL = timedelta(minutes=1)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_for_token(raw: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    if not raw or not raw.startswith(SECRET_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(secret_hash=hash_secret(raw)).first()
    if token is None or token.user.username in MACHINE_USERNAMES:
        return None
    _touch(token)
    return token.user


def _touch(token: ApiToken) -> None:
    # At most one write a minute per token: a busy script must not turn every request into an UPDATE.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
