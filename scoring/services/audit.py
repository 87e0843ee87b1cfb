"""The append-only audit log: one call per change, inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from ..extensions import db
from ..models import AuditEvent, User


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, sort_keys=True)


def record(
    action: str,
    *,
    actor: User | None,
    procurement_id: int | None = None,
    entity: str = "",
    entity_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Add an audit event to the session; the caller commits it with the change itself."""
    event = AuditEvent(
        procurement_id=procurement_id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before_json=_dump(before),
        after_json=_dump(after),
        reason=reason or "",
    )
    db.session.add(event)
    return event
