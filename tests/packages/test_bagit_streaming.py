"""Writing and validating a large payload streams: traced peak memory stays at a few MB."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from kho.packages.formats import BagWriter, hash_file, validate_bag

SIZE = 50 * 1024 * 1024
LIMIT = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "source.bin"
    block = bytes(range(256)) * 4096  # 1 MiB
    with path.open("wb") as f:
        for i in range(SIZE // len(block)):
            f.write(block[i % 256 :] + block[: i % 256])
    return path


def _peak(fn: object) -> int:
    tracemalloc.start()
    try:
        fn()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("as_stream", [False, True], ids=["path", "stream"])
def test_writing_50mb_payload_does_not_buffer_it(big_file: Path, tmp_path: Path, as_stream: bool) -> None:
    def write() -> None:
        with BagWriter(tmp_path / "bag", algorithms=("sha256", "sha512")) as bag:
            if as_stream:
                with big_file.open("rb") as src:
                    bag.add_file("big.bin", src)
            else:
                bag.add_file("big.bin", big_file)

    peak = _peak(write)
    assert peak < LIMIT, f"peak traced memory {peak / 1e6:.1f} MB"
    assert (tmp_path / "bag" / "data" / "big.bin").stat().st_size == SIZE
    assert hash_file(tmp_path / "bag" / "data" / "big.bin") == hash_file(big_file)


@pytest.mark.slow
def test_validating_50mb_payload_streams(big_file: Path, tmp_path: Path) -> None:
    with BagWriter(tmp_path / "bag") as bag:
        bag.add_file("big.bin", big_file)
    peak = _peak(lambda: validate_bag(tmp_path / "bag", workers=1))
    assert peak < LIMIT, f"peak traced memory {peak / 1e6:.1f} MB"
