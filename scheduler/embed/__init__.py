"""The events widget for other sites: ``/embed.js`` and its iframe form ``/embed/events``.

A city website adds ``<script src="BASE/embed.js" async></script>`` and a
``<div data-elvl-events data-org="tartu" data-lang="ru">``; the script reads
``/api/events`` from the site it was loaded from and draws the list in a shadow root. Sites
that allow no scripts frame ``/embed/events?org=…&lang=…`` instead: the only page of this
site that another site may frame. Neither sets or reads a cookie. ``lang`` is the language
of the list (its words and titles); ``held_in`` (``data-held-in``) filters by the language
an event is held in, as ``/api/events``'s ``lang`` does.
"""
