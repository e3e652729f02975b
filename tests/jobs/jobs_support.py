"""Helpers for the job tests: how to start the app as a child process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def child_env(app, **extra) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="test-secret",
        MAIL_CAPTURE_DIR=app.config["MAIL_CAPTURE_DIR"],
        **extra,
    )
