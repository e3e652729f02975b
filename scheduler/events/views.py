"""Thin views over the events queries."""

from __future__ import annotations

from flask import render_template, request

from .queries import EventFilter, list_events


def index():
    event_filter = EventFilter.from_args(request.args)
    events = list_events(event_filter)
    return render_template("events/index.html", events=events, event_filter=event_filter)
