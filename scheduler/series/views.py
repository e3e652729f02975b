"""Thin views of the series editor: load through the policy, validate with the form, call the
service, render. The preview is one fragment, served alone (for the page's script) or inside
the editor (the "Preview" button, without JavaScript)."""

from __future__ import annotations

import logging

from flask import abort, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..calendars.models import is_imported
from ..core.bounds import is_valid_id
from ..core.policy import can
from ..core.time import utcnow, zone
from ..events.expansion import spec_for
from ..events.models import Event, Series
from ..events.service import OccurrenceError
from ..extensions import db
from ..history.conflicts import ConflictRow, compare, conflict_response, shown
from ..history.display import records_since
from ..recurrence import RuleError, validate
from .definition import PreviewRequest, build_preview
from .forms import FormProblem, SeriesForm, SeriesPreviewForm, WithdrawForm
from .service import (
    SeriesValues,
    bookings_for,
    change_series,
    create_series,
    is_withdrawn,
    needs_scope,
    plan_periods,
    upcoming_occurrences,
    withdraw_series,
)

log = logging.getLogger(__name__)


def load_series(series_id: int, action: str = "edit_series") -> Series:
    """The series, if the signed-in user may do ``action`` on it: 404 when it is not theirs
    to see, 403 when it is theirs to see but not to change (or it comes from an import)."""
    series = db.session.get(Series, series_id) if is_valid_id(series_id) else None
    if series is None or not can(current_user, "view_event", series):
        abort(404)
    if not can(current_user, action, series) or is_imported(series):
        log.warning("refused %s on series %s for %s", action, series_id, current_user.email)
        abort(403)
    return series


@login_required
def index():
    if not can(current_user, "create_series"):
        abort(403)
    today = utcnow().astimezone(zone()).date()
    rows = db.session.scalars(
        select(Series).options(joinedload(Series.organisation)).order_by(Series.key)
    ).all()
    mine = [s for s in rows if can(current_user, "edit_series", s) and not is_imported(s)]
    return render_template(
        "series/index.html", series=mine, withdrawn={s.id for s in mine if is_withdrawn(s, today)}
    )


@login_required
def new():
    if not can(current_user, "create_series"):
        abort(403)
    form = SeriesForm().setup(current_user)
    if not form.is_submitted() or form.preview.data:
        return _editor(form, None, preview=form.is_submitted())
    values = _validated(form)
    if values is None:
        return _editor(form, None), 422
    if not can(current_user, "create_series", values.organisation_id):
        abort(403)
    result = create_series(values)
    db.session.commit()
    flash(_("Saved."))
    return render_template("series/result.html", result=result)


