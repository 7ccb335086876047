"""TOTP secrets are sealed at rest: not readable from the row, bound to their account, opened after a key
rotation through ``SECRET_KEY_FALLBACKS``, legacy plain rows still work and migration 0003 seals them."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from kho.access import signin, totp
from kho.access._totp_seal import PREFIX, SealedSecretError, open_secret, seal_secret
from kho.access.models import SecondFactor
from tests.access.helpers import user as make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def code(secret: str) -> str:
    return totp.hotp(totp.decode_secret(secret), totp.time_step(NOW.timestamp()))


def test_the_row_holds_no_secret_and_the_code_still_signs_in():
    user = make_user("lan", role="reader")
    secret, _uri = signin.enrol(user)
    stored = SecondFactor.objects.get(user=user).secret
    assert stored.startswith(PREFIX) and secret not in stored
    assert open_secret(stored, user.pk) == secret
    assert signin.verify_code(user, code(secret), NOW)


def test_a_sealed_secret_copied_onto_another_account_does_not_open():
    lan, minh = make_user("lan", role="reader"), make_user("minh", role="reader")
    secret, _uri = signin.enrol(lan)
    signin.enrol(minh)
    SecondFactor.objects.filter(user=minh).update(secret=SecondFactor.objects.get(user=lan).secret)
    assert not signin.verify_code(minh, code(secret), NOW)
    with pytest.raises(SealedSecretError):
        open_secret(SecondFactor.objects.get(user=minh).secret, minh.pk)


def test_key_rotation_opens_through_fallbacks_and_a_replaced_key_refuses(settings):
    sealed = seal_secret("JBSWY3DPEHPK3PXP", 7)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new key " * 5, [settings.SECRET_KEY]
    assert open_secret(sealed, 7) == "JBSWY3DPEHPK3PXP"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SealedSecretError, match="no secret key"):
        open_secret(sealed, 7)


@pytest.mark.parametrize("stored", [PREFIX + "***", PREFIX + "", PREFIX + "AAAA"])
def test_damaged_sealed_values_are_refused(stored):
    with pytest.raises(SealedSecretError):
        open_secret(stored, 1)


def test_migration_seals_legacy_rows_and_can_undo_it():
    user = make_user("lan", role="reader")
    secret = totp.new_secret()
    SecondFactor.objects.create(user=user, secret=secret)  # as written before sealing
    assert signin.verify_code(user, code(secret), NOW)  # a legacy row still works
    migration = importlib.import_module("kho.access.migrations.0003_seal_totp_secrets")
    migration.seal(apps, None)
    stored = SecondFactor.objects.get(user=user).secret
    assert stored.startswith(PREFIX) and open_secret(stored, user.pk) == secret
    migration.seal(apps, None)  # sealing twice changes nothing
    assert SecondFactor.objects.get(user=user).secret == stored
    migration.unseal(apps, None)
    assert SecondFactor.objects.get(user=user).secret == secret
