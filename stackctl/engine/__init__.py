"""The engine: plan (pure diff), planfile, apply, refresh and drift. Never prints."""
