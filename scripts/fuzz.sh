#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan) and run each for a bounded
# time.  Fails when any target finds a crash, a leak or undefined behaviour;
# the input that did it is copied to fuzz/regress/<target>/ so that the
# normal test suite replays it from then on (commit it with the fix).
#
#   FUZZ_SECONDS  seconds per target (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
dir=build-fuzz
CC=clang cmake -S . -B "$dir" -DPKT_BUILD_FUZZ=ON -DPKT_SANITIZE=ON -DPKT_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
shared=$(cd .. && pwd)/shared/corpus
status=0
found=0
for bin in "$dir"/fuzz_*; do
    [ -x "$bin" ] || continue
    found=$((found + 1))
    name=$(basename "$bin")
    work=$(mktemp -d)
    seeds=()
    for d in fuzz/corpus/$name fuzz/regress/$name; do
        [ -d "$d" ] && seeds+=("$d")
    done
    # Seed corpora from elsewhere, listed per target in fuzz/<name>.seeds
    # (one folder per line, relative to the repository; ../shared may be
    # absent).
    if [ -f "fuzz/$name.seeds" ]; then
        while read -r d; do
            [ -n "$d" ] && [ -d "$d" ] && seeds+=("$d")
        done < "fuzz/$name.seeds"
    fi
    echo "=== $name: ${secs}s, seeds: ${seeds[*]:-none}"
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$secs" -max_len=262144 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$work/" -print_final_stats=1 "$work" "${seeds[@]}" \
        > "$work/log" 2>&1; then
        echo "$name FAILED:"
        tail -60 "$work/log"
        mkdir -p "fuzz/regress/$name"
        for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
            [ -f "$a" ] && cp "$a" "fuzz/regress/$name/" && echo "saved fuzz/regress/$name/$(basename "$a")"
        done
        status=1
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" | sed "s/^/  /"
        echo "  $name: no finding"
    fi
    rm -rf "$work"
done
if [ "$found" -eq 0 ]; then echo "no fuzz targets were built"; exit 1; fi
exit $status
