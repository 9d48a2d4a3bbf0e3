"""The sections of the reports page: each app registers one from its ``reports.py`` (found by autodiscovery).

A section says who may see it and how to build its tables. Its builders must count only what the reader may see
(``Model.objects.visible_to(user)``): the registry decides whether a section is shown, never which rows it counts.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise

from trato.reports.periods import Period
from trato.reports.tables import TOP_ROWS, Table

# (user, period, filters, top) -> Table; filters is the cleaned data of the section's filter form ({} without one).
# top: the page shows that many rows of a long table and one "Others" row for the rest; None asks for every row, for
# the download (a long table then streams them from the database: Table.stream). A short table (the months of the
# period, a few single figures) has every row either way.
Builder = Callable[[Any, Period, Mapping[str, Any], int | None], Table]


@dataclass(frozen=True)
class Section:
    key: str  # in URLs: /reports/<key>/<table>.csv
    title: str | Promise
    may_see: Callable[[Any], bool]  # (user) -> whether the page shows this section at all
    tables: Mapping[str, Builder]  # in the order shown; each builder returns a Table with the same key
    filter_form: type[forms.Form] | None = None  # the section's own filters, prefixed with its key in the query
    summary: str = ""  # the key of a table of single figures shown as cards above the others
    template: str = "reports/_section.html"  # a section may lay itself out differently
    top: int = TOP_ROWS  # rows of a long table shown on the page (the rest is one "Others" row and the download)
    # Tables the page loads after it is shown, each with a request of its own (the longest to work out: rankings
    # over every claim of the period), by key, with the title their place on the page shows meanwhile.
    later: Mapping[str, str | Promise] = field(default_factory=dict)

    def build(self, user: Any, period: Period, filters: Mapping[str, Any]) -> list[Table]:
        """The tables the page shows at once (not the ``later`` ones)."""
        return [self.table(key, user, period, filters) for key in self.tables if key not in self.later]

    def table(self, key: str, user: Any, period: Period, filters: Mapping[str, Any]) -> Table:
        """The table ``key`` as the page shows it (its first ``top`` rows)."""
        return self.tables[key](user, period, filters, self.top)

    def download(self, key: str, user: Any, period: Period, filters: Mapping[str, Any]) -> Table | None:
        """The table ``key`` whole, for its CSV; None for a table the section does not have."""
        build = self.tables.get(key)
        return build(user, period, filters, None) if build is not None else None


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add a section; registering a different section under a key already taken is a programming error."""
    known = _sections.get(section.key)
    if known is not None and known != section:
        raise ValueError(f"A reports section {section.key!r} is already registered")
    _sections[section.key] = section


def unregister(key: str) -> None:
    _sections.pop(key, None)


def sections_for(user: Any) -> list[Section]:
    """The sections this user may see, in the order they were registered."""
    return [section for section in _sections.values() if section.may_see(user)]


def section_for(user: Any, key: str) -> Section | None:
    """The section ``key`` if this user may see it; None for an unknown key and for one they may not see alike."""
    section = _sections.get(key)
    return section if section is not None and section.may_see(user) else None
