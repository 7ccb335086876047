"""Access control: roles, clearances, scopes and one policy per protected model (deny by default).

Public API (import from the modules; this package imports nothing so Django can load it early):
``kho.access.levels`` (``Action``, ``Decision``, ``clearance_allows``), ``kho.access.policies``
(``policy_for``, ``visible``, ``can``, ``check``, ``get_visible_or_404``, ``log_decision``),
``kho.access.selectors`` (``documents_for``, ``records_for``, ``fonds_for``, ``agencies_for``, …)
``kho.access.actions`` (``CreateUserAction``, ``ChangeAccessAction``). Sign-in security:
``kho.access.passwords`` (validators), ``kho.access.signin`` (throttling, lockout, TOTP state),
``kho.access.totp`` (pure RFC 6238), ``kho.access.backends.GuardedModelBackend``,
``kho.access.middleware.SessionGuardMiddleware`` and ``kho.access.signin_actions`` (``UnlockAction``,
``SecondFactorAction``).
"""
