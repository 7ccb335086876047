"""Who may read the copy register: security officers and administrators (``audit_view``) and leaders.

Security officers keep the register for the whole archive (like the audit log, it holds no secret
content: codes, numbers, levels, no subjects). A leader reads the entries of the documents they may
view themselves (their scope and clearance), so the register tells them nothing the archive hides.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from kho.access._subject import Subject, subject_for
from kho.access.levels import Action, Decision, decide, role_decision
from kho.access.policies import DocumentPolicy, Policy
from kho.copies.models import CopyEntry
from kho.core.codetables import SecrecyLevel
from kho.core.text import N_
from kho.records.models import Document

__all__ = ["LEADER", "CopyEntryPolicy"]

LEADER = "leader"
LEADER_READS = N_("Role %(role)s reads the copy register for the documents it may view.")


class CopyEntryPolicy(Policy[CopyEntry]):
    """``audit_view`` on register entries: the whole register, or a leader's own documents' entries."""

    model = CopyEntry
    actions = frozenset({Action.AUDIT_VIEW})

    def prelude(self, user: Any, action: Action) -> Subject | Decision:
        """As the base prelude, but a leader passes on to the per-document check."""
        subject = subject_for(user)
        if isinstance(subject, Subject) and subject.role == LEADER and Action(action) in self.actions:
            return subject
        return super().prelude(user, action)

    def judge(self, subject: Subject, action: Action, obj: CopyEntry) -> Decision:
        """The role alone for ``audit_view`` roles; a leader needs to be able to view the document."""
        if subject.role == LEADER:
            decision = DocumentPolicy().judge(subject, Action.VIEW, obj.document)
            return Decision.allow(LEADER_READS, {"role": subject.role}) if decision else decision
        return decide(subject.role, subject.clearance, action, SecrecyLevel.NONE, in_scope=True)

    def visible_q(self, subject: Subject, action: Action) -> Q:
        """Every entry, or (leaders) the entries of documents they may view."""
        if subject.role != LEADER:
            return Q() if role_decision(subject.role, action) else Q(pk__in=[])
        documents = Document.objects.filter(DocumentPolicy().visible_q(subject, Action.VIEW))
        return Q(document__in=documents.values("pk"))
