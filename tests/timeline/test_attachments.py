import hashlib

import pytest
from django.db import IntegrityError

from tests.timeline.conftest import HTML, PDF, PNG, SVG, stored_files, upload
from trato.core.errors import DomainError, NotAllowed, NotFound
from trato.timeline import files as file_rules
from trato.timeline.models import Attachment, Entry, EntryKind
from trato.timeline.services import attachment_delete, attachments_add


def add(record, by, *uploads, note=""):
    return attachments_add(record=record, by=by, files=list(uploads), note=note)


def refused(record, by, *uploads) -> DomainError:
    with pytest.raises(DomainError) as error:
        add(record, by, *uploads)
    return error.value


def test_several_files_are_stored_at_once_with_their_facts(customer, sales_user, media_root):
    png, pdf = add(customer, sales_user, upload("photo.png", PNG), upload("offer.pdf", PDF), note="From the fair")
    assert (png.name, png.content_type, png.size, png.sha256) == (
        "photo.png",
        "image/png",
        len(PNG),
        hashlib.sha256(PNG).hexdigest(),
    )
    assert (pdf.name, pdf.content_type) == ("offer.pdf", "application/pdf")
    assert png.entry == pdf.entry and png.entry.kind == EntryKind.ATTACHMENT and png.entry.body == "From the fair"
    assert (media_root / png.file.name).read_bytes() == PNG
    assert len(stored_files(media_root)) == 2


def test_files_are_stored_under_random_names_never_the_uploaded_name(customer, sales_user, media_root):
    (attachment,) = add(customer, sales_user, upload("../../etc/passwd", b"root:x:0:0"))
    assert attachment.name == "passwd"
    assert attachment.file.name.startswith("attachments/")
    parts = attachment.file.name.split("/")
    assert len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit() and len(parts[3]) == 32
    assert "passwd" not in attachment.file.name
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [attachment.file.name]


def test_an_empty_file_is_refused_and_nothing_is_stored(customer, sales_user, media_root):
    error = refused(customer, sales_user, upload("empty.pdf", b""))
    assert "empty" in error.fields["files"][0]
    assert not Attachment.objects.exists() and not Entry.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused(customer, sales_user, settings, media_root):
    settings.TRATO_ATTACHMENT_MAX_BYTES = 100
    error = refused(customer, sales_user, upload("big.pdf", PDF + b"x" * 100))
    assert "big.pdf" in error.fields["files"][0]
    assert stored_files(media_root) == []


def test_a_file_at_the_size_limit_is_accepted(customer, sales_user, settings):
    settings.TRATO_ATTACHMENT_MAX_BYTES = len(PNG)
    assert add(customer, sales_user, upload("ok.png", PNG))


def test_one_bad_file_refuses_the_whole_upload(customer, sales_user, media_root):
    error = refused(customer, sales_user, upload("fine.png", PNG), upload("page.html", HTML), upload("empty.txt", b""))
    assert len(error.fields["files"]) == 2
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_no_files_is_refused(customer, sales_user):
    assert "files" in refused(customer, sales_user).fields


@pytest.mark.parametrize(
    "name,content",
    [
        ("page.html", HTML),
        ("invoice.pdf", HTML),  # a web page pretending to be a PDF
        ("drawing.svg", SVG),
        ("logo.png", SVG),
        ("notes.txt", b"   <script>fetch('/api/v1/')</script>"),
        ("report.txt", "<html><body>hi</body></html>".encode("utf-16")),
    ],
)
def test_web_pages_and_svg_images_are_refused_whatever_their_name(customer, sales_user, media_root, name, content):
    error = refused(customer, sales_user, upload(name, content, "image/png"))
    assert "scripts" in error.fields["files"][0]
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "name,content",
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("tool.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("cleanup.txt", b"#!/bin/sh\nrm -rf ~\n"),
    ],
)
def test_programs_are_refused_whatever_their_name(customer, sales_user, name, content):
    assert "program" in refused(customer, sales_user, upload(name, content)).fields["files"][0]


@pytest.mark.parametrize("name", ["run.exe", "macro.js", "start.bat", "page.htm", "icon.svg"])
def test_dangerous_extensions_are_refused_even_for_harmless_content(customer, sales_user, name):
    assert refused(customer, sales_user, upload(name, b"just some text"))


def test_a_name_that_lies_about_its_type_is_corrected_to_the_detected_type(customer, sales_user):
    (attachment,) = add(customer, sales_user, upload("invoice.pdf", PNG, "application/pdf"))
    assert attachment.content_type == "image/png"
    assert attachment.name == "invoice.png"


def test_the_browser_content_type_is_never_trusted(customer, sales_user):
    (attachment,) = add(customer, sales_user, upload("offer.pdf", PDF, "text/html"))
    assert attachment.content_type == "application/pdf"


