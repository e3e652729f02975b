"""`flask worker`: the job clock in its own process (production)."""

from __future__ import annotations

import logging
import signal

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app

from .clock import JOBS, make_scheduler, run_job

log = logging.getLogger(__name__)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or a check).")
def worker(once: bool) -> None:
    """Run the jobs: reminder dispatch every DISPATCH_INTERVAL_SECONDS, horizon daily, digest
    Monday 08:00."""
    app = current_app._get_current_object()
    if once:
        for name in JOBS:
            click.echo(f"{name}: {run_job(app, name)}")
        return
    scheduler = make_scheduler(app, BlockingScheduler)

    def _stop(signum, _frame) -> None:
        log.info("worker: signal %s, stopping after the running job", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    interval = app.config["DISPATCH_INTERVAL_SECONDS"]
    click.echo(
        f"worker started: dispatch every {interval} s, horizon daily 03:15, digest Monday 08:00"
    )
    scheduler.start()
    click.echo("worker stopped")


commands = [worker]
