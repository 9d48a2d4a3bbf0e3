"""Administrators' pages: endpoints, their secret, a test event and the delivery log with redeliver."""

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from trato.accounts.models import User
from trato.core.access import admin_only, get_visible_or_404
from trato.core.errors import DomainError
from trato.core.forms import add_domain_error
from trato.webhooks import services
from trato.webhooks.forms import EndpointForm
from trato.webhooks.models import Delivery, Endpoint

LOG_PAGE_SIZE = 25


def _administrator(request: HttpRequest) -> User:
    """The signed-in administrator (every view here is ``admin_only``, so never anonymous)."""
    if not isinstance(request.user, User):
        raise PermissionError("admin_only let an anonymous request through")
    return request.user


@admin_only
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = Endpoint.objects.visible_to(request.user).select_related("owner")
    return render(request, "webhooks/list.html", {"endpoints": endpoints})


def _save(request: HttpRequest, form: EndpointForm, endpoint: Endpoint | None) -> Endpoint | None:
    if not form.is_valid():
        return None
    try:
        by, data = _administrator(request), form.data_for_service()
        if endpoint is None:
            return services.endpoint_create(by=by, data=data)
        version = form.cleaned_data.get("version")
        return services.endpoint_update(endpoint=endpoint, by=by, data=data, version=version)
    except DomainError as error:
        add_domain_error(form, error)
        return None


def _form_page(request: HttpRequest, endpoint: Endpoint | None) -> HttpResponse:
    form = (
        EndpointForm(request.POST, endpoint=endpoint) if request.method == "POST" else EndpointForm(endpoint=endpoint)
    )
    if request.method == "POST":
        saved = _save(request, form, endpoint)
        if saved is not None:
            messages.success(request, _("The webhook endpoint is saved."))
            return redirect("webhooks:detail", pk=saved.pk)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": endpoint})


@admin_only
def endpoint_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@admin_only
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, get_visible_or_404(Endpoint, request.user, pk=pk))


@never_cache  # the page shows the signing secret
@admin_only
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_visible_or_404(Endpoint.objects.select_related("owner"), request.user, pk=pk)
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
    page = Paginator(deliveries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "page": page})


def _act(request: HttpRequest, pk: int, action: Callable[[Endpoint], object], done: str) -> HttpResponse:
    endpoint = get_visible_or_404(Endpoint, request.user, pk=pk)
    try:
        action(endpoint)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("webhooks:detail", pk=endpoint.pk)


@require_POST
@admin_only
def endpoint_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    by = _administrator(request)
    rotate = lambda endpoint: services.endpoint_secret_rotate(endpoint=endpoint, by=by)  # noqa: E731
    return _act(request, pk, rotate, _("A new signing secret is in use: give it to the receiving system."))


@require_POST
@admin_only
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    by = _administrator(request)
    send = lambda endpoint: services.endpoint_send_test(endpoint=endpoint, by=by)  # noqa: E731
    return _act(request, pk, send, _("A test event is queued: its delivery appears below."))


@require_POST
@admin_only
def delivery_redeliver(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = get_visible_or_404(Endpoint, request.user, pk=pk)
    delivery = Delivery.objects.filter(endpoint=endpoint, pk=delivery_pk).first()
    if delivery is None:
        messages.error(request, _("This delivery no longer exists."))
        return redirect("webhooks:detail", pk=endpoint.pk)
    try:
        services.delivery_redeliver(delivery=delivery, by=_administrator(request))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The delivery is queued again."))
    return redirect("webhooks:detail", pk=endpoint.pk)
