"""Service layer: every function that changes data also writes its audit event,
in the same transaction, so no route can forget the audit."""
