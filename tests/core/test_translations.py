"""Spanish is the users' first language: every string must be translated, and the compiled catalogue current."""

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES"


def test_every_spanish_string_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert len(catalogue.translated_entries()) > 100


def test_the_compiled_catalogue_matches_the_source_catalogue():
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(LOCALE / "django.po"))}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(LOCALE / "django.mo"))}
    compiled.pop((None, ""), None)  # the header
    assert compiled == {key: value for key, value in source.items() if key[1] != ""}


def test_the_main_sections_read_in_spanish():
    with translation.override("es"):
        assert translation.gettext("Claims") == "Reclamaciones"
        assert translation.gettext("Partners") == "Empresas"
