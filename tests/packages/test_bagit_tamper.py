"""Tampered bags are rejected with a specific finding code and path; every problem is reported at once."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

from kho.core.text import nfc
from kho.packages.formats import (
    BagValidationError,
    BagWriteError,
    BagWriter,
    DuplicatePathError,
    FileNormalizationConflictError,
    Finding,
    Severity,
    UnsafePathError,
    is_valid_bag,
    make_bag_in_place,
    safe_join,
    validate_bag,
)
from tests.packages._bagit_data import SMALL_BAG_FILES

VI_NAME = "Hồ sơ/Quyết định số 01.txt"


def _pairs(bag: Path) -> set[tuple[str, str | None]]:
    return {(f.code, f.path) for f in validate_bag(bag).errors}


def _append_manifest_line(bag: Path, line: str) -> None:
    with (bag / "manifest-sha256.txt").open("a", encoding="utf-8") as f:
        f.write(line)


def test_fresh_bag_is_valid(small_bag: Path) -> None:
    report = validate_bag(small_bag)
    assert report.is_valid, report.errors
    assert not report.findings
    assert report.payload_files == len(SMALL_BAG_FILES)
    assert ("Source-Organization", "Văn phòng Trung ương Đảng") in report.info
    assert is_valid_bag(small_bag)


def test_payload_byte_changed(small_bag: Path) -> None:
    target = small_bag / "data" / VI_NAME
    data = bytearray(target.read_bytes())
    data[0] ^= 0xFF
    target.write_bytes(bytes(data))
    assert _pairs(small_bag) == {("payload.checksum_mismatch", f"data/{VI_NAME}")}


def test_payload_file_removed(small_bag: Path) -> None:
    (small_bag / "data" / "a.txt").unlink()
    assert _pairs(small_bag) == {("payload.missing", "data/a.txt"), ("oxum.mismatch", None)}


def test_extra_payload_file(small_bag: Path) -> None:
    (small_bag / "data" / "extra.txt").write_bytes(b"x")
    assert _pairs(small_bag) == {("payload.not_in_manifest", "data/extra.txt"), ("oxum.mismatch", None)}


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("0" * 64 + "  ../outside.txt\n", "../outside.txt"),
        ("0" * 64 + "  data/../../outside.txt\n", "data/../../outside.txt"),
        ("0" * 64 + "  /etc/passwd\n", "/etc/passwd"),
        ("0" * 64 + "  ~/.bashrc\n", "~/.bashrc"),
    ],
)
def test_out_of_scope_path_in_manifest(small_bag: Path, line: str, path: str) -> None:
    _append_manifest_line(small_bag, line)
    pairs = _pairs(small_bag)
    assert ("path.out_of_scope", path) in pairs
    assert ("tagfile.checksum_mismatch", "manifest-sha256.txt") in pairs  # the tag manifest notices too


def test_symlink_to_outside(small_bag: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"hello\n")  # same bytes as data/a.txt: only the link itself may give it away
    (small_bag / "data" / "a.txt").unlink()
    (small_bag / "data" / "a.txt").symlink_to(secret)
    pairs = _pairs(small_bag)
    assert ("bag.symlink", "data/a.txt") in pairs
    assert ("path.symlink_escape", "data/a.txt") in pairs


def test_symlink_inside_data(small_bag: Path) -> None:
    (small_bag / "data" / "link.txt").symlink_to("a.txt")
    assert _pairs(small_bag) == {("bag.symlink", "data/link.txt")}


def test_symlinked_directory(small_bag: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_bytes(b"x")
    (small_bag / "data" / "dir").symlink_to(outside, target_is_directory=True)
    assert ("bag.symlink", "data/dir") in _pairs(small_bag)


def test_bagit_txt_whitespace_is_an_error(small_bag: Path) -> None:
    (small_bag / "bagit.txt").write_bytes(b"BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n")
    assert ("bagit.malformed_line", "bagit.txt") in _pairs(small_bag)


def test_all_problems_reported_at_once(small_bag: Path, tmp_path: Path) -> None:
    (small_bag / "data" / "a.txt").write_bytes(b"HELLO\n")
    (small_bag / "data" / "b" / "c.bin").unlink()
    (small_bag / "data" / "extra.txt").write_bytes(b"x")
    (small_bag / "data" / "link").symlink_to(tmp_path)
    _append_manifest_line(small_bag, "0" * 64 + "  ../evil\n")
    (small_bag / "bagit.txt").write_bytes(b"\xef\xbb\xbfBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    report = validate_bag(small_bag)
    expected = {
        ("payload.checksum_mismatch", "data/a.txt"),
        ("payload.missing", "data/b/c.bin"),
        ("payload.not_in_manifest", "data/extra.txt"),
        ("bag.symlink", "data/link"),
        ("path.out_of_scope", "../evil"),
        ("bagit.bom", "bagit.txt"),
        ("tagfile.checksum_mismatch", "bagit.txt"),
        ("tagfile.checksum_mismatch", "manifest-sha256.txt"),
        ("oxum.mismatch", None),
    }
    assert {(f.code, f.path) for f in report.errors} == expected
    with pytest.raises(BagValidationError) as excinfo:
        report.raise_if_invalid()
    assert {(f.code, f.path) for f in excinfo.value.details if f.severity == "error"} == expected
    assert excinfo.value.params["errors"] == len(expected)


def test_findings_carry_templates_and_params(small_bag: Path) -> None:
    (small_bag / "data" / "a.txt").unlink()
    finding = next(f for f in validate_bag(small_bag).errors if f.code == "payload.missing")
    assert "%(path)s" in finding.message
    assert finding.params["path"] == "data/a.txt"
    assert "data/a.txt" in finding.render()


def test_fast_mode_skips_checksums_but_not_completeness(small_bag: Path) -> None:
    (small_bag / "data" / "a.txt").write_bytes(b"HELLO\n")
    assert validate_bag(small_bag, fast=True).is_valid
    (small_bag / "data" / "extra").write_bytes(b"")
    assert not validate_bag(small_bag, fast=True).is_valid


def test_not_a_directory(tmp_path: Path) -> None:
    assert {f.code for f in validate_bag(tmp_path / "nope").errors} == {"bag.not_a_directory"}


# -- safe_join ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("", "empty"),
        ("a\x00b", "nul"),
        ("/etc/passwd", "absolute"),
        ("\\\\?\\UNC\\server\\share", "absolute"),
        ("C:\\Windows\\System32", "drive"),
        ("c:foo", "drive"),
        ("~", "home"),
        ("~root/.ssh", "home"),
        ("..", "parent"),
        ("data/../../x", "parent"),
        ("data\\..\\..\\x", "parent"),
    ],
)
def test_safe_join_rejects(tmp_path: Path, relative: str, reason: str) -> None:
    with pytest.raises(UnsafePathError) as excinfo:
        safe_join(tmp_path, relative)
    assert excinfo.value.reason == reason


def test_safe_join_accepts_ordinary_names(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "data/dir1/~test3.txt") == tmp_path / "data" / "dir1" / "~test3.txt"
    assert safe_join(tmp_path, "./data/x") == tmp_path / "data" / "x"
    assert safe_join(tmp_path, "data/Quyết định.pdf") == tmp_path / "data" / "Quyết định.pdf"


def test_safe_join_follows_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "data" / "out").symlink_to(tmp_path / "outside")
    (root / "data" / "in").symlink_to(root / "data")
    with pytest.raises(UnsafePathError) as excinfo:
        safe_join(root, "data/out/file")
    assert excinfo.value.reason == "escape"
    assert safe_join(root, "data/in/file") == root / "data" / "in" / "file"


# -- writer refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_writer_normalises_names_to_nfc(tmp_path: Path, form: str) -> None:
    name = unicodedata.normalize(form, "Quyết định/Đảng ủy.txt")
    with BagWriter(tmp_path / "bag") as bag:
        bag.add_file(name, _stream(b"x"))
    assert (tmp_path / "bag" / "data" / nfc(name)).is_file()
    assert f"  data/{nfc(name)}" in (tmp_path / "bag" / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert validate_bag(tmp_path / "bag").is_valid


def test_writer_refuses_nfc_collision_and_duplicates(tmp_path: Path) -> None:
    with BagWriter(tmp_path / "bag") as bag:
        bag.add_file(unicodedata.normalize("NFC", "Hồ sơ.txt"), _stream(b"1"))
        with pytest.raises(FileNormalizationConflictError):
            bag.add_file(unicodedata.normalize("NFD", "Hồ sơ.txt"), _stream(b"2"))
        with pytest.raises(DuplicatePathError):
            bag.add_file("Hồ sơ.txt", _stream(b"3"))
    assert validate_bag(tmp_path / "bag").is_valid


@pytest.mark.parametrize("name", ["../x", "/etc/x", "a/../../x", "C:\\x", "", "\\\\server\\x"])
def test_writer_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    with BagWriter(tmp_path / "bag") as bag, pytest.raises(UnsafePathError):
        bag.add_file(name, _stream(b"x"))


@pytest.mark.parametrize("name", ["bagit.txt", "manifest-md5.txt", "tagmanifest-sha256.txt", "data/x", "fetch.txt"])
def test_writer_refuses_reserved_tag_names(tmp_path: Path, name: str) -> None:
    with BagWriter(tmp_path / "bag") as bag, pytest.raises(BagWriteError):
        bag.add_tag_file(name, _stream(b"x"))


def test_writer_tag_file_goes_into_tag_manifest(tmp_path: Path) -> None:
    with BagWriter(tmp_path / "bag") as bag:
        bag.add_file("a", _stream(b"a"))
        bag.add_tag_file("metadata/mets.xml", _stream(b"<mets/>"))
    assert "  metadata/mets.xml" in (tmp_path / "bag" / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    (tmp_path / "bag" / "metadata" / "mets.xml").write_bytes(b"<mets></mets>")
    assert {(f.code, f.path) for f in validate_bag(tmp_path / "bag").errors} == {
        ("tagfile.checksum_mismatch", "metadata/mets.xml")
    }


def test_writer_refuses_non_empty_target_and_bad_info(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_bytes(b"")
    with pytest.raises(BagWriteError):
        BagWriter(tmp_path / "full")
    with pytest.raises(BagWriteError):
        BagWriter(tmp_path / "b1", bag_info={"Payload-Oxum": "1.1"})
    with pytest.raises(BagWriteError):
        BagWriter(tmp_path / "b2", bag_info={"Title": "two\nlines"})
    with pytest.raises(BagWriteError):
        BagWriter(tmp_path / "b3", algorithms=("crc32",))


def test_writer_refuses_use_after_finish(tmp_path: Path) -> None:
    bag = BagWriter(tmp_path / "bag")
    bag.finish()
    with pytest.raises(BagWriteError):
        bag.add_file("late", _stream(b"x"))
    with pytest.raises(BagWriteError):
        bag.finish()


# -- make_bag_in_place ------------------------------------------------------------------------------


def test_make_bag_in_place_renames_nfd_to_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Thư mục")
    (tmp_path / "d" / nfd).mkdir(parents=True)
    (tmp_path / "d" / nfd / unicodedata.normalize("NFD", "Tờ trình.txt")).write_bytes(b"x")
    make_bag_in_place(tmp_path / "d")
    assert (tmp_path / "d" / "data" / "Thư mục" / "Tờ trình.txt").is_file()
    assert validate_bag(tmp_path / "d").is_valid


def test_make_bag_in_place_refuses_before_moving(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_bytes(b"a")
    (d / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        make_bag_in_place(d)
    (d / "link").unlink()
    (d / unicodedata.normalize("NFC", "Đơn.txt")).write_bytes(b"1")
    (d / unicodedata.normalize("NFD", "Đơn.txt")).write_bytes(b"2")
    if len(list(d.iterdir())) == 3:  # the filesystem keeps both forms (ext4 does; APFS would not)
        with pytest.raises(FileNormalizationConflictError):
            make_bag_in_place(d)
    assert sorted(p.name for p in d.iterdir())[0] == "a.txt"
    assert not (d / "data").exists()


def _stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def test_finding_accepts_plain_severity_strings() -> None:
    finding = Finding("warning", "x.y", None, "msg %(n)d", {"n": 1})
    assert finding.severity is Severity.WARNING
    assert finding.severity == "warning"
    assert finding.render() == "msg 1"


def test_many_manifests_each_checked(small_bag: Path) -> None:
    bag = small_bag
    lines = (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    (bag / "manifest-sha512.txt").write_text("\n".join(lines[:1]) + "\n", encoding="utf-8")  # wrong length too
    pairs = _pairs(bag)
    assert ("manifest.bad_digest", "manifest-sha512.txt") in pairs
    assert {p for c, p in pairs if c == "payload.not_in_manifest"} == {f"data/{n}" for n in SMALL_BAG_FILES}
