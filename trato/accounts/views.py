from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from trato.accounts.forms import ApiTokenForm, PreferencesForm
from trato.accounts.models import ApiToken, SalesTeam, User
from trato.accounts.roles import Role, roles_of
from trato.accounts.services import (
    LANGUAGE_CODES,
    api_token_create,
    api_token_revoke,
    user_language_set,
    user_preferences_update,
)
from trato.core.access import get_visible_or_404
from trato.core.errors import DomainError
from trato.core.forms import add_domain_error


class TratoLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class TratoLogoutView(auth_views.LogoutView):
    pass


class TratoPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Choose a new password") if self.validlink else _("This link no longer works")
        return context


def _preferences_of(user: User) -> dict:
    fields = ["first_name", "last_name", "email", "language", "time_zone"]
    return {name: getattr(user, name) for name in fields}


def profile(request):
    user = request.user
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=_preferences_of(user))
    if form.is_bound and form.is_valid():
        try:
            user = user_preferences_update(user=user, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            # Say it in the language just chosen, as the next page will be.
            translation.activate(user.language or translation.get_language_from_request(request))
            messages.success(request, _("Your preferences are saved."))
            return redirect("accounts:profile")
    context = {
        "form": form,
        "role_labels": sorted(Role(code).label for code in roles_of(user)),
        "teams": SalesTeam.objects.visible_to(user).filter(Q(members=user) | Q(leader=user)).distinct(),
    }
    return render(request, "accounts/profile.html", context)


@login_not_required
@require_POST
def set_language(request):
    """Django's set_language (cookie and redirect), and for a signed-in user the language is kept in their account."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and language in LANGUAGE_CODES:
        user_language_set(user=request.user, language=language)
    return response


@never_cache  # the page may carry a secret shown once: no copy in any cache
def tokens(request):
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    created, secret = None, None
    if form.is_bound and form.is_valid():
        try:
            created, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": ApiToken.objects.visible_to(request.user),
        "created": created,
        "secret": secret,
    }
    return render(request, "accounts/tokens.html", context)


@require_POST
def token_revoke(request, pk: int):
    token = get_visible_or_404(ApiToken, request.user, pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("accounts:tokens")


def teams(request):
    members = Prefetch("members", queryset=User.objects.order_by("first_name", "last_name", "username"))
    teams = SalesTeam.objects.visible_to(request.user).select_related("leader").prefetch_related(members)
    return render(request, "accounts/teams.html", {"teams": teams})
