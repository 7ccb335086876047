"""SpillMap / SpillSet behave like dict / set whether they hold their entries in memory or on disk;
sorted_lines sorts like ``sorted`` whether it sorts in memory or in runs on disk."""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kho.packages.formats.spill import SpillMap, SpillSet, sorted_lines

LIMITS = [0, 3, 1_000_000]

ops = st.lists(
    st.tuples(st.sampled_from(["set", "del", "get"]), st.text(max_size=6), st.integers() | st.text(max_size=4)),
    max_size=60,
)


@pytest.mark.parametrize("limit", LIMITS)
@settings(max_examples=60, deadline=None)
@given(script=ops)
def test_behaves_like_a_dict(limit: int, script: list[tuple[str, str, object]]) -> None:
    model: dict[str, object] = {}
    with SpillMap[object](limit=limit) as spill:
        for op, key, value in script:
            if op == "set":
                model[key] = value
                spill[key] = value
            elif op == "del":
                if key in model:
                    del model[key]
                    del spill[key]
                else:
                    with pytest.raises(KeyError):
                        del spill[key]
            else:
                assert (key in spill) == (key in model)
                assert spill.get(key) == model.get(key)
        assert list(spill.items()) == list(model.items())
        assert list(spill) == list(model)
        assert len(spill) == len(model)


def test_spills_past_its_limit_and_keeps_order_and_values() -> None:
    with SpillMap[tuple[str, int]](limit=10) as spill:
        for n in range(5000):
            spill[f"k{n}"] = (f"v{n}", n)
        assert spill.spilled
        spill["k3"] = ("changed", -1)  # an update keeps the position
        assert spill["k3"] == ("changed", -1)
        assert spill["k4999"] == ("v4999", 4999)
        keys = list(spill)
        assert keys[:4] == ["k0", "k1", "k2", "k3"] and len(keys) == 5000
        with pytest.raises(KeyError, match="nope"):
            spill["nope"]
        assert 5 not in spill  # type: ignore[comparison-overlap]  # not a str: never a key
    assert not spill.spilled and len(spill) == 0  # closed: empty, no database


def test_small_maps_never_touch_disk() -> None:
    spill = SpillMap[int]((str(n), n) for n in range(100))
    assert not spill.spilled and spill["99"] == 99


def test_value_types_marshal_cannot_write_are_refused() -> None:
    spill = SpillMap[object](limit=0)
    with pytest.raises(ValueError, match="unmarshallable"):
        spill["x"] = object()
        len(spill)  # forces the write to disk


@pytest.mark.parametrize("limit", LIMITS)
def test_set(limit: int) -> None:
    with SpillSet(["b", "a"], limit=limit) as items:
        items.add("c")
        items.add("a")
        items.discard("b")
        items.discard("zz")
        assert list(items) == ["a", "c"] and "a" in items and "b" not in items and len(items) == 2
        assert items - {"a"} == {"c"}


def test_keys_that_are_not_utf8_are_kept_as_they_came() -> None:
    """File names with bytes that are not UTF-8 arrive as lone surrogates; SQLite text cannot hold them."""
    keys = ["a", "Quyết định.pdf", "tên-\udcff-lạ.pdf", "\x00plain", "\udcc3\udca9"]
    with SpillMap[int](limit=0) as found:
        for n, key in enumerate(keys):
            found[key] = n
        assert found.spilled and list(found) == keys and dict(found.items()) == {k: n for n, k in enumerate(keys)}
        assert all(key in found for key in keys) and "\x00" not in found and "b" not in found
        del found["tên-\udcff-lạ.pdf"]
        assert "tên-\udcff-lạ.pdf" not in found and len(found) == 4


def test_the_default_limit_is_read_when_a_map_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    from kho.packages.formats import spill

    monkeypatch.setattr(spill, "DEFAULT_LIMIT", 1)
    with SpillMap[int]((("a", 1), ("b", 2))) as lowered:
        assert lowered.spilled


lines = st.lists(st.binary(max_size=8).map(lambda b: b.replace(b"\n", b"")), max_size=80)


@pytest.mark.parametrize("run", [1, 3, 1_000_000])
@settings(max_examples=60, deadline=None)
@given(items=lines)
def test_sorted_lines_is_sorted(run: int, items: list[bytes]) -> None:
    assert list(sorted_lines(items, run=run)) == sorted(items)


@pytest.mark.parametrize("run", [2, 1_000_000])
@settings(max_examples=60, deadline=None)
@given(items=st.lists(st.tuples(st.binary(max_size=2), st.integers(0, 9)), max_size=60))
def test_sorted_lines_is_stable_under_a_key(run: int, items: list[tuple[bytes, int]]) -> None:
    """Equal keys keep their input order across runs, as ``sorted`` does (the manifest sorts by path)."""
    encoded = [b"%d  " % n + b.replace(b"\n", b"") for b, n in items]
    key = lambda line: line.split(b"  ", 1)[0]  # noqa: E731
    assert list(sorted_lines(encoded, key=key, run=run)) == sorted(encoded, key=key)


def test_sorted_lines_removes_its_run_files_when_closed_early(monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    real = tempfile.TemporaryFile

    def tracked(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        made.append(real(*args, **kwargs))  # type: ignore[call-overload]
        return made[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", tracked)
    merged = sorted_lines([b"c", b"a", b"b", b"d"], run=2)
    assert next(merged) == b"a" and len(made) == 2 and not any(f.closed for f in made)
    merged.close()
    assert all(f.closed for f in made)


@pytest.mark.parametrize("limit", LIMITS)
@settings(max_examples=60, deadline=None)
@given(items=st.dictionaries(st.text(max_size=6), st.integers(), max_size=40))
def test_sorted_items_come_in_key_order(limit: int, items: dict[str, int]) -> None:
    with SpillMap[int](items.items(), limit=limit) as spill:
        assert list(spill.sorted_items()) == sorted(items.items())
