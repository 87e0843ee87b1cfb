"""Moderation meetings, finalising, and what comes after: results, reports and summaries.

Two blueprints: ``moderation`` (the meeting and finalising, under
/procurements/<id>/moderation) and ``results`` (the results page and its charts,
each patient rep's "you said, we did" report, and the bidders' assessment
summaries). Routes are thin: they check who may see what, call
``scoring.services.moderation`` / ``finalise`` / ``results`` and render.
"""
