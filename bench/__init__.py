"""Benchmarks: `govassist bench` (run.py) and the long PDF generator (make_big_pdf.py)."""
