# amparo — every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: help install demo test lint bench docs clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,spark,dev]'
	# axe-core for the browser tests' accessibility check (npm registry), when npm is here
	if command -v npm >/dev/null 2>&1; then npm install --prefix $(VENV)/npm --no-audit --no-fund --silent axe-core@4.14.1; fi
	touch $(STAMP)

install: $(STAMP) ## create .venv with amparo, its extras and the test tools

demo: $(STAMP) ## run the whole job on a realistic Nov 2019 - Mar 2020 cohort (report in var/demo)
	$(BIN)/amparo demo

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff and mypy (strict)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# The batch benchmark's anchor (issue 14): OpenFisca's country template, in its own environment so
# that it is never a dependency of amparo.
.venv-openfisca/.installed:
	test -x .venv-openfisca/bin/python || $(PYTHON) -m venv .venv-openfisca
	.venv-openfisca/bin/python -m pip install -q 'openfisca-country-template>=7'
	touch .venv-openfisca/.installed

bench: $(STAMP) .venv-openfisca/.installed ## run the benchmarks and write docs/PERFORMANCE.md
	$(BIN)/python -m benchmarks

docs: $(STAMP) ## regenerate docs/RULES.md and docs/SETTINGS.md from the code
	$(BIN)/amparo rules catalogue --out docs/RULES.md
	$(BIN)/python -c "from amparo.settings import settings_markdown; open('docs/SETTINGS.md', 'w').write(settings_markdown())"


clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .venv-openfisca .mypy_cache .ruff_cache .pytest_cache .benchmarks
