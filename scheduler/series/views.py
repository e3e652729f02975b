"""Thin views of the series editor: load through the policy, validate with the form, call the
service, render. The preview is one fragment, served alone (for the page's script) or inside
the editor (the "Preview" button, without JavaScript)."""

from __future__ import annotations

from time import monotonic

from flask import current_app, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.bounds import is_valid_id
from ..core.policy import can, event_visibility
from ..core.time import utcnow, zone
from ..events.expansion import default_horizon, expansion_window, rule_limits, spec_for
from ..events.models import Event, Series
from ..events.service import OccurrenceError
from ..extensions import db
from ..history.display import records_since
from ..organisations.models import Organisation
from ..recurrence import RuleBudget, RuleError, RuleRefused, check_rule, validate
from ..recurrence import limits as rule_limit
from ..web.access import load, requires
from ..web.conflicts import ConflictRow, compare, conflict_response, shown
from ..web.forms import submitted
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


@requires("create_series")
def index():
    today = utcnow().astimezone(zone()).date()
    rows = db.session.scalars(
        select(Series).options(joinedload(Series.organisation)).order_by(Series.key)
    ).all()
    mine = [s for s in rows if can(current_user, "edit_series", s)]
    return render_template(
        "series/index.html", series=mine, withdrawn={s.id for s in mine if is_withdrawn(s, today)}
    )


@requires("create_series")
def new():
    form = SeriesForm().setup(current_user)
    values, page = _saved_values(form, None)
    if page is not None:
        return page
    try:
        result = create_series(values)
    except RuleRefused as refusal:
        db.session.rollback()
        _show_refusal(form, refusal)
        return _editor(form, None), 422
    return _saved(result, _("Saved."))


@login_required
def edit(series_id: int):
    series = load(Series, series_id, "edit_series")
    occurrences = upcoming_occurrences(series)
    form = SeriesForm().setup(current_user, series, occurrences)
    values, page = _saved_values(form, series, occurrences)
    if page is not None:
        return page
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
        flash(refusal_text(error), "error")
        return _editor(form, series, occurrences=occurrences, asking=True), 422
    return _saved(result, _("Saved."))


@login_required
def withdraw(series_id: int):
    series = load(Series, series_id, "edit_series")
    form = submitted(WithdrawForm())
    if form.is_stale(series.revision):
        return _conflict(
            series, form, [ConflictRow(_("Withdraw the series"), shown(True), shown(False))]
        )
    return _saved(
        withdraw_series(series), _("The series is withdrawn: its coming events are cancelled.")
    )


def _saved(result, message: str):
    """Commit what the service did and show its result."""
    db.session.commit()
    flash(message)
    return render_template("series/result.html", result=result)


@requires("create_series")
def preview():
    """The preview fragment for the editor's fields (GET query or POST form, no CSRF: it
    changes nothing)."""
    form = SeriesPreviewForm(request.args) if request.method == "GET" else SeriesPreviewForm()
    series = None if form.series.data is None else load(Series, form.series.data, "edit_series")
    form.setup(current_user, series)
    return render_template("series/_preview.html", **_preview_context(form, series))


def _saved_values(form: SeriesForm, series: Series | None, occurrences=()):
    """(the values to save, None) or (None, the page to answer instead): the editor when it
    is opened or previewed or its values are not valid, the conflict page when the series
    was saved by someone else after the form was opened."""
    if not form.is_submitted() or form.preview.data:
        return None, _editor(form, series, preview=form.is_submitted(), occurrences=occurrences)
    if series is not None and form.is_stale(series.revision):
        return None, _conflict(series, form)
    values = _validated(form, series)
    if values is None:
        return None, (_editor(form, series, occurrences=occurrences), 422)
    return values, None


def _validated(form: SeriesForm, series: Series | None = None) -> SeriesValues | None:
    """The form's values, or None with the errors shown on the form; 403 for an
    organisation the person may not make series of."""
    values = _checked_values(form, series)
    if values is not None:
        load(Organisation, values.organisation_id, "create_series")
    return values


def _checked_values(form: SeriesForm, series: Series | None) -> SeriesValues | None:
    if not form.validate():
        return None
    try:
        values = form.values(series)
        validate(spec_for(values))
        check_rule(values.rule, rule_limits())
        return values
    except FormProblem as problem:
        getattr(form, problem.field).errors = [*getattr(form, problem.field).errors, str(problem)]
    except RuleRefused as refusal:
        _show_refusal(form, refusal)
    except RuleError as error:
        form.start_date.errors = [*form.start_date.errors, str(error)]
    return None


def refusal_text(error: Exception) -> str:
    """A rule refused by one of the limits, said in the page's language with the limit's
    value and setting; any other error as it is."""
    if not isinstance(error, RuleRefused):
        return str(error)
    values = {"value": error.value, "setting": error.setting}
    if error.limit == rule_limit.FREQUENCY:
        return _(
            "The rule repeats too often (FREQ=%(value)s): such rules are refused "
            "(limit %(setting)s).",
            **values,
        )
    if error.limit == rule_limit.PER_SERIES:
        return _(
            "The rule makes more than %(value)s events for one series (limit %(setting)s).",
            **values,
        )
    if error.limit == rule_limit.PER_SAVE:
        return _(
            "The rules make more than %(value)s events in one save (limit %(setting)s).",
            **values,
        )
    return _(
        "Working out the events takes longer than %(value)s seconds (limit %(setting)s): "
        "simplify the rule.",
        value=f"{error.value:g}",
        setting=error.setting,
    )


def _show_refusal(form: SeriesForm, refusal: RuleRefused) -> None:
    field = form.raw_rule if form.rule_kind.data == "raw" else form.rule_kind
    field.errors = [*field.errors, refusal_text(refusal)]


def _checked_preview_spec(values: SeriesValues, spec, deadline: float) -> None:
    """The preview refuses what saving would: the same limits, over the same window."""
    seconds = float(current_app.config["SERIES_PREVIEW_DEADLINE_SECONDS"])
    limits = rule_limits(seconds=seconds, deadline_setting="SERIES_PREVIEW_DEADLINE_SECONDS")
    budget = RuleBudget(limits, deadline=deadline)
    budget.expand(spec, *expansion_window(values, default_horizon()))


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
        if organisation is not None and (series is None or series.organisation_id != organisation):
            load(Organisation, organisation, "create_series")
        if not (form.start_date.data and form.start_time.data and form.duration.data):
            raise FormProblem("start_date", _("Give the first date, the time and the duration."))
        values = form.values(series)
        spec = spec_for(values)
        validate(spec)
        deadline = monotonic() + float(current_app.config["SERIES_PREVIEW_DEADLINE_SECONDS"])
        _checked_preview_spec(values, spec, deadline)
        request_ = PreviewRequest(
            spec=spec,
            today=utcnow().astimezone(zone(values.timezone)).date(),
            plan_periods=plan_periods(),
            location=values.location,
            organisers=values.organisers,
            deadline=deadline,
        )
        bookings = bookings_for(
            values, locale, series.id if series else None, visibility=event_visibility(current_user)
        )
        return {"preview": build_preview(request_, bookings), "problem": None, "values": values}
    except RuleRefused as refusal:
        return {"preview": None, "problem": refusal_text(refusal)}
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
