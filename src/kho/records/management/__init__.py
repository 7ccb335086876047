"""Management commands of the records app (``kho import``, ``kho export``)."""
