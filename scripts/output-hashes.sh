#!/bin/sh
# output-hashes.sh - the SHA-256 of every file the shipped scenarios,
# sweeps and 'cometsim validate' write, to prove that a change of the code
# changed none of them.
#
#   scripts/output-hashes.sh [--cometsim PATH] [--no-validate] [--no-sweeps]
#                            [-j N] [--keep DIR] MANIFEST
#   scripts/output-hashes.sh --rehash DIR MANIFEST
#   scripts/output-hashes.sh --compare OLD NEW
#
# Record a manifest before a change, another after it, and compare them
# (doc/engine.md, "Proving that outputs did not change"):
#
#   scripts/output-hashes.sh --cometsim /tmp/old-cometsim /tmp/before.sha256
#   scripts/output-hashes.sh /tmp/after.sha256       # _build/cometsim
#   scripts/output-hashes.sh --compare /tmp/before.sha256 /tmp/after.sha256
#
# --keep DIR keeps the outputs in DIR; --rehash DIR hashes such a
# directory again without running anything (after a change of the
# normalisation below).  The exit status of --compare is 0 when the two
# manifests are identical; otherwise the difference is printed.
#
# What is hashed:
#   run/REL/...       every file 'cometsim run' writes for every scenario
#                     under scenarios/ whose root element is <scenario> or
#                     <SimOptions> (REL is its path below scenarios/, run
#                     from the top of the source tree as the tests do),
#                     its exit status (@exit) and what it printed
#                     (@messages);
#   sweep/NAME/...    every result of 'cometsim sweep' for every sweep under
#                     scenarios/sweeps/: plan.csv, runs.csv, results.csv,
#                     the plot data and scripts, and each run's counters.csv,
#                     log.txt, stderr.txt and exit (--no-sweeps skips them);
#   validate/...      every file 'cometsim validate' writes: the tables in
#                     Markdown, HTML and JSON, each evaluator's rows and log,
#                     every run directory, and its exit status (--no-validate
#                     skips it).
# Never hashed: summary.json (wall-clock times), a sweep's lock, manifest,
# attempts.log, argv, command, rendered plots (PNG, SVG) and the run of
# the stateless validation row 1b (a real program through the socket
# bridge: its captures' times are the wall clock's; its row is hashed).  Text files
# are normalised first: the output directory becomes @OUT@, the source
# tree @SRC@, the program @COMETSIM@, dates @DATE@, the timestamp/owner
# stamp of a validation row @STAMP@, a commit @COMMIT@, an evaluator's
# wall time @SECONDS@, and the wall time and memory a validation row
# reports (RAE test 3) @WALL@ and @RSS@.  pcap files are hashed as they
# are.
#
# The manifest is one "SHA256  PATH" line per file, sorted by path.  A
# scenario that is refused is recorded with its status, not an error of
# this script; a sweep that fails is.

set -eu

usage() {
	sed -n '6,9s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
cometsim=
validate=yes
sweeps=yes
jobs=2
keep=
rehash=

abspath() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

if [ "${1:-}" = "--compare" ]; then
	[ $# -eq 3 ] || usage
	if diff -u "$2" "$3"; then
		echo "output-hashes: $(wc -l < "$2") files, identical"
		exit 0
	fi
	echo "output-hashes: the manifests differ (above)" >&2
	exit 1
fi

while [ $# -gt 1 ]; do
	case $1 in
	--cometsim) cometsim=$2; shift 2 ;;
	--no-validate) validate=no; shift ;;
	--no-sweeps) sweeps=no; shift ;;
	-j) jobs=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--rehash) rehash=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ $# -eq 1 ] || usage
manifest=$(abspath "$1")

