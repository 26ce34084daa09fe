"""gongkai: read 政府信息公开工作年度报告 into typed, checked data.

>>> import gongkai
>>> report = gongkai.read("report.pdf")             # doctest: +SKIP  (HTML, Word, PDF or text)
>>> report = gongkai.parse(text)                    # doctest: +SKIP  (a converter's text)
>>> gongkai.to_record(report)["requests.new.total"]  # doctest: +SKIP
>>> df = gongkai.to_dataframe(gongkai.read_many(paths, jobs=2))  # doctest: +SKIP  (a corpus)

The pipeline (one private module per stage): source → reader (``_readers``) → document model
(``_document``) → grammar (``grammars/*.lark``, ``_grammar``) → model (``_build``, ``_place``,
``_model``) → checks (``_check``) → output (``_record``, ``_render``, ``_cli``).
"""

from __future__ import annotations

from ._check import Finding, check
from ._corpus import Result, read_many
from ._crosswalk import Crosswalk, crosswalk
from ._document import Cell, Document, Prose, Where
from ._document import Row as DocumentRow
from ._errors import Diagnostic, GongkaiError, ParseError, ReadError, VariantError
from ._export import to_arrow, to_dataframe
from ._model import Coverage, Figure, Paragraph, Report, Row, Section, Table
from ._pipeline import parse, parse_document, read
from ._record import to_dict, to_record
from ._render import LAYOUTS, render, to_document
from ._variants import RowSpec, TableSpec, Variant, detect_variant, get_variant, register, variants

__all__ = [
    "LAYOUTS",
    "Cell",
    "Coverage",
    "Crosswalk",
    "Diagnostic",
    "Document",
    "DocumentRow",
    "Figure",
    "Finding",
    "GongkaiError",
    "Paragraph",
    "ParseError",
    "Prose",
    "ReadError",
    "Report",
    "Result",
    "Row",
    "RowSpec",
    "Section",
    "Table",
    "TableSpec",
    "Variant",
    "VariantError",
    "Where",
    "__version__",
    "check",
    "crosswalk",
    "detect_variant",
    "get_variant",
    "parse",
    "parse_document",
    "read",
    "read_many",
    "register",
    "render",
    "to_arrow",
    "to_dataframe",
    "to_dict",
    "to_document",
    "to_record",
    "variants",
]

__version__ = "0.2.0"
