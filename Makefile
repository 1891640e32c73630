# Two commands set everything up on a fresh machine:
#   make demo   create .venv from uv.lock with what the demo needs (core + examples +
#               dashboard), then run the main job (a real pipeline run)
#   make test   add every extra and the dev tools (from the same lock), then lock check,
#               lint, types and every test
#   make lock   re-resolve uv.lock after editing dependencies in pyproject.toml
# uv comes from PATH, or from the package index into .uv/ (a bootstrap venv) once.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_BOOT := .uv
UV     := $(shell command -v uv 2>/dev/null || echo $(UV_BOOT)/bin/uv)
LOCKSUM := $(shell cat uv.lock | cksum | cut -d' ' -f1)
DEMO_STAMP := $(VENV)/.demo-$(LOCKSUM)
TEST_STAMP := $(VENV)/.test-$(LOCKSUM)
# The machine's python, never a download; the venv is the one `make` always used.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# --compile-bytecode: uv does not write .pyc files (pip does); without them every
# stackctl process compiles its imports again (+0.2 s a command), worst where
# PYTHONDONTWRITEBYTECODE is set. The suite spawns hundreds of CLI processes, so
# bytecode is written for the package too.
SYNC := $(UV) sync --locked --inexact --compile-bytecode --python $(PYTHON)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test lint types lock lock-check unit bench wheel-smoke clean

$(UV_BOOT)/bin/uv:
	$(PYTHON) -m venv $(UV_BOOT)
	$(UV_BOOT)/bin/python -m pip install -q uv

$(DEMO_STAMP): uv.lock pyproject.toml | $(UV)
	$(SYNC) --extra examples --extra dashboard
	touch $@

$(TEST_STAMP): uv.lock pyproject.toml | $(UV)
	$(SYNC) --all-extras
	touch $(DEMO_STAMP) $@

demo: $(DEMO_STAMP)
	$(BIN)/python scripts/demo.py

# Fails when pyproject.toml and uv.lock disagree (run `make lock`, commit uv.lock).
lock-check: | $(UV)
	$(UV) lock --check

lock: | $(UV)
	$(UV) lock

lint: $(TEST_STAMP) lock-check
	$(BIN)/ruff check stackctl tests bench pipelines scripts
	$(BIN)/ruff format --check stackctl tests bench pipelines scripts
	$(BIN)/lint-imports

types: $(TEST_STAMP)
	$(BIN)/mypy

test: lint types wheel-smoke
	$(BIN)/pytest -q -p no:cacheprovider

wheel-smoke: $(TEST_STAMP)
	UV=$(UV) bash scripts/wheel_smoke.sh

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(UV_BOOT) .stackctl .mypy_cache .ruff_cache .pytest_cache
