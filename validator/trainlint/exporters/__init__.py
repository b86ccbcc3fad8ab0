"""One exporter per trainer: how that trainer holds trainlint's values, as data with its source, and
the plan that writes a config's effective values in its keys (base.py has the records)."""
