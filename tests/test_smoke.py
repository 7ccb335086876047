import pytest


@pytest.mark.django_db
def test_init_is_idempotent(kho):
    first = kho("init", "--json")
    assert first.code == 0, first.err
    second = kho("init", "--json")
    assert second.code == 0
    assert second.json()["new_archive"] is False
