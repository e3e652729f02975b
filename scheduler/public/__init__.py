"""The public site for newcomers: upcoming public events by city, working language, type and
words (``/`` for visitors, ``/public`` for everyone), city pages (``/city/<slug>``) and the
public event page (``/events/<id>``, the address the open API's ``url`` gives).

Listings come from the open API's query service (``publicapi.service``); what a page shows of
an event (texts with their language, time range, calendar links, schema.org data, posts to
share) is computed by the pure functions of :mod:`.presentation`.
"""
