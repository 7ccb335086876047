"""Full-text search of documents (Vietnamese, accent-insensitive) behind one ``SearchBackend`` protocol.

Public API: ``kho.search.backends`` (``get_backend``, ``SearchQuery``, ``SearchPage``, ``SearchHit``,
``SearchFacets``, ``SearchBackend``), ``kho.search.tasks.index_documents_task`` and
``kho.search.signals.schedule_index``. Nothing is imported here, so that the app loads before its models.
"""

__all__: list[str] = []
