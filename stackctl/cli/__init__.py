"""The command-line interface: typer commands that parse, call one function and render."""
