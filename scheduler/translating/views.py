"""The translations worklist page. Thin: the worklist finds, the features' services save."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.policy import organisation_scope
from ..core.time import utcnow
from ..events.service import OccurrenceError
from ..extensions import db
from ..web.access import admit, requires
from ..web.forms import flash_errors
from .forms import FillForm
from .worklist import fill as fill_row
from .worklist import target, worklist

#: who may fill in which kind of row
ACTIONS = {
    "series": "edit_series",
    "event": "change_event",
    "organisation": "translate_organisation",
}


@requires("translate")
def index():
    work = worklist(organisation_scope(current_user), utcnow())
    return render_template("translating/index.html", work=work, form=FillForm(formdata=None))


@requires("translate")
def fill():
    form = FillForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("translating.index"))
    row = admit(target(form.kind.data, form.row_id.data), ACTIONS[form.kind.data])
    key = f"{form.kind.data}-{row.id}-{form.field.data}"
    try:
        changed = fill_row(row, form.field.data, form.typed())
    except (OccurrenceError, ValueError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("translating.index", _anchor=key))
    db.session.commit()
    flash(_("Saved.") if changed else _("Nothing was changed."), "success" if changed else "info")
    return redirect(url_for("translating.index", _anchor=key))
