# The two commands: `make maps` builds dist/, `make test` runs every test.
# Both create .venv/ and install what they need on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: maps test lint data bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[data,test]'
	touch $@

maps: $(STAMP)
	$(BIN)/geo build --layers layers --maps maps --out dist

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/python -m pyflakes geo scripts tests 2>/dev/null || $(BIN)/python -m compileall -q geo scripts tests

# Re-derive the layers that come from upstream data (byte-identical output).
data: $(STAMP)
	$(BIN)/python scripts/derive_boundary.py layers
	$(BIN)/python scripts/derive_route.py layers
	$(BIN)/python scripts/place_features.py layers

bench: $(STAMP)
	@echo "benchmarks: not yet written (issue 5)"; exit 1

clean:
	rm -rf dist .dist.* $(VENV)
