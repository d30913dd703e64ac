PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

TYPECHECK := $(VENV)/typecheck

.PHONY: run test typecheck bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 或 3.12：未找到 $(PYTHON)，可用 make PYTHON=python3.12 …" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[durable]'
	@touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test,durable,web]'
	@touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/jixiao evaluate examples/yantian-2023/facts.yaml

test: $(TEST_STAMP) typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n auto

# mypy reads the package as `jixiao`, the name every module imports it by: a tree of links
# (jixiao/ -> core/*, jixiao/plugins -> plugins/), since the editable install's import hook is
# invisible to it and a plain `mypy core plugins` would see every `jixiao.*` import as Any.
typecheck: $(TEST_STAMP)
	@rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/jixiao
	@ln -s $(CURDIR)/core/* $(TYPECHECK)/jixiao/ && ln -s $(CURDIR)/plugins $(TYPECHECK)/jixiao/plugins
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
