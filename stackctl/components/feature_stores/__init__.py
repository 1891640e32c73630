"""Feature stores: a declared feature repository steps read features from
(see ``base.FeatureStore``; the ``feast`` flavor implements it)."""
