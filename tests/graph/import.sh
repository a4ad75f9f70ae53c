#!/bin/sh
# import.sh - topologies of other formats in a scenario (<topology file=
# format=>) and from the command line (cometsim topo FILE --format):
# built into routers, links and addresses (doc/topology-import.md),
# routed by shortest path, the link defaults applying to what the file
# does not give, and a file's errors cited at its own lines.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

zoo="$top_srcdir/topologies/zoo-eu.graphml"
cch="$top_srcdir/topologies/rocketfuel-map.cch"

# ---- a Zoo file in a scenario, and a ping across it ----
cp "$zoo" "$T/zoo.graphml"
cat >"$T/zoo.xml" <<'XML'
<scenario name="zoo">
  <topology file="zoo.graphml" format="graphml"/>
  <run end_time="5s" pcap="n0"/>
  <events>
    <app time="1s" node="n0" class="usr.applications.Ping" args="10.64.0.14 3 100ms"/>
  </events>
</scenario>
XML
"$COMETSIM" topo "$T/zoo.xml" --dot >"$T/zoo.dot" 2>"$T/zoo.err"
rc=$?
check "topo of a scenario with a graphml topology: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "... a node keeps its label" grep -q '"n0" \[label="n0 (Lisbon)' "$T/zoo.dot"
check "... and gets its router address and a /30 a link" \
	grep -q 'n0 (Lisbon)\\n10.64.0.1\\neth0 10.0.0.1/30' "$T/zoo.dot"
check "... the next link the next /30 (n1: eth0 10.0.0.2 on the first, eth1 10.0.0.5)" \
	grep -q 'n1 (Madrid)\\n10.64.0.2\\neth0 10.0.0.2/30\\neth1 10.0.0.5/30' "$T/zoo.dot"
check "... a link gets the file's speed" grep -q '"n0" -- "n1" \[label="n0:eth0-n1:eth0\\n10 Gbps' "$T/zoo.dot"
check "... and a delay from the coordinates" grep -q '"n0" -- "n1" \[label="n0:eth0-n1:eth0\\n10 Gbps, 2513301 ns' "$T/zoo.dot"
"$COMETSIM" run "$T/zoo.xml" --out "$T/zoo" --quiet >/dev/null 2>"$T/run.err"
rc=$?
check "a ping across it runs (exit $rc)" [ "$rc" -eq 0 ]
"$TSHARK" -r "$T/zoo/n0-eth0.pcap" -Y "icmp.type == 0 && ip.src == 10.64.0.14" -T fields \
	-e icmp.seq >"$T/replies" 2>"$T/tshark.err"
check "... tshark reads n0's capture" [ -s "$T/replies" ]
check "... three echo replies from the far router (n13) come back" [ "$(wc -l <"$T/replies")" -eq 3 ]

# ---- the link defaults, and --set, apply to what the file does not give ----
cp "$cch" "$T/map.cch"
cat >"$T/rf.xml" <<'XML'
<scenario name="rf">
  <topology file="map.cch" format="rocketfuel"/>
  <linkdefaults delay="7ms" bandwidth="100Mbps"/>
</scenario>
XML
"$COMETSIM" topo "$T/rf.xml" --dot >"$T/rf.dot" 2>&1
check "a rocketfuel map: its links get the <linkdefaults>" grep -q '100 Mbps, 7 ms, weight' "$T/rf.dot"
"$COMETSIM" topo "$T/rf.xml" --dot --set linkdefaults.delay=3ms >"$T/rf3.dot" 2>&1
check "... and --set linkdefaults.delay=3ms" grep -q '100 Mbps, 3 ms, weight' "$T/rf3.dot"
check "... on every link" not grep -q '7 ms' "$T/rf3.dot"

# ---- from the command line ----
"$COMETSIM" topo "$cch" --format rocketfuel --dot >"$T/cli.dot" 2>"$T/cli.err"
rc=$?
check "cometsim topo FILE --format rocketfuel: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "... the graph is named after the file" grep -q '^graph "rocketfuel-map" {' "$T/cli.dot"
"$COMETSIM" topo "$top_srcdir/topologies/as-small.caida.txt" --format caida --dot >"$T/as.dot" 2>&1
check "a caida file: each AS is a domain" grep -q '^	subgraph "cluster_AS64601" {' "$T/as.dot"
check "... holding its router" grep -q '^		"AS64601" \[label="AS64601' "$T/as.dot"
check "... labelled with its name once, not \"AS64601 AS64601\"" \
	grep -q '^		label="AS64601";$' "$T/as.dot"
