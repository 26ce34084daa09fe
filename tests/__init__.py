"""gongkai test suite."""
