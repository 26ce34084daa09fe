"""The grammars in grammars/ load from an installed wheel and from an editable install.

These tests build the project and install it into throw-away environments, so they need the
package registry (or a local wheel cache) for setuptools, lark and attrs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "seeds" / "001_6e005d299800cb62.txt"
PROBE = (
    "import sys, gongkai; r = gongkai.parse(open(sys.argv[1], encoding='utf-8').read()); "
    "print(gongkai.__file__); print(gongkai.to_record(r)['requests.new.total'])"
)

pytestmark = pytest.mark.packaging


def _run(*args: str, cwd: Path | None = None) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, cwd=cwd, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _venv(where: Path) -> Path:
    venv.create(where, with_pip=True)
    return where / ("Scripts" if os.name == "nt" else "bin") / "python"


def test_grammars_load_from_the_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT))
    (wheel,) = dist.glob("gongkai-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "gongkai/grammars/base.lark" in names and "gongkai/grammars/base.toml" in names
    assert "gongkai/py.typed" in names
    py = _venv(tmp_path / "env")
    _run(str(py), "-m", "pip", "install", "-q", str(wheel))
    out = _run(str(py), "-c", PROBE, str(SEED), cwd=tmp_path).split()
    assert str(tmp_path / "env") in out[0] and out[1] == "14"


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_grammars_load_from_an_editable_install(tmp_path: Path, mode: str) -> None:
    py = _venv(tmp_path / "env")
    _run(str(py), "-m", "pip", "install", "-q", "-e", str(ROOT), "--config-settings", f"editable_mode={mode}")
    out = _run(str(py), "-c", PROBE, str(SEED), cwd=tmp_path).split()
    assert out[1] == "14"
