"""Recalculate a workbook with LibreOffice headless, as ../shared/TOOLING.md shows."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"

# Recalculate every formula on load (openpyxl stores formulas without cached values).
RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def available() -> bool:
    return Path(SOFFICE).exists()


def recalculate(*paths: Path, out_dir: Path) -> list[Path]:
    """Open each workbook in LibreOffice (one run), recalculate, save as xlsx in ``out_dir``.

    Returns the recalculated copies, in the order given. Names must differ.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_ON_LOAD)
        subprocess.run(
            [
                SOFFICE,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(out_dir),
                *[str(p) for p in paths],
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    results = [out_dir / Path(p).name for p in paths]
    for result in results:
        if not result.exists():
            raise RuntimeError(f"LibreOffice did not write {result}")
    return results
