"""Server-rendered web interface: thin views (one module per screen group), templates and vi/en locale.

Views only read through ``kho.access.selectors``/``kho.access.policies`` and ``kho.search``, and only
mutate through actions (style.md rule 1). Errors become responses in one place, ``kho.web.errors``.
"""
