"""Performance harness: each kiosk figure measured beside its floor in the same run (``python -m benchmarks``)."""
