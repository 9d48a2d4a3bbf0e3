"""The notifications page (newest first, paginated), opening one, marking all read, and the preferences form."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trato.core.access import get_visible_or_404
from trato.core.errors import DomainError
from trato.core.forms import add_domain_error
from trato.core.listing import ListSpec, paginate
from trato.core.types import AuthenticatedHttpRequest
from trato.notifications import services
from trato.notifications.forms import PreferencesForm
from trato.notifications.models import Notification

NOTIFICATION_LIST = ListSpec(sorts={"date": "created_at"}, default_sort="-date", filters={"show": {"unread"}})


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = NOTIFICATION_LIST.parse(request.GET)
    notifications = Notification.objects.visible_to(request.user).newest_first()
    if params.filter("show") == "unread":
        notifications = notifications.unread()
    page = paginate(notifications, params)
    context = {"params": params, "show": params.filter("show"), "page": page, "nav_active": "notifications"}
    template = "notifications/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#rows"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one of your notifications read and go to its record (a GET marks only your own: a link may open it)."""
    notification = get_visible_or_404(Notification, request.user, pk=pk)
    services.notification_read(notification=notification, by=request.user)
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "notifications:list")


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    count = services.notifications_read_all(by=request.user)
    if count:
        messages.success(request, _("Notifications marked as read: %(count)d.") % {"count": count})
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = services.preferences_of(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial_channels=current)
    if form.is_bound and form.is_valid():
        try:
            services.preferences_save(user=request.user, by=request.user, channels=form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
