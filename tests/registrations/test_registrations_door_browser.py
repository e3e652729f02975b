"""The door on a phone, in Chromium: the organiser scans the confirmation QR code with the
camera (Chromium's fake video capture plays a picture of it), and a tap made without
network is kept, shown as "not saved yet", and saved once the phone is back online or the
page is opened again. The check-in page and the sign-in sheet pass axe at 360 px."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import segno

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.registrations.door_code import checkin_url
from scheduler.registrations.models import Registration
from tests.accessibility import assert_accessible
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_org
from tests.support.people import person, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PHONE = {"width": 360, "height": 740}
VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor"


@pytest.fixture
def door(event, registered):
    """Mari and Jaan hold places; the coordinator of Tartu is at the door."""
    rows = registered
    person(Role.COORDINATOR, make_org("tartu"), email="koordinaator@tartu.ee")
    rows = [db.session.get(Registration, row.id) for row in rows]
    return {"event_id": event.id, "mari": rows[0], "jaan": rows[1]}


def _sign_in(page, site: str) -> None:
    sign_in_page(page, site, "koordinaator@tartu.ee")


def _present(registration_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).checked_in


def qr_video(path: Path, text: str, width: int = 640, height: int = 480) -> Path:
    """A Y4M video (two identical frames, played in a loop) of the QR code for ``text``, as
    a camera held over the confirmation mail would see it: dark modules on a light page."""
    matrix = [bytes(row) for row in segno.make(text, error="m", micro=False).matrix]
    quiet = 4
    modules = len(matrix) + 2 * quiet
    scale = min(width, height) * 9 // 10 // modules
    left, top = (width - modules * scale) // 2, (height - modules * scale) // 2
    luma = bytearray([235]) * (width * height)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if not dark:
                continue
            x, y = left + (c + quiet) * scale, top + (r + quiet) * scale
            for line in range(y, y + scale):
                luma[line * width + x : line * width + x + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 2)  # 4:2:0, no colour
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 2)
    return path


@contextmanager
def fake_camera(browser, video: Path) -> Iterator:
    """A Chromium of its own whose camera plays ``video`` (Chromium's fake video capture,
    its permission prompt answered yes), closed afterwards."""
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        yield camera
    finally:
        camera.close()


def test_the_qr_code_is_scanned_with_the_camera_and_its_holder_is_present(
    browser, live_server, door, tmp_path
):
    mari = door["mari"]
    video = qr_video(tmp_path / "qr.y4m", checkin_url(door["event_id"], mari.id, mari.token_hash))
    with fake_camera(browser, video) as camera:
        context = camera.new_context(viewport=PHONE, locale="en-GB")
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        _sign_in(page, live_server)
        page.goto(f"{live_server}/events/{door['event_id']}/checkin?lang=en")
        assert not _present(mari.id)
        page.get_by_role("button", name="Start the camera").click()
        status = page.locator("#door-status")
        status.filter(has_text="Mari Maasikas is present.").wait_for(timeout=30_000)
        assert _present(mari.id) and not _present(door["jaan"].id)
        row = page.locator(f'li[data-registration="{mari.id}"]')
        assert row.locator(".present").inner_text() == "present"
        assert page.locator("#present-count").inner_text() == "Present: 1."
        page.get_by_role("button", name="Stop the camera").click()
        assert page.locator("#scan-video").is_hidden()


def test_a_tap_without_network_is_kept_and_saved_when_back_online(browser, live_server, door):
    jaan_id = door["jaan"].id
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        _sign_in(page, live_server)
        page.goto(f"{live_server}/events/{door['event_id']}/checkin?lang=en")
        row = page.locator(f'li[data-registration="{jaan_id}"]')

        context.set_offline(True)
        row.get_by_role("button", name="Present").click()
        row.locator(".unsaved-mark", has_text="not saved yet").wait_for()
        assert not _present(jaan_id)
        assert_accessible(page, label="check-in with a tap not saved yet (360px)")

        context.set_offline(False)  # the browser says "online": the kept tap is sent
        row.locator(".present").wait_for(timeout=20_000)
        assert _present(jaan_id)
        assert row.locator(".unsaved-mark").count() == 0
        assert page.evaluate("Object.keys(localStorage).map(k => localStorage[k])") == ["[]"]
    finally:
        context.close()


def test_a_kept_tap_survives_a_reload_and_is_sent_once(browser, live_server, door):
    """The server unreachable (the request fails, the phone thinks it is online); the tap is
    kept across closing the page, sent when the page opens again, and only once counted."""
    event_id, mari_id = door["event_id"], door["mari"].id
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        _sign_in(page, live_server)
        page.goto(f"{live_server}/events/{event_id}/checkin?lang=en")
        tap_url = f"{live_server}/events/{event_id}/checkin/tap"
        page.route(tap_url, lambda route: route.abort("internetdisconnected"))
        row = page.locator(f'li[data-registration="{mari_id}"]')
        row.get_by_role("button", name="Present").click()
        row.locator(".unsaved-mark").wait_for()
        page.unroute(tap_url)
        assert not _present(mari_id)

        sent = []
        page.on("request", lambda request: sent.append(request.url == tap_url))
        page.goto(f"{live_server}/events/{event_id}/checkin?lang=en")
        page.locator(f'li[data-registration="{mari_id}"] .present').wait_for(timeout=20_000)
        assert _present(mari_id) and sum(sent) == 1
        assert page.locator(".unsaved-mark").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_door_pages_pass_axe_on_a_phone_in_each_language(browser, live_server, door):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        _sign_in(page, live_server)
        for lang in ("et", "en", "ru"):
            for path in ("checkin", "checkin/sheet"):
                page.goto(f"{live_server}/events/{door['event_id']}/{path}?lang={lang}")
                assert page.locator("html").get_attribute("lang") == lang
                assert_accessible(page, label=f"{path} ({lang}, 360px)")
    finally:
        context.close()


def test_the_vendored_decoder_is_the_pinned_release():
    notice = (VENDOR / "NOTICE").read_text(encoding="utf-8")
    vendored = (VENDOR / "jsqr" / "jsQR.js").read_bytes()
    published = vendored.split(b"*/\n", 1)[1]  # our header comment, then the file as it was
    assert "jsqr 1.4.0" in notice and "Apache-2.0" in notice
    assert f"sha256    {hashlib.sha256(published).hexdigest()}" in notice
    assert (VENDOR / "jsqr" / "LICENSE").read_text().lstrip().startswith("Apache License")
