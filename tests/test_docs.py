"""The documentation site: it builds with warnings as errors, every example on it runs, and the
codebook lists every record key of both template editions.

The examples run in a fresh folder of sample reports (``docs/samples.py``), one namespace per
page, in the order they are printed:

* ```` ```python ```` blocks are executed (one with an ``if __name__ == "__main__":`` guard as a
  script of its own);
* ```` ```pycon ```` blocks are doctests: their printed output must match (``...`` elides);
* ```` ```console ```` blocks are shell sessions: each ``$ command`` runs, and the lines after it,
  when there are any, must match its output (stdout and stderr; ``...`` elides).

```` ```sh ```` blocks are installation and setup steps (they need the network or a clone):
shown, not run.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.util
import io
import linecache
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))
sys.path.insert(0, str(DOCS / "_ext"))

from samples import make_samples  # noqa: E402

pytestmark = pytest.mark.docs

_FENCE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _pages() -> list[Path]:
    return sorted(
        p
        for p in DOCS.rglob("*.md")
        if "_build" not in p.parts and p.name != "README.md" and ".venv" not in p.parts
    )


def _blocks(page: Path) -> list[tuple[str, str, int]]:
    """(language, body, line) of every fenced block of ``page``."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        lang = m.group("info").strip().split(" ")[0].strip("{}")
        out.append((lang, m.group("body"), text.count("\n", 0, m.start()) + 2))
    return out


def _runnable(page: Path) -> bool:
    return any(lang in ("python", "pycon", "console") for lang, _, _ in _blocks(page))


def _missing_module(source: str) -> str | None:
    """A module the block imports that is not installed (pandas, duckdb): the block is skipped."""
    for m in re.finditer(r"^\s*(?:>>> )?(?:import|from)\s+([A-Za-z_][\w]*)", source, re.M):
        if importlib.util.find_spec(m.group(1)) is None:
            return m.group(1)
    return None


def _gongkai_in_process(argv: list[str]) -> str:
    """``gongkai ARGS`` run in this process (the same ``main`` the command runs, without a new
    interpreter's start-up for every command): its stdout, then its stderr."""
    from gongkai._cli import main

    out, err = io.StringIO(), io.StringIO()
    # SystemExit: argparse's --help and usage errors
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
        main(argv)
    return out.getvalue() + err.getvalue()