# hash_dir DIR: the manifest of DIR, normalised as the header says.
hash_dir() {
	d=$(cd "$1" && pwd)
	prog=$(cat "$d/@cometsim")
	( cd "$d" &&
	  find . -type f ! -name summary.json ! -name @cometsim \
	      ! -path './validate/stateless/1b/*' | sed 's|^\./||' |
	      LC_ALL=C sort | while read -r f; do
		case $f in
		*.pcap) h=$(sha256sum < "$f") ;;
		*) h=$(LC_ALL=C sed -E \
		    -e "s|$d|@OUT@|g" -e "s|$srcdir/[^/ ]*/\\.\\./|@SRC@/|g" \
		    -e "s|$prog|@COMETSIM@|g" -e "s|$srcdir|@SRC@|g" \
		    -e 's#[0-9]+\.[0-9]+ s wall#@WALL@ s wall#g' \
		    -e 's#peak RSS [0-9]+ KB#peak RSS @RSS@ KB#g' \
		    -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}/cometsim [^ |"<]+ \([0-9a-f]+(-dirty)?\)#@STAMP@#g' \
		    -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?( ?[+-][0-9]{4}|Z)?)?#@DATE@#g' \
		    -e 's#commit [0-9a-f]{7,40}(-dirty)?#commit @COMMIT@#g' \
		    -e 's#,[0-9a-f]{12}(-dirty)?,#,@COMMIT@,#g' \
		    -e 's#\([0-9]+\.[0-9] s\)#(@SECONDS@ s)#g' \
		    "$f" | sha256sum) ;;
		esac
		echo "${h%% *}  $f"
	  done ) > "$manifest.tmp"
	mv "$manifest.tmp" "$manifest"
	echo "output-hashes: $(wc -l < "$manifest") files hashed into $manifest"
}

if [ -n "$rehash" ]; then
	[ -f "$rehash/@cometsim" ] || {
		echo "output-hashes: $rehash was not written by --keep" >&2
		exit 2
	}
	hash_dir "$rehash"
	exit 0
fi

if [ -z "$cometsim" ]; then
	for c in "$srcdir/_build/cometsim" "$srcdir/cometsim"; do
		if [ -x "$c" ]; then cometsim=$c; break; fi
	done
fi
[ -n "$cometsim" ] && [ -x "$cometsim" ] || {
	echo "output-hashes: no cometsim binary (build it, or --cometsim PATH)" >&2
	exit 2
}
cometsim=$(cd "$(dirname "$cometsim")" && pwd)/$(basename "$cometsim")

if [ -n "$keep" ]; then
	rm -rf "$keep"
	mkdir -p "$keep"
	out=$(cd "$keep" && pwd)
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/output-hashes.XXXXXX")
	trap 'rm -rf "$out"' EXIT
fi
echo "$cometsim" > "$out/@cometsim"

# The root element of an XML file: the first tag that is not a
# declaration, a comment or a processing instruction.
root_of() {
	tr '\n' ' ' < "$1" | sed -e 's/<!--\([^-]\|-[^-]\)*-->//g' -e 's/<?[^>]*?>//g' |
	    grep -o '<[A-Za-z][A-Za-z0-9_]*' | head -n 1 | cut -c 2-
}

# 1. every scenario, run from the top of the source tree as the tests
# and the documentation do (the paths their messages print are then as
# seen from there)
cd "$srcdir"
find scenarios -name '*.xml' | sed 's|^scenarios/||' | LC_ALL=C sort |
    while read -r rel; do
	case $(root_of "scenarios/$rel") in
	scenario|SimOptions) ;;
	*) continue ;;
	esac
	dir="$out/run/${rel%.xml}"
	mkdir -p "$(dirname "$dir")"
	status=0
	"$cometsim" run "scenarios/$rel" --out "$dir" --quiet \
	    > "$out/run.stdout" 2> "$out/run.stderr" || status=$?
	mkdir -p "$dir"
	echo "exit $status" > "$dir/@exit"
	cat "$out/run.stdout" "$out/run.stderr" > "$dir/@messages"
done
rm -f "$out/run.stdout" "$out/run.stderr"

# 2. every sweep
if [ $sweeps = yes ]; then
	mkdir -p "$out/sweep"
	for sw in scenarios/sweeps/*.xml; do
		name=$(basename "$sw" .xml)
		"$cometsim" sweep "$sw" -j "$jobs" --out "$out/sweep/$name" \
		    > "$out/sweep/$name.stdout" 2>&1 || {
			echo "output-hashes: sweep $sw failed:" >&2
			tail -n 5 "$out/sweep/$name.stdout" >&2
			exit 1
		}
		rm -f "$out/sweep/$name.stdout"
		( cd "$out/sweep/$name" &&
		  rm -f lock manifest plots/*.png plots/*.svg runs/*/lock \
		      runs/*/attempts.log runs/*/argv runs/*/command )
	done
fi

# 3. validate
if [ $validate = yes ]; then
	status=0
	"$cometsim" validate --out "$out/validate" --quiet \
	    > "$out/validate.stdout" 2>&1 || status=$?
	mkdir -p "$out/validate"
	echo "exit $status" > "$out/validate/@exit"
	rm -f "$out/validate.stdout"
fi

hash_dir "$out"
