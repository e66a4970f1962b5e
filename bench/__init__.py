"""Gudang benchmark: see bench/README.md. Run with `.venv/bin/python bench/run.py`."""
