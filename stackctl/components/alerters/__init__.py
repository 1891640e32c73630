"""Alerters: where hooks and ``stackctl.alert`` send messages (see ``base.Alerter``)."""
