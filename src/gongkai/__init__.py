"""gongkai: read 政府信息公开工作年度报告 into typed, checked data.

>>> import gongkai
>>> report = gongkai.parse(text)          # doctest: +SKIP
>>> gongkai.to_record(report)["requests.new.total"]  # doctest: +SKIP
"""

from __future__ import annotations

from .check import Finding, check
from ._errors import Diagnostic, ParseError
from .model import Figure, Paragraph, Report, Row, Section, Table
from .pipeline import parse
from .record import to_dict, to_record
from .render import render
from .variants import Variant, register, variants

__all__ = [
    "Diagnostic",
    "Figure",
    "Finding",
    "Paragraph",
    "ParseError",
    "Report",
    "Row",
    "Section",
    "Table",
    "Variant",
    "__version__",
    "check",
    "parse",
    "register",
    "render",
    "to_dict",
    "to_record",
    "variants",
]

__version__ = "0.1.0"
