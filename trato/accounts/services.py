"""Writes on accounts: API tokens and the user's own preferences."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trato.accounts.models import ApiToken, PasswordResetRequest, User, known_time_zones, normalize_email
from trato.accounts.tokens import PREFIX_LENGTH, hash_secret, new_secret
from trato.core.errors import DomainError, NotAllowed
from trato.core.validation import field_max_length

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
MAX_TOKEN_NAME = field_max_length(ApiToken, "name")


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its raw secret. The secret is returned this once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), fields={"name": [_("This field is required.")]})
    if len(name) > MAX_TOKEN_NAME:
        raise DomainError(_("The name is too long."), fields={"name": [_("The name is too long.")]})
    raw = new_secret()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:PREFIX_LENGTH], secret_hash=hash_secret(raw))
    return token, raw


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token; revoking one already revoked changes nothing."""
    if token.user_id != by.pk:
        raise NotAllowed()
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def user_preferences_update(
    *, user: User, by: User, first_name: str, last_name: str, email: str, language: str, time_zone: str
) -> User:
    """Save a user's names, email, language (empty: the browser's) and time zone. Users change only their own."""
    if user.pk != by.pk:
        raise NotAllowed()
    _check_language(language)
    email = normalize_email(email)
    _check_email(email)
    if time_zone not in known_time_zones():
        raise DomainError(_("Choose a time zone from the list."), fields={"time_zone": [_("Unknown time zone.")]})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _check_email_free(email, user=locked)
        locked.first_name, locked.last_name, locked.email = first_name.strip(), last_name.strip(), email
        locked.language, locked.time_zone = language, time_zone
        locked.save(update_fields=["first_name", "last_name", "email", "language", "time_zone"])
    return locked


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language a user picked with the language switch."""
    _check_language(language)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.language = language
        locked.save(update_fields=["language"])
    return locked


def _check_email(email: str) -> None:
    try:
        if email:
            validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid email address."), fields={"email": exc.messages}) from exc


def _check_email_free(email: str, *, user: User) -> None:
    """The database constraint has the last word (two saves at once); this gives the usual case a clear error."""
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        message = _("Another user already has this email address.")
        raise DomainError(message, fields={"email": [message]})


def password_reset_allowed(*, email: str, address: str | None) -> bool:
    """Record a password reset request and say whether it is within the limits (per email asked for, per client
    address, per hour). A request over a limit is recorded too, so hammering does not open the window again."""
    now = timezone.now()
    window_start = now - timedelta(hours=1)
    email = normalize_email(email)
    with transaction.atomic():
        PasswordResetRequest.objects.filter(requested_at__lt=window_start).delete()
        recent = PasswordResetRequest.objects.filter(requested_at__gte=window_start)
        allowed = recent.filter(email=email).count() < settings.TRATO_PASSWORD_RESET_PER_ACCOUNT_PER_HOUR
        if address:
            allowed = allowed and (
                recent.filter(address=address).count() < settings.TRATO_PASSWORD_RESET_PER_ADDRESS_PER_HOUR
            )
        PasswordResetRequest.objects.create(email=email[:254], address=address or None, requested_at=now)
    return allowed


def _check_language(language: str) -> None:
    if language and language not in LANGUAGE_CODES:
        raise DomainError(_("Choose a language from the list."), fields={"language": [_("Unknown language.")]})
