"""Account mail (invitations, password resets) in the recipient's language.

Sent at once through the reminders' transport: SMTP when MAIL_SERVER is set, otherwise
written to MAIL_CAPTURE_DIR as an .eml file.
"""

from __future__ import annotations

from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from ..reminders.emails import OutgoingMail
from ..reminders.transport import open_transport
from .labels import role_label
from .models import User


def send_account_mail(user: User, kind: str, **context) -> None:
    languages = current_app.config["LANGUAGES"]
    locale = user.locale if user.locale in languages else languages[0]
    context.update(user=user, locale=locale, role_label=role_label)
    with force_locale(locale):
        subject = render_template(f"accounts/mail/{kind}_subject.txt", **context)
        text = render_template(f"accounts/mail/{kind}.txt", **context)
        html = render_template(f"accounts/mail/{kind}.html", **context)
    outgoing = OutgoingMail(
        message_id=make_msgid(domain="scheduler.elvl.ee"),
        recipient=user.email,
        subject=" ".join(subject.split()),
        text=text,
        html=html,
        headers={"Auto-Submitted": "auto-generated"},
    )
    transport = open_transport()
    try:
        transport.send(outgoing)
    finally:
        transport.close()
    current_app.logger.info("%s mail sent to user %s", kind, user.id)