def test_text_keeps_a_harmless_text_type_from_its_name(customer, sales_user):
    csv, txt = add(customer, sales_user, upload("prices.csv", b"ref;price\nA1;3,50\n"), upload("readme", b"hello"))
    assert (csv.name, csv.content_type) == ("prices.csv", "text/csv")
    assert (txt.name, txt.content_type) == ("readme", "text/plain")


def test_unknown_binary_content_is_stored_as_a_generic_download(customer, sales_user):
    (attachment,) = add(customer, sales_user, upload("data.bin", bytes(range(256)) * 4))
    assert attachment.content_type == "application/octet-stream"


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("re\x00port\r\n.pdf", "report.pdf"),
        ("evil\u202egnp.exe.pdf", "evilgnp.exe.pdf"),
        ("...", "attachment"),
        ("", "attachment"),
        (".hidden.pdf", "hidden.pdf"),
        ('a"b<c>|d?.pdf', "a_b_c__d_.pdf"),
    ],
)
def test_hostile_names_are_cleaned_for_display(raw, clean):
    assert file_rules.clean_name(raw) == clean


def test_a_very_long_name_is_shortened_keeping_its_extension():
    name = file_rules.clean_name("x" * 1000 + ".pdf")
    assert len(name) == file_rules.MAX_NAME_LENGTH
    assert name.endswith("xxx.pdf")


def test_a_hostile_name_is_stored_cleaned(customer, sales_user):
    (attachment,) = add(customer, sales_user, upload("\x1b[31m" + "y" * 300 + ".png", PNG))
    assert "\x1b" not in attachment.name
    assert len(attachment.name) <= file_rules.MAX_NAME_LENGTH and attachment.name.endswith(".png")


@pytest.mark.parametrize("persona", ["outsider", "purchasing_user"], indirect=True)
def test_someone_who_cannot_see_the_record_cannot_attach_files(customer, persona, media_root):
    with pytest.raises(NotFound):
        add(customer, persona, upload("photo.png", PNG))
    assert stored_files(media_root) == []


def test_a_failed_row_write_deletes_the_stored_files(customer, sales_user, media_root, monkeypatch):
    def broken(**kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(Attachment.objects, "create", broken)
    with pytest.raises(IntegrityError):
        add(customer, sales_user, upload("a.png", PNG), upload("b.pdf", PDF))
    assert stored_files(media_root) == []
    assert not Entry.objects.exists()


def test_a_failed_file_write_leaves_no_row_and_no_file(customer, sales_user, media_root, monkeypatch):
    real_store = file_rules.store
    calls = []

    def store_then_fail(upload):
        calls.append(upload)
        if len(calls) == 2:
            raise OSError("storage unavailable")
        return real_store(upload)

    monkeypatch.setattr(file_rules, "store", store_then_fail)
    with pytest.raises(OSError):
        add(customer, sales_user, upload("a.png", PNG), upload("b.pdf", PDF))
    assert stored_files(media_root) == []
    assert not Attachment.objects.exists() and not Entry.objects.exists()


def test_the_uploader_may_delete_their_file_and_it_leaves_the_storage(
    customer, after_sales_user, media_root, django_capture_on_commit_callbacks
):
    (attachment,) = add(customer, after_sales_user, upload("a.png", PNG))
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=attachment, by=after_sales_user)
    assert not Attachment.objects.exists()
    assert not Entry.objects.exists()  # the upload entry had nothing else to show
    assert stored_files(media_root) == []


def test_deleting_one_of_several_files_keeps_the_others(customer, sales_manager, django_capture_on_commit_callbacks):
    first, second = add(customer, sales_manager, upload("a.png", PNG), upload("b.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=first, by=sales_manager)
    assert list(Entry.objects.get().attachments.all()) == [second]


def test_whoever_may_change_the_record_may_delete_a_file(customer, after_sales_user, sales_manager):
    (attachment,) = add(customer, after_sales_user, upload("a.png", PNG))
    attachment_delete(attachment=attachment, by=sales_manager)
    assert not Attachment.objects.exists()


def test_someone_who_only_sees_the_record_may_not_delete_another_person_file(customer, sales_manager, quality_manager):
    (attachment,) = add(customer, sales_manager, upload("a.png", PNG))
    with pytest.raises(NotAllowed):
        attachment_delete(attachment=attachment, by=quality_manager)
    assert Attachment.objects.exists()


def test_someone_who_cannot_see_the_record_cannot_delete_its_files(customer, sales_manager, outsider):
    (attachment,) = add(customer, sales_manager, upload("a.png", PNG))
    with pytest.raises(NotFound):
        attachment_delete(attachment=attachment, by=outsider)
    assert Attachment.objects.exists()
