"""The bagit-python test payload: known manifests, a corrupted byte, and interoperability with bagit-python."""

from __future__ import annotations

import hashlib
from pathlib import Path

import bagit  # test-only: Kho itself never imports bagit-python
import pytest

from kho.packages.formats import BagValidationError, BagWriter, make_bag_in_place, root_hash, validate_bag

# Facts from /work/shared/testdata/bagit-python-test-data/README.md (bagit-python's test.py).
OXUM = "991765.5"
SHA256_LINES = [
    "9006a02daf291a3ce8eebbb094ed3d17fcb0177b8e8d3421fbb8a080a2be48bf  data/README",
    "b6df8058fa818acfd91759edffa27e473f2308d5a6fca1e07a79189b95879953  data/loc/2478433644_2839c5e8b8_o_d.jpg",
    "1af90c21e72bb0575ae63877b3c69cfb88284f6e8c7820f2c48dc40a08569da5  data/loc/3314493806_6f1db86d66_o_d.jpg",
    "f065a4ae2bc5d47c6d046c3cba5c8cdfd66b07c96ff3604164e2c31328e41c1a  data/si/2584174182_ffd5c24905_b_d.jpg",
    "45d257c93e59ec35187c6a34c8e62e72c3e9cfbb548984d6f6e8deb84bac41f4  data/si/4011399822_65987a4806_b_d.jpg",
]
MD5_LINES = [
    "8e2af7a0143c7b8f4de0b3fc90f27354  data/README",
    "9a2b89e9940fea6ac3a0cc71b0a933a0  data/loc/2478433644_2839c5e8b8_o_d.jpg",
    "6172e980c2767c12135e3b9d246af5a3  data/loc/3314493806_6f1db86d66_o_d.jpg",
    "38a84cd1c41de793a0bccff6f3ec8ad0  data/si/2584174182_ffd5c24905_b_d.jpg",
    "5580eaa31ad1549739de12df819e9af8  data/si/4011399822_65987a4806_b_d.jpg",
]
SHA1 = {
    "data/README": "ace19416e605cfb12ab11df4898ca7fd9979ee43",
    "data/loc/2478433644_2839c5e8b8_o_d.jpg": "4c0a3da57374e8db379145f18601b159f3cad44b",
    "data/loc/3314493806_6f1db86d66_o_d.jpg": "62095aeddae2f3207cb77c85937e13c51641ef71",
    "data/si/2584174182_ffd5c24905_b_d.jpg": "e592194b3733e25166a631e1ec55bac08066cbc1",
    "data/si/4011399822_65987a4806_b_d.jpg": "db49ef009f85a5d0701829f38d29f8cf9c5df2ea",
}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write_bag(payload: Path, target: Path, algorithms: tuple[str, ...] = ("sha256",)) -> Path:
    with BagWriter(target, algorithms=algorithms, bag_info={"Contact-Name": "Nguyễn Văn A"}) as bag:
        for src in sorted(p for p in payload.rglob("*") if p.is_file()):
            bag.add_file(src.relative_to(payload).as_posix(), src)
    return target


def test_writer_gives_known_manifests_and_oxum(payload_copy: Path, tmp_path: Path) -> None:
    bag = _write_bag(payload_copy, tmp_path / "bag", ("md5", "sha1", "sha256"))
    assert f"Payload-Oxum: {OXUM}" in _lines(bag / "bag-info.txt")
    assert _lines(bag / "manifest-sha256.txt") == SHA256_LINES
    assert _lines(bag / "manifest-md5.txt") == MD5_LINES
    assert dict(reversed(line.split("  ", 1)) for line in _lines(bag / "manifest-sha1.txt")) == SHA1
    assert _lines(bag / "bagit.txt") == ["BagIt-Version: 1.0", "Tag-File-Character-Encoding: UTF-8"]
    report = validate_bag(bag)
    assert report.is_valid
    assert not report.findings


