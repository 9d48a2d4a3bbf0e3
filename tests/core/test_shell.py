import pytest
from django.urls import reverse


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_navigation_lists_every_section_and_the_start_page_is_my_work(client_for, sales_user):
    response = client_for(sales_user).get(reverse("core:home"))
    assert response.status_code == 200
    for label in ["Claims", "Leads", "Pipeline", "Calendar", "Calls", "Partners", "Reports"]:
        assert label in response.text  # the navigation's links; the start page's own links: test_worklist.py
    assert '<h2 class="h4 mb-3">My work</h2>' in response.text  # the blocks: tests/core/test_worklist.py


def test_a_section_not_built_yet_says_it_is_coming(client_for, sales_user):
    response = client_for(sales_user).get(reverse("core:coming", args=["claims"]))
    assert response.status_code == 200
    assert "Coming" in response.text


def test_an_unknown_section_is_404(client_for, sales_user):
    assert client_for(sales_user).get(reverse("core:coming", args=["nope"])).status_code == 404


def test_pages_carry_a_strict_content_security_policy(client_for, sales_user):
    policy = client_for(sales_user).get(reverse("core:home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


@pytest.mark.parametrize("language,word", [("es", "Reclamaciones"), ("en", "Claims")])
def test_the_user_language_wins_over_the_browser(client_for, sales_user, language, word):
    sales_user.language = language
    sales_user.save()
    response = client_for(sales_user).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="de")
    assert word in response.text
