"""EXAMPLE ONLY — a regional variant of gongkai, packaged the way a third party would.

Some provincial templates add a row 行政检查 (administrative inspections) to table 二's
block 第二十条第（六）项.  This package teaches gongkai that row with a grammar file that
extends gongkai's base grammar and a data file that says what the row means.  It registers
itself through the ``gongkai.variants`` entry point (see ``pyproject.toml`` beside it).
Walk-through: docs/variants.md.
"""

from gongkai import Variant

VARIANT = Variant.from_package("gongkai_example_variant", "inspections.toml")