def test_make_bag_in_place_gives_known_manifests(payload_copy: Path) -> None:
    result = make_bag_in_place(payload_copy)
    assert result.payload_oxum == OXUM
    assert _lines(payload_copy / "manifest-sha256.txt") == SHA256_LINES
    assert sorted(p.name for p in payload_copy.iterdir()) == [
        "bag-info.txt",
        "bagit.txt",
        "data",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
    ]
    report = validate_bag(payload_copy)
    assert report.is_valid
    assert not report.findings


def test_one_corrupted_byte_fails_naming_the_file(payload_copy: Path, tmp_path: Path) -> None:
    bag = _write_bag(payload_copy, tmp_path / "bag")
    target = bag / "data" / "si" / "4011399822_65987a4806_b_d.jpg"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    report = validate_bag(bag)
    assert [(f.code, f.path) for f in report.errors] == [
        ("payload.checksum_mismatch", "data/si/4011399822_65987a4806_b_d.jpg")
    ]
    with pytest.raises(BagValidationError) as excinfo:
        report.raise_if_invalid()
    assert excinfo.value.details == tuple(report.findings)


def test_upstream_negative_readme_case(payload_copy: Path) -> None:
    # bagit-python's test.py replaces the first character of README; md5 becomes fd415432...
    make_bag_in_place(payload_copy, algorithms=("md5", "sha256"))
    readme = payload_copy / "data" / "README"
    readme.write_bytes(b"A" + readme.read_bytes()[1:])
    report = validate_bag(payload_copy)
    md5 = [f for f in report.errors if f.params.get("algorithm") == "md5"]
    assert [(f.code, f.path, f.params["expected"], f.params["found"]) for f in md5] == [
        (
            "payload.checksum_mismatch",
            "data/README",
            "8e2af7a0143c7b8f4de0b3fc90f27354",
            "fd41543285d17e7c29cd953f5cf5b955",
        )
    ]


def test_bagit_python_accepts_our_bag(payload_copy: Path, tmp_path: Path) -> None:
    bag = _write_bag(payload_copy, tmp_path / "bag", ("sha256", "sha512"))
    theirs = bagit.Bag(str(bag))
    theirs.validate()
    assert theirs.info["Payload-Oxum"] == OXUM
    assert theirs.info["Contact-Name"] == "Nguyễn Văn A"


def test_bagit_python_accepts_make_bag_in_place(payload_copy: Path) -> None:
    make_bag_in_place(payload_copy)
    bagit.Bag(str(payload_copy)).validate()


def test_we_accept_bagit_python_bag(payload_copy: Path) -> None:
    bagit.make_bag(str(payload_copy), checksums=["sha256", "sha512"])
    report = validate_bag(payload_copy)
    assert report.is_valid
    assert report.algorithms == ("sha256", "sha512")


def test_root_hash_is_sha256_over_sorted_manifest_lines(payload_copy: Path, tmp_path: Path) -> None:
    bag = _write_bag(payload_copy, tmp_path / "bag")
    expected = hashlib.sha256("".join(f"{line}\n" for line in sorted(SHA256_LINES)).encode()).hexdigest()
    assert root_hash(bag) == f"sha256:{expected}"


def test_bagit_python_literal_percent_names_are_read_literally(payload_copy: Path) -> None:
    # bagit-python writes '%' unencoded; RFC 8493 decoding would turn 'giảm 50%25' into 'giảm 50%'.
    (payload_copy / "giảm 50%25.txt").write_bytes(b"x")
    bagit.make_bag(str(payload_copy), checksums=["sha256"])
    report = validate_bag(payload_copy)
    assert report.is_valid, report.errors
    assert ("path.percent_literal", "data/giảm 50%25.txt") in {(f.code, f.path) for f in report.warnings}


def test_root_hash_needs_the_sha256_manifest(tmp_path: Path) -> None:
    with pytest.raises(BagValidationError) as excinfo:
        root_hash(tmp_path)
    assert [f.code for f in excinfo.value.details] == ["manifest.missing"]
