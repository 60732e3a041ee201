# Integration tests: each session starts a private portod (see conftest.py).
# This file makes the directory a package so test module names cannot clash
# with same-named modules in other test directories.
