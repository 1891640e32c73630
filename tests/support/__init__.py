"""Helpers shared by the test suites (importable as ``support.*``: pyproject puts
``tests/`` on ``sys.path`` through pytest's ``pythonpath``)."""
