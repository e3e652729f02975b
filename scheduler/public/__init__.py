"""The public site for newcomers: upcoming public events by city, working language, type and
words (``/`` for visitors, ``/public`` for everyone), city pages (``/city/<slug>``) and the
public event page (``/events/<id>``, the address the open API's ``url`` gives).

Listings come from the read model (``events.queries``) the open API reads too, with the
filters of the public vocabulary (``events.filters``); what a page shows of
an event (texts with their language, time range, calendar links, schema.org data, posts to
share) is computed by the pure functions of :mod:`.presentation`.
"""


def init_app(app) -> None:
    from ..web.pages import PUBLIC_EVENT_PAGE, PUBLIC_HOME, SHARE_TEXTS, offer
    from . import views

    offer(app, PUBLIC_HOME, views.home)
    offer(app, PUBLIC_EVENT_PAGE, views.event_page)
    offer(app, SHARE_TEXTS, views.share_texts)
