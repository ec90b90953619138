# Every target sets up the virtualenv it needs; nothing else is assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install protos lint test run bench bench-weighted bench-assignment clean

install: $(STAMP)

$(STAMP): pyproject.toml stubs/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Python stubs (committed, under stubs/) and Envoy's descriptor (build/).
protos: $(STAMP)
	$(BIN)/python tools/genprotos.py

lint: $(STAMP)
	$(BIN)/python tools/genprotos.py --check
	$(BIN)/buf lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: protos
	$(BIN)/pytest $(PYTEST_ARGS)

# gRPC on :50051 and REST (Envoy) on :8080 on the real configuration.
# MODE=server-worker adds a local Redis and WORKERS forking workers.
MODE ?= all-in-one
WORKERS ?= 2
run: protos
	$(BIN)/python -m server.stack --mode $(MODE) --workers $(WORKERS) \
		--grpc-port $(or $(GRPC_PORT),50051) --rest-port $(or $(REST_PORT),8080)

bench: protos
	$(BIN)/python -m bench $(BENCH_ARGS)

# Every mode (all-in-one; server-worker with 1, 2, 4 workers) under a mix of
# calls weighted by criticality, on synthetic volumes from a local mirror:
# about 4 minutes (BENCH_ARGS=--quick: under one).
bench-weighted: protos
	$(BIN)/python -m bench.weighted $(BENCH_ARGS)

# Point assignment against siibra itself, and worker memory after volume
# fetches, on synthetic volumes served from a local mirror.
bench-assignment: protos
	$(BIN)/python tools/bench_assignment.py $(BENCH_ARGS)

clean:
	rm -rf build .pytest_cache .ruff_cache
