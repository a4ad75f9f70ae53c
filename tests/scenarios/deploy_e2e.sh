#!/bin/sh
# deploy_e2e.sh - D4.3's decoupled end-to-end network expressed with
# <deploy> (scenarios/deploy/e2e.xml; doc/deploy.md, "A written network
# of hosts"):
#   1. `cometsim deploy` prints the entities scenarios/decoupled/e2e.xml
#      starts by hand, line for line once sorted; the differences, each
#      explained, are normalised first: the times are written with their
#      unit (100ms for 100, and e2e.xml's +0 is the time before it), the
#      configuration files are the ones the deployment made, and a CAFE
#      rule names its next hop `peer` (the run's log says it is the MAC
#      e2e.xml writes);
#   2. scenarios/validation/decoupled.sh gives on it exactly the rows 1-7
#      it gives on e2e.xml, and every capture of the two runs is the same
#      file, as are counters.csv, rae-paths.csv and requests.csv; so does
#      the scenario `cometsim deploy --write` writes;
#   3. what the new rules refuse, with the file and line.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

dep="$top_srcdir/scenarios/deploy/e2e.xml"
orig="$top_srcdir/scenarios/decoupled/e2e.xml"

# norm: ON_ROUTER lines in one form (times in ms, configurations by AS), sorted.
norm() {
	awk '$2 == "ON_ROUTER" {
			t = $1
			if (t ~ /^\+/) { t = prev + substr(t, 2) }
			else if (t ~ /ms$/) { sub(/ms$/, "", t) }
			else if (t ~ /s$/) { sub(/s$/, "", t); t = t * 1000 }
			prev = t
			$1 = t
			for (i = 3; i <= NF; i++) {
				if ($i ~ /^([$][{]dir[}]\/rae|[$][{]deploy[}]\/AS)[0-9]+(-rae)?\.xml$/) {
					gsub(/[^0-9]/, "", $i); $i = "rae-of-AS" $i
				}
				if ($i ~ /^config=/) { $i = "config=CME" }
				if ($i ~ /^[0-9a-f:]+$/ && length($i) == 17) { $i = "peer" }
			}
			print
		}' | sort
}

"$COMETSIM" deploy "$dep" >"$T/dep.txt" 2>"$T/dep.err"
rc=$?
check "cometsim deploy exits 0 ($rc)" [ "$rc" -eq 0 ]
norm <"$T/dep.txt" >"$T/dep.norm"
sed -n '/<!\[CDATA\[/,/\]\]>/p' "$orig" |
	sed 's/\${timers}/keepalive=1s hold=3s retry=1s/' | norm >"$T/orig.norm"
check "e2e.xml has entities to compare ($(wc -l <"$T/orig.norm"))" \
	[ "$(wc -l <"$T/orig.norm")" -eq 15 ]
check "the deployment's events are e2e.xml's" cmp "$T/orig.norm" "$T/dep.norm"

# The validation rows of e2e.xml (tests 1-7), then of the deployment.
val="$top_srcdir/scenarios/validation/decoupled.sh"
"$val" "$T/orig" --cometsim "$COMETSIM" --quiet --only 1,2,3,4,5,6,7
rc=$?
check "the evaluator passes on e2e.xml (exit $rc)" [ "$rc" -eq 0 ]
"$val" "$T/dep" --cometsim "$COMETSIM" --quiet --only 1,2,3,4,5,6,7 --scenario "e2e:$dep"
rc=$?
check "the evaluator passes on the deployment (exit $rc)" [ "$rc" -eq 0 ]
sed "s|$T/orig|OUT|g" "$T/orig/rows.jsonl" >"$T/orig.rows"
sed "s|$T/dep|OUT|g" "$T/dep/rows.jsonl" >"$T/dep.rows"
check "seven rows" [ "$(wc -l <"$T/dep.rows")" -eq 7 ]
check "the deployment's rows are e2e.xml's" cmp "$T/orig.rows" "$T/dep.rows"