def _console(body: str, where: str, cwd: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"  # argparse's help wraps to the terminal
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    assert commands, f"{where}: a console block without a $ command"
    checker = doctest.OutputChecker()
    for command, expected in commands:
        if command.startswith("gongkai ") and not re.search(r"[|;&<>$`*?]", command):
            output = _gongkai_in_process(shlex.split(command)[1:])
        else:
            done = subprocess.run(
                command,
                shell=True,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            output = done.stdout + done.stderr
            assert done.returncode != 127, f"{where}: {command}: command not found\n{output}"
        assert "Traceback" not in output, f"{where}: {command}:\n{output}"
        want = "\n".join(expected).strip("\n")
        if want and not checker.check_output(want + "\n", output, _FLAGS):
            pytest.fail(f"{where}: {command}\n--- expected\n{want}\n--- got\n{output}")


def _run_page(page: Path, cwd: Path) -> int:
    """Run the examples of ``page``; returns how many blocks ran."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    rel = page.relative_to(ROOT)
    for lang, body, line in _blocks(page):
        where = f"{rel}:{line}"
        if lang not in ("python", "pycon", "console"):
            continue
        missing = _missing_module(body) if lang != "console" else None
        if missing is not None:
            continue
        if lang == "python" and 'if __name__ == "__main__":' in body:
            # a script (a process pool needs an importable __main__): run it as one
            script = cwd / "_docs_example.py"
            script.write_text(body, encoding="utf-8")
            done = subprocess.run(
                [sys.executable, script.name],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, f"{where}:\n{done.stdout}{done.stderr}"
        elif lang == "python":
            # the block's source for tracebacks
            linecache.cache[where] = (len(body), None, body.splitlines(keepends=True), where)
            exec(compile(body, where, "exec"), namespace)
        elif lang == "pycon":
            test = doctest.DocTestParser().get_doctest(body, namespace, where, str(rel), line)
            runner = doctest.DocTestRunner(optionflags=_FLAGS)
            failures: list[str] = []
            runner.run(test, out=failures.append, clear_globs=False)
            namespace.update(test.globs)  # a DocTest runs in a copy of the namespace it is given
            assert runner.failures == 0, "".join(failures)
        else:
            _console(body, where, cwd)
        ran += 1
    return ran


@pytest.mark.parametrize(
    "page", [p for p in _pages() if _runnable(p)], ids=lambda p: str(p.relative_to(DOCS))
)
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example of the page runs in the sample folder, and prints what the page says."""
    from gongkai import _variants

    samples = make_samples(tmp_path / "samples")
    monkeypatch.chdir(samples)
    monkeypatch.syspath_prepend(str(samples))  # as `python` run in the folder would
    registered = dict(_variants._registered)
    try:
        assert _run_page(page, samples) > 0
    finally:  # a page that registers the example variants leaves no trace for other tests
        _variants._registered.clear()
        _variants._registered.update(registered)
        _variants.refresh()
        for name in [m for m in sys.modules if m.startswith("gongkai_example_variant")]:
            del sys.modules[name]


def test_codebook_lists_every_record_key() -> None:
    """The codebook is generated from the variants: every key of both editions is in it."""
    pytest.importorskip("docutils")  # the codebook extension is a Sphinx extension (docs extra)
    from codebook import EDITIONS, codebook_rows

    import gongkai

    rows = codebook_rows()
    keys = [e.key for e in rows]
    assert len(keys) == len(set(keys))
    for edition in EDITIONS:
        variant = gongkai.get_variant(edition)
        assert set(variant.record_keys()) <= set(keys)
        assert {e.key for e in rows if edition in e.labels} == set(variant.record_keys())
    fees = next(e for e in rows if e.key == "active.fees.amount")
    assert (fees.kind, fees.unit) == ("money", "万元")
    assert "2019" not in fees.labels or fees.kind == "money"
    change = next(e for e in rows if e.key == "active.licensing.change")
    assert change.signed and set(change.labels) == {"2019"}


def _diagnostic_codes() -> set[str]:
    """Every diagnostic code the library can give: the quoted codes near a ``Diagnostic(`` or
    ``note(`` call in its source."""
    codes: set[str] = set()
    for path in (ROOT / "src" / "gongkai").rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if re.search(r"\b(?:Diagnostic|note)\(", line):
                window = "\n".join(lines[i : i + 4])
                codes.update(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', window))
    return codes - {"tab-separated", "cell-per-line"}


def test_every_diagnostic_code_is_documented() -> None:
    """docs/diagnostics.md has a row for every code the source can give."""
    page = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", page, re.M))
    codes = _diagnostic_codes()
    assert len(codes) >= 15
    assert not codes - documented, f"undocumented diagnostic codes: {sorted(codes - documented)}"


@pytest.mark.skipif(
    importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("furo") is None,
    reason="needs the docs extra: pip install -e '.[docs]'",
)
def test_site_builds_without_warnings(tmp_path: Path) -> None:
    """``python -m sphinx -W --keep-going -b html docs OUT`` (docs/README.md) succeeds, and the
    codebook pages name every record key."""
    out = tmp_path / "html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    import gongkai

    for page in ("reference/codebook.html", "zh/codebook.html"):
        html = (out / page).read_text(encoding="utf-8")
        for edition in ("2021", "2019"):
            missing = [k for k in gongkai.get_variant(edition).record_keys() if k not in html]
            assert not missing, f"{page} lacks {missing[:5]}"
    shutil.rmtree(tmp_path / "doctrees", ignore_errors=True)
