"""Private feed links: created and revoked from the command line, stored hashed."""

from __future__ import annotations

import re

from feeds_helpers import YEAR_2024

from scheduler.accounts.models import find_user
from scheduler.extensions import db
from scheduler.feeds.models import FeedToken


def _create(runner, email="organiser@example.ee", *extra):
    result = runner.invoke(args=["feeds", "token", "create", email, *extra])
    assert result.exit_code == 0, result.output
    return result.output, re.search(r"/feeds/([A-Za-z0-9_-]{40,})/mine\.ics", result.output).group(
        1
    )


def test_token_create_prints_links_and_stores_only_a_hash(runner, club_calendar):
    output, secret = _create(runner)
    assert "created user organiser@example.ee" in output
    assert "webcal://" in output and "calendar.google.com" in output
    row = db.session.scalars(db.select(FeedToken)).one()
    assert secret not in (row.token_hash, row.hint)
    assert len(secret) >= 43  # 32 random bytes
    assert find_user("organiser@example.ee").role.value == "organiser"


def test_private_feeds_include_internal_events_and_mine_lists_own_series(
    client, runner, club_calendar
):
    _output, secret = _create(runner)
    everything = client.get(f"/feeds/{secret}/org/tartu.ics", query_string=YEAR_2024)
    assert everything.status_code == 200
    assert b"Sisekoosolek" in everything.data
    assert "private" in everything.headers["Cache-Control"]
    mine = client.get(f"/feeds/{secret}/mine.ics", query_string=YEAR_2024)
    assert mine.status_code == 200 and b"Eesti keele klubi" in mine.data


def test_internal_events_are_marked_private_in_private_feeds(client, runner, club_calendar):
    import icalendar

    _output, secret = _create(runner)
    for mode in ("occurrences", "series"):
        body = client.get(
            f"/feeds/{secret}/org/tartu.ics", query_string={**YEAR_2024, "mode": mode}
        ).data
        classes = {
            (str(event["SUMMARY"]), str(event["CLASS"]))
            for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
        }
        assert ("Sisekoosolek", "PRIVATE") in classes, mode
        assert ("Eesti keele klubi", "PUBLIC") in classes, mode
        assert {cls for title, cls in classes if title == "Sisekoosolek"} == {"PRIVATE"}
        assert {cls for title, cls in classes if title != "Sisekoosolek"} == {"PUBLIC"}


def test_revoked_and_unknown_tokens_get_404(client, runner, club_calendar):
    _output, secret = _create(runner)
    assert client.get(f"/feeds/{secret}/all.ics").status_code == 200
    result = runner.invoke(args=["feeds", "token", "revoke", secret])
    assert result.exit_code == 0 and "revoked token" in result.output
    assert client.get(f"/feeds/{secret}/all.ics").status_code == 404
    assert client.get("/feeds/" + "x" * 43 + "/all.ics").status_code == 404


def test_tokens_are_listed_per_user_and_revocable_by_id(runner, club_calendar):
    _create(runner, "a@example.ee", "--label", "Outlook")
    _create(runner, "b@example.ee")
    listing = runner.invoke(args=["feeds", "token", "list", "a@example.ee"]).output
    assert "a@example.ee" in listing and "Outlook" in listing and "b@example.ee" not in listing
    token_id = db.session.scalars(db.select(FeedToken.id).order_by(FeedToken.id)).first()
    assert runner.invoke(args=["feeds", "token", "revoke", str(token_id)]).exit_code == 0
    assert "a@example.ee" not in runner.invoke(args=["feeds", "token", "list"]).output


def test_unknown_email_is_refused_without_create_user(runner, club_calendar):
    result = runner.invoke(
        args=["feeds", "token", "create", "nobody@example.ee", "--no-create-user"]
    )
    assert result.exit_code != 0 and "no user" in result.output


def test_feeds_page_lists_public_feeds_with_webcal_and_google_links(client, club_calendar):
    page = client.get("/feeds/").get_data(as_text=True)
    assert "webcal://" in page
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F" in page
    assert "/feeds/org/tartu.ics" in page and "/feeds/type/club.ics" in page
    assert "/feeds/lang/en.ics" in page


def test_a_new_secret_never_starts_with_a_dash_so_the_command_line_can_revoke_it(
    runner, club_calendar, monkeypatch
):
    from scheduler.feeds import models

    dashed, plain = "-" + "a" * 42, "B" * 43
    drawn = iter([dashed, plain])
    monkeypatch.setattr(models.secrets, "token_urlsafe", lambda _bytes: next(drawn))
    _output, secret = _create(runner)
    assert secret == plain
    assert runner.invoke(args=["feeds", "token", "revoke", secret]).exit_code == 0
