"""Hypothesis over random small archives: visibility is monotone in clearance and ``can`` agrees with SQL."""

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from kho.access.levels import Action
from kho.access.models import Role
from kho.access.policies import policy_for
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document, Record
from tests import factories
from tests.access import helpers

levels = st.sampled_from(list(SecrecyLevel))


@st.composite
def archives(draw):
    """A random agency forest with fonds, records and documents at random levels."""
    n_agencies = draw(st.integers(1, 4))
    parents = [None] + [draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(1, n_agencies)]
    fonds_owners = draw(st.lists(st.integers(0, n_agencies - 1), min_size=1, max_size=3))
    records = draw(st.lists(st.tuples(st.integers(0, len(fonds_owners) - 1), levels), min_size=1, max_size=4))
    docs = draw(st.lists(st.tuples(st.integers(0, len(records) - 1), levels), max_size=6))
    scope_agencies = draw(st.sets(st.integers(0, n_agencies - 1), max_size=2))
    scope_fonds = draw(st.sets(st.integers(0, len(fonds_owners) - 1), max_size=2))
    return parents, fonds_owners, records, docs, scope_agencies, scope_fonds, draw(st.booleans())


def _build(parents, fonds_owners, records, docs):
    agencies = []
    for i, parent in enumerate(parents):
        agencies.append(factories.agency(f"H{i}", parent=agencies[parent] if parent is not None else None))
    fonds = [factories.fonds(f"F{i}", owner=agencies[owner]) for i, owner in enumerate(fonds_owners)]
    made = [
        factories.record(f"R{i}", in_fonds=fonds[f], secrecy_level=int(level)) for i, (f, level) in enumerate(records)
    ]
    for record_index, level in docs:
        helpers.digital_object(helpers.document(made[record_index], level))
    return agencies, fonds


class MonotoneVisibilityTests(HypothesisTestCase):
    @settings(max_examples=40, deadline=None)
    @given(archives(), st.sampled_from(Role.values), st.sampled_from(list(Action)))
    def test_filter_queryset_is_monotone_in_clearance(self, archive, role, action):
        parents, fonds_owners, records, docs, scope_agencies, scope_fonds, all_agencies = archive
        agencies, fonds = _build(parents, fonds_owners, records, docs)
        previous = None
        for clearance in SecrecyLevel:  # in increasing order
            user = helpers.user(
                role=role,
                clearance=clearance,
                agencies=[agencies[i] for i in scope_agencies],
                fonds=[fonds[i] for i in scope_fonds],
                all_agencies=all_agencies,
            )
            seen = {}
            for model in (Record, Document, DigitalObject):
                policy = policy_for(model)
                in_sql = set(policy.filter_queryset(user, action, model.objects.all()).values_list("pk", flat=True))
                by_can = {o.pk for o in model.objects.all() if policy.can(user, action, o)}
                assert in_sql == by_can, (model, clearance)
                seen[model] = in_sql
            if previous is not None:
                for model, pks in previous.items():
                    assert pks <= seen[model], (model, clearance)
            previous = seen