check "... on every cluster" not grep -q 'label="\(AS[0-9]*\) \1' "$T/as.dot"
# every example of topologies/ loads with its format
for ex in as-small.caida.txt:caida zoo-eu.graphml:graphml rocketfuel-map.cch:rocketfuel \
	rocketfuel-weights.intra:rocketfuel waxman-20.brite:brite lab.edgelist:edgelist; do
	"$COMETSIM" topo "$top_srcdir/topologies/${ex%%:*}" --format "${ex##*:}" --dot >"$T/ex.dot" 2>&1
	rc=$?
	check "the example ${ex%%:*} loads (exit $rc)" [ "$rc" -eq 0 ]
	check "... into links" grep -q -- ' -- ' "$T/ex.dot"
done
"$COMETSIM" topo "$cch" --format nope >/dev/null 2>"$T/nope.err"
rc=$?
check "--format nope: a usage error (exit $rc)" [ "$rc" -eq 2 ]
check "... saying which formats there are" \
	grep -q -- "--format nope: not a topology format (caida, graphml, rocketfuel, brite, edgelist)" \
	"$T/nope.err"

# ---- errors: the file's own line, the scenario's for the reference ----
awk 'NR == 21 { print "<node id=\"x:y\"/>" } { print }' "$zoo" >"$T/bad.graphml"
cat >"$T/bad.xml" <<'XML'
<scenario name="bad">
  <topology file="bad.graphml" format="graphml"/>
</scenario>
XML
"$COMETSIM" run "$T/bad.xml" --out "$T/badout" --quiet >/dev/null 2>"$T/bad.err"
rc=$?
check "a bad line in an imported file: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... cited at the file's own line 21" grep -q "bad.graphml:21: " "$T/bad.err"
check "... nothing written" [ ! -e "$T/badout" ]
cat >"$T/fmt.xml" <<'XML'
<scenario name="fmt">

  <topology file="zoo.graphml" format="gml"/>
</scenario>
XML
"$COMETSIM" check "$T/fmt.xml" >/dev/null 2>"$T/fmt.err"
rc=$?
check "an unknown format in a scenario: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... at the scenario's line" grep -q 'fmt.xml:3: format "gml" is not known' "$T/fmt.err"
cat >"$T/both.xml" <<'XML'
<scenario name="both">
  <topology file="zoo.graphml" format="graphml" generate="ba"/>
</scenario>
XML
"$COMETSIM" check "$T/both.xml" >/dev/null 2>"$T/both.err"
check "generate= and file= together are refused" \
	grep -q 'both.xml:2: <topology> has generate= and file=' "$T/both.err"
cat >"$T/attr.xml" <<'XML'
<scenario name="attr">
  <topology file="zoo.graphml" format="graphml" nodes="5"/>
</scenario>
XML
"$COMETSIM" check "$T/attr.xml" >/dev/null 2>"$T/attr.err"
check "a generator's parameter on a file is refused" \
	grep -q 'attr.xml:2: <topology>: nodes= is for generate=, not for a file' "$T/attr.err"
cat >"$T/miss.xml" <<'XML'
<scenario name="miss">
  <topology file="none.graphml" format="graphml"/>
</scenario>
XML
"$COMETSIM" check "$T/miss.xml" >/dev/null 2>"$T/miss.err"
check "a missing file is cited where the scenario names it" grep -q '^.*miss.xml:2: ' "$T/miss.err"

# A file of more nodes than a scenario may have: refused at the
# scenario's <topology>, not at a line of the file.
awk 'BEGIN { for (i = 0; i < 500001; i++) print "a" i, "b" i }' >"$T/big.edgelist"
cat >"$T/big.xml" <<'XML'
<scenario name="big">

  <topology file="big.edgelist" format="edgelist"/>
</scenario>
XML
"$COMETSIM" run "$T/big.xml" --out "$T/bigout" --quiet >/dev/null 2>"$T/big.err"
rc=$?
check "1000002 nodes: refused (exit $rc)" [ "$rc" -eq 1 ]
check "... at the <topology> line" \
	grep -q 'big.xml:3: the topology has 1000002 nodes, more than the 1000000' "$T/big.err"
check "... nothing written" [ ! -e "$T/bigout" ]
rm -f "$T/big.edgelist"

finish
