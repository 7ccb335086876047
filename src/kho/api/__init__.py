"""The REST API under ``/api/v1`` (django-ninja): thin routers over the access selectors and the actions.

Public API: ``kho.api.api.api`` (the ``NinjaAPI``), ``kho.api.actions`` (``CreateTokenAction``,
``RevokeTokenAction``) and ``kho.api.models.ApiToken``. Routers hold no business rule: every read starts
from a ``kho.access.selectors`` queryset and every change is an action's ``execute()`` (style.md rule 1).
"""
