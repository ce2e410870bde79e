#!/usr/bin/env bash
# Run every test: install dependencies, then build and run the whole suite
# twice, a normal build (build/) and an ASan+UBSan build (build-asan/).
# Warnings are errors.  Then the thread test under TSan (scripts/tsan.sh),
# then every libFuzzer target runs for a bounded time
# (scripts/fuzz.sh).  Exit status 0 only when all of it passes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
jobs=$(nproc)
status=0
for variant in normal asan; do
    if [ "$variant" = normal ]; then
        dir=build; flags=(-DPKT_SANITIZE=OFF)
    else
        dir=build-asan; flags=(-DPKT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
    fi
    echo "=== $variant build ($dir)"
    cmake -S . -B "$dir" -DPKT_WERROR=ON "${flags[@]}" >/dev/null
    cmake --build "$dir" -j "$jobs"
    echo "=== $variant tests"
    if ! (cd "$dir" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          ctest --output-on-failure -j "$jobs"); then
        status=1
    fi
done
echo "=== ThreadSanitizer (scripts/tsan.sh)"
if ! ./scripts/tsan.sh; then
    status=1
fi
echo "=== fuzzing (FUZZ_SECONDS=${FUZZ_SECONDS:-60} per target)"
if ! ./scripts/fuzz.sh; then
    status=1
fi
exit $status
