#!/bin/sh
# deploy_d43.sh - D4.3's coupled topologies 1 and 2 expressed with <deploy>
# (scenarios/deploy/topology1.xml, topology2.xml; doc/deploy.md, "The
# routers of a domain"):
#   1. `cometsim deploy` of each prints the events the hand-written
#      scenarios/curling-topologyN.script starts, line for line once
#      sorted; the differences, each explained, are normalised first: the
#      times are written with their unit (100ms for 100), the addresses
#      as addresses (10.0.2.1 for 2.1), and each CRME has prefix= and
#      as= (its domain's prefix, the one it would take from its address
#      anyway, and its AS number, which only fills requests.csv's AS path);
#   2. scenarios/validation/curling.sh gives on each exactly the rows it
#      gives on the original scenario, and every capture of the two runs
#      is the same file; so does the scenario `cometsim deploy --write`
#      writes;
#   3. each rule on its own, in the events printed for a small variant;
#   4. what the new rules refuse, with the file and line.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# norm: a deployment's or a script's ON_ROUTER lines, in one form, sorted.
norm() {
	awk '$2 == "ON_ROUTER" {
			t = $1
			if (t ~ /ms$/) { sub(/ms$/, "", t) }
			else if (t ~ /s$/) { sub(/s$/, "", t); t = t * 1000 }
			$1 = t
			for (i = 2; i <= NF; i++) {
				if ($i ~ /^10\.0\.[0-9]+\.[0-9]+$/) { sub(/^10\.0\./, "", $i) }
				if ($i ~ /^(prefix|as)=/) { $i = "" }
			}
			gsub(/  +/, " "); sub(/ $/, "")
			print
		}' | sort
}

for n in 1 2; do
	"$COMETSIM" deploy "$top_srcdir/scenarios/deploy/topology$n.xml" >"$T/dep$n.txt" 2>"$T/dep$n.err"
	rc=$?
	check "topology $n: cometsim deploy exits 0 ($rc)" [ "$rc" -eq 0 ]
	norm <"$T/dep$n.txt" >"$T/dep$n.norm"
	sed 's/\${size}:\${content_seed}/10000:1/' "$top_srcdir/scenarios/curling-topology$n.script" |
		norm >"$T/script$n.norm"
	check "topology $n: the script has entities to compare ($(wc -l <"$T/script$n.norm"))" \
		[ "$(wc -l <"$T/script$n.norm")" -gt 10 ]
	check "topology $n: the deployment's events are the script's" \
		cmp "$T/script$n.norm" "$T/dep$n.norm"
	check "topology $n: every CRME says its domain's prefix and AS" \
		[ "$(grep -c 'usr.curling.Crme .* prefix=10\.0\.\([0-9]*\)\.0/24 as=\1$' "$T/dep$n.txt")" -eq \
		  "$(grep -c 'usr.curling.Crme' "$T/dep$n.txt")" ]
done

# The validation rows: the originals, then the deployments.
val="$top_srcdir/scenarios/validation/curling.sh"
"$val" "$T/orig" --cometsim "$COMETSIM" --quiet
rc=$?
check "the evaluator passes on the original scenarios (exit $rc)" [ "$rc" -eq 0 ]
"$val" "$T/dep" --cometsim "$COMETSIM" --quiet \
	--scenario "1:$top_srcdir/scenarios/deploy/topology1.xml" \
	--scenario "2:$top_srcdir/scenarios/deploy/topology2.xml"
