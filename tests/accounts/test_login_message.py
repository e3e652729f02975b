"""The request to sign in that a protected page sends its visitor to speaks the page's
language."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import fresh


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Войдите, чтобы открыть эту страницу."),
        ("et", "Selle lehe nägemiseks logige sisse."),
        ("en", "Please log in to access this page."),
    ],
)
def test_a_protected_page_asks_to_sign_in_in_the_visitors_language(client, language, message):
    fresh()
    response = client.get(f"/plans/?lang={language}")
    assert response.status_code == 302 and "/account/login" in response.location
    fresh()
    page = client.get(response.location).get_data(as_text=True)

    assert message in page
    if language != "en":
        assert "Please log in" not in page
