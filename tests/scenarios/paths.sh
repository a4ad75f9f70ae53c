#!/bin/sh
# paths.sh - every relative path is relative to the file that names it
# (doc/scenario-format.md, "Paths"), so scenarios run from any folder.
#
#   1. From an empty folder outside the source tree: check, topo, params
#      and run of scenarios/decoupled/e2e.xml and scenarios/rae/single.xml
#      (the CME's config=, the RAEs' configuration files), every capture
#      read by tshark; the RAE names its configuration as joined; an
#      absolute --set raedir is used as it is.
#   2. A scenario of its own in a scratch folder, run by a relative path
#      from a sibling folder: a script file in a subfolder names the
#      CME's configuration relative to itself (not to the scenario), an
#      <app> of the scenario names an RAE's relative to the scenario, and
#      a curling server's file: content is found beside its script.
#   3. The rae-prefixes sweep from that folder: every run complete.
#   4. Bad input: a missing relative file is named with the path as
#      joined, after the file and line that named it (exit 1), for the
#      RAE, the CME and a content server.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

src=$top_srcdir/scenarios
lua=$top_srcdir/output/wireshark/cometsim.lua

# bad FILE: pcap_bad's frames (lib.sh), read with the project's dissector
# (the CURLING ports are another protocol's for Wireshark alone).
bad() {
	if ! _b=$(tshark_read "$1" -X "lua_script:$lua" -Y 'ip.checksum.status == "Bad" ||
		udp.checksum.status == "Bad" || tcp.checksum.status == "Bad" ||
		icmp.checksum.status == "Bad" || _ws.malformed ||
		_ws.expert.severity == "Error"'); then
		echo "bad: tshark cannot read $1"
		return 0
	fi
	[ -z "$_b" ] || printf '%s\n' "$_b"
}
away=$T/away
mkdir -p "$away"
cd "$away" || exit 99

# ---- 0. every shipped scenario loads from elsewhere ----
# (a scenario is a .xml under scenarios/ whose root element is <scenario>
# or <SimOptions>; sweeps, configurations and the rest are not.)
find "$src" -name '*.xml' | LC_ALL=C sort >"$T/all-xml"
nscn=0
while read -r f; do
	# The first element after the comments and the XML declaration.
	root=$(tr '\n' ' ' <"$f" | sed -e 's/<!--\([^-]\|-[^-]\)*-->//g' -e 's/<?[^>]*?>//g' |
		grep -o '<[A-Za-z][A-Za-z0-9_]*' | head -n 1 | cut -c 2-)
	case $root in
	scenario|SimOptions) ;;
	*) continue ;;
	esac
	nscn=$((nscn + 1))
	rc=0
	"$COMETSIM" check "$f" >"$T/all.out" 2>&1 || rc=$?
	check "check ${f#"$src"/} from another folder (exit $rc: $(head -n 1 "$T/all.out"))" \
		[ "$rc" -eq 0 ]
done <"$T/all-xml"
check "every shipped scenario was checked ($nscn)" [ "$nscn" -gt 30 ]

