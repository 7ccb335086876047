"""Pure package formats (no Django): BagIt 1.0 writer and validator, the safe path gate, hashing.

Style rules 13, 15, 16 and 17: validators report every problem as data, digests are streamed and
computed in one pass, names are NFC-normalised with collisions refused, and every path read from a
package goes through :func:`safe_join`.
"""

from kho.packages.formats._manifest import decode_path, format_manifest_line, parse_manifest_line
from kho.packages.formats._validate import is_valid_bag, validate_bag
from kho.packages.formats.bagit import BagResult, BagWriter, make_bag_in_place, root_hash
from kho.packages.formats.exceptions import (
    BagValidationError,
    BagWriteError,
    DuplicatePathError,
    FileNormalizationConflictError,
    PackageFormatError,
    UnsafePathError,
)
from kho.packages.formats.hashing import SUPPORTED_ALGORITHMS, hash_file
from kho.packages.formats.report import BagReport, Finding, Severity
from kho.packages.formats.safepath import safe_join

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "BagReport",
    "BagResult",
    "BagValidationError",
    "BagWriteError",
    "BagWriter",
    "DuplicatePathError",
    "FileNormalizationConflictError",
    "Finding",
    "PackageFormatError",
    "Severity",
    "UnsafePathError",
    "decode_path",
    "format_manifest_line",
    "hash_file",
    "is_valid_bag",
    "make_bag_in_place",
    "parse_manifest_line",
    "root_hash",
    "safe_join",
    "validate_bag",
]
