"""Default-deny sign-in, the user loader, and security headers on every response."""

from __future__ import annotations

import secrets

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user

from .extensions import db, login_manager

# Endpoints a signed-out visitor may reach. Everything else needs a signed-in user,
# so a new route is private unless someone deliberately adds it here.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "assets.nhsuk_asset",
    "assets.icon",
    "static",
    # Reached from links in emails, before the person can sign in.
    "auth.accept_invitation",
    "auth.new_invitation",
    "auth.forgotten_password",
    "auth.reset_password",
}


@login_manager.user_loader
def load_user(session_token: str):
    """The user whose current session token the cookie holds; a replaced token signs nobody in.

    The cookie holds ``User.session_token``, not the id, so signing out, a new password,
    deactivation or a new role (accounts.end_sessions) makes every old cookie worthless.
    """
    from sqlalchemy import select

    from .models import User

    if not session_token:
        return None
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return user if user is not None and user.is_active else None


def _csp(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


MIN_PRODUCTION_SECRET_KEY_LENGTH = 32


def refuse_unsafe_production_settings(app: Flask) -> None:
    """In production, refuse to start in debug mode (its error pages run code) or with a weak key.

    config.py already refuses a missing SECRET_KEY; a short one is as bad, since
    whoever guesses it can sign themselves in as anyone.
    """
    if app.config.get("ENV_NAME") != "production":
        return
    if app.debug:
        raise RuntimeError("Debug mode must be off when SCORING_ENV=production: unset FLASK_DEBUG.")
    if len(app.config.get("SECRET_KEY") or "") < MIN_PRODUCTION_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"SECRET_KEY must be at least {MIN_PRODUCTION_SECRET_KEY_LENGTH} random characters when "
            "SCORING_ENV=production, for example the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )


def configure(app: Flask) -> None:
    refuse_unsafe_production_settings(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"

    @app.before_request
    def require_sign_in():
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def security_headers(response):
        nonce = g.get("csp_nonce") or secrets.token_urlsafe(16)
        response.headers.setdefault("Content-Security-Policy", _csp(nonce))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint not in ("assets.nhsuk_asset", "assets.icon"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
