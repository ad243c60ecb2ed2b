"""The architecture contracts (.importlinter) hold, and they do catch what they forbid.

`make test` runs `lint-imports` before pytest; these tests prove the contracts are not vacuous: the
same configuration, run over a miniature project laid out like this one, breaks on each kind of
violation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
CONFIG = Path(settings.BASE_DIR) / ".importlinter"

# A miniature of the project: each app with the modules the contracts name, importing as the real ones do.
CLEAN = {
    "cbec_supervision/__init__.py": "",
    "cbec_supervision/audit.py": "",
    # An annotation may name a model of a layer above: imports for type checking are left out.
    "cbec_supervision/scoping.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from accounts import models\n"
    ),
    "accounts/__init__.py": "",
    "accounts/models.py": "import cbec_supervision.audit\n",
    "accounts/services.py": "from accounts import models\n",
    "catalogues/__init__.py": "",
    "catalogues/classification.py": "",
    "catalogues/presentation.py": "from catalogues import classification\n",
    "catalogues/services.py": "from accounts import services\n",
    "catalogues/views.py": "from catalogues import services\n",
    "filings/__init__.py": "",
    "filings/choices.py": "",
    "filings/models.py": "from accounts import models\nfrom catalogues import classification\n",
    "filings/forms.py": "from filings import models\n",
    "filings/selectors.py": "from filings import models\n",
    "filings/services/__init__.py": "from accounts import services\nfrom catalogues import services as c\n",
    "filings/services/bulk.py": "",
    "filings/views.py": "from filings import forms, services\n",
    "partnerships/__init__.py": "",
    "partnerships/models.py": "from filings import models\n",
    "partnerships/selectors.py": "from partnerships import models\n",
    "partnerships/views.py": "from filings import models\n",
    "imports/__init__.py": "",
    "imports/models.py": "from filings import models\n",
    "imports/services.py": (
        "from filings.services import bulk\nfrom catalogues import classification\nfrom partnerships import selectors\n"
    ),
    "imports/views.py": "from filings import choices, selectors\nfrom catalogues import presentation\n",
    "risk_monitoring/__init__.py": "",
    "traceability/__init__.py": "",
    "anticounterfeit/__init__.py": "",
    "reports/__init__.py": "",
    "demo/__init__.py": "",
    "demo/seed.py": "from filings import services\nfrom imports import services as i\n",
}


def lint(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for name, text in {**CLEAN, **extra}.items():
        path = tmp_path / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return subprocess.run(
        [LINT_IMPORTS, "--no-logo", "--no-cache", str(CONFIG)],
        cwd=tmp_path / "src",
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src"), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_project_keeps_its_contracts():
    result = subprocess.run(
        [LINT_IMPORTS, "--no-logo", "--no-cache", str(CONFIG)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_project_laid_out_as_the_contracts_say_keeps_them(tmp_path):
    result = lint(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "text", "broken"),
    [
        # Layers: nothing points back up.
        ("cbec_supervision/selectors.py", "from filings import models\n", "Layers"),
        ("accounts/services.py", "from filings import services\n", "Layers"),
        ("filings/services/bulk.py", "def f():\n    from imports import models\n", "Layers"),
        ("catalogues/services.py", "from filings import models\n", "Layers"),
        ("imports/services.py", "from demo import seed\n", "Layers"),
        ("traceability/services.py", "from reports import models\n", "Layers"),
        ("partnerships/selectors.py", "from imports import models\n", "Layers"),
        ("filings/selectors.py", "from partnerships import selectors\n", "Layers"),
        # Boundaries: another app's pages, forms and the like are its own.
        ("imports/views.py", "from filings import forms\n", "Apps reach each other"),
        ("imports/views.py", "from filings.views import x\n", "Apps reach each other"),
        ("demo/seed.py", "from catalogues import views\n", "Apps reach each other"),
        ("imports/views.py", "from partnerships import forms\n", "Apps reach each other"),
    ],
)
def test_each_kind_of_violation_breaks_a_contract(tmp_path, module, text, broken):
    result = lint(tmp_path, {module: text})
    assert result.returncode != 0
    assert any(line.startswith(broken) and "BROKEN" in line for line in result.stdout.splitlines()), result.stdout


def test_an_import_only_for_type_checking_is_allowed(tmp_path):
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from filings.models import X\n"
    result = lint(tmp_path, {"accounts/services.py": text})
    assert result.returncode == 0, result.stdout + result.stderr
