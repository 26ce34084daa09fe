"""The arithmetic checks (勾稽关系): kept importable, the code is in :mod:`gongkai._check`."""

from __future__ import annotations

from ._check import RULES, Finding, FindingSeverity, RuleId, check, validate_checks

__all__ = ["RULES", "Finding", "FindingSeverity", "RuleId", "check", "validate_checks"]
