"""The bell, the list, opening a notification, marking all read: each user's own, in their language."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.notifications import services
from trato.notifications.models import Notification
from trato.notifications.templatetags.notifications import Unread, unread_for


@pytest.fixture
def claim(claim_of, ana):
    return claim_of(responsible=ana)


@pytest.fixture
def notices(claim):
    """``notices(user, n, read=False)``: n notifications of a claim for ``user``, as notify stores them."""

    def make(user, count, *, read=False):
        params = {"number": claim.number, "subject": claim.subject}
        rows = [
            Notification(recipient=user, kind="claims.assigned", record_type="claims.claim", record_id=claim.pk,
                         params=params, url=claim.get_absolute_url(), read_at=timezone.now() if read else None)
            for _ in range(count)
        ]  # fmt: skip
        return Notification.objects.bulk_create(rows)

    return make


def test_the_bell_counts_once_per_request_and_never_for_a_visitor(rf, ana, notices, django_assert_num_queries):
    notices(ana, 3)
    notices(ana, 2, read=True)
    request = rf.get("/")
    request.user = ana
    with django_assert_num_queries(1):
        assert unread_for(request) == Unread(3, True)
        assert unread_for(request) == Unread(3, True)

    visitor = rf.get("/")
    visitor.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread_for(visitor) == Unread(0, True)


def test_the_bell_shows_the_unread_count_bounded(client_for, ana, bruno, notices):
    notices(bruno, 4)  # someone else's
    client = client_for(ana)
    assert 'aria-label="Notifications: none unread"' in client.get("/notifications/").content.decode()

    notices(ana, 3)
    page = client.get("/notifications/").content.decode()
    assert 'aria-label="Notifications: 3 unread"' in page

    notices(ana, 120)
    page = client.get("/notifications/").content.decode()
    assert 'aria-label="Notifications: more than 99 unread"' in page
    assert ">99+</span>" in page


def test_a_visitor_gets_no_bell(client):
    assert "notification-bell" not in client.get("/accounts/login/").content.decode()


def test_the_list_runs_the_same_queries_for_few_and_many(client_for, ana, notices, django_assert_num_queries):
    client = client_for(ana)
    notices(ana, 2)
    client.get("/notifications/")  # a first request warms the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/notifications/").status_code == 200
    notices(ana, 40)
    notices(ana, 5, read=True)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/notifications/")
    assert page.context["page"].paginator.count == 47
    assert client.get("/notifications/?show=unread").context["page"].paginator.count == 42


def test_the_list_is_newest_first_and_only_the_users_own(client_for, ana, bruno, notices):
    older, newer = notices(ana, 2)
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    notices(bruno, 1)

    rows = list(client_for(ana).get("/notifications/").context["page"].object_list)

    assert rows == [newer, older]


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client_for, ana, claim, notices):
    (notice,) = notices(ana, 1)

    response = client_for(ana).get(f"/notifications/{notice.pk}/open/")

    assert response.status_code == 302 and response.url == claim.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_users_notification_answers_404_and_stays_unread(client_for, ana, bruno, notices):
    (notice,) = notices(ana, 1)
    client = client_for(bruno)

    assert client.get(f"/notifications/{notice.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{notice.pk}/open/").status_code == 404
    assert client.post(f"/api/v1/notifications/{notice.pk}/read").status_code == 404
    assert client.post("/notifications/999999/open/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_as_read_marks_only_the_users_own(client_for, ana, bruno, notices):
    notices(ana, 3)
    notices(bruno, 2)

    response = client_for(ana).post("/notifications/read-all/")

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=ana, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bruno, read_at__isnull=True).count() == 2
    assert client_for(ana).get("/notifications/read-all/").status_code == 405


def test_a_spanish_user_reads_the_notification_in_spanish(
    client_for, admin, claim_of, django_capture_on_commit_callbacks
):
    lucia = UserFactory(username="lucia", language="es", roles=[Role.AFTER_SALES_USER])
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_of(responsible=lucia, subject="Bomba rota")

    page = client_for(lucia).get("/notifications/").content.decode()

    assert f"Reclamación {claim.number} asignada: Bomba rota" in page
    assert Notification.objects.get().params == {"number": claim.number, "subject": "Bomba rota"}  # not a sentence


def test_an_unknown_kind_still_reads_as_a_notification(client_for, ana, notices):
    (notice,) = notices(ana, 1)
    Notification.objects.filter(pk=notice.pk).update(kind="gone.away")

    assert client_for(ana).get("/notifications/").status_code == 200
    notice.refresh_from_db()
    with translation.override("en"):
        assert notice.text == "Notification"


def test_reading_twice_keeps_the_first_time(ana, notices):
    (notice,) = notices(ana, 1)
    first = services.notification_read(notification=notice, by=ana).read_at
    again = services.notification_read(notification=notice, by=ana).read_at
    assert first == again is not None
