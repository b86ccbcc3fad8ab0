"""What each trainer does with its keys: defaults, units and sources, as data."""
