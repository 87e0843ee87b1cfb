"""Serves the NHS.UK frontend assets that the set-up installed from npm.

They are read from node_modules rather than copied into static/ so that the
repository never holds a second, drifting copy of the design system.
"""
from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from . import REPO_ROOT

NHSUK_DIST = REPO_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"

bp = Blueprint("assets", __name__)


@bp.route("/assets/<path:filename>")
def nhsuk_asset(filename: str):
    if not NHSUK_DIST.is_dir():
        abort(404)
    if filename.startswith("images/") or filename == "manifest.json":
        return send_from_directory(NHSUK_DIST / "assets", filename, max_age=86400)
    return send_from_directory(NHSUK_DIST, filename, max_age=86400)
