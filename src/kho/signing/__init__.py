"""The organisation's signature on digitized copies (standards.md §1): PAdES with pyHanko, after PDF/A.

``pades`` and ``testca`` are pure (no Django); the Django app keeps each agency's signing identity.
"""