rc=$?
check "the evaluator passes on the deployments (exit $rc)" [ "$rc" -eq 0 ]
sed "s|$T/orig|OUT|g" "$T/orig/rows.jsonl" >"$T/orig.rows"
sed "s|$T/dep|OUT|g" "$T/dep/rows.jsonl" >"$T/dep.rows"
check "four rows" [ "$(wc -l <"$T/dep.rows")" -eq 4 ]
check "the deployments' rows are the originals'" cmp "$T/orig.rows" "$T/dep.rows"
for n in 1 2; do
	(cd "$T/orig/topology$n" && ls ./*.pcap) >"$T/pcaps$n.txt"
	check "topology $n: the runs wrote captures ($(wc -l <"$T/pcaps$n.txt"))" \
		[ "$(wc -l <"$T/pcaps$n.txt")" -gt 20 ]
	same=0
	while read -r f; do
		cmp -s "$T/orig/topology$n/$f" "$T/dep/topology$n/$f" && same=$((same + 1))
	done <"$T/pcaps$n.txt"
	check "topology $n: every capture is the original's ($same)" \
		[ "$same" -eq "$(wc -l <"$T/pcaps$n.txt")" ]
done

# What --write writes runs as the deployment does: the same captures.
"$COMETSIM" deploy "$top_srcdir/scenarios/deploy/topology1.xml" --write "$T/w1" >/dev/null 2>&1
rc=$?
check "topology 1: --write exits 0 ($rc)" [ "$rc" -eq 0 ]
check "topology 1: --write writes no topology (no host is added)" not test -e "$T/w1/topology.xml"
"$COMETSIM" run "$T/w1/scenario.xml" --out "$T/w1run" --quiet >/dev/null 2>&1
rc=$?
check "topology 1: the written scenario runs ($rc)" [ "$rc" -eq 0 ]
same=0
while read -r f; do
	cmp -s "$T/dep/topology1/$f" "$T/w1run/$f" && same=$((same + 1))
done <"$T/pcaps1.txt"
check "topology 1: every capture of the written scenario is the deployment's ($same)" \
	[ "$same" -eq "$(wc -l <"$T/pcaps1.txt")" ]
check "topology 1: so is requests.csv" cmp "$T/dep/topology1/requests.csv" "$T/w1run/requests.csv"
# The CRMEs' port 3000 is DIS's to tshark, which would call every CRME
# message malformed: read with DIS off (the evaluator decodes them).
read_bad=0
while read -r f; do
	n=$(tshark_read "$T/w1run/$f" --disable-protocol dis -Y 'ip.checksum.status == "Bad" ||
		udp.checksum.status == "Bad" || tcp.checksum.status == "Bad" ||
		_ws.malformed || _ws.expert.severity == "Error"' -T fields -e frame.number) ||
		n=unreadable
	[ -z "$n" ] || read_bad=$((read_bad + 1))
done <"$T/pcaps1.txt"
check "topology 1: tshark reads every capture of the written scenario, no bad frame" \
	[ "$read_bad" -eq 0 ]

# Each rule on topology 1's script, in the events printed.
cat >"$T/ok.xml" <<EOF
<scenario name="ok">
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/></events>
  <deploy approach="coupled" domains="d.h" links="c2p" rae="no" node="first" cafes="routers">
    <start crme="100ms" cafe="200ms" server="500ms"/>
    <content name="MyContent1" size="10kB" seed="7" server="5.3"/>
    <clients where="node:4.3" port="1000"/>
    <requests trace="ok.trace"/>
  </deploy>
</scenario>
EOF
echo '1.5s 4.3 MyContent1' >"$T/ok.trace"
"$COMETSIM" deploy "$T/ok.xml" >"$T/ok.txt" 2>&1
rc=$?
check "the rules load (exit $rc)" [ "$rc" -eq 0 ]
has() {
	grep -qxF "$1" "$T/ok.txt"
}
check "domain 1's CRME on 1.1 (node=first), with no provider" \
	has '100ms ON_ROUTER 1.1 usr.curling.Crme 3000 0 prefix=10.0.1.0/24 as=1'
check "domain 2's CRME has domain 1's as its provider (links=c2p)" \
	has '100ms ON_ROUTER 2.1 usr.curling.Crme 3000 1 10.0.1.1 prefix=10.0.2.0/24 as=2'
check "a CAFE on 2.2 with its link to 1.2 and domain 1's CRME (cafes=routers)" \
	has '200ms ON_ROUTER 2.2 usr.curling.Cafe 2000 10.0.2.1 3000 1 10.0.1.2 2000 10.0.1.1'
check "a CAFE on 4.3, which has no inter-domain link" \
	has '200ms ON_ROUTER 4.3 usr.curling.Cafe 2000 10.0.4.1 3000 0'
check "ten CAFEs, one on each router but the d.1s" \
	[ "$(grep -c 'usr.curling.Cafe' "$T/ok.txt")" -eq 10 ]
check "no RAE (rae=no)" not grep -q 'usr.rae.Rae' "$T/ok.txt"
srv='500ms ON_ROUTER 5.3 usr.curling.ContentServer 1000 10.0.5.1 3000 10.0.5.3 2000'
check "the server of the named content on 5.3, its size and seed" \
	has "$srv 1 MyContent1 10000:7"
check "the client on router 4.3, port 1000, at the trace's time" \
	has '1500ms ON_ROUTER 4.3 usr.curling.ContentClient 1000 10.0.4.1 3000 10.0.4.3 2000 MyContent1'

# What the rules refuse: FILE:LINE: what is wrong, exit 1.
bad() {
	cat >"$T/bad.xml" <<EOF
<scenario name="bad">
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/></events>
  $1
</scenario>
EOF
	"$COMETSIM" check "$T/bad.xml" >"$T/bad.out" 2>&1
	echo "$?" >"$T/bad.rc"
}
good='domains="d.h" links="c2p" rae="no" node="first" cafes="routers"'
bad "<deploy approach=\"decoupled\" $good/>"
check "the rules are refused beside the decoupled approach (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying they are for the coupled approach, at the line" \
	grep -q 'bad.xml:3: <deploy>: domains="d.h" is for the coupled approach' "$T/bad.out"
bad "<deploy approach=\"coupled\" $good><content name=\"x\" server=\"5.1\"/></deploy>"
check "a content on a router without a CAFE is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying the router holds no CAFE" \
	grep -q 'bad.xml:3: <content server=>: router 5.1 holds no CAFE' "$T/bad.out"
bad "<deploy approach=\"coupled\" $good><content name=\"x\" server=\"9.3\"/></deploy>"
check "a content on an unknown router is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it is not a router of a domain" \
	grep -q 'bad.xml:3: <content server=>: "9.3" is not a router of a domain' "$T/bad.out"
bad "<deploy approach=\"coupled\" $good><clients where=\"stub\"/></deploy>"
check "hosts made with domains=d.h are refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying the clients are on routers" \
	grep -q 'bad.xml:3: <clients>: with domains="d.h" the clients are on routers' "$T/bad.out"
for n in 'a=b' 'a/b' '..'; do
	bad "<deploy approach=\"coupled\" $good><content name=\"$n\" server=\"5.3\"/></deploy>"
	check "a content named $n is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
	check "... at its line, saying what a name may hold" \
		grep -qF "bad.xml:3: <content>: name \"$n\": 1 to 64 printable ASCII characters" "$T/bad.out"
done
twice='<content name="x" server="5.3"/><content name="x" server="5.2"/>'
bad "<deploy approach=\"coupled\" $good>$twice</deploy>"
check "a content named twice is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying so" grep -q 'bad.xml:3: <content x> is given twice' "$T/bad.out"
bad '<deploy approach="decoupled"><start crme="1s"/></deploy>'
check "<start> is refused beside the decoupled approach (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... saying it is for the coupled approach" \
	grep -q 'bad.xml:3: <deploy>: <start> is for the coupled approach' "$T/bad.out"
bad "<deploy approach=\"coupled\" domains=\"ab\"/>"
check "an unknown domains= is refused (exit 1)" [ "$(cat "$T/bad.rc")" -eq 1 ]
check "... naming the words it knows" \
	grep -q 'bad.xml:3: <deploy>: domains "ab" is not known (topology or d.h)' "$T/bad.out"

# The routers the deployment uses must be up when its entities start, as
# the replay checks of a script's own events.
sed 's|</events>|<at time="150ms">END_ROUTER 4.3</at></events>|' "$T/ok.xml" >"$T/down.xml"
"$COMETSIM" check "$T/down.xml" >"$T/down.out" 2>&1
rc=$?
check "a router ended before its CAFE starts is refused (exit $rc)" [ "$rc" -eq 1 ]
check "... naming the entity and the router" grep -q \
	'down.xml:3: <deploy>: usr.curling.Cafe on router 4.3: the router is down at that time' \
	"$T/down.out"
check "... and where the router ends" grep -q '(END_ROUTER at .*down.xml:2)' "$T/down.out"
# 2.3 holds a CAFE (at 200 ms) and nothing else: ended then, it is down.
sed 's|</events>|<at time="200ms">END_ROUTER 2.3</at></events>|' "$T/ok.xml" >"$T/same.xml"
"$COMETSIM" check "$T/same.xml" >"$T/same.out" 2>&1
rc=$?
check "a router ended at its CAFE's start time is refused (exit $rc)" [ "$rc" -eq 1 ]
check "... the router is down then" grep -q \
	'same.xml:3: <deploy>: usr.curling.Cafe on router 2.3: the router is down at that time' \
	"$T/same.out"
sed 's|</events>|<at time="3s">END_ROUTER 4.3</at></events>|' "$T/ok.xml" >"$T/later.xml"
"$COMETSIM" check "$T/later.xml" >"$T/later.out" 2>&1
rc=$?
check "a router ended after its entities started is not (exit $rc)" [ "$rc" -eq 0 ]
# 4.3's CAFE starts at 200 ms, its client at 1 s: a router ended and
# started again between the two runs no CAFE for the client.
sed 's|</events>|<at time="500ms">END_ROUTER 4.3</at><at time="700ms">START_ROUTER 4.3</at></events>|' \
	"$T/ok.xml" >"$T/restart.xml"
"$COMETSIM" check "$T/restart.xml" >"$T/restart.out" 2>&1
rc=$?
check "a router ended and started again between its CAFE and its client is refused (exit $rc)" \
	[ "$rc" -eq 1 ]
check "... naming the client, the router and the END_ROUTER" grep -q \
	'restart.xml:3: <deploy>: usr.curling.ContentClient on router 4.3: the router was ended (END_ROUTER at .*restart.xml:2) after' \
	"$T/restart.out"
sed 's|</events>|<at time="1s">START_ROUTER 9.1</at></events>|' "$T/ok.xml" >"$T/notyet.xml"
"$COMETSIM" check "$T/notyet.xml" >"$T/notyet.out" 2>&1
rc=$?
check "a router started after its CRME's time is refused (exit $rc)" [ "$rc" -eq 1 ]
check "... saying it is not started yet" grep -q \
	'notyet.xml:3: <deploy>: usr.curling.Crme on router 9.1: the router is not started yet' \
	"$T/notyet.out"
# Every router is in a domain, and a link between two domains ends at a
# CAFE at each end.
sed 's|</events>|<at time="0s">START_ROUTER 3.1.1</at></events>|' "$T/ok.xml" >"$T/odd.xml"
"$COMETSIM" check "$T/odd.xml" >"$T/odd.out" 2>&1
rc=$?
check "a router whose name is not d.h is refused (exit $rc)" [ "$rc" -eq 1 ]
check "... at its line, saying it would be in no domain" grep -q \
	'odd.xml:2: router 3.1.1: .*"3.1.1" is not d.h (two numbers): it would be in no domain' \
	"$T/odd.out"
sed 's|</events>|<at time="0s">START_ROUTER 6.0</at><at time="0s">START_LINK 6.0 1.2</at></events>|' \
	"$T/ok.xml" >"$T/lone.xml"
"$COMETSIM" check "$T/lone.xml" >"$T/lone.out" 2>&1
rc=$?
check "a domain whose only router is its node, linked to another: refused (exit $rc)" \
	[ "$rc" -eq 1 ]
check "... at the link, saying it would end at no CAFE" grep -q \
	'lone.xml:2: link 6.0:eth0-1.2:eth[0-9]* (6.0 to 1.2): router 6.0 is the node of domain 6 .*would end at no CAFE' \
	"$T/lone.out"
finish
