# Quell — the two commands that matter:
#   make run    install what running needs, build (Release), start the demo on http://127.0.0.1:8080
#   make test   install what testing needs, build, run every test (each with a timeout)
# and: make test-asan, make bench, make fuzz, make format.

BUILD_DIR   ?= build/release
ASAN_DIR    ?= build/asan
FUZZ_DIR    ?= build/fuzz
JOBS        ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CTEST_ARGS  ?=
QUELL       := $(BUILD_DIR)/src/quell/cli/quell
STAGE       := scripts/stage
CMAKE_GEN   := -G Ninja

.PHONY: run test test-asan bench fuzz format build build-asan clean

run:
	@rm -f build/.stage-times
	@$(STAGE) setup scripts/setup run
	@$(STAGE) build sh -c '$(MAKE) --no-print-directory build QUELL_TESTS=OFF'
	$(QUELL) serve --demo

build:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DQUELL_TESTS=$(or $(QUELL_TESTS),ON) -DQUELL_BENCH=$(or $(QUELL_TESTS),ON) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

test:
	@rm -f build/.stage-times
	@$(STAGE) setup scripts/setup test
	@$(STAGE) build sh -c '$(MAKE) --no-print-directory build'
	@scripts/run-tests tests $(BUILD_DIR) $(CTEST_ARGS)

build-asan:
	cmake -S . -B $(ASAN_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUELL_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS)

test-asan:
	@rm -f build/.stage-times
	@$(STAGE) setup scripts/setup test
	@$(STAGE) build-asan sh -c '$(MAKE) --no-print-directory build-asan'
	@scripts/run-tests tests-asan $(ASAN_DIR) $(CTEST_ARGS)

bench:
	@$(STAGE) setup scripts/setup test
	@$(STAGE) build sh -c '$(MAKE) --no-print-directory build'
	@$(STAGE) bench scripts/run-bench $(BUILD_DIR)

fuzz:
	@$(STAGE) setup scripts/setup test
	@$(STAGE) build-fuzz sh -c 'CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUELL_FUZZ=ON >/dev/null && cmake --build $(FUZZ_DIR) -j $(JOBS)'
	@$(STAGE) fuzz scripts/run-fuzz $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
