"""gongkai's grammar files (``*.lark``) and their data tables (``*.toml``).

This folder is the top-level ``grammars/`` of the repository; the build maps it to the
``gongkai.grammars`` package so that the grammars load the same way from a wheel and from an
editable install.
"""
