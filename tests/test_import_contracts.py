"""The layering contracts in ``.importlinter`` hold, and the one keeping content and the
workflow below the project package catches an import that runs up."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_every_import_contract():
    result = lint_imports(cwd=ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


def test_content_importing_the_project_package_breaks_the_contract(tmp_path):
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for package in ("portal", "accounts", "infopages", "reviews"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "portal" / "clients.py").write_text("")
    (tmp_path / "infopages" / "feedback.py").write_text("from portal import clients\n")

    result = lint_imports("--contract", "apps-below-portal", cwd=tmp_path)

    assert result.returncode == 1
    assert "infopages.feedback -> portal" in result.stdout


def test_the_core_importing_a_feature_breaks_the_contract(tmp_path):
    """A screen of the core reaching into the evidence register (as the change page did before
    the flags became a panel) is refused; the feature reaching into the core is not."""
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for package in ("portal", "accounts", "infopages", "reviews"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for package in ("core", "schedule", "evidence", "outside", "readability", "blocks", "versions"):
        (tmp_path / "reviews" / package).mkdir()
        (tmp_path / "reviews" / package / "__init__.py").write_text("")
    for module in ("urls", "admin", "management", "signals", "subscriptions", "apps", "models"):
        (tmp_path / "reviews" / f"{module}.py").write_text("")
    (tmp_path / "reviews" / "services.py").write_text("")
    (tmp_path / "reviews" / "evidence" / "flags.py").write_text("from reviews.core import models\n")
    (tmp_path / "reviews" / "core" / "models.py").write_text("")
    (tmp_path / "reviews" / "core" / "changes.py").write_text(
        "from reviews.evidence import flags\n"
    )

    result = lint_imports("--contract", "features", cwd=tmp_path)

    assert result.returncode == 1
    assert "reviews.core.changes -> reviews.evidence.flags" in result.stdout
    assert "reviews.evidence.flags -> reviews.core" not in result.stdout
