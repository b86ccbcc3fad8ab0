"""Hostile inputs and fuzzing for trainlint.

`corpus.py` builds every hostile input of the safety contract at run time (nothing big
is stored in the repository); `strategies.py` mutates those inputs and the shipped
examples with hypothesis; `python -m tests.fuzz` runs the long fuzzer from the
repository root.
"""
