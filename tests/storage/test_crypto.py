"""Pure streaming AES-256-GCM: round trip, every kind of tampering, wrong keys, chunk boundaries."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kho.storage.cas import (
    CipherFormatError,
    DecryptingReader,
    DecryptionError,
    MasterKey,
    encrypt_stream,
    hash_stream,
    new_data_key,
    unwrap_key,
    wrap_key,
)
from kho.storage.cas.crypto import HEADER_SIZE, TAG_SIZE

KEY = bytes(32)
TEXT = "Trích yếu: tài liệu tuyệt đối bí mật về phương án sáp nhập".encode()


def seal(data: bytes, chunk: int = 16, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key, chunk)
    return out.getvalue()


def open_all(blob: bytes, key: bytes = KEY) -> bytes:
    return DecryptingReader(io.BytesIO(blob), key).read()


def test_round_trip_and_digests_of_both_sides():
    out = io.BytesIO()
    result = encrypt_stream(io.BytesIO(TEXT), out, KEY, 16)
    assert open_all(out.getvalue()) == TEXT
    assert result.digest == hash_stream(io.BytesIO(TEXT))[0] and result.size == len(TEXT)
    assert result.cipher_digest == hash_stream(io.BytesIO(out.getvalue()))[0]
    assert result.cipher_size == len(out.getvalue())
    assert TEXT not in out.getvalue() and TEXT[:16] not in out.getvalue()


def test_same_bytes_encrypt_differently_each_time():
    assert seal(TEXT) != seal(TEXT)


@pytest.mark.parametrize("offset", [0, 5, HEADER_SIZE, HEADER_SIZE + 3, -1, -TAG_SIZE - 1])
def test_a_flipped_byte_anywhere_is_detected(offset):
    blob = bytearray(seal(TEXT))
    blob[offset] ^= 0x01
    with pytest.raises((DecryptionError, CipherFormatError)):
        open_all(bytes(blob))


@pytest.mark.parametrize("cut", [1, TAG_SIZE, 16 + TAG_SIZE])
def test_truncation_is_detected_even_at_a_chunk_boundary(cut):
    blob = seal(TEXT * 3)
    with pytest.raises(DecryptionError):
        open_all(blob[:-cut])


def test_dropping_the_final_chunk_exactly_is_detected():
    chunk = 16
    data = b"a" * (chunk * 3)  # three full chunks, the third sealed as the final one
    blob = seal(data, chunk)
    assert len(blob) == HEADER_SIZE + 3 * (chunk + TAG_SIZE)
    with pytest.raises(DecryptionError):
        open_all(blob[: -(chunk + TAG_SIZE)])  # ends cleanly after chunk 2, which was not final


def test_swapped_chunks_are_detected():
    chunk = 16
    blob = seal(b"A" * chunk + b"B" * chunk + b"C", chunk)
    size = chunk + TAG_SIZE
    first, second = blob[HEADER_SIZE : HEADER_SIZE + size], blob[HEADER_SIZE + size : HEADER_SIZE + 2 * size]
    swapped = blob[:HEADER_SIZE] + second + first + blob[HEADER_SIZE + 2 * size :]
    with pytest.raises(DecryptionError):
        open_all(swapped)


def test_wrong_data_key_is_refused():
    with pytest.raises(DecryptionError):
        open_all(seal(TEXT), key=new_data_key())


def test_plaintext_is_not_an_encrypted_object():
    with pytest.raises(CipherFormatError):
        DecryptingReader(io.BytesIO(b"%PDF-1.7\n" + b"x" * 100), KEY)
    with pytest.raises(CipherFormatError):
        DecryptingReader(io.BytesIO(b"KHO"), KEY)


def test_nothing_is_returned_before_a_chunk_authenticates():
    chunk = 16
    blob = bytearray(seal(b"x" * (chunk * 2), chunk))
    blob[HEADER_SIZE + 1] ^= 0x01  # first chunk altered
    reader = DecryptingReader(io.BytesIO(bytes(blob)), KEY)
    with pytest.raises(DecryptionError):
        reader.read(1)


def test_key_wrapping_round_trip_and_refusals():
    master, other = MasterKey.from_bytes(bytes(range(32))), MasterKey.from_bytes(bytes(32))
    data_key = new_data_key()
    wrapped = wrap_key(master, data_key)
    assert unwrap_key(master, wrapped) == data_key
    assert data_key not in wrapped
    with pytest.raises(DecryptionError):
        unwrap_key(other, wrapped)
    tampered = bytearray(wrapped)
    tampered[-1] ^= 1
    with pytest.raises(DecryptionError):
        unwrap_key(master, bytes(tampered))
    with pytest.raises(DecryptionError):
        unwrap_key(master, b"short")


def test_master_key_id_is_stable_and_hides_the_key():
    key = MasterKey.from_bytes(bytes(range(32)))
    assert key.key_id == MasterKey.from_bytes(bytes(range(32))).key_id
    assert key.key_id != MasterKey.from_bytes(bytes(32)).key_id
    assert len(key.key_id) == 16 and "secret" not in repr(key).split("key_id")[0].split("(")[1]
    with pytest.raises(ValueError, match="32 bytes"):
        MasterKey.from_bytes(b"too short")


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), chunk=st.integers(min_value=1, max_value=64), read=st.integers(1, 50))
def test_any_length_and_chunk_size_round_trips(data, chunk, read):
    blob = seal(data, chunk)
    chunks = max(1, -(-len(data) // chunk))  # an empty object is one empty final chunk
    assert len(blob) == HEADER_SIZE + len(data) + chunks * TAG_SIZE
    reader = DecryptingReader(io.BytesIO(blob), KEY)
    parts = []
    while part := reader.read(read):
        parts.append(part)
    assert b"".join(parts) == data


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=1, max_size=200), chunk=st.integers(1, 32), cut=st.integers(1, 400))
def test_any_truncation_fails(data, chunk, cut):
    blob = seal(data, chunk)
    cut = min(cut, len(blob) - 1)
    with pytest.raises((DecryptionError, CipherFormatError)):
        open_all(blob[:-cut])
