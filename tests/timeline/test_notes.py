import pytest

from tests.timeline.conftest import PNG, upload
from trato.core.errors import DomainError, NotFound
from trato.timeline.models import Attachment, Entry, EntryKind
from trato.timeline.services import attachments_add, note_add
from trato.timeline.templatetags.timeline import note_html


def test_a_note_is_added_to_the_record_timeline(customer, sales_user):
    entry = note_add(record=customer, by=sales_user, body="  Called about the new catalogue.  ")
    assert entry.kind == EntryKind.NOTE
    assert entry.author == sales_user
    assert entry.body == "Called about the new catalogue."
    assert list(Entry.objects.for_record(customer)) == [entry]


@pytest.mark.parametrize("persona", ["outsider", "purchasing_user"], indirect=True)
def test_someone_who_cannot_see_the_record_cannot_add_a_note(customer, persona):
    with pytest.raises(NotFound):
        note_add(record=customer, by=persona, body="hello")
    assert not Entry.objects.exists()


def test_an_empty_note_is_refused(customer, sales_user):
    with pytest.raises(DomainError) as refused:
        note_add(record=customer, by=sales_user, body="   ")
    assert "body" in refused.value.fields
    assert not Entry.objects.exists()


def test_an_overlong_note_is_refused(customer, sales_user):
    with pytest.raises(DomainError):
        note_add(record=customer, by=sales_user, body="x" * 20_001)
    assert not Entry.objects.exists()


def test_entries_of_one_record_never_show_on_another(customer, supplier, administrator):
    note_add(record=customer, by=administrator, body="customer note")
    note_add(record=supplier, by=administrator, body="supplier note")
    assert [e.body for e in Entry.objects.for_record(customer)] == ["customer note"]


def test_a_script_tag_in_a_note_is_shown_as_text():
    html = note_html("<script>alert('x')</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_an_image_with_an_error_handler_in_a_note_is_shown_as_text():
    html = note_html('<img src=x onerror="alert(1)">')
    assert "<img" not in html
    assert "&lt;img" in html


def test_a_javascript_link_in_a_note_is_not_clickable():
    html = note_html('javascript:alert(1) and <a href="javascript:alert(1)">click</a>')
    assert "<a " not in html
    assert "&lt;a href=" in html


def test_web_addresses_and_emails_in_a_note_become_safe_links():
    html = note_html("See https://example.com/offer?id=1&x=2 or write to ana@example.com")
    assert '<a href="https://example.com/offer?id=1&amp;x=2" rel="noopener noreferrer nofollow">' in html
    assert 'href="mailto:ana@example.com"' in html


def test_line_breaks_in_a_note_are_kept():
    assert note_html("one\ntwo") == "one<br>two"


def test_entries_and_files_are_visible_only_to_who_sees_their_record(customer, supplier, author, sales_user):
    mine = note_add(record=customer, by=author, body="customer")
    note_add(record=supplier, by=author, body="supplier")
    attachments_add(record=supplier, by=author, files=[upload("a.png", PNG)])
    assert list(Entry.objects.visible_to(sales_user)) == [mine]
    assert not Attachment.objects.visible_to(sales_user).exists()
