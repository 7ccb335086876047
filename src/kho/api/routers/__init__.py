"""One router per resource; ``kho.api.api`` mounts them under ``/api/v1``."""
