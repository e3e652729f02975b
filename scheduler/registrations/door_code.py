"""The check-in code of a registration: what its QR code says, and what the door reads back.

The code is signed with SECRET_KEY (itsdangerous, a salt of its own, so it is no personal
link: it cannot see, change or cancel anything) and names only the row's id and a piece of
its random ``token_hash``. No name, no email. Cancelling or erasing the registration clears
``token_hash``, so its code stops working with its personal link. The QR code holds the
check-in page's URL with the code in it: a phone's own camera app opens the page at the
door, and the page's scanner reads the code out of the URL.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import parse_qs, urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..core.bounds import MAX_ID
from ..extensions import db
from ..mail.message import InlineImage, link_to
from .models import Registration, RegistrationState

SALT = "registrations.checkin"
#: this much of token_hash goes into the code: enough that it dies with the personal link
KEY_CHARS = 12
#: longer input is no code of ours (a URL with one is shorter)
MAX_CODE_CHARS = 400


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def checkin_code(registration_id: int, token_hash: str) -> str:
    return _serializer().dumps([registration_id, token_hash[:KEY_CHARS]])


def read_checkin_code(text: str) -> tuple[int, str] | None:
    """(registration id, key) from a code or from a URL that carries one; None if it is none
    of ours (a bad signature, garbage, another site's QR code)."""
    text = (text or "").strip()[:MAX_CODE_CHARS]
    if "://" in text or text.startswith("/"):
        text = (parse_qs(urlsplit(text).query).get("code") or [""])[0]
    try:
        registration_id, key = _serializer().loads(text)
        return int(registration_id), str(key)
    except (BadSignature, TypeError, ValueError, OverflowError):
        return None


def matches(token_hash: str | None, key: str) -> bool:
    return bool(token_hash) and token_hash[:KEY_CHARS] == key


def checkin_url(event_id: int, registration_id: int, token_hash: str) -> str:
    """The absolute check-in page URL (on BASE_URL) with the registration's code."""
    code = checkin_code(registration_id, token_hash)
    return link_to("registrations.checkin", event_id=event_id, code=code)


def qr_png(text: str, scale: int = 6) -> bytes:
    """A PNG of the QR code for ``text`` (segno; error correction M, the quiet zone kept)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def png_data_uri(png: bytes) -> str:
    """For an <img> on a page: the policy allows data: images, and nothing is stored."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


#: how the confirmation mail's HTML names its QR code (``<img src="cid:…">``)
QR_CONTENT_ID = "checkin-qr@elvl-scheduler"


def admits(row: Registration) -> bool:
    """A registration whose QR code lets its holder in: a place, and a live link."""
    return row.state == RegistrationState.CONFIRMED and bool(row.token_hash)


def mail_qr(row: Registration):
    """The QR image for a registrant's mail, or None while they hold no place."""

    if not admits(row):
        return None
    png = qr_png(checkin_url(row.event_id, row.id, row.token_hash))
    return InlineImage(content_id=QR_CONTENT_ID, filename="checkin-qr.png", data=png)


def page_qr(row: Registration) -> str | None:
    """The QR image for the registrant's personal page (a data: URI), or None."""
    if not admits(row):
        return None
    return png_data_uri(qr_png(checkin_url(row.event_id, row.id, row.token_hash)))


def registration_for_code(event_id: int, text: str) -> Registration | None:
    """The registration a scanned code (or check-in URL) names for this occurrence, or None:
    a forged, foreign or dead code (cancelled, erased) and another occurrence's are none."""
    read = read_checkin_code(text)
    if read is None:
        return None
    row = db.session.get(Registration, read[0]) if 0 < read[0] <= MAX_ID else None
    if row is None or row.event_id != event_id or not matches(row.token_hash, read[1]):
        return None
    return row
