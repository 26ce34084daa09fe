"""EXAMPLE ONLY — regional variants of gongkai, packaged the way a third party would.

* ``VARIANT`` (example-inspections): some provincial templates add a row 行政检查
  (administrative inspections) to table 二's block 第二十条第（六）项;
* ``STAFF`` (example-staff): a template whose section 五 holds a table of its own, the staff
  working on disclosure (专职 / 兼职 人员).

Each is a grammar file that extends gongkai's base grammar and a data file that says what the
new rows mean.  They register through the ``gongkai.variants`` entry point (see
``pyproject.toml`` beside this package).  Walk-through: docs/variants.md.
"""

from gongkai import Variant

VARIANT = Variant.from_package("gongkai_example_variant", "inspections.toml")
STAFF = Variant.from_package("gongkai_example_variant", "staff.toml")