@login_required
def edit(series_id: int):
    series = load_series(series_id)
    occurrences = upcoming_occurrences(series)
    form = SeriesForm().setup(current_user, series, occurrences)
    if not form.is_submitted() or form.preview.data:
        return _editor(form, series, preview=form.is_submitted(), occurrences=occurrences)
    if form.is_stale(series.revision):
        return _conflict(series, form)
    values = _validated(form, series)
    if values is None:
        return _editor(form, series, occurrences=occurrences), 422
    if not can(current_user, "create_series", values.organisation_id):
        abort(403)
    scope = form.scope.data or ""
    if scope not in ("one", "following", "all"):
        if needs_scope(series, values):
            form.scope.errors = [_("Choose which events the change applies to.")]
            return _editor(form, series, occurrences=occurrences, asking=True), 422
        scope = "all"
    occurrence = None
    if scope in ("one", "following"):
        occurrence = _chosen_occurrence(form, series)
        if occurrence is None:
            form.occurrence.errors = [_("Choose the event the change starts from.")]
            return _editor(form, series, occurrences=occurrences, asking=True), 422
    try:
        result = change_series(series, values, scope, occurrence)
    except (OccurrenceError, RuleError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return _editor(form, series, occurrences=occurrences, asking=True), 422
    db.session.commit()
    flash(_("Saved."))
    return render_template("series/result.html", result=result)


@login_required
def withdraw(series_id: int):
    series = load_series(series_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    if form.is_stale(series.revision):
        return _conflict(
            series, form, [ConflictRow(_("Withdraw the series"), shown(True), shown(False))]
        )
    result = withdraw_series(series)
    db.session.commit()
    flash(_("The series is withdrawn: its coming events are cancelled."))
    return render_template("series/result.html", result=result)


@login_required
def preview():
    """The preview fragment for the editor's fields (GET query or POST form, no CSRF: it
    changes nothing)."""
    if not can(current_user, "create_series"):
        abort(403)
    form = SeriesPreviewForm(request.args) if request.method == "GET" else SeriesPreviewForm()
    series = None if form.series.data is None else load_series(form.series.data)
    form.setup(current_user, series)
    return render_template("series/_preview.html", **_preview_context(form, series))


def _validated(form: SeriesForm, series: Series | None = None) -> SeriesValues | None:
    if not form.validate():
        return None
    try:
        values = form.values(series)
        validate(spec_for(values))
        return values
    except FormProblem as problem:
        getattr(form, problem.field).errors = [*getattr(form, problem.field).errors, str(problem)]
    except RuleError as error:
        form.start_date.errors = [*form.start_date.errors, str(error)]
    return None


def _int_or_none(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _chosen_occurrence(form: SeriesForm, series: Series) -> Event | None:
    try:
        event_id = int(form.occurrence.data or "")
    except ValueError:
        return None
    event = db.session.get(Event, event_id) if is_valid_id(event_id) else None
    return event if event is not None and event.series_id == series.id else None


def _preview_context(form: SeriesForm, series: Series | None) -> dict:
    """The preview of what the fields say, or why there is none."""
    locale = str(get_locale())
    try:
        organisation = _int_or_none(form.organisation.data)
        if (
            organisation is not None
            and not can(current_user, "create_series", organisation)
            and (series is None or series.organisation_id != organisation)
        ):
            abort(403)
        if not (form.start_date.data and form.start_time.data and form.duration.data):
            raise FormProblem("start_date", _("Give the first date, the time and the duration."))
        values = form.values(series)
        spec = spec_for(values)
        validate(spec)
        request_ = PreviewRequest(
            spec=spec,
            today=utcnow().astimezone(zone(values.timezone)).date(),
            plan_periods=plan_periods(),
            location=values.location,
            organisers=values.organisers,
        )
        bookings = bookings_for(values, locale, series.id if series else None)
        return {"preview": build_preview(request_, bookings), "problem": None}
    except (FormProblem, RuleError) as error:
        return {"preview": None, "problem": str(error)}
    except (ValueError, TypeError, OverflowError):  # a choice no form offers
        return {"preview": None, "problem": _("Not a valid choice.")}


def _editor(form, series, *, preview=False, occurrences=(), asking=False):
    context = _preview_context(form, series) if preview else {"preview": None, "problem": None}
    return render_template(
        "series/edit.html",
        form=form,
        series=series,
        occurrences=occurrences,
        asking=asking,
        withdraw_form=WithdrawForm(formdata=None, version=series.revision) if series else None,
        previewed=preview,
        **context,
    )


def _conflict(series: Series, form, rows: list[ConflictRow] | None = None):
    """Someone saved the series after this form was opened: both versions, nothing saved.
    ``rows`` default to the editor's fields, yours beside the saved ones."""
    if rows is None:
        saved = SeriesForm(formdata=None, meta={"csrf": False}).setup(current_user, series)
        saved.fill(series)
        how = {str(form.scope.label.text), str(form.occurrence.label.text)}  # not the series'
        rows = [
            row
            for row in compare(form, {field.name: field.data for field in saved})
            if row.label not in how
        ]
    return conflict_response(
        form,
        title=series.title,
        back_url=url_for("series.edit", series_id=series.id),
        rows=rows,
        changes=records_since(series, form.opened_on()),
        version=series.revision,
    )
