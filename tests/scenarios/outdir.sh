#!/bin/sh
# outdir.sh - one output directory, one run (doc/outputs.md): a run locks
# its directory, a second writer is refused, a directory that is neither
# empty nor a run's is refused untouched, a run into a used directory
# removes every file of the run before (pcaps, the curling Content/
# folder) and nothing else; and the pcap selection and the descriptors
# it needs fail before or as they happen, once, with what to do.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

S="$top_srcdir/scenarios/sample.xml"

# ---- a second writer ----

# flock(1) holds the directory as a run does; the run must not write there.
mkdir "$T/held"
flock "$T/held" "$COMETSIM" run "$S" --out "$T/held" --quiet >"$T/held.out" 2>"$T/held.err"
rc=$?
check "a run into a directory another holds is refused (exit 1)" [ "$rc" -eq 1 ]
check "... saying another run writes there" \
	grep -q "$T/held: another run is writing into this directory" "$T/held.err"
check "... and writes nothing there" [ -z "$(ls -A "$T/held")" ]

# And a run holds the lock itself: while it runs (it cannot end before
# its stderr, a FIFO, is read: --log-stderr at debug writes some 10 MB
# there, far more than a pipe holds), flock(1) cannot take the directory.
mkfifo "$T/lk.fifo"
"$COMETSIM" run "$S" --out "$T/lk" --quiet --log-stderr --log debug --set count=100000 \
	--set interval=100us 2>"$T/lk.fifo" &
pid=$!
exec 3<"$T/lk.fifo"
IFS= read -r first <&3
flock -n "$T/lk" true
rc=$?
check "a running run holds the lock of its directory" [ "$rc" -eq 1 ]
cat <&3 >/dev/null
exec 3<&-
wait "$pid"
rc=$?
check "... and that run ends well" [ "$rc" -eq 0 ]
flock -n "$T/lk" true
rc=$?
check "... and lets the lock go" [ "$rc" -eq 0 ]

# ---- a directory that is not a run's ----

mkdir "$T/mine"
echo "my notes" >"$T/mine/notes.txt"
"$COMETSIM" run "$S" --out "$T/mine" --quiet >/dev/null 2>"$T/mine.err"
rc=$?
check "a non-empty directory without a marker is refused (exit 1)" [ "$rc" -eq 1 ]
check "... saying it is not a cometsim output directory" \
	grep -q "$T/mine: not empty, and not a cometsim output directory" "$T/mine.err"
check "... its file untouched" grep -qx "my notes" "$T/mine/notes.txt"
check "... and nothing written beside it" [ "$(ls -A "$T/mine")" = "notes.txt" ]

mkdir "$T/fake"
echo "not a list of files" >"$T/fake/.cometsim-run"
echo "keep" >"$T/fake/log.txt"
"$COMETSIM" run "$S" --out "$T/fake" --quiet >/dev/null 2>"$T/fake.err"
rc=$?
check "a marker cometsim did not write is refused (exit 1)" [ "$rc" -eq 1 ]
check "... its files untouched" grep -qx "keep" "$T/fake/log.txt"

: >"$T/afile"
"$COMETSIM" run "$S" --out "$T/afile" --quiet >/dev/null 2>"$T/afile.err"
rc=$?
check "--out naming a file is refused (exit 1)" [ "$rc" -eq 1 ]

# ---- a run into a used directory ----

"$COMETSIM" run "$S" --out "$T/re" --quiet
check "a first run writes six pcaps" [ "$(ls "$T/re" | grep -c '\.pcap$')" -eq 6 ]
echo "my notes" >"$T/re/notes.txt"
"$COMETSIM" run "$S" --out "$T/re" --quiet --pcap h1
rc=$?
check "a second run into the directory, fewer pcaps: exit 0" [ "$rc" -eq 0 ]
check "... only its own pcap is there" [ "$(ls "$T/re" | grep '\.pcap$')" = "h1-eth0.pcap" ]
listed=$(sed -n '/"pcap_files"/,/]/p' "$T/re/summary.json" | grep -o '"[^"]*\.pcap"' | tr -d '"')
check "... the one its summary lists" [ "$listed" = "h1-eth0.pcap" ]
check "... a file the user put there is kept" grep -qx "my notes" "$T/re/notes.txt"
check "... the pcap opens in tshark" tshark_read "$T/re/h1-eth0.pcap" -c 1 -q

