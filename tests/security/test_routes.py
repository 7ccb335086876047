"""Route matrix (issue #6): every URL pattern and API operation, called by every kind of user.

For every route × user the test checks, over a hidden, a visible and a missing object of the kind the URL
names (``tests.security.world``):

1. a hidden object answers exactly like a missing one (status, the headers that matter, the body with the
   identifier and the CSRF token blanked);
2. no answer contains an identifying string of an object the user may not see (number/symbol, subject,
   document code, record title, body text, uids), in pages, lists, counts, facets, snippets and errors;
3. a user who may see or act on an object gets the route's ``ok`` answer (so the test can fail);
4. nothing answers 5xx;
5. a refused POST changes nothing (ACCESS events aside);
6. every answer a user gets stays the same when the objects they may not see are deleted (so no count,
   facet or total moves with hidden objects); checked for the users in ``REPLAY_USERS``, whose hidden
   sets cover each boundary (no clearance; MẬT; the other agency), as it costs a second round of calls.

The audit log and the copy register show the codes, numbers and uids of every object to their reviewers
by design (their policies: "no secret content"): for those routes (``Req.reveals_ids``) and reviewers,
check 2 looks for names, titles, subjects and text only.

A route missing from ``tests.security.routes`` fails ``test_every_route_is_in_the_table``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from kho.audit import log
from kho.audit.vocabulary import EventType
from tests.security.matrix import (
    Answer,
    allowed,
    call,
    fingerprint,
    route_keys,
    visible,
    without_hidden,
)
from tests.security.routes import Req, table
from tests.security.world import USERS, Target, Who, World, hidden_rows, hidden_secrets, may

ROUTES = table()
REFUSED = {401, 403, 404}
REPLAY_USERS = ("reader_none", "leader", "reader_b")
API_KEYS = ("GET /api/", "POST /api/", "api-v1:", "pattern:api/")

# Leaks the matrix found that are not fixed yet: (route, user) -> what leaks. Strict: they turn red once fixed.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}


def test_every_route_is_in_the_table() -> None:
    found = route_keys()
    unknown = sorted(found - set(ROUTES))
    stale = sorted(set(ROUTES) - found)
    assert not unknown, (
        "Routes the security matrix cannot call: add each to tests/security/routes.py "
        f"(WEB, COPIES, API or OTHER): {unknown}"
    )
    assert not stale, f"tests/security/routes.py names routes that no longer exist: {stale}"


def _cells() -> list[Any]:
    cells = []
    for key in sorted(ROUTES):
        for name in [*USERS, "badtoken"] if key.startswith(API_KEYS) else USERS:
            marks = []
            if (key, name) in KNOWN_LEAKS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[(key, name)]))
            cells.append(pytest.param(key, name, id=f"{key}|{name}", marks=marks))
    return cells


def _refused(answer: Answer) -> bool:
    login = answer.status == 302 and "login" in answer.headers.get("Location", "")
    return answer.status in REFUSED or login


def _difference(one: Answer, other: Answer) -> str:
    """Where two answers first differ, for the failure message."""
    if (one.status, one.headers) != (other.status, other.headers):
        return f"{one.status} {one.headers} vs {other.status} {other.headers}"
    at = next((i for i, (a, b) in enumerate(zip(one.body, other.body, strict=False)) if a != b), len(one.body))
    start = max(0, at - 150)
    return f"...{one.body[start : at + 150]!r}\n---\n...{other.body[start : at + 150]!r}"


class Cell:
    """One route called by one user: collects the problems of the six checks."""

    def __init__(self, world: World, client: Any, name: str) -> None:
        self.world, self.client, self.name = world, client, name
        self.who = USERS.get(name, Who(token=False))
        self.user = name if name in USERS else "anonymous"
        self.secrets = hidden_secrets(world, self.user)
        reviewer = may(self.who, "audit", Target("system", {}))
        self.reviewed = hidden_secrets(world, self.user, content_only=True) if reviewer else self.secrets
        self.problems: list[str] = []
        self.replay: list[tuple[Req, dict[str, Any], dict[str, Any], Answer]] = []

    def request(self, req: Req, target: Target | None, query: dict[str, Any]) -> Answer:
        """Call once, then check 5xx, leaks, the permitted answer and, for a refused POST, no change."""
        ids = target.ids if target else {}
        before = fingerprint() if req.method == "POST" else None
        answer = Answer.of(call(self.client, req, ids, query), ids)
        label = f"{req.method} {req.url(ids)} {query} [{target.name if target else '-'}]"
        permitted = allowed(self.world, self.who, self.name, req, target)
        typed = " ".join(str(value) for value in query.values())  # the search box echoes what the user typed
        secrets = self.reviewed if req.reveals_ids else self.secrets
        leaked = sorted(s for s in secrets if s in answer.raw() and s not in typed)
        if answer.status >= 500:
            self.problems.append(f"{label}: {answer.status}")
        if leaked:
            self.problems.append(f"{label}: leaks {leaked}")
        if permitted and answer.status not in req.ok:
            self.problems.append(f"{label}: permitted but got {answer.status}, want {req.ok}")
        if not permitted and not _refused(answer) and answer.status in req.ok and req.ok != (404,):
            self.problems.append(f"{label}: not permitted but got {answer.status}")
        if before is not None and not permitted and fingerprint() != before:
            self.problems.append(f"{label}: a refused POST changed the archive")
        visible_target = target is None or visible(self.who, req.on or "", target)
        if req.method == "GET" and self.name in REPLAY_USERS and visible_target:
            self.replay.append((req, ids, query, answer))
        return answer

    def same_as_missing(self, req: Req, answers: dict[str, Answer], targets: list[Target]) -> None:
        """Every object the user may not see answers like the missing one."""
        missing = answers["missing"]
        for target in targets:
            if target.missing or visible(self.who, req.on or "", target):
                continue
            got = answers[target.name]
            if got.key() != missing.key():
                self.problems.append(
                    f"{req.method} {req.url(target.ids)} [{target.name}] differs from a missing object: "
                    + _difference(got, missing)
                )

    def without_hidden(self) -> None:
        """Replay the GETs kept for replay with the objects the user may not see deleted: no answer moves."""
        if not self.replay:
            return
        with without_hidden(hidden_rows(self.world, self.user)):
            for req, ids, query, answer in self.replay:
                cache.clear()
                again = Answer.of(call(self.client, req, ids, query), ids)
                if again.key() != answer.key():
                    self.problems.append(
                        f"{req.method} {req.url(ids)} {query}: the answer changes when hidden objects are deleted: "
                        + _difference(answer, again)
                    )


@pytest.mark.parametrize(("key", "name"), _cells())
def test_route_matrix(world: World, client_of: Any, key: str, name: str) -> None:
    cell = Cell(world, client_of(name, api=key.startswith(API_KEYS)), name)
    for req in ROUTES[key]:
        if req.on is None:
            for query in req.queries:
                cell.request(req, None, query)
            continue
        targets = world.targets[req.on]
        for query in req.queries:
            answers = {target.name: cell.request(req, target, query) for target in targets}
            cell.same_as_missing(req, answers, targets)
    cell.without_hidden()
    assert not cell.problems, "\n".join(cell.problems)


@pytest.mark.parametrize("name", [*USERS, "badtoken"])
def test_fixity_events_only_for_reviewers(world: World, client_of: Any, name: str) -> None:
    """``GET /api/v1/fixity/events`` lists events to ``audit_view`` roles only, and nothing to the others.

    The matrix sees a 200 for every signed-in user (the route answers an empty list rather than 403), so
    what the list holds is checked here.
    """
    log.append(EventType.FIXITY_CHECK, object_type="blob", object_id="sha256:" + "ab" * 32, detail="matrix")
    response = client_of(name, api=True).get("/api/v1/fixity/events")
    reviewer = may(USERS.get(name, Who()), "audit", Target("system", {}))
    signed = name in world.tokens
    assert response.status_code == (200 if signed else 401)
    if signed:
        assert len(response.json()["items"]) == (1 if reviewer else 0)
