#!/usr/bin/env bash
# pkt --help lists every subcommand; each has --help (exit 0, on stdout)
# that names the exit codes; the man page covers every subcommand.
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
man=$PKT_SOURCE_DIR/docs/pkt.1

out=$("$PKT_BIN" --help) || fail "pkt --help exited $?"
grep -q "Exit status" <<<"$out" || fail "pkt --help does not document the exit status"
cmds=$(sed -n '/^commands:/,/^$/p' <<<"$out" | awk 'NF > 1 { print $1 }')
[ -n "$cmds" ] || fail "pkt --help lists no commands"
for want in read stats convert bench; do
    grep -qx "$want" <<<"$cmds" || fail "pkt --help does not list $want"
done
rc=0
"$PKT_BIN" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "pkt without a command: exit $rc, want 2"
for c in $cmds; do
    rc=0
    h=$("$PKT_BIN" "$c" --help 2>/dev/null) || rc=$?
    [ $rc -eq 0 ] || fail "pkt $c --help exited $rc"
    grep -q "^usage: pkt $c" <<<"$h" || fail "pkt $c --help does not start with its usage"
    if ! grep -qi "exit status" <<<"$h"; then
        case $c in
        read | stats | convert | bench) fail "pkt $c --help does not state the exit status" ;;
        *) echo "note: pkt $c --help does not state the exit status" ;;
        esac
    fi
    grep -q "^\.SH.*\b$c\b\|^\.SS.*\b$c\b\|^\.B pkt $c\|^\.TP.*pkt $c" "$man" ||
        grep -q "pkt $c" "$man" || fail "the man page does not cover pkt $c"
    # every long option the help names is in the man page, as a whole
    # word (written \-\-name there)
    for o in $(grep -oE -- "(^|[ ,[])--[a-z][a-z0-9-]*" <<<"$h" | grep -oE -- "--[a-z0-9-]+" | sort -u); do
        pat=$(sed 's/-/\\\\-/g' <<<"$o")
        grep -qE -- "${pat}([^A-Za-z0-9\\]|\\[^-]|\$)" "$man" ||
            fail "pkt $c --help names $o; the man page does not"
    done
done
for c in capture devices; do
    grep -q "pkt $c" "$man" || fail "the man page does not cover pkt $c"
done
grep -q '^\.SH "\?EXIT STATUS' "$man" || fail "the man page has no EXIT STATUS section"
if command -v groff >/dev/null; then
    warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1) || fail "groff failed on the man page"
    [ -z "$warn" ] || fail "groff warns about the man page: $warn"
elif command -v man >/dev/null; then
    MANWIDTH=80 man -l "$man" >/dev/null 2>&1 || fail "man cannot format docs/pkt.1"
fi
echo "1 passed, 0 failed"
