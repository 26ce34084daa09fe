"""Shared test fixtures: the bundled real reports and their hand-read figures."""

from __future__ import annotations

import json
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
