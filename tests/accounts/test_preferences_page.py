from django.urls import reverse

from trato.accounts.models import User

URL = reverse("accounts:profile")


def form_data(**changes) -> dict:
    data = {"first_name": "Ana", "last_name": "Gil", "email": "ana@example.com", "language": "en"}
    return {**data, "time_zone": "Europe/Madrid", **changes}


def test_the_page_shows_my_current_preferences(client_for, sales_user):
    sales_user.time_zone = "Atlantic/Canary"
    sales_user.save()
    response = client_for(sales_user).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["time_zone"].value() == "Atlantic/Canary"
    assert form["email"].value() == sales_user.email
    assert '<option value="Atlantic/Canary" selected>' in response.text
    assert "Sales user" in response.text  # my role


def test_saving_in_spanish_shows_spanish_afterwards(client_for, sales_user):
    client = client_for(sales_user)
    response = client.post(URL, form_data(language="es"), follow=True, headers={"Accept-Language": "en"})
    assert response.redirect_chain == [(URL, 302)]
    assert User.objects.get(pk=sales_user.pk).language == "es"
    assert '<html lang="es">' in response.text
    assert response["Content-Language"] == "es"
    assert "Inglés" in response.text  # the language switch now names the languages in Spanish


def test_an_empty_language_follows_the_browser(client_for, sales_user):
    client = client_for(sales_user)
    client.post(URL, form_data(language=""))
    assert User.objects.get(pk=sales_user.pk).language == ""
    assert '<html lang="es">' in client.get(URL, headers={"Accept-Language": "es"}).text
    assert '<html lang="en">' in client.get(URL, headers={"Accept-Language": "en"}).text


def test_the_chosen_time_zone_is_used_for_times(client_for, sales_user):
    client = client_for(sales_user)
    client.post(URL, form_data(time_zone="Asia/Tokyo"))
    response = client.get(URL)
    assert response.context["TIME_ZONE"] == "Asia/Tokyo"


def test_an_unknown_time_zone_is_refused_inline_and_nothing_changes(client_for, sales_user):
    response = client_for(sales_user).post(URL, form_data(time_zone="Mars/Olympus", first_name="Changed"))
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    assert "is-invalid" in response.text
    saved = User.objects.get(pk=sales_user.pk)
    assert (saved.time_zone, saved.first_name) == ("Europe/Madrid", sales_user.first_name)


def test_a_bad_email_is_refused_inline(client_for, sales_user):
    response = client_for(sales_user).post(URL, form_data(email="nope"))
    assert response.context["form"].errors["email"]
    assert User.objects.get(pk=sales_user.pk).email == sales_user.email


def test_the_page_leads_to_teams_tokens_and_password(client_for, sales_user):
    page = client_for(sales_user).get(URL).text
    for name in ["accounts:teams", "accounts:tokens", "accounts:password_change"]:
        assert f'href="{reverse(name)}"' in page


def test_anonymous_visitors_must_log_in_first(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