# A run killed (SIGKILL: nothing of it runs again) has still written
# down every file it created: the next run removes them all.
mkfifo "$T/kl.fifo"
"$COMETSIM" run "$S" --out "$T/kl" --quiet --log-stderr --log debug --set count=100000 \
	--set interval=100us 2>"$T/kl.fifo" &
pid=$!
exec 3<"$T/kl.fifo"
while IFS= read -r line <&3; do
	case $line in
	*"send/send0 DEBUG"*) break ;;
	esac
done
kill -KILL "$pid"
wait "$pid"
exec 3<&-
check "a killed run leaves pcaps" [ "$(ls "$T/kl" | grep -c '\.pcap$')" -eq 6 ]
check "... and no summary.json" not test -e "$T/kl/summary.json"
"$COMETSIM" run "$S" --out "$T/kl" --quiet --pcap h2
rc=$?
check "the run after it: exit 0" [ "$rc" -eq 0 ]
check "... and only its own pcap is there" [ "$(ls "$T/kl" | grep '\.pcap$')" = "h2-eth0.pcap" ]

# The curling content client and server write a Content/ folder: it
# belongs to the run and goes with it.
"$COMETSIM" run "$top_srcdir/scenarios/curling-topology1.xml" --out "$T/ct" --quiet \
	>/dev/null 2>&1
check "a curling run writes a Content/ folder" [ -d "$T/ct/Content" ]
check "... and its marker lists it" grep -qx "Content" "$T/ct/.cometsim-run"
"$COMETSIM" run "$S" --out "$T/ct" --quiet
check "the next run into the directory removes it" not test -e "$T/ct/Content"
check "... and every pcap of the run before" \
	[ "$(ls "$T/ct" | grep -c '\.pcap$')" -eq 6 ]

# ---- names that are not the run's ----

# A symbolic link where the marker's temporary file goes is removed, never
# followed: the file it points to stays as it was.
echo "precious" >"$T/precious.txt"
mkdir "$T/ln1"
ln -s "$T/precious.txt" "$T/ln1/.cometsim-run.tmp"
"$COMETSIM" run "$S" --out "$T/ln1" --quiet >/dev/null 2>&1
check "a link named like the marker's temporary file is not followed" \
	grep -qx "precious" "$T/precious.txt"
check "... and the marker is a file of its own" not test -L "$T/ln1/.cometsim-run"

# A marker that is a link: not a run's directory.
mkdir "$T/ln2"
ln -s "$T/precious.txt" "$T/ln2/.cometsim-run"
"$COMETSIM" run "$S" --out "$T/ln2" --quiet >/dev/null 2>"$T/ln2.err"
rc=$?
check "a marker that is a symbolic link is refused (exit 1)" [ "$rc" -eq 1 ]
check "... saying it is not a file cometsim wrote" \
	grep -q "$T/ln2: not a cometsim output directory (.cometsim-run is not a file" "$T/ln2.err"
check "... the file it points to untouched" grep -qx "precious" "$T/precious.txt"

# A run that captured nothing lists no pcap: one the user puts there
# afterwards under a name the next run would write is the user's.
"$COMETSIM" run "$S" --out "$T/own" --quiet --pcap none
echo "my capture" >"$T/own/h1-eth0.pcap"
"$COMETSIM" run "$S" --out "$T/own" --quiet >/dev/null 2>"$T/own.err"
rc=$?
check "a run whose pcap name is taken by a file of the user's fails (exit 1)" [ "$rc" -eq 1 ]
check "... saying the file is not the run's" \
	grep -q "$T/own/h1-eth0.pcap: already there, and no earlier run wrote it" "$T/own.err"
check "... the user's file untouched" grep -qx "my capture" "$T/own/h1-eth0.pcap"
check "... and no summary.json" not test -e "$T/own/summary.json"

"$COMETSIM" run "$S" --out "$T/own2" --quiet --pcap none
ln -s "$T/precious.txt" "$T/own2/h2-eth0.pcap"
"$COMETSIM" run "$S" --out "$T/own2" --quiet >/dev/null 2>&1
rc=$?
check "a link under a pcap's name: the run fails (exit 1)" [ "$rc" -eq 1 ]
check "... and the file it points to is untouched" grep -qx "precious" "$T/precious.txt"

