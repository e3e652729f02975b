"""Series and their occurrences (event rows)."""


def init_app(app) -> None:
    from .labels import event_type_label, status_label

    app.jinja_env.globals.update(event_type_label=event_type_label, status_label=status_label)
