#!/usr/bin/env bash
# Install libpkt into a temporary prefix, then build a user's program
# against it twice: with pkg-config and with CMake's find_package.  Also
# checks that only public (pkt_*) symbols are exported by the shared library.
set -euo pipefail
src=${PKT_SOURCE_DIR:?}
build=${PKT_BUILD_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
SANFLAGS=""
if [ "${PKT_SANITIZE:-0}" = 1 ]; then
    SANFLAGS="-fsanitize=address,undefined"
fi
test -f "$tmp/prefix/include/pkt/pkt.h"
test -f "$tmp/prefix/include/pkt/version.h"
test -x "$tmp/prefix/bin/pkt"

cat > "$tmp/user.c" <<'C'
#include <pkt/pkt.h>
#include <stdio.h>
int main(void)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline("/nonexistent.pcap", &err);
    printf("%s|%d|%s\n", pkt_version(), h == NULL, pkt_errname(err.code));
    return 0;
}
C
libdir=$(find "$tmp/prefix" -name libpkt.pc -printf '%h\n' | head -1)
# The man page goes with the tool.
[ -f "$tmp/prefix/share/man/man1/pkt.1" ] || { echo "FAIL: pkt.1 not installed"; exit 1; }
export PKG_CONFIG_PATH="$libdir"
flags=$(pkg-config --cflags --libs libpkt)
cc $SANFLAGS -o "$tmp/user_pc" "$tmp/user.c" $flags
out=$(LD_LIBRARY_PATH="$(dirname "$libdir")" "$tmp/user_pc")
echo "pkg-config build: $out"
case "$out" in
    "libpkt "*"|1|PKT_ERR_NOT_FOUND") ;;
    *) echo "unexpected output from the pkg-config build"; exit 1 ;;
esac

# Static linking through pkg-config --static.
cc $SANFLAGS -o "$tmp/user_static" "$tmp/user.c" $(pkg-config --cflags libpkt) \
    -Wl,-Bstatic -lpkt -Wl,-Bdynamic $(pkg-config --static --libs libpkt | sed "s/-lpkt//")
out=$("$tmp/user_static"); grep -q '|1|PKT_ERR_NOT_FOUND' <<< "$out"

mkdir "$tmp/cm"
cat > "$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(user C)
find_package(libpkt REQUIRED)
add_executable(user ../user.c)
target_link_libraries(user PRIVATE libpkt::pkt)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DCMAKE_C_FLAGS="$SANFLAGS" -DCMAKE_EXE_LINKER_FLAGS="$SANFLAGS" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
out=$(LD_LIBRARY_PATH="$(dirname "$libdir")" "$tmp/cm/build/user"); grep -q '|1|PKT_ERR_NOT_FOUND' <<< "$out"
echo "find_package build: ok"

# Exported symbols: pkt_* only.
so=$(find "$tmp/prefix" -name 'libpkt.so.*.*' | head -1)
# (nm's output is kept in a variable: `nm | grep -q` can kill nm with
# SIGPIPE, which pipefail turns into a failure.)
syms=$(nm -D --defined-only "$so")
bad=$(printf '%s\n' "$syms" | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^pkt_' | grep -v '^_' || true)
if [ -n "$bad" ]; then
    echo "non-public symbols exported: $bad"
    exit 1
fi
grep -q ' T pkt_open_offline$' <<< "$syms"
if grep -q 'pkt__' <<< "$syms"; then
    echo "internal pkt__ symbols exported"; exit 1
fi
echo "1 passed, 0 failed"
