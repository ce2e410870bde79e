#!/usr/bin/env bash
# ThreadSanitizer run of the handle robustness test (tests/unit/test_robust.c:
# two and three handles read and decode in threads at once, every other
# test too).  Builds only that test and the library in build-tsan/ and
# fails on any data race TSan reports.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-tsan
cc=${CC:-cc}
command -v clang >/dev/null && cc=clang
CC=$cc cmake -S . -B "$dir" -DPKT_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fsanitize=thread -O1 -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
    >/dev/null
cmake --build "$dir" -j "$(nproc)" --target test_robust >/dev/null
echo "=== TSan: test_robust"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    PKT_SOURCE_DIR="$PWD" PKT_BUILD_DIR="$PWD/$dir" "$dir/tests/test_robust"
