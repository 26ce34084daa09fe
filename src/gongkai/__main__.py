"""``python -m gongkai``: the same as the ``gongkai`` command."""

import sys

from ._cli import main

sys.exit(main())