# ---- 1. the shipped scenarios, from elsewhere ----
for s in decoupled/e2e rae/single; do
	rc=0
	"$COMETSIM" check "$src/$s.xml" >"$T/check.out" 2>&1 || rc=$?
	check "check $s.xml from another folder (exit $rc: $(head -n 1 "$T/check.out"))" \
		[ "$rc" -eq 0 ]
	rc=0
	"$COMETSIM" topo "$src/$s.xml" >"$T/topo.out" 2>&1 || rc=$?
	check "topo $s.xml from another folder (exit $rc)" [ "$rc" -eq 0 ]
	rc=0
	"$COMETSIM" params "$src/$s.xml" >"$T/params.out" 2>&1 || rc=$?
	check "params $s.xml from another folder (exit $rc)" [ "$rc" -eq 0 ]
	o=$T/run-$(basename "$s")
	rc=0
	"$COMETSIM" run "$src/$s.xml" --out "$o" --quiet >"$T/run.out" 2>&1 || rc=$?
	check "run $s.xml from another folder (exit $rc: $(head -n 1 "$T/run.out"))" \
		[ "$rc" -eq 0 ]
	n=0
	for p in "$o"/*.pcap; do
		[ -f "$p" ] || continue
		n=$((n + 1))
		check "$s: $(basename "$p") has no bad frame" [ -z "$(bad "$p")" ]
	done
	check "$s: wrote captures ($n)" [ "$n" -gt 0 ]
done
check "the run of e2e.xml left nothing in the working directory" \
	[ -z "$(ls -A "$away")" ]
# The RAE names its configuration as the loader joined it.
check "single.xml: the RAE read $src/rae/rae11.xml" \
	grep -qF "(config $src/rae/rae11.xml)" "$T/run-single/log.txt"
check "e2e.xml: the CME read $src/decoupled/cme.xml" \
	grep -qF "6 key plan entries ($src/decoupled/cme.xml)" "$T/run-e2e/log.txt"
check "e2e.xml: both clients were accepted" \
	[ "$(grep -c 'cme_client.*accepted: server' "$T/run-e2e/log.txt")" -eq 2 ]
# An absolute raedir is used as it is.
mkdir -p "$T/confs"
cp "$src/rae/rae11.xml" "$T/confs/rae11.xml"
rc=0
"$COMETSIM" run "$src/rae/single.xml" --set "raedir=$T/confs" --out "$T/abs" --quiet \
	>"$T/abs.out" 2>&1 || rc=$?
check "single.xml --set raedir=ABSOLUTE (exit $rc)" [ "$rc" -eq 0 ]
check "single.xml --set raedir=ABSOLUTE: the RAE read $T/confs/rae11.xml" \
	grep -qF "(config $T/confs/rae11.xml)" "$T/abs/log.txt"
for p in "$T/abs"/*.pcap; do
	check "raedir=ABSOLUTE: $(basename "$p") has no bad frame" [ -z "$(bad "$p")" ]
done

# ---- 2. a scenario of its own: relative to the file that names it ----
own=$T/own
mkdir -p "$own/sub" "$own/confs"
cp "$top_srcdir/topologies/decoupled.xml" "$own/topo.xml"
cp "$src/decoupled/cme.xml" "$own/sub/cme.xml"
for i in 1 2 3 4; do
	cp "$src/decoupled/rae$i.xml" "$own/confs/rae$i.xml"
done
cat >"$own/sub/cme.script" <<'EOF'
// names its file relative to this script's folder (sub/)
0 ON_ROUTER cme1 usr.cme.Cme 9090 config=./cme.xml
EOF
sed -e 's|<topology file="[^"]*"/>|<topology file="topo.xml"/>|' \
    -e 's|<param name="dir" value="."/>|<param name="dir" value="confs"/>|' \
    -e '/usr.cme.Cme/d' \
    -e 's|<script><!\[CDATA\[|<script file="sub/cme.script"/><script><![CDATA[|' \
    "$src/decoupled/e2e.xml" >"$own/e2e.xml"
check "own e2e.xml: the CME's line moved to sub/cme.script" \
	not grep -q "usr.cme.Cme" "$own/e2e.xml"
rc=0
"$COMETSIM" run ../own/e2e.xml --out "$T/own-run" --quiet >"$T/own.out" 2>&1 || rc=$?
check "own e2e.xml by a relative path from a sibling folder (exit $rc: $(head -n 1 "$T/own.out"))" \
	[ "$rc" -eq 0 ]
check "own e2e.xml: the RAE of e1 read ../own/confs/rae1.xml" \
	grep -qF "(config ../own/confs/rae1.xml)" "$T/own-run/log.txt"
check "own e2e.xml: the CME read ../own/sub/cme.xml, beside its script" \
	grep -qF "6 key plan entries (../own/sub/cme.xml)" "$T/own-run/log.txt"
check "own e2e.xml: both clients were accepted" \
	[ "$(grep -c 'cme_client.*accepted: server' "$T/own-run/log.txt")" -eq 2 ]
for p in "$T/own-run"/*.pcap; do
	check "own e2e.xml: $(basename "$p") has no bad frame" [ -z "$(bad "$p")" ]
done

# A curling server's file: content, beside the script that names it.
mkdir -p "$own/curling"
head -c 5000 /dev/urandom >"$own/curling/doc.bin"
sed -n '/<!\[CDATA\[/,/\]\]>/p' "$top_srcdir/tests/scenarios/data/curling-file.xml" |
	sed -e '1d' -e '$d' -e 's|file:\${file}|file:doc.bin|' >"$own/curling/run.script"
cat >"$own/curling.xml" <<EOF
<scenario name="curling-own">
  <run end_time="5s"/>
  <linkdefaults bandwidth="100Mbps" delay="1ms"/>
  <events>
    <script file="$top_srcdir/topologies/curling-topology1.script"/>
    <script file="curling/run.script"/>
  </events>
</scenario>
EOF
check "the curling script names file:doc.bin" grep -q "file:doc.bin" "$own/curling/run.script"
rc=0
"$COMETSIM" run ../own/curling.xml --out "$T/cur" --quiet >"$T/cur.out" 2>&1 || rc=$?
check "file:doc.bin beside its script (exit $rc: $(head -n 1 "$T/cur.out"))" [ "$rc" -eq 0 ]
got=$(find "$T/cur/Content" -type f -name Doc 2>/dev/null | head -n 1)
check "the server saved the content it read" [ -n "$got" ]
check "the content is doc.bin's bytes" cmp -s "$own/curling/doc.bin" "$got"
for p in "$T/cur"/*.pcap; do
	check "curling: $(basename "$p") has no bad frame" [ -z "$(bad "$p")" ]
done

# ---- 3. the rae-prefixes sweep, from elsewhere ----
rc=0
"$COMETSIM" sweep "$src/sweeps/rae-prefixes.xml" -j 2 --out "$T/sweep" --quiet \
	>"$T/sweep.out" 2>&1 || rc=$?
check "sweep rae-prefixes.xml from another folder (exit $rc: $(tail -n 1 "$T/sweep.out"))" \
	[ "$rc" -eq 0 ]
check "sweep rae-prefixes.xml: 7 runs complete" \
	[ "$(grep -c ',complete,exit 0,' "$T/sweep/runs.csv")" -eq 7 ]
check "the sweep left nothing in the working directory" [ -z "$(ls -A "$away")" ]

# ---- 4. a missing relative file: the joined path, with file:line ----
mkdir -p "$T/bad/sub"
# expect_missing WHAT SCENARIO MESSAGE: `check SCENARIO` from $away must
# fail (exit 1) with MESSAGE, "FILE:LINE: Class: ... PATH ...", on stderr.
expect_missing() {
	rc=0
	"$COMETSIM" check "$2" >"$T/bad.out" 2>"$T/bad.err" || rc=$?
	check "$1: exit 1 (got $rc)" [ "$rc" -eq 1 ]
	check "$1: says \"$3\" (got: $(head -n 1 "$T/bad.err"))" grep -qF "$3" "$T/bad.err"
	check "$1: nothing on stdout" [ ! -s "$T/bad.out" ]
}
cat >"$T/bad/rae.xml" <<EOF
<scenario name="bad-rae">
  <topology file="$top_srcdir/topologies/rae-single.xml"/>
  <events>
    <app time="100ms" node="rae" class="usr.rae.Rae" args="./confs/none.xml"/>
  </events>
</scenario>
EOF
expect_missing "RAE" ../bad/rae.xml \
	"../bad/rae.xml:4: usr.rae.Rae: ../bad/confs/none.xml: cannot read: No such file or directory"
cat >"$T/bad/sub/cme.script" <<'EOF'
// line 2 names a file of this folder that is not there
0 ON_ROUTER cme1 usr.cme.Cme 9090 config=none.xml
EOF
cat >"$T/bad/cme.xml" <<EOF
<scenario name="bad-cme">
  <topology file="$top_srcdir/topologies/decoupled.xml"/>
  <events><script file="sub/cme.script"/></events>
</scenario>
EOF
expect_missing "CME" ../bad/cme.xml \
	"../bad/sub/cme.script:2: usr.cme.Cme: ../bad/sub/none.xml: cannot read: No such file or directory"
sed 's|file:doc.bin|file:../none.bin|' "$own/curling/run.script" >"$T/bad/sub/run.script"
line=$(grep -n "file:../none.bin" "$T/bad/sub/run.script" | cut -d: -f1)
sed "s|curling/run.script|$T/bad/sub/run.script|" "$own/curling.xml" >"$T/bad/curling.xml"
expect_missing "content server" ../bad/curling.xml \
	"$T/bad/sub/run.script:$line: usr.curling.ContentServer: content Doc: cannot read \"$T/bad/sub/../none.bin\": No such file or directory"

finish
