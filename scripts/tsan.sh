#!/usr/bin/env bash
# ThreadSanitizer runs of the multi-threaded paths: the handle robustness
# test (tests/unit/test_robust.c: two and three handles read and decode in
# threads at once), the live tests (tests/unit/test_live.c: pkt_handle_break
# from another thread on both backends, fanout members), and, as root,
# pkt capture --workers 2 (tests/cli/test_capture_workers.sh on 5,000 flows:
# workers sharing the printer, one file, -c), and pkt read --fields -j /
# pkt stats -j (tests/cli/test_jobs.sh).  Builds only those in
# build-tsan/ and fails on any data race TSan reports.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-tsan
cc=${CC:-cc}
command -v clang >/dev/null && cc=clang
CC=$cc cmake -S . -B "$dir" -DPKT_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fsanitize=thread -O1 -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
    >/dev/null
cmake --build "$dir" -j "$(nproc)" --target test_robust test_live pkt_tool >/dev/null
echo "=== TSan: test_robust"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    PKT_SOURCE_DIR="$PWD" PKT_BUILD_DIR="$PWD/$dir" "$dir/tests/test_robust"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 exitcode=66"
for t in test_live; do
    echo "=== TSan: $t"
    rc=0
    PKT_SOURCE_DIR="$PWD" PKT_BUILD_DIR="$PWD/$dir" "$dir/tests/$t" || rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 77 ] || exit $rc
done
echo "=== TSan: pkt capture --workers 2"
rc=0
PKT_TEST_FLOWS=5000 PKT_BIN="$PWD/$dir/pkt" PKT_SOURCE_DIR="$PWD" \
    bash tests/cli/test_capture_workers.sh || rc=$?
[ $rc -eq 0 ] || [ $rc -eq 77 ] || exit $rc
# pkt read --fields -j N and pkt stats -j N (tools/pkt/parallel.c): the reader, the workers and
# the ordered writer; a race report makes -j's stderr and exit status differ
# from -j 1's, which the test compares
echo "=== TSan: pkt read --fields -j and pkt stats -j, 2/3/4 threads"
PKT_BIN="$PWD/$dir/pkt" PKT_SOURCE_DIR="$PWD" bash tests/cli/test_jobs.sh
