"""Reading PDFs back as a person would see them: each page's text, font sizes and a PNG."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def pages(data: bytes) -> list[str]:
    """The text of every page, spaces collapsed."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def font_sizes(data: bytes) -> list[tuple[int, float, str]]:
    """(page number, size in points, text) for every piece of text drawn on every page."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                # The size on the page is the font size scaled by the text and page matrices.
                scale = (abs(tm[3] * cm[3] + tm[2] * cm[1]) or abs(tm[0] * cm[0])) or 1.0
                found.append((number, round(size * scale, 2), text.strip()))

        page.extract_text(visitor_text=visit)
    return found


def save_png(data: bytes, name: str, *, page: int = 1) -> Path:
    """Page ``page`` of the PDF as tests/screenshots/<name>.png, drawn by pdftoppm (poppler-utils).

    Two tests may save the same name at the same time (the suite runs in parallel), so each
    draws into files of its own and then moves them into place: a reader never meets half a file.
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    assert shutil.which("pdftoppm"), "pdftoppm is missing: scripts/test installs Debian's poppler-utils"
    with tempfile.TemporaryDirectory(dir=SCREENSHOTS, prefix=f".{name}-") as work:
        source = Path(work) / f"{name}.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(Path(work) / name),
            ],
            check=True,
        )
        os.replace(source, SCREENSHOTS / f"{name}.pdf")
        os.replace(Path(work) / f"{name}.png", SCREENSHOTS / f"{name}.png")
    return SCREENSHOTS / f"{name}.png"
