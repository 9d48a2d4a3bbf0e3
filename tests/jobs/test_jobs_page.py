import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.jobs.factories import failed, queued, running, successful
from trato.jobs import recovery

pytestmark = pytest.mark.django_db
URL = reverse("jobs:list")


def retry_url(result) -> str:
    return reverse("jobs:retry", args=[result.pk])


def test_an_administrator_sees_jobs_of_every_status_with_their_counts(client_for, administrator):
    queued(value="q")
    running()
    failed()
    successful()
    page = client_for(administrator).get(URL).text
    assert "append_line" in page
    assert "explode" in page
    for label in ("Queued", "Running", "Failed", "Finished"):
        assert label in page
    assert "4 jobs" in page


def test_the_status_filter_shows_only_that_status(client_for, administrator):
    queued()
    failed()
    page = client_for(administrator).get(URL, {"status": "failed"}).text
    assert "explode" in page
    assert "tests.jobs.tasks.append_line</div>" not in page
    assert "1 job" in page


def test_the_task_filter_shows_only_that_task(client_for, administrator):
    queued()
    failed()
    page = client_for(administrator).get(URL, {"task": "tests.jobs.tasks.append_line"}).text
    assert "1 job" in page
    assert "It broke" not in page


def test_nonsense_filters_are_ignored(client_for, administrator):
    queued()
    response = client_for(administrator).get(URL, {"status": "exploded", "sort": "x;drop", "page": "abc"})
    assert response.status_code == 200
    assert "1 job" in response.text


def test_a_failed_job_shows_its_error_and_traceback_folded(client_for, administrator):
    failed(reason="missing partner")
    page = client_for(administrator).get(URL).text
    assert "<details" in page
    assert "builtins.ValueError" in page
    assert "It broke: missing partner" in page
    assert "Traceback" in page


def test_a_job_lost_with_its_worker_says_so(client_for, administrator, settings):
    settings.TRATO_JOB_STALE_AFTER = datetime.timedelta(minutes=15)
    running(worker_id="killed", started_ago=datetime.timedelta(hours=1))
    recovery.fail_lost_tasks()
    page = client_for(administrator).get(URL, {"status": "failed"}).text
    assert "Its worker stopped while running it (killed or crashed)." in page


def test_times_show_in_the_users_time_zone(client_for, administrator):
    administrator.time_zone = "America/Mexico_City"
    administrator.save(update_fields=["time_zone"])
    result = queued()
    when = datetime.datetime(2025, 1, 15, 12, 30, tzinfo=datetime.UTC)
    DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=when)
    page = client_for(administrator).get(URL).text
    assert "01/15/2025 6:30 a.m." in page  # 12:30 UTC is 06:30 in Mexico City in January
    assert "12:30" not in page


def test_a_scheduled_job_shows_when_it_will_run(client_for, administrator):
    from tests.jobs.tasks import append_line

    append_line.using(run_after=timezone.now() + datetime.timedelta(days=1)).enqueue("/tmp/x", "later")
    assert "Scheduled for" in client_for(administrator).get(URL).text


def test_the_page_says_when_no_worker_is_running(client_for, administrator):
    assert "No worker is running" in client_for(administrator).get(URL).text
    recovery.heartbeat("alive")
    assert "1 worker running" in client_for(administrator).get(URL).text


def test_htmx_gets_only_the_table(client_for, administrator):
    queued()
    page = client_for(administrator).get(URL, headers={"HX-Request": "true"}).text
    assert "append_line" in page
    assert "<nav" not in page.split("<table")[0]  # no page shell before the table


@pytest.mark.parametrize(
    "persona", ["sales_user", "sales_manager", "after_sales_manager", "quality_manager", "outsider"], indirect=True
)
def test_anyone_but_an_administrator_gets_404(client_for, persona):
    result = failed()
    client = client_for(persona)
    assert client.get(URL).status_code == 404
    assert client.post(retry_url(result)).status_code == 404
    assert DBTaskResult.objects.count() == 1


def test_the_user_menu_links_to_the_jobs_page_for_administrators_only(client_for, administrator, sales_user):
    # The menu asks for the role only of staff users, so other users' pages cost no extra query.
    administrator.is_staff = sales_user.is_staff = True
    administrator.save(update_fields=["is_staff"])
    sales_user.save(update_fields=["is_staff"])
    assert URL in client_for(administrator).get(reverse("core:home")).text
    assert URL not in client_for(sales_user).get(reverse("core:home")).text


def test_the_page_runs_the_same_queries_whatever_the_number_of_jobs(
    client_for, administrator, django_assert_num_queries
):
    client = client_for(administrator)
    failed()
    queued()
    with CaptureQueriesContext(connection) as few:
        assert "2 jobs" in client.get(URL).text
    for _ in range(20):
        failed()
        queued()
    with django_assert_num_queries(len(few.captured_queries)):
        assert "42 jobs" in client.get(URL).text


def test_retry_queues_the_same_task_with_the_same_arguments_as_a_new_job(client_for, administrator):
    original = failed(reason="timeout")
    response = client_for(administrator).post(retry_url(original), {"next": f"{URL}?status=failed"})
    assert response.status_code == 302
    assert response.url == f"{URL}?status=failed"
    retried = DBTaskResult.objects.exclude(pk=original.pk).get()
    assert retried.status == TaskResultStatus.READY
    assert retried.task_path == original.task_path
    assert retried.args_kwargs == original.args_kwargs
    original.refresh_from_db()
    assert original.status == TaskResultStatus.FAILED  # the history stays
    page = client_for(administrator).get(response.url).text
    assert "is queued again" in page


def test_retry_refuses_a_job_that_has_not_failed(client_for, administrator):
    done = successful()
    response = client_for(administrator).post(retry_url(done), follow=True)
    assert "Only a failed job can be retried." in response.text
    assert DBTaskResult.objects.count() == 1


def test_retry_of_a_task_removed_from_the_code_says_so(client_for, administrator):
    gone = failed()
    DBTaskResult.objects.filter(pk=gone.pk).update(task_path="trato.nowhere.vanished")
    response = client_for(administrator).post(retry_url(gone), follow=True)
    assert "no longer exists" in response.text
    assert DBTaskResult.objects.count() == 1


def test_retry_never_redirects_to_another_site(client_for, administrator):
    response = client_for(administrator).post(retry_url(failed()), {"next": "https://evil.example/"})
    assert response.url == URL


def test_retry_of_an_unknown_job_is_404(client_for, administrator):
    assert client_for(administrator).post(reverse("jobs:retry", args=[uuid.uuid4()])).status_code == 404


def test_retry_needs_a_post(client_for, administrator):
    assert client_for(administrator).get(retry_url(failed())).status_code == 405
