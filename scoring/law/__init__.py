"""The law a procurement runs under: which regime, its key criteria, its standstill and records.

Pure rules only (no Flask, no database) except ``models``, which holds the few tables
the rules need. Each rule cites the regulation or section it comes from:

* PSR: the Health Care Services (Provider Selection Regime) Regulations 2023 (SI 2023/1348),
  for health care services in England (GP practices, community services), in force 1 January 2024;
* PA23: the Procurement Act 2023 and the Procurement Regulations 2024 (SI 2024/692), for other
  public contracts, in force 24 February 2025.
"""

from __future__ import annotations

PSR = "psr"
PA23 = "pa23"
DEFAULT_REGIME = PSR  # the tool's users re-procure health care services, which PSR covers

REGIMES = {
    PSR: "Provider Selection Regime (Health Care Services (Provider Selection Regime) Regulations 2023)",
    PA23: "Procurement Act 2023",
}
SHORT_NAMES = {PSR: "Provider Selection Regime", PA23: "Procurement Act 2023"}


def regime_name(regime: str | None) -> str:
    return REGIMES.get(regime or DEFAULT_REGIME, REGIMES[DEFAULT_REGIME])


def short_name(regime: str | None) -> str:
    return SHORT_NAMES.get(regime or DEFAULT_REGIME, SHORT_NAMES[DEFAULT_REGIME])


def clean_regime(value) -> str:
    """``psr`` or ``pa23`` from what a person typed; raises ValueError otherwise."""
    text = str(value or "").strip().casefold().replace(" ", "").replace("-", "")
    aliases = {
        "psr": PSR,
        "providerselectionregime": PSR,
        "pa23": PA23,
        "pa2023": PA23,
        "procurementact2023": PA23,
        "procurementact": PA23,
    }
    if text not in aliases:
        raise ValueError(value)
    return aliases[text]
