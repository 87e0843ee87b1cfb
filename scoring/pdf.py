"""Printed documents as PDF: WeasyPrint lays out HTML with CSS paged media.

A browser's print dialog cannot put running headers (the procurement, the bidder,
the rep's name) or "page N of M" on every page; WeasyPrint follows the CSS Paged
Media and Generated Content for Paged Media specifications, so `static/css/pdf.css`
does it with ``@page`` margin boxes, ``string-set`` and ``counter(pages)``.

Nothing is fetched over the network: the only URLs a document may load are the
app's own static files and the npm assets under /assets, read from disk.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import REPO_ROOT
from .assets import ICONS, NHSUK_DIST

#: A base URL that no request can reach: every URL in a document resolves against it,
#: and `LocalFiles` maps its paths onto the files on disk.
BASE_URL = "https://documents.invalid/"
ROOTS = {"/static/": REPO_ROOT / "static", "/assets/icons/": ICONS, "/assets/": NHSUK_DIST}


class LocalFiles(URLFetcher):
    """Serves a document's stylesheets and images from disk; refuses anything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            raise ValueError(f"{url}: documents load only the app's own files")
        path = unquote(parts.path)
        for prefix, root in ROOTS.items():
            if path.startswith(prefix):
                file = (root / path[len(prefix) :]).resolve()
                if file.is_file() and file.is_relative_to(root.resolve()):
                    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": kind})
        raise ValueError(f"{url}: no such file")


def render(html: str) -> bytes:
    """The PDF of one HTML document (a template rendered with ``url_for`` paths)."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFiles()).write_pdf()


def download(html: str, filename: str) -> Response:
    """The PDF as a download named ``filename`` (spaces become hyphens)."""
    name = Path(filename.replace(" ", "-")).name
    return Response(
        render(html), mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
