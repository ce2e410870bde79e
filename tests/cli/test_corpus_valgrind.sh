#!/usr/bin/env bash
# The corpus test (tests/unit/test_robust_corpus.c: every capture of
# ../shared/corpus, the examples, the file fuzzer's regression inputs and
# gen_capture's outputs, read and fully decoded) once more under valgrind
# memcheck: zero errors and zero leaks of any kind.  Normal build only
# (valgrind cannot run ASan binaries); skipped (77) without valgrind.
# The full set takes about ten seconds here, so no subset is taken;
# PKT_CORPUS_MAX_FILES=N would cap it.
set -euo pipefail
if [ "${PKT_SANITIZE:-0}" = 1 ]; then
    echo "skipped: sanitizer build (valgrind runs in the normal build)"
    exit 77
fi
if ! command -v valgrind >/dev/null; then
    echo "skipped: valgrind is not installed"
    exit 77
fi
bin="$PKT_BUILD_DIR/tests/test_robust_corpus"
[ -x "$bin" ] || { echo "missing $bin"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# tcpdump's counts are compared by the plain run already; here only memory.
if ! PKT_CORPUS_NO_TCPDUMP=1 valgrind -q --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=all --log-file="$log" "$bin"; then
    cat "$log"
    echo "FAIL: valgrind memcheck reported errors or the test failed"
    exit 1
fi
if [ -s "$log" ]; then
    cat "$log"
    echo "FAIL: valgrind printed something (see above)"
    exit 1
fi
echo "valgrind memcheck: no errors, no leaks"
