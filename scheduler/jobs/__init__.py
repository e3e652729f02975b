"""Jobs run by a clock (APScheduler 3): the dispatch tick, horizon extension, weekly digest.

The database decides what is due; the clock only runs idempotent ticks, so a missed or
doubled tick costs nothing. `flask worker` runs the clock in its own process; with
SCHEDULER_EMBEDDED the web app runs it itself, in one process only (see embedded.py).
"""


def init_app(app) -> None:
    if not app.config["SCHEDULER_EMBEDDED"]:
        return
    from .embedded import start_embedded

    @app.before_request
    def _start_clock_once() -> None:
        start_embedded(app)