# same DIR: how many of e2e.xml's captures DIR has, byte for byte.
(cd "$T/orig/e2e" && ls ./*.pcap) >"$T/pcaps.txt"
same() {
	n=0
	while read -r f; do
		cmp -s "$T/orig/e2e/$f" "$1/$f" && n=$((n + 1))
	done <"$T/pcaps.txt"
	echo "$n"
}
npcap=$(wc -l <"$T/pcaps.txt")
check "the runs wrote captures ($npcap)" [ "$npcap" -eq 20 ]
n=$(same "$T/dep/e2e")
check "every capture of the deployment is e2e.xml's ($n)" [ "$n" -eq "$npcap" ]
for f in counters.csv rae-paths.csv requests.csv; do
	check "so is $f" cmp "$T/orig/e2e/$f" "$T/dep/e2e/$f"
done
# The rules name the next hop `peer`: the log says which MAC it was.
rules() {
	grep ' cf_tool/cf_tool[0-9]* INFO: rule ' "$1/log.txt" | sed 's/ (peer [^)]*)$//'
}
rules "$T/orig/e2e" >"$T/orig.rules"
rules "$T/dep/e2e" >"$T/dep.rules"
check "four CAFE rules" [ "$(wc -l <"$T/dep.rules")" -eq 4 ]
check "each rule went to the MAC e2e.xml writes" cmp "$T/orig.rules" "$T/dep.rules"

# What --write writes runs as the deployment does: the same captures.
"$COMETSIM" deploy "$dep" --write "$T/w" >/dev/null 2>&1
rc=$?
check "--write exits 0 ($rc)" [ "$rc" -eq 0 ]
check "--write writes the CME's configuration" test -s "$T/w/AS1-cme.xml"
check "--write writes no topology (no host is added)" not test -e "$T/w/topology.xml"
"$COMETSIM" run "$T/w/scenario.xml" --out "$T/wrun" --quiet >/dev/null 2>&1
rc=$?
check "the written scenario runs ($rc)" [ "$rc" -eq 0 ]
n=$(same "$T/wrun")
check "every capture of the written scenario is e2e.xml's ($n)" [ "$n" -eq "$npcap" ]
check "so is its counters.csv" cmp "$T/orig/e2e/counters.csv" "$T/wrun/counters.csv"
read_bad=0
while read -r f; do
	[ -z "$(pcap_bad "$T/wrun/$f")" ] || read_bad=$((read_bad + 1))
done <"$T/pcaps.txt"
check "tshark reads every capture of the written scenario, no bad frame" [ "$read_bad" -eq 0 ]

# What the new rules refuse: FILE:LINE: what is wrong, exit 1.
topo="$top_srcdir/topologies/decoupled.xml"
bad() {
	cat >"$T/bad.xml" <<EOF
<scenario name="bad">
  <topology file="$topo"/>
  $1
</scenario>
EOF
	"$COMETSIM" check "$T/bad.xml" >"$T/bad.out" 2>&1
	echo "$?" >"$T/bad.rc"
}
ok='domains="as1 as2 as3 as4" cme="cme1" keys="as"'
cnt='<content name="v" size="1000" server="srv"/><clients where="node:cli1"/>'
bad "<deploy approach=\"coupled\" cme=\"cme1\"/>"
check "cme= is refused beside the coupled approach (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it is for the decoupled approach, at the line" \
	grep -q 'bad.xml:3: <deploy>: cme= is for the decoupled approach' "$T/bad.out"
bad "<deploy $ok/>"
check "domains= leaves out as5, a domain of a host alone (exit $(cat "$T/bad.rc"))" \
	[ "$(cat "$T/bad.rc")" -eq 0 ]
bad "<deploy cme=\"cme1\"/>"
check "without domains=, as5 is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it has no router" grep -q 'domain as5 has no router' "$T/bad.out"
bad "<deploy domains=\"as1 as9\"/>"
check "an unknown domain in domains= is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... naming it, at the line" \
	grep -q 'bad.xml:3: <deploy>: domains=: "as9" is not a domain' "$T/bad.out"
bad "<deploy domains=\"as1 as2 as3 as4\" cme=\"r2\"/>"
check "a CME on a router with cme= is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it is not a host" \
	grep -q 'bad.xml:3: <deploy>: cme=: "r2" is not a host' "$T/bad.out"
bad "<deploy $ok><content name=\"v\" server=\"e1\"/></deploy>"
check "a content on a router (decoupled) is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it is not a host" \
	grep -q 'bad.xml:3: <content server=>: "e1" is not a host' "$T/bad.out"
bad "<deploy $ok><content name=\"v\" server=\"srv\" seed=\"3\"/></deploy>"
check "seed= is refused beside the decoupled approach (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... at the line" grep -q 'bad.xml:3: <content v>: seed= is the coupled' "$T/bad.out"
bad "<deploy domains=\"as2 as3 as4\" keys=\"as\">$cnt</deploy>"
check "a content whose server's domain has no CME is refused (exit 1)" \
	[ "$(cat "$T/bad.rc")" -eq 1 ]
bad "<deploy $ok><inside domains=\"as7\"/></deploy>"
check "an <inside> of an unknown domain is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... at its line" grep -q 'bad.xml:3: <inside>: "as7" is not a domain' "$T/bad.out"
bad "<deploy $ok><links loss=\"2\"/></deploy>"
check "a loss above 1 in <links> is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
bad "<deploy $ok><inside transit=\"maybe\"/></deploy>"
check "a transit= that is neither yes nor no is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... at the line" grep -q 'bad.xml:3: <inside>: transit "maybe" is not known' "$T/bad.out"
bad "<deploy rae=\"no\" approach=\"coupled\" address=\"border\"/>"
check "address= with rae=no is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
echo '1s AS64621-cli0 c1 class=1' >"$T/bad.trace"
cat >"$T/cpl.xml" <<EOF
<scenario name="cpl">
  <topology file="$top_srcdir/topologies/as-small.caida.txt" format="caida"/>
  <deploy approach="coupled"><servers where="AS64625"/><clients where="AS64621"/>
    <requests trace="$T/bad.trace"/></deploy>
</scenario>
EOF
"$COMETSIM" check "$T/cpl.xml" >"$T/cpl.out" 2>&1
rc=$?
check "a trace's class= is refused in the coupled approach (exit $rc)" [ "$rc" -eq 1 ]
check "... at the trace's line" grep -q 'bad.trace:1: class= is the decoupled' "$T/cpl.out"
echo '1s cli1 v colour=red' >"$T/bad.trace"
bad "<deploy $ok>$cnt<requests trace=\"$T/bad.trace\"/></deploy>"
check "an unknown trace option is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... at the trace's line" grep -q 'bad.trace:1: "colour=red": the options' "$T/bad.out"

# report= and keys= on an AS graph (decoupled).
asg() {
	cat >"$T/asg.xml" <<EOF
<scenario name="asg">
  <topology file="$top_srcdir/topologies/as-small.caida.txt" format="caida"/>
  <deploy approach="decoupled" $1/>
</scenario>
EOF
	"$COMETSIM" deploy "$T/asg.xml" >"$T/asg.out" 2>&1
	echo "$?" >"$T/asg.rc"
}
asg 'report="yes"'
check "report=\"yes\" loads (exit $(cat "$T/asg.rc"))" [ "$(cat "$T/asg.rc")" -eq 0 ]
check "... and starts every RAE and CME without report=0 ($(grep -c 'Rae\|Cme' "$T/asg.out"))" \
	[ "$(grep 'usr.rae.Rae\|usr.cme.Cme' "$T/asg.out" | grep -vc 'report=0')" -eq 48 ]
asg ''
check "without it, each has report=0" \
	[ "$(grep 'usr.rae.Rae\|usr.cme.Cme' "$T/asg.out" | grep -c 'report=0')" -eq 48 ]
asg 'keys="as"'
check "keys=\"as\" with an AS number above 255 is refused (exit 1)" [ "$(cat "$T/asg.rc")" -eq 1 ]
check "... saying a key is one byte" grep -q 'with keys="as" (<deploy> at line 3) a key is the AS number, one byte' "$T/asg.out"
finish
