"""Errors of the storage app, each mapped to an exit code and HTTP status (style.md rule 12)."""

from __future__ import annotations

from kho.core.exceptions import BadInputError, EnvironmentProblemError
from kho.core.text import N_

__all__ = [
    "KeyFileError",
    "KeyOutputError",
    "MasterKeyMissingError",
    "ObjectCorruptError",
    "ObjectTamperedError",
    "WrongMasterKeyError",
]


class MasterKeyMissingError(EnvironmentProblemError):
    """No master key is configured, so classified objects can be neither stored nor read (never in plain)."""

    code = "master_key_missing"
    template = N_(
        "Chưa có khóa chủ để mã hóa tài liệu mật: đặt KHO_MASTER_KEY_FILE (tạo bằng "
        "'kho keys generate --out TỆP') hoặc KHO_MASTER_KEY. Không có gì được lưu ở dạng rõ."
    )


class KeyFileError(EnvironmentProblemError):
    """The master key file cannot be used (missing, readable by others, inside the data directory, malformed)."""

    code = "key_file"
    template = N_("Không dùng được tệp khóa chủ %(path)s: %(reason)s.")


class WrongMasterKeyError(EnvironmentProblemError):
    """An object was sealed under another master key than the configured one (rotation not finished?)."""

    code = "wrong_master_key"
    template = N_(
        "Đối tượng %(digest)s được mã hóa bằng khóa chủ %(wanted)s, nhưng khóa đang cấu hình là %(have)s: "
        "cấu hình đúng khóa hoặc chạy xong 'kho keys rotate'."
    )


class ObjectTamperedError(EnvironmentProblemError):
    """An encrypted object or its wrapped key failed authentication: it was altered, truncated or damaged."""

    code = "object_tampered"
    template = N_("Đối tượng mã hóa %(digest)s bị hỏng hoặc bị sửa (không xác thực được): chạy 'kho fixity'.")


class KeyOutputError(BadInputError):
    """``kho keys generate --out`` cannot write there (exists, inside the data directory)."""

    code = "key_output"
    template = N_("Không ghi khóa vào %(path)s: %(reason)s.")


class ObjectCorruptError(EnvironmentProblemError):
    """A plaintext object no longer hashes to its digest, so it was not encrypted: run ``kho fixity``."""

    code = "object_corrupt"
    template = N_("Đối tượng %(digest)s có mã băm %(actual)s, không khớp: chưa mã hóa; hãy chạy 'kho fixity'.")
