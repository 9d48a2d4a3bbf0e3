import sys

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import defaults

from trato.core import navigation, worklist
from trato.core.middleware import database_unavailable
from trato.core.search import search_all
from trato.core.types import HtmxHttpRequest


def home(request: HttpRequest) -> HttpResponse:
    """My work: what waits for the user in each app (trato/core/worklist.py), and the sections' links."""
    blocks = worklist.blocks_for(request.user)
    worklist.keep_nav_counts(request, blocks)
    return render(request, "core/home.html", {"blocks": blocks, "today": timezone.localdate()})


def coming(request: HttpRequest, key: str) -> HttpResponse:
    section = navigation.section(key)
    if section is None:
        raise Http404
    return render(request, "core/coming.html", {"section": section})


def search(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    groups = search_all(request.user, query)
    template = "core/search.html#results" if request.htmx else "core/search.html"
    return render(request, template, {"query": query, "groups": groups})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database is a 503 (try again), anything else the usual 500 page."""
    return database_unavailable(request, sys.exc_info()[1]) or defaults.server_error(request)
