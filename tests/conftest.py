"""Shared test fixtures: the bundled real reports and their hand-read figures."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
REALWORLD = FIXTURES / "realworld"


def load_case(name: str) -> tuple[str, dict[str, Any]]:
    """A real-world case of cases.json: its text and its expected figures."""
    cases = {c["name"]: c for c in json.loads((REALWORLD / "cases.json").read_text("utf-8"))}
    case = cases[name]
    text = (REALWORLD / case["text"]).read_text("utf-8")
    expect = json.loads((REALWORLD / case["expect"]).read_text("utf-8"))
    return text, expect


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Seed name → text."""
    return {p.stem: p.read_text("utf-8") for p in SEEDS}


# ---------------------------------------------------------------- hypothesis settings profiles
# "dev" (default): quick, for development.  "ci": selected by HYPOTHESIS_PROFILE=ci or CI=true;
# at least 500 examples per property, reproducible.  "nightly": 10,000 examples.
import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=_SUPPRESS)
settings.register_profile(
    "ci",
    max_examples=500,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=_SUPPRESS,
)
settings.register_profile(
    "nightly", max_examples=10_000, deadline=None, print_blob=True, suppress_health_check=_SUPPRESS
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("true", "1") else "dev")
)


# ---------------------------------------------------------------- records without provenance
PROVENANCE = ("reader", "layout", "read_status", "figures_read", "figures_expected", "gongkai_version")


def figures_of(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its provenance keys: what two readings of one report must share."""
    return {k: v for k, v in record.items() if k not in PROVENANCE}


# ---------------------------------------------------------------- zip packages (a .docx is one)
def zip_package(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip file holding ``members`` (name → bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()
