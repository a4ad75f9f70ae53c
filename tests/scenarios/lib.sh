# lib.sh - helpers for the scenario tests (sourced).
#
# The test harness exports COMETSIM, TSHARK, top_srcdir and top_builddir.
# Each test gets a scratch directory in $T, removed on success; tshark runs
# with HOME pointing into it so no personal plugin or preference leaks in.

set -u
: "${COMETSIM:=${top_builddir:-.}/cometsim}"
: "${TSHARK:=tshark}"
: "${top_srcdir:=.}"

# A check followed by && || or | checks only its first command: the test
# that sources this file is refused before it runs (exit 99, a hard error
# for the harness), with the file and line (lint.awk).
if [ -f "$0" ] && ! awk -f "$top_srcdir/tests/scenarios/lint.awk" "$0" >&2; then
	echo "$0: refused: fix the checks above (tests/scenarios/lint.awk)" >&2
	exit 99
fi

# tshark reads every capture the tests write: without it a test would pass
# with its capture checks left out.  A hard error (exit 99), not a skip.
if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "$0: tshark ($TSHARK) not found: the tests read every capture with it;" \
		"install the Debian package tshark (scripts/setup.sh does)" >&2
	exit 99
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/cometsim-test.XXXXXX")
export HOME="$T/home"
mkdir -p "$HOME"
failures=0
checks=0

cleanup() {
	if [ "$failures" -eq 0 ]; then
		rm -rf "$T"
	else
		echo "kept $T for inspection" >&2
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# check DESCRIPTION COMMAND...: count a check, report it.
check() {
	desc=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
	fi
}

# not COMMAND...: succeeds when the command fails (check "..." not grep ...).
not() {
	! "$@"
}

# tshark_read FILE ARGS...: tshark over one capture, stderr dropped (root warning).
tshark_read() {
	f=$1
	shift
	"$TSHARK" -n -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE "$@" 2>/dev/null
}

# pcap_bad FILE: lines for frames with a bad checksum or that are malformed,
# and a line of its own when tshark cannot read the file at all (missing,
# cut short, not a capture): "no bad frame" is never said of a file that
# was not read.
pcap_bad() {
	if ! _pb=$(tshark_read "$1" -Y 'ip.checksum.status == "Bad" ||
		udp.checksum.status == "Bad" || tcp.checksum.status == "Bad" ||
		icmp.checksum.status == "Bad" || icmpv6.checksum.status == "Bad" ||
		_ws.malformed || _ws.expert.severity == "Error"'); then
		echo "pcap_bad: tshark cannot read $1"
		return 0
	fi
	[ -z "$_pb" ] || printf '%s\n' "$_pb"
}

# count FILE FILTER: number of frames matching a display filter.  When
# tshark fails (a file it cannot read, a filter it does not know) it prints
# "unreadable", which no numeric test accepts, and says why on stderr.
count() {
	if ! _ct=$(tshark_read "$1" -Y "$2"); then
		echo "count: tshark cannot read $1 with the filter $2" >&2
		echo unreadable
		return 1
	fi
	if [ -z "$_ct" ]; then
		echo 0
	else
		printf '%s\n' "$_ct" | wc -l
	fi
}

# json_get FILE PATH: a member of the JSON object in FILE (summary.json),
# read by Python's json module; PATH is dotted for the members of a
# member (drops.loss).  A string as it is, a number as Python writes it
# (20000, 1.0), true or false; nothing when FILE or the member is not there.
json_get() {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
if isinstance(v, bool):
    print("true" if v else "false")
elif v is not None:
    print(v)
' "$1" "$2" 2>/dev/null
}

# json_set FILE KEY TEXT: set the top-level member KEY of the JSON object
# in FILE to the string TEXT (the file is written again by Python).
json_set() {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
v[sys.argv[2]] = sys.argv[3]
json.dump(v, open(sys.argv[1], "w"), indent=2)
' "$1" "$2" "$3"
}

# counter FILE KIND NAME COUNTER: a value from counters.csv (0 if absent).
counter() {
	v=$(awk -F, -v k="$2" -v n="$3" -v c="$4" '$1==k && $2==n && $3==c {print $4}' "$1")
	echo "${v:-0}"
}

# captures_ok DIR WHAT: one check a capture of DIR (tshark reads it, no
# bad frame), and one that there is at least one; WHAT names the run.
captures_ok() {
	_nc=0
	for _p in "$1"/*.pcap; do
		[ -f "$_p" ] || continue
		_nc=$((_nc + 1))
		check "$2: tshark reads $(basename "$_p") without a bad frame" [ -z "$(pcap_bad "$_p")" ]
	done
	check "$2: wrote captures ($_nc)" [ "$_nc" -gt 0 ]
}

# html_lint FILE: what xmllint --html says of FILE, without its complaints
# about <details> and <summary>: libxml2's parser knows HTML 4.01, and the
# validation report folds long cells with those two HTML5 elements.  Every
# other remark stays (each is three lines: the message, the text, a caret).
html_lint() {
	xmllint --html --noout "$1" 2>&1 |
		awk '/HTML parser error : Tag (details|summary) invalid/ { skip = 3 }
		     skip > 0 { skip--; next } { print }'
}

finish() {
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ]
}
