"""The master key of classified objects: read from ``KHO_MASTER_KEY_FILE`` or ``KHO_MASTER_KEY``, or created.

The key never enters the database; rows hold only its id (:class:`~kho.storage.cas.MasterKey`). A key file
must be a regular file readable by its owner only (0600 or 0400) and must lie outside the data directory,
so that a copy of the data directory never carries the key that opens it.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from kho.storage.cas import MasterKey
from kho.storage.exceptions import KeyFileError, KeyOutputError, MasterKeyMissingError

__all__ = ["configured_key", "generate_key_file", "key_file_problems", "read_key_file", "require_key"]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def key_file_problems(path: Path) -> list[str]:
    """Why ``path`` cannot serve as the master key file (empty when it can); the content is not checked."""
    try:
        info = path.stat()
    except OSError:
        return [_("tệp không có hoặc không đọc được")]
    problems = []
    if not stat.S_ISREG(info.st_mode):
        problems.append(_("không phải tệp thường"))
    if info.st_mode & 0o077:
        problems.append(_("quyền %(mode)s quá rộng, cần 0600 (chmod 600)") % {"mode": oct(info.st_mode & 0o777)})
    data_dirs = {Path(settings.DATA_DIR), Path(settings.OBJECT_STORE_DIR)}
    if any(_inside(path, folder) for folder in data_dirs):
        problems.append(_("nằm trong thư mục dữ liệu; hãy để khóa ở nơi khác (ví dụ thiết bị rời)"))
    return problems


def _decode(text: str) -> MasterKey:
    try:
        return MasterKey.from_bytes(base64.b64decode(text.strip(), validate=True))
    except (binascii.Error, ValueError):
        raise ValueError("not base64 of 32 bytes") from None


def read_key_file(path: Path) -> MasterKey:
    """Read and check a key file; ``KeyFileError`` names the problem."""
    problems = key_file_problems(path)
    if problems:
        raise KeyFileError(path=str(path), reason="; ".join(problems))
    try:
        return _decode(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise KeyFileError(path=str(path), reason=_("nội dung không phải base64 của 32 byte")) from None


def configured_key() -> MasterKey | None:
    """The configured master key, or None when neither ``KHO_MASTER_KEY`` nor ``KHO_MASTER_KEY_FILE`` is set."""
    raw: bytes | None = getattr(settings, "KHO_MASTER_KEY", None)
    if raw:
        return MasterKey.from_bytes(raw)
    path: Path | None = getattr(settings, "KHO_MASTER_KEY_FILE", None)
    return read_key_file(Path(path)) if path else None


def require_key() -> MasterKey:
    """The configured master key; ``MasterKeyMissingError`` when there is none (never a plaintext fallback)."""
    key = configured_key()
    if key is None:
        raise MasterKeyMissingError()
    return key


def generate_key_file(path: Path) -> MasterKey:
    """Create a new random master key in ``path`` (mode 0600, never overwriting) and return it."""
    path = path.expanduser().absolute()
    if any(_inside(path, Path(folder)) for folder in (settings.DATA_DIR, settings.OBJECT_STORE_DIR)):
        raise KeyOutputError(path=str(path), reason=_("nằm trong thư mục dữ liệu"))
    key = MasterKey.from_bytes(os.urandom(32))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyOutputError(path=str(path), reason=_("tệp đã có; không ghi đè khóa")) from None
    except OSError as error:
        raise KeyOutputError(path=str(path), reason=error.strerror or type(error).__name__) from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(base64.b64encode(key.secret).decode("ascii") + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, 0o600)  # noqa: PTH101 - the umask may have narrowed it; never widen beyond 0600
    return key