# The same for the folder an entity writes (the curling Content/).
"$COMETSIM" run "$S" --out "$T/cf" --quiet --pcap none
mkdir "$T/cf/Content"
echo "my content" >"$T/cf/Content/item"
"$COMETSIM" run "$top_srcdir/scenarios/curling-topology1.xml" --out "$T/cf" --quiet \
	--pcap none >/dev/null 2>"$T/cf.err"
rc=$?
check "a Content/ folder of the user's: the curling run fails (exit 1)" [ "$rc" -eq 1 ]
check "... saying the folder is not the run's" \
	grep -q "$T/cf/Content: already there, and no earlier run wrote it" "$T/cf.err"
check "... the user's file in it untouched" grep -qx "my content" "$T/cf/Content/item"

# A marker names only entries of its own directory: "..", ".", an
# absolute path or a path with a folder in it removes nothing.
mkdir -p "$T/up/out/sub"
echo "outside" >"$T/up/keep.txt"
echo "inside" >"$T/up/out/sub/x"
head -n 1 "$T/re/.cometsim-run" >"$T/up/out/.cometsim-run"
printf '%s\n' .. . "$T/up/keep.txt" sub/x log.txt >>"$T/up/out/.cometsim-run"
echo "old log" >"$T/up/out/log.txt"
"$COMETSIM" run "$S" --out "$T/up/out" --quiet >/dev/null 2>&1
check "a marker listing '..' does not remove the parent's files" \
	grep -qx "outside" "$T/up/keep.txt"
check "... nor, with a path, a file in a folder of the directory" \
	grep -qx "inside" "$T/up/out/sub/x"
check "... while a name it lists rightly is replaced" not grep -qx "old log" "$T/up/out/log.txt"

# ---- sweeps and validations: their directories too ----

mkdir "$T/sw"
echo "mine" >"$T/sw/results.csv"
"$COMETSIM" sweep "$top_srcdir/scenarios/sweeps/sample-loss-delay.xml" --out "$T/sw" \
	>/dev/null 2>"$T/sw.err"
rc=$?
check "a sweep into a directory that is not a sweep's is refused" [ "$rc" -ne 0 ]
check "... saying so" grep -q "$T/sw: not empty, and not a sweep directory" "$T/sw.err"
check "... the user's file untouched" grep -qx "mine" "$T/sw/results.csv"
check "... and nothing written beside it" [ "$(ls -A "$T/sw")" = "results.csv" ]

mkdir "$T/vd"
echo "mine" >"$T/vd/notes.txt"
"$COMETSIM" validate --only 'stateless 1' --out "$T/vd" >/dev/null 2>"$T/vd.err"
rc=$?
check "a validation into a directory that is not one's is refused (exit 2)" [ "$rc" -eq 2 ]
check "... saying so" grep -q "$T/vd: not empty, and not the directory of a validation" \
	"$T/vd.err"
check "... and nothing written beside the user's file" [ "$(ls -A "$T/vd")" = "notes.txt" ]

mkdir "$T/vl"
flock "$T/vl" "$COMETSIM" validate --only 'stateless 1' --out "$T/vl" >/dev/null 2>"$T/vl.err"
rc=$?
check "a validation into a directory another holds is refused (exit 2)" [ "$rc" -eq 2 ]
check "... saying another validation writes there" \
	grep -q "another validation is writing into this directory" "$T/vl.err"

# ---- the pcap selection ----

# --pcap fails as <run pcap=...> and --set pcap= do, before anything is written.
"$COMETSIM" run "$S" --out "$T/sel" --quiet --pcap bogusnode >/dev/null 2>"$T/sel.err"
rc=$?
check "--pcap naming no node: exit 1" [ "$rc" -eq 1 ]
check "... worded as for --set pcap=" \
	grep -qx -- '--pcap bogusnode: pcap "bogusnode": names a node the scenario does not have' \
	"$T/sel.err"
check "... before the directory is made" not test -e "$T/sel"
"$COMETSIM" run "$S" --out "$T/sel" --quiet --set pcap=bogusnode >/dev/null 2>"$T/set.err"
check "--set pcap= says the same" \
	grep -qx -- '--set pcap=bogusnode: pcap "bogusnode": names a node the scenario does not have' \
	"$T/set.err"
