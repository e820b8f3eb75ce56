# The two commands that matter: `make demo` and `make test`. Each sets up what is missing first.
BUILD ?= build

.PHONY: all setup build demo test bench install clean

all: build

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD)

demo: build
	@scripts/demo $(BUILD)/cli/mlops

test: setup
	@scripts/test

bench: build
	@scripts/setup --bench
	@bench/store.sh $(BUILD)/cli/mlops
	@scripts/pyenv $(BUILD)/pyenv
	@bench/spark.sh $(BUILD)/cli/mlops
	@bench/fleet.sh $(BUILD)/cli/mlops $(BUILD)/fleet_load

install: build
	@cmake --install $(BUILD)

clean:
	rm -rf build build-asan
