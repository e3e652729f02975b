"""The plan on the web: a page per year beside the plan's own tables; admins roll the next
year's draft and publish it there (the same service as `flask plan roll / publish`)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.plans.models import Plan
from tests.factories import listed_events
from tests.support.people import fresh, signed_in_as

PASSWORD = "plan-page-password"


def _get(client, url: str, **kwargs):
    fresh()  # each request chooses its user and language anew, as on a real server
    return client.get(url, **kwargs)


def _post(client, url: str, **kwargs):
    fresh()
    return client.post(url, **kwargs)


def _row(page: str, element_id: str) -> str:
    match = re.search(rf'<(tr|li) id="{re.escape(element_id)}".*?</\1>', page, re.S)
    assert match, f"no #{element_id} on the page"
    return match.group(0)


def test_the_plan_page_asks_visitors_to_sign_in(plan_2024, client):
    response = _get(client, "/plans/2024")
    assert response.status_code == 302 and "/account/login" in response.location
    assert _get(client, "/plans/").status_code == 302


def test_the_plan_page_shows_the_activity_tree_series_counts_and_targets(plan_2024, client, runner):
    signed_in_as(client, Role.VIEWER)
    page = _get(client, "/plans/2024?lang=en").text

    tartu = _row(page, "activity-3.5.2.1")
    assert "Local activities in Tartu" in tartu and "Tartu city" in tartu
    assert "01.01.2023–01.04.2026" in tartu, "the overall timeframe"
    clubs = _row(page, "activity-3.5.2.1.2")
    assert 'class="depth-1"' in clubs
    club = _row(page, "series-2024-tartu-club-et")
    assert "Social-interaction club (in Estonian)" in club
    assert "every Tuesday at 17:30" in club
    planned = [
        e
        for e in listed_events(runner)
        if e["series_key"] == "2024-tartu-club-et" and e["status"] != "cancelled"
    ]
    assert f'<strong class="n">{len(planned)}</strong>' in club
    assert "(internal)" in _row(page, "series-2024-tartu-specialists-network")

    info_days = _row(page, "target-info_days")
    assert "Information days organised" in info_days
    assert '<td data-label="Target 2024" class="n target">3</td>' in info_days
    assert 'class="n target-final">12</td>' in info_days
    assert 'id="plan-admin"' not in page, "viewers neither roll nor publish"


def test_the_series_descriptions_follow_the_page_language(plan_2024, client):
    signed_in_as(client, Role.VIEWER)
    estonian = _row(_get(client, "/plans/2024?lang=et").text, "series-2024-tartu-club-et")
    russian = _row(_get(client, "/plans/2024?lang=ru").text, "series-2024-tartu-club-et")
    assert "iga teisipäev kell 17:30" in estonian and "каждый вторник в 17:30" in russian


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("et", "<span>ELVL tegevuskava 2024 — KOV-ide toetamine"),
        ("en", "<span>ELVL action plan 2024 — supporting local governments"),
        ("ru", "<span>План действий ELVL на 2024 год — поддержка местных самоуправлений"),
    ],
)
def test_the_plan_title_is_in_the_page_language(plan_2024, client, language, title):
    signed_in_as(client, Role.VIEWER)
    detail = _get(client, f"/plans/2024?lang={language}").text
    listing = _get(client, f"/plans/?lang={language}").text
    assert title in detail and title in listing


def test_the_plans_are_listed_by_year_with_drafts_marked(plan_2024, client, runner, tmp_path):
    draft = tmp_path / "plan-2025.yaml"
    rolled = runner.invoke(args=["plan", "roll", "2024", "--to", "2025", "--output", str(draft)])
    assert rolled.exit_code == 0, rolled.output
    signed_in_as(client, Role.COORDINATOR, "tartu")
    page = _get(client, "/plans/?lang=en").text
    assert "Draft" in _row(page, "plan-2025") and "Published" in _row(page, "plan-2024")
    assert "/plans/2025" in page


def test_an_unknown_year_is_not_found(plan_2024, client):
    signed_in_as(client, Role.VIEWER)
    assert _get(client, "/plans/2031").status_code == 404
    assert _get(client, "/plans/99999999999999999999").status_code == 404


def test_an_admin_rolls_the_next_draft_reviews_and_publishes_it(plan_2024, client, app):
    signed_in_as(client, Role.ADMIN)
    page = _get(client, "/plans/2024?lang=en").text
    assert 'name="roll"' in page and 'name="publish"' not in page, "2024 is published"

    response = _post(client, "/plans/2024/roll?lang=en")
    assert response.status_code == 303 and response.location.endswith("/plans/2025")
    plan = db.session.scalar(select(Plan).where(Plan.year == 2025))
    assert plan.is_draft
    draft = _get(client, "/plans/2025?lang=en").text
    assert "The draft plan 2025 is ready for review." in draft
    assert "badge-draft" in draft and 'name="publish"' in draft
    assert "series-2025-tartu-club-et" in draft
    assert 'name="roll"' not in _get(client, "/plans/2024").text, "2025 exists now"

    response = _post(client, "/plans/2025/publish?lang=en")
    assert response.status_code == 303
    db.session.refresh(plan)
    assert not plan.is_draft
    published = _get(client, "/plans/2025?lang=en").text
    assert "The plan 2025 is published." in published and 'name="publish"' not in published


def test_rolling_a_year_whose_successor_exists_says_so(plan_2024, client):
    signed_in_as(client, Role.ADMIN)
    assert _post(client, "/plans/2024/roll").status_code == 303
    again = _post(client, "/plans/2024/roll?lang=en", follow_redirects=True)
    assert "The draft was not made: the plan for 2025 exists already" in again.text


def test_coordinators_read_plans_but_may_not_roll_or_publish(plan_2024, client, runner, tmp_path):
    draft = tmp_path / "plan-2025.yaml"
    rolled = runner.invoke(args=["plan", "roll", "2024", "--to", "2025", "--output", str(draft)])
    assert rolled.exit_code == 0
    signed_in_as(client, Role.COORDINATOR, "tartu")
    assert _get(client, "/plans/2025").status_code == 200
    assert 'id="plan-admin"' not in _get(client, "/plans/2025").text
    assert _post(client, "/plans/2025/publish").status_code == 403
    assert _post(client, "/plans/2025/roll").status_code == 403
    assert db.session.scalar(select(Plan).where(Plan.year == 2025)).is_draft
    assert db.session.scalar(select(Plan).where(Plan.year == 2026)) is None


def test_publish_on_the_command_line(plan_2024, runner, tmp_path):
    draft = tmp_path / "plan-2025.yaml"
    runner.invoke(args=["plan", "roll", "2024", "--to", "2025", "--output", str(draft)])
    missing = runner.invoke(args=["plan", "publish", "2031"])
    assert missing.exit_code == 1 and "no plan for 2031 is loaded" in missing.output
    published = runner.invoke(args=["plan", "publish", "2025"])
    assert published.exit_code == 0 and "plan 2025 is published" in published.output

    again = runner.invoke(args=["plan", "load", str(draft)])
    assert again.exit_code == 1, "the draft file would make the published plan a draft again"
    assert "plan 2025: published on the web" in again.output
    assert not db.session.scalar(select(Plan).where(Plan.year == 2025)).is_draft
