"""Upload benchmark (issue "Web application…", part 7): many clients upload scans through the REST API.

Run: ``.venv/bin/python -m bench.upload_api [--files 2000 --clients 8 --per-request 4]``.

Sets up a throw-away archive (``bench._setup.django_archive``: SQLite in a temporary data directory, or
the PostgreSQL database given with ``--database-url``, which is flushed first), creates a clerk with an
API token and a record, then starts ``kho serve`` as a child process on a free loopback port with the same
``KHO_DATA_DIR``. ``--clients`` threads each open their own upload batch and send their share of
``--files`` generated PNGs (about 20 KB of noise each, all different) as multipart requests of
``--per-request`` files. No digitization is started: this measures receipt only.

Afterwards it counts, independently, the files the API acknowledged, the ``UploadFile`` rows of the
batches and the acknowledged objects present in the object store; all three must equal ``--files``.
Prints the counts, the elapsed time and files/s, stops the server and exits 1 on any loss.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._setup import django_archive

READY_TIMEOUT = 60.0
REQUEST_TIMEOUT = 120.0
PNG_SIDE = 140  # 140 x 140 grey noise: PNG cannot compress it, so each file is about 20 KB


@dataclass
class ClientResult:
    """What one client thread saw."""

    batch: str = ""
    acknowledged: list[str] = field(default_factory=list)  # digests the API said it stored
    rejected: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_png(index: int) -> bytes:
    from PIL import Image

    noise = random.Random(index).randbytes(PNG_SIDE * PNG_SIDE)
    out = io.BytesIO()
    Image.frombytes("L", (PNG_SIDE, PNG_SIDE), noise).save(out, format="PNG")
    return out.getvalue()


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, payload in files:
        parts += [
            f"--{boundary}\r\n".encode(),
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'.encode(),
            b"Content-Type: image/png\r\n\r\n",
            payload,
            b"\r\n",
        ]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Connection:
    """One keep-alive HTTP connection to the server (reopened, never retried, after a failure)."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: bytes = b"", ctype: str = "") -> tuple[int, Any]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Authorization": f"Bearer {self.token}"}
        if ctype:
            headers["Content-Type"] = ctype
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, json.loads(data) if data else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def setup(database_url: str) -> tuple[Path, str, str]:
    """Archive, clerk, token and record; returns (data dir, token, record uid)."""
    data_dir = django_archive(database_url)
    from kho.access.actions import AccessChange, CreateUserAction
    from kho.access.models import Role
    from kho.agencies.models import Agency
    from kho.api.actions import CreateTokenAction
    from kho.records.models import Fonds, Record

    agency = Agency.objects.create(code="H97", name="Cơ quan đo tải lên")
    fonds = Fonds.objects.create(code="PH97", name="Phông đo tải lên", agency=agency)
    record = Record.objects.create(fonds=fonds, file_code="H97.2025.01.VP", title="Hồ sơ đo tải lên")
    CreateUserAction("bench-clerk", AccessChange(role=Role.CLERK, agency_codes=("H97",))).execute()
    token = CreateTokenAction("bench-clerk", "bench upload_api").execute().token
    return data_dir, token, str(record.uid)


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    log = (data_dir / "server.log").open("wb")
    env = {**os.environ, "KHO_DATA_DIR": str(data_dir), "KHO_LOG_LEVEL": os.environ.get("KHO_LOG_LEVEL", "WARNING")}
    command = [sys.executable, "-m", "kho", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kho serve exited with {server.returncode}")
        probe = Connection(port, "")
        try:
            status, _body = probe.call("GET", "/api/v1/openapi.json")
            if status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            probe.close()
        time.sleep(0.2)
    raise RuntimeError(f"kho serve not ready after {READY_TIMEOUT:.0f} s")


def client(port: int, token: str, record: str, indexes: list[int], per_request: int, out: ClientResult) -> None:
    conn = Connection(port, token)
    try:
        status, body = conn.call("POST", "/api/v1/uploads", json.dumps({"record": record}).encode(), "application/json")
        if status != 201:
            out.errors.append(f"open batch: HTTP {status} {body}")
            return
        out.batch = body["uid"]
        for start in range(0, len(indexes), per_request):
            chunk = indexes[start : start + per_request]
            payload, ctype = multipart([(f"scan-{i:05d}.png", make_png(i)) for i in chunk])
            try:
                status, body = conn.call("POST", f"/api/v1/uploads/{out.batch}/files", payload, ctype)
            except (OSError, http.client.HTTPException) as error:
                out.errors.append(f"files {chunk[0]}..{chunk[-1]}: {type(error).__name__}: {error}")
                continue
            if status != 200:
                out.errors.append(f"files {chunk[0]}..{chunk[-1]}: HTTP {status} {body}")
                continue
            out.acknowledged += [item["sha256"] for item in body["received"]]
            out.rejected += body["rejected"]
    finally:
        conn.close()


def run_clients(port: int, token: str, record: str, files: int, clients: int, per_request: int) -> list[ClientResult]:
    results = [ClientResult() for _ in range(clients)]
    threads = [
        threading.Thread(
            target=client, args=(port, token, record, list(range(n, files, clients)), per_request, results[n])
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def count(results: list[ClientResult]) -> dict[str, int]:
    from django.db import connections

    from kho.ingest.models import UploadFile
    from kho.storage.store import get_store

    connections.close_all()  # the server wrote meanwhile; read afresh
    digests = [d for r in results for d in r.acknowledged]
    store = get_store()
    return {
        "acknowledged": len(digests),
        "distinct_acknowledged": len(set(digests)),
        "upload_rows": UploadFile.objects.filter(batch__uid__in=[r.batch for r in results if r.batch]).count(),
        "blobs_in_store": sum(1 for d in set(digests) if store.exists(d)),
        "rejected": sum(len(r.rejected) for r in results),
        "errors": sum(len(r.errors) for r in results),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-request", type=int, default=4)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL of a throw-away database (flushed!)")
    args = parser.parse_args()
    data_dir, token, record = setup(args.database_url)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(data_dir, port)
    try:
        wait_ready(server, port)
        print(f"kho serve on 127.0.0.1:{port}, data in {data_dir}", flush=True)
        start = time.perf_counter()
        results = run_clients(port, token, record, args.files, args.clients, args.per_request)
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    counts = count(results)
    for problem in [e for r in results for e in r.errors][:10] + [str(x) for r in results for x in r.rejected][:10]:
        print("  problem:", problem)
    print(json.dumps(counts))
    print(
        f"upload_api: {args.files} files x ~{PNG_SIDE * PNG_SIDE // 1000} KB, {args.clients} clients, "
        f"{args.per_request} per request: {elapsed:.1f} s, {args.files / elapsed:.0f} files/s"
    )
    wanted = ("acknowledged", "distinct_acknowledged", "upload_rows", "blobs_in_store")
    lost = any(counts[key] != args.files for key in wanted) or counts["rejected"] or counts["errors"]
    if lost:
        print(f"LOSS: counts differ from --files; server log and archive kept in {data_dir}")
        return 1
    print("OK: no file lost")
    shutil.rmtree(data_dir, ignore_errors=True)  # objects are read-only files; rmtree removes them (owner)
    return 0


if __name__ == "__main__":
    sys.exit(main())
