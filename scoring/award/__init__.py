"""The lead's screens for the law a procurement runs under and the award that follows it:
the regime and key criteria, the notice and standstill, the award record, the PSR notice of
intention to award and the assessment summaries. Thin routes over services/regime.py,
services/award_record.py, services/psr_notice.py and services/assessment_docs.py."""

from .routes import bp  # noqa: F401
