from django.http import Http404
from django.shortcuts import render

from trato.core import navigation
from trato.core.search import search_all


def home(request):
    return render(request, "core/home.html")


def coming(request, key: str):
    section = navigation.section(key)
    if section is None:
        raise Http404
    return render(request, "core/coming.html", {"section": section})


def search(request):
    query = request.GET.get("q", "")
    groups = search_all(request.user, query)
    template = "core/search.html#results" if request.htmx else "core/search.html"
    return render(request, template, {"query": query, "groups": groups})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
