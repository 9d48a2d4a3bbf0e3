"""Types that several apps' signatures share, so that each spells "a user" or "an htmx request" the same way."""

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from trato.accounts.models import User

# Whoever a request or a service acts for; access rules answer "nothing" for an anonymous visitor.
AnyUser: TypeAlias = "User | AnonymousUser"


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (settings.MIDDLEWARE): it carries ``htmx``."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a page behind the login (every page not marked login_not_required): its user is a User."""

    user: "User"  # never anonymous here: LoginRequiredMiddleware sent anonymous visitors to the login page
