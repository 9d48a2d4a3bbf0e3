import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_interactive_api_docs_render_under_the_content_security_policy(page, login):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(UserFactory(username="dev", roles=["administrator"], language="en"))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Trato API" in page.inner_text(".swagger-ui .info .title")
    assert violations == []
