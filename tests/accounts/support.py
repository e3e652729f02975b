"""People of two organisations and helpers to read the account mail captured to files."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from tests.accounts.conftest import PASSWORD
from tests.factories import make_org


def make_person(email: str, role: Role, org_slug: str | None = None, **fields) -> User:
    user = User(
        email=email,
        role=role,
        organisation=make_org(org_slug) if org_slug else None,
        **fields,
    )
    user.set_password(fields.pop("password", PASSWORD))
    db.session.add(user)
    db.session.commit()
    return user


def captured_mail(app) -> list:
    folder = Path(app.config["MAIL_CAPTURE_DIR"])
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+", text).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def link_made_ago(app, user: User, salt: str, age: timedelta) -> str:
    """A link the app signed ``age`` ago (itsdangerous keeps the signing time in the token)."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    from scheduler.accounts.links import password_state

    class SignedEarlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age.total_seconds())

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=SignedEarlier)
    return serializer.dumps({"u": user.id, "s": password_state(user)})
