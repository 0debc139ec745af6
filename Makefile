# ketenlens: make install | make run | make test | make bench | make examples
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEBIAN := tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng poppler-utils chromium fonts-liberation
PORT   ?= 8501

.PHONY: install run test test-all test-browser bench bench-app examples lock clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ketenlens needs Python 3.11 or newer")'
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(DEBIAN); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; fi; \
	elif ! command -v tesseract >/dev/null 2>&1; then \
	  echo "note: tesseract is missing; scanned PDFs need: sudo apt-get install $(DEBIAN)"; fi
	@command -v chromium >/dev/null 2>&1 || echo "note: chromium is missing; the browser tests skip without it (sudo apt-get install chromium)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

# The demo keeps its own database under .demo/, never the user's real one.
DEMO_ENV := KETENLENS_DEMO=1 KETENLENS_DATABASE_URL=sqlite:///$(CURDIR)/.demo/ketenlens.sqlite \
            KETENLENS_FILES_DIR=$(CURDIR)/.demo/files

run: install
	@mkdir -p .demo
	@echo "ketenlens demo on http://127.0.0.1:$(PORT) - log in as demo / ketenlens-demo (or admin, expert)"
	$(DEMO_ENV) $(BIN)/python -m streamlit run app.py --server.headless true --server.address 127.0.0.1 \
	  --server.port $(PORT) --browser.gatherUsageStats false

test: install
	$(BIN)/python -m pytest

test-all: install
	$(BIN)/python -m pytest -m ""

# Only the end-to-end tests in a real headless Chromium (Debian package chromium) and the 5 concurrent
# users; `make test` runs them too.
test-browser: install
	$(BIN)/python -m pytest -m browser tests/test_browser.py

bench-app: install
	$(BIN)/python bench/app_load.py

bench: install
	$(BIN)/python bench/parse.py

examples: install
	$(BIN)/python examples/build.py

lock: install
	@(echo "# Exact versions of every package ketenlens, its app and its tests run with (pip freeze)."; \
	  echo "# Torch-free: see README, 'Why these libraries'. Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -vi '^ketenlens') > requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info
