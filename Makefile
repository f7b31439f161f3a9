# Two entry points (see README): `make run` and `make test`. Both create .venv when missing and
# install everything first; torch comes first, pinned to the CPU build on this machine's disk,
# because an unpinned torch pulls a multi-GB CUDA build.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
TORCH := torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest app test lint typecheck unit eval eval-dev browser strace screenshots

$(STAMP):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/govassist ingest

app: install
	$(BIN)/govassist app

# Build (or refresh) the index of corpus/, then serve the app on http://localhost:8501
run: ingest app

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy app engine ingest index evals bench tests

unit: install
	$(BIN)/pytest -m "not integration and not slow"

# Evaluate into build/eval (results.jsonl, metrics.json, report.md): the gold set with its
# rewordings (checked up to date with their sources first) over corpus/, and into
# build/eval-devdocs the held-out sets over evals/devdocs/ (its third to sixth rounds into
# build/eval-devdocs-r3 to -r6; the fifth is all dev: reported, not gated),
# each corpus indexed in its own data directory; and into build/eval-printed the gold set
# asked of the corpus printed to PDF (evals/printed/, set gold_printed); then hold the test
# split of every set to evals/gate.yaml: floors, and at most a small drop below evals/baseline/.
EVAL_DATA := build/eval-data
EVAL_OUT := build/eval
DEVDOCS_DATA := build/eval-devdocs-data
DEVDOCS_OUT := build/eval-devdocs
PRINTED_DATA := build/eval-printed-data
PRINTED_OUT := build/eval-printed
eval: install
	$(BIN)/python -m evals.rewordings --check
	GOVASSIST_DATA_DIR=$(EVAL_DATA) GOVASSIST_CORPUS_DIR=corpus $(BIN)/govassist ingest
	GOVASSIST_DATA_DIR=$(EVAL_DATA) GOVASSIST_CORPUS_DIR=corpus $(BIN)/govassist eval \
		--gold evals/gold.yaml --variants evals/gold_rewordings.yaml --out $(EVAL_OUT)
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist ingest
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--gold evals/gold_devdocs.yaml --out $(DEVDOCS_OUT)
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--gold evals/gold_devdocs_r3.yaml --out $(DEVDOCS_OUT)-r3
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--gold evals/gold_devdocs_r4.yaml --out $(DEVDOCS_OUT)-r4
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--gold evals/gold_devdocs_r5.yaml --out $(DEVDOCS_OUT)-r5
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--gold evals/gold_devdocs_r6.yaml --out $(DEVDOCS_OUT)-r6
	GOVASSIST_DATA_DIR=$(PRINTED_DATA) GOVASSIST_CORPUS_DIR=evals/printed $(BIN)/govassist ingest
	GOVASSIST_DATA_DIR=$(PRINTED_DATA) GOVASSIST_CORPUS_DIR=evals/printed $(BIN)/govassist eval \
		--gold evals/gold.yaml --variants evals/gold_rewordings.yaml --name gold_printed \
		--out $(PRINTED_OUT)
	$(BIN)/govassist duties --evaluate evals/duties_labels.yaml --out $(EVAL_OUT)/duties-metrics.json
	$(BIN)/govassist gate $(EVAL_OUT)/metrics.json $(DEVDOCS_OUT)/metrics.json \
		$(DEVDOCS_OUT)-r3/metrics.json $(DEVDOCS_OUT)-r4/metrics.json \
		$(DEVDOCS_OUT)-r6/metrics.json $(PRINTED_OUT)/metrics.json $(EVAL_OUT)/duties-metrics.json

# The dev parts alone, without the peer, into build/eval-dev*: the loop while tuning (see
# docs/evaluation.md). The fourth round has no dev part; the gate does not read these.
eval-dev: install
	GOVASSIST_DATA_DIR=$(EVAL_DATA) GOVASSIST_CORPUS_DIR=corpus $(BIN)/govassist ingest
	GOVASSIST_DATA_DIR=$(EVAL_DATA) GOVASSIST_CORPUS_DIR=corpus $(BIN)/govassist eval --split dev \
		--no-peer --gold evals/gold.yaml --variants evals/gold_rewordings.yaml --out build/eval-dev
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist ingest
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--split dev --no-peer --gold evals/gold_devdocs.yaml --out build/eval-dev-devdocs
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--split dev --no-peer --gold evals/gold_devdocs_r3.yaml --out build/eval-dev-devdocs-r3
	GOVASSIST_DATA_DIR=$(DEVDOCS_DATA) GOVASSIST_CORPUS_DIR=evals/devdocs $(BIN)/govassist eval \
		--split dev --no-peer --gold evals/gold_devdocs_r5.yaml --out build/eval-dev-devdocs-r5

# Headless Chromium for the end-to-end test, from Debian's packages (needs root or sudo).
browser:
	@test -x /usr/bin/chromium || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# strace, for the test that no process (native code included) connects beyond loopback.
strace:
	@command -v strace >/dev/null || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq strace >/dev/null; }

# The README's screenshots, taken again by the browser tests (which otherwise save theirs
# under build/screenshots/).
screenshots: install browser
	GOVASSIST_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/test_browser_e2e.py \
		tests/test_duties_browser.py

# What CI runs: lint, types, the eval gate, then every test (real model, real Chroma, the real
# app in AppTest and in headless Chromium). One test at a time: on two workers (pytest-xdist)
# the suite took three quarters of the time, but tests that run several AppTest sessions in
# threads of one process failed now and then under the shared load (docs/benchmarks.md).
test: lint typecheck eval browser strace
	$(BIN)/pytest