"$COMETSIM" run "$S" --out "$T/sel" --quiet --pcap r1:gre1 >/dev/null 2>"$T/gre.err"
rc=$?
check "--pcap naming a GRE interface: exit 1" [ "$rc" -eq 1 ]
check "... saying where its frames are" grep -q "pcap of the Ethernet interface beneath" \
	"$T/gre.err"

# In a list, the message names the item that is wrong; empty items,
# blanks and all/none inside a list are refused.
pcap_refused() {
	"$COMETSIM" check "$S" --set "pcap=$1" >/dev/null 2>"$T/pl.err"
	rc=$?
	check "pcap \"$1\": refused (exit 1)" [ "$rc" -eq 1 ]
	check "... saying: $2" grep -qF -- "$2" "$T/pl.err"
}
pcap_refused 'h1,bogus' 'pcap "h1,bogus": its item "bogus" names a node the scenario does not have'
pcap_refused 'h1:eth9,h2' 'its item "h1:eth9" names an interface the node does not have'
pcap_refused 'h1,,h2' 'pcap "h1,,h2": an item of the list is empty'
pcap_refused 'none,h1' 'its item "none" stands alone, not in a list'
pcap_refused 'h1, h2' 'no blank may stand in a list of captures'
pcap_refused '' 'pcap "": empty (write none for no capture)'

# ---- out of file descriptors ----

# A star of 200 leaves: 400 Ethernet interfaces, one pcap each, under a
# limit of 128 open files.
{
	echo '<topology name="star" routing="static">'
	echo '  <node name="hub">'
	i=1
	while [ "$i" -le 200 ]; do
		echo "    <ether name=\"e$i\"/>"
		i=$((i + 1))
	done
	echo '  </node>'
	i=1
	while [ "$i" -le 200 ]; do
		echo "  <node name=\"n$i\" role=\"host\"><ether name=\"eth0\"/></node>"
		echo "  <link name=\"l$i\" a=\"hub:e$i\" b=\"n$i:eth0\"/>"
		i=$((i + 1))
	done
	echo '</topology>'
} >"$T/star-topo.xml"
printf '<scenario name="star">\n  <topology file="star-topo.xml"/>\n  <run pcap="all"/>\n</scenario>\n' \
	>"$T/star.xml"
(ulimit -n 128 && exec "$COMETSIM" run "$T/star.xml" --out "$T/star" --quiet) \
	>"$T/star.out" 2>"$T/star.err"
rc=$?
check "pcap=all with too few descriptors: exit 1" [ "$rc" -eq 1 ]
check "... said once" [ "$(grep -c 'out of file descriptors' "$T/star.err")" -eq 1 ]
check "... with the limit to raise" grep -q 'raise the limit (ulimit -n)' "$T/star.err"
check "... or the selection to narrow" grep -q -- '--pcap' "$T/star.err"
check "... in a few lines, not one per interface" [ "$(wc -l <"$T/star.err")" -le 3 ]
check "... and no summary.json: the run is not complete" not test -e "$T/star/summary.json"
check "... nor an 'outputs:' line" not grep -q "outputs:" "$T/star.out"

# ---- a write that fails ----

# A file size limit (ulimit -f; 100 blocks are at most 100 KiB, and the
# sample's busiest capture holds some 115 KB) makes writes fail with
# EFBIG, as a full disk makes them fail with ENOSPC: the run says which
# file, exits 1 and writes no summary, instead of dying of SIGXFSZ.
(ulimit -f 100 && exec "$COMETSIM" run "$S" --out "$T/fsz" --quiet) \
	>"$T/fsz.out" 2>"$T/fsz.err"
rc=$?
check "a write past the file size limit: exit 1 ($rc), not killed by SIGXFSZ" [ "$rc" -eq 1 ]
check "... naming the file that could not be written" \
	grep -q "^cometsim run: $T/fsz/[a-z0-9-]*\\.pcap: write failed" "$T/fsz.err"
check "... and saying the outputs are incomplete" \
	grep -q "$T/fsz: the run failed; its outputs are incomplete (no summary.json)" "$T/fsz.err"
check "... with no summary.json" not test -e "$T/fsz/summary.json"
"$COMETSIM" run "$S" --out "$T/fsz" --quiet >/dev/null 2>&1
check "the same directory takes the next run, which completes" \
	[ "$(json_get "$T/fsz/summary.json" status)" = complete ]

finish
