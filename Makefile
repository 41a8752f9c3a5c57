# The two commands: `make maps` builds dist/, `make test` runs every test.
# Both install what they need on a fresh clone: the pinned browser assets into
# node_modules/ (npm ci) and from there into geo/vendor/ (geo/assets.py), the
# Python packages into .venv/ and, for the browser tests, Debian's chromium
# where it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE   := node_modules/.geo-installed
ASSETS := node_modules/.geo-vendored
CHROMIUM ?= /usr/bin/chromium

.PHONY: maps test test-fast check docs lint data bench bench-phone screenshots chromium audit clean

# The assets come first: building the package (setup.py) copies them into it.
$(STAMP): pyproject.toml | $(ASSETS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[data,test,bench]'
	touch $@

# npm ci installs the pinned packages; geo/assets.py copies the browser files into geo/vendor/ and bundles
# our own script and styles (geo/static/) with the pinned esbuild.
$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(NODE) geo/assets.toml geo/assets.py $(wildcard geo/static/js/*.js geo/static/*.css)
	$(PYTHON) geo/assets.py
	touch $@

# npm's advisories for the pinned browser packages (needs the network; the
# tests check tests/advisories.toml offline).
audit:
	npm audit --omit=dev

# Debian's chromium; Playwright's own browser download does not work here.
chromium:
	@test -x $(CHROMIUM) || command -v chromium >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

maps: $(STAMP) $(ASSETS) chromium
	$(BIN)/geo build --layers layers --maps maps --out dist
	$(BIN)/geo png --dist dist --maps maps

# The page script's unit tests (node's runner, tests/js/: label placement, time texts) first: they take a second.
# Three workers on two cores: a worker waiting on a page load leaves its core to the others (measured: 4:07
# against 4:22 with two or four).
test: $(STAMP) $(ASSETS) chromium
	node --test tests/js/
	$(BIN)/python -m pytest -n 3 --dist worksteal

# The fast tier: no browser, no whole builds in other processes (under a minute).
test-fast: $(STAMP) $(ASSETS)
	node --test tests/js/
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not browser and not slow"

# Layers and recipes together, without building (what `geo build` checks first).
check: $(STAMP)
	$(BIN)/geo check --layers layers --maps maps

# The generated tables of docs/EDITING.md and docs/architecture.md, from the code (geo/docs.py).
docs: $(STAMP)
	$(BIN)/python -m geo.docs

# ruff for the Python, eslint (eslint.config.js, pinned in package.json) for the page's script and its tests.
lint: $(STAMP) $(NODE)
	$(BIN)/python -m ruff check geo scripts tests bench
	$(BIN)/python -m ruff format --check geo scripts tests bench
	node_modules/.bin/eslint geo/static/js tests/js

# Re-derive the layers that come from upstream data (byte-identical output).
data: $(STAMP)
	$(BIN)/python scripts/derive_boundary.py layers
	$(BIN)/python scripts/derive_context.py layers
	$(BIN)/python scripts/derive_route.py layers
	$(BIN)/python scripts/place_features.py layers

# The README's pictures, made from the offline maps by headless Chromium.
screenshots: maps chromium
	$(BIN)/python scripts/screenshots.py dist docs

# Page weight, build and render time against geopandas' explore(), and 1k-100k events.
bench: $(STAMP) $(ASSETS) chromium
	$(BIN)/python bench/run.py --out bench/results.json

# Only each map's load on a phone: a mid-tier phone's CPU (calibrated) and slowed 4x (a few minutes).
bench-phone: $(STAMP) $(ASSETS) chromium
	$(BIN)/python bench/run.py --phone-only --out bench/results-phone.json

clean:
	rm -rf dist .dist.* $(VENV) node_modules geo/vendor
