"""RFC 6238 TOTP (pure): the RFC's Appendix B vectors, RFC 4226 HOTP vectors, the ±1 step window, bad input."""

import base64
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.access import totp

SHA1_KEY = b"12345678901234567890"
SHA256_KEY = b"12345678901234567890123456789012"
SHA512_KEY = b"1234567890123456789012345678901234567890123456789012345678901234"

# RFC 6238 Appendix B: time, then the 8-digit code for SHA1, SHA256 and SHA512.
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_appendix_b_vectors(at, sha1, sha256, sha512):
    assert totp.totp(SHA1_KEY, at, digits=8, algorithm="SHA1") == sha1
    assert totp.totp(SHA256_KEY, at, digits=8, algorithm="SHA256") == sha256
    assert totp.totp(SHA512_KEY, at, digits=8, algorithm="SHA512") == sha512


@pytest.mark.parametrize(("counter", "code"), list(enumerate(RFC4226)))
def test_rfc4226_hotp_vectors(counter, code):
    assert totp.hotp(SHA1_KEY, counter) == code


def test_six_digit_codes_are_the_low_digits_of_the_eight_digit_ones():
    for at, sha1, _, _ in RFC6238:
        assert totp.totp(SHA1_KEY, at) == sha1[-6:]


def test_window_accepts_one_step_either_side_and_names_the_step():
    now = 1_700_000_015.0
    step = totp.time_step(now)
    for offset in (-1, 0, 1):
        code = totp.hotp(SHA1_KEY, step + offset)
        assert totp.match_step(SHA1_KEY, code, now) == step + offset
    for offset in (-3, -2, 2, 3):
        assert totp.match_step(SHA1_KEY, totp.hotp(SHA1_KEY, step + offset), now) is None


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", "１２３４５６", "12345x", "-12345", "12 34 5"])
def test_malformed_codes_never_match(bad):
    assert totp.match_step(SHA1_KEY, bad, 59) is None


def test_spaces_inside_a_code_are_tolerated():
    code = totp.totp(SHA1_KEY, 59)
    assert totp.match_step(SHA1_KEY, f" {code[:3]} {code[3:]} ", 59) == 1


def test_new_secret_is_160_random_bits_in_base32():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(totp.decode_secret(first)) == totp.SECRET_BYTES
    assert totp.decode_secret(first.lower()) == totp.decode_secret(first)


@pytest.mark.parametrize("bad", ["", "   ", "not base32!", "0189"])
def test_bad_secrets_are_refused(bad):
    with pytest.raises(totp.InvalidSecretError):
        totp.decode_secret(bad)


def test_provisioning_uri_carries_issuer_account_and_secret():
    secret = base64.b32encode(SHA1_KEY).decode()
    uri = totp.provisioning_uri(secret, "nguyễn.lan", "Kho")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert unquote(parts.path) == "/Kho:nguyễn.lan"
    query = parse_qs(parts.query)
    assert query["secret"] == [secret] and query["issuer"] == ["Kho"] and query["digits"] == ["6"]


@given(st.binary(min_size=10, max_size=64), st.integers(min_value=0, max_value=2**40))
def test_a_code_always_matches_its_own_step(key, step):
    at = step * totp.STEP_SECONDS + 7
    code = totp.hotp(key, step)
    found = totp.match_step(key, code, at)
    assert found is not None and abs(found - step) <= 1 and totp.hotp(key, found) == code
