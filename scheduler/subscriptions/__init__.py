"""Email alerts for newcomers, without an account (issue 18, point 3).

Anyone may subscribe by email to the coming public events of chosen cities (or online ones),
working languages and types: a weekly digest of what is new or changed, or an immediate notice
when a matching event of the next 7 days is cancelled or moved. Double opt-in: nothing but the
confirmation mail is sent before its link is followed, and a subscription never confirmed is
erased after ``SUBSCRIPTION_PENDING_DAYS``. Every mail goes through the reminder outbox and
carries a one-click unsubscribe (RFC 8058) that erases the address.
"""

from __future__ import annotations


def init_app(app) -> None:
    from .notices import connect_signals

    connect_signals()
