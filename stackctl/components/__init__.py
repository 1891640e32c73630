"""Component types and their flavors. See ``registry`` for how flavors are found."""
