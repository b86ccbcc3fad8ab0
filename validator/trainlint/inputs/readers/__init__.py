"""Readers that keep positions: JSON, TOML and shell command lines into a Document."""
