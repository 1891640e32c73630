# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install stackctl, run the main job (a real pipeline run)
#   make test   create/update .venv with the dev extras, then lint, types and every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint types unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

lint: $(STAMP)
	$(BIN)/ruff check stackctl tests bench pipelines scripts
	$(BIN)/ruff format --check stackctl tests bench pipelines scripts
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

test: lint types
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .stackctl .mypy_cache .ruff_cache .pytest_cache
