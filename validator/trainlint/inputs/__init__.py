"""Input formats: trainlint's own YAML and the trainers' configs, each read with positions and
mapped to trainlint's effective values (see base.py for the seam)."""
