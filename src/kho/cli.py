"""The ``kho`` command: one entry point for every subcommand (``kho --help`` lists them).

Each subcommand is a Django management command built on ``kho.core.command.KhoCommand``; this module
only sets Django up, lists the subcommands and dispatches. Exit codes are documented in README.md.
"""

from __future__ import annotations

import os
import sys

# Subcommands shown by `kho --help`, in the order an archivist meets them: name -> one-line help.
KHO_COMMANDS: dict[str, str] = {
    "init": "Chuẩn bị kho lưu trữ trong KHO_DATA_DIR / prepare an archive",
    "doctor": "Kiểm tra cài đặt và cách sửa / check the installation",
    "demo": "Nạp kho lưu trữ mẫu / load the demo archive",
    "serve": "Chạy máy chủ web / start the web server",
    "worker": "Chạy tiến trình xử lý nền / run a background worker",
    "import": "Nhập cơ quan, hồ sơ, gói chuyển giao / import agencies, records and transfer packages",
    "export": "Xuất mục lục hồ sơ, gói chuyển giao / export inventories and transfer packages",
    "ingest": "Lưu tài liệu điện tử gốc / store born-digital documents",
    "digitize": "Số hóa bản quét thành PDF/A-2b có OCR / digitize scans",
    "inspect": "Xem siêu dữ liệu đọc từ tệp, không lưu / inspect files without storing",
    "fixity": "Kiểm tra toàn vẹn dữ liệu / check stored objects",
    "storage": "Quản lý kho đối tượng (sweep) / object store maintenance",
    "keys": "Khóa chủ mã hóa tài liệu mật / master key for classified documents",
    "validate": "Kiểm tra túi BagIt, gói E-ARK, gói chuyển giao / validate bags and packages",
    "audit": "Kiểm tra chuỗi nhật ký sự kiện / verify the event log",
    "handover": "Sắp xếp tổ chức, giao nhận phông / reorganization and handover",
    "lineage": "Cây tiền thân, kế thừa của cơ quan / agency lineage",
    "search": "Tìm kiếm toàn văn, lập lại chỉ mục / full-text search and reindex",
    "signing": "Chữ ký số cơ quan trên bản số hóa / organisation signatures",
    "tokens": "Khóa API cho script và máy quét / API tokens",
    "users": "Tài khoản, vai trò, độ mật / accounts, roles and clearances",
}
# Management command modules cannot be named after Python keywords.
ALIASES = {"import": "import_data", "export": "export_data"}


def _usage() -> str:
    width = max(len(name) for name in KHO_COMMANDS)
    lines = ["Cách dùng / usage: kho <lệnh> [tùy chọn]   (kho <lệnh> --help)", "", "Lệnh / commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in KHO_COMMANDS.items()]
    lines += [
        "",
        "Mã thoát / exit codes: 0 OK, 1 có vấn đề, 2 đầu vào sai, 3 không tìm thấy, 4 xung đột,",
        "  5 môi trường, 6 không có quyền, 70 lỗi nội bộ, 130 bị dừng.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run ``kho`` with ``argv`` (default: the process arguments) and return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kho.config.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())  # noqa: T201
        return 0
    if args[0] == "--version":
        from kho import __version__

        print(f"kho {__version__}")  # noqa: T201
        return 0
    import django

    from kho.config.env import ConfigError

    try:
        django.setup()
    except ConfigError as error:
        print(f"kho: lỗi cấu hình / configuration error: {error}", file=sys.stderr)  # noqa: T201
        return 5
    from django.core.management import ManagementUtility, get_commands

    name = ALIASES.get(args[0], args[0])
    if name not in get_commands():
        print(f"kho: lệnh không tồn tại / unknown command: {args[0]!r}. Xem 'kho --help'.", file=sys.stderr)  # noqa: T201
        return 2
    utility = ManagementUtility(["kho", name, *args[1:]])
    try:
        utility.execute()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
