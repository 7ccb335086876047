"""The ``kho`` entry point: help, unknown commands, doctor, and errors that never show a traceback."""

import pytest

from kho.cli import KHO_COMMANDS, main


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in KHO_COMMANDS:
        assert f"  {name}" in out


def test_unknown_command_exits_2(capsys):
    assert main(["khong-co"]) == 2
    assert "khong-co" in capsys.readouterr().err


@pytest.mark.django_db
def test_every_listed_command_has_help(kho):
    for name in KHO_COMMANDS:
        result = kho(name, "--help")
        assert result.code == 0, (name, result.err)
        assert "usage: kho" in result.out


@pytest.mark.django_db
def test_doctor_reports_unwritable_storage_with_its_fix(kho, settings, tmp_path):
    settings.OBJECT_STORE_DIR = tmp_path / "không-có"
    result = kho("doctor", "--json")
    assert result.code == 1
    problems = {p["id"]: p for p in result.json()["problems"]}
    assert "kho.E001" in problems and "kho init" in problems["kho.E001"]["fix"]


@pytest.mark.django_db
def test_doctor_warns_about_debug(kho, settings):
    settings.DEBUG = True
    ids = {p["id"] for p in kho("doctor", "--json").json()["problems"]}
    assert "kho.W005" in ids


@pytest.mark.django_db
def test_doctor_finds_missing_tesseract_language(kho, settings):
    settings.KHO_OCR_LANGUAGE = "xyz"
    ids = {p["id"] for p in kho("doctor", "--json").json()["problems"]}
    assert ids & {"kho.W001", "kho.W002"}


@pytest.mark.django_db
def test_internal_error_is_logged_not_shown(kho, monkeypatch, data_dir):
    from kho.storage import actions

    def boom(self, progress=None):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(actions.FixityCheckAction, "execute", boom)
    result = kho("fixity")
    assert result.code == 70
    assert "Traceback" not in result.err and "secret detail" not in result.err
    assert "secret detail" in (data_dir / "logs" / "errors.log").read_text()


def test_database_unreachable_is_exit_5(tmp_path):
    from tests.conftest import kho_subprocess

    result = kho_subprocess(
        ["fixity"], {"KHO_DATA_DIR": str(tmp_path), "KHO_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    )
    assert result.returncode == 5, result.stderr
    assert "kho doctor" in result.stderr and "Traceback" not in result.stderr


def test_bad_configuration_is_exit_5(tmp_path):
    from tests.conftest import kho_subprocess

    result = kho_subprocess(["init"], {"KHO_DATA_DIR": str(tmp_path), "KHO_DEBUG": "perhaps"})
    assert result.returncode == 5 and "KHO_DEBUG" in result.stderr


def test_init_closes_the_archive_to_other_accounts(tmp_path):
    """``kho init`` leaves no "others" permission on the data, so ``doctor --secure`` finds nothing to fix there."""
    import json
    import stat

    from tests.conftest import kho_subprocess

    data_dir = tmp_path / "archive"
    env = {"KHO_DATA_DIR": str(data_dir), "KHO_DATABASE_URL": ""}
    done = kho_subprocess(["init", "--json"], env)
    assert done.returncode == 0, done.stderr
    assert str(data_dir) in json.loads(done.stdout)["closed_to_others"]
    for path in (data_dir, data_dir / "objects", data_dir / "secret.key", data_dir / "kho.sqlite3"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path
    doctor = kho_subprocess(["doctor", "--secure", "--json"], env)
    assert "kho.S112" not in {problem["id"] for problem in json.loads(doctor.stdout)["problems"]}
    (data_dir / "secret.key").chmod(0o644)
    doctor = kho_subprocess(["doctor", "--secure", "--json"], env)
    assert "kho.S112" in {problem["id"] for problem in json.loads(doctor.stdout)["problems"]}
