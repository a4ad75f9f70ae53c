#!/bin/sh
# graphml.sh - the GraphML reader (scenario/import_graphml.c,
# doc/topology-graphml.md) through tests/graph/graphdump:
#
# 1. tests/graph/data/zoo.graphml, a file in the Topology Zoo's style:
#    node names from ids, labels, coordinates, LinkSpeedRaw before
#    LinkSpeed and LinkSpeedUnits, the great-circle delay, a delay and a
#    weight written on the edge, parallel edges kept, lines.
# 2. What the format allows that the Zoo does not use: key defaults, a
#    key declared for "all", a directed graph read as undirected.
# 3. Every refusal, with its line and its message.
# 4. The example topologies/zoo-eu.graphml is read whole.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
FMT=graphml
SUFFIX=.graphml
. "$top_srcdir/tests/graph/lib.sh"

# doc NAME: $T/NAME.graphml, a graph whose content is stdin, from line
# 10, after declarations of the keys the reader knows.
doc() {
	{
		echo '<?xml version="1.0"?>'
		echo '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
		echo '<key id="lat" for="node" attr.name="Latitude" attr.type="double"/>'
		echo '<key id="lon" for="node" attr.name="Longitude" attr.type="double"/>'
		echo '<key id="raw" for="edge" attr.name="LinkSpeedRaw" attr.type="double"/>'
		echo '<key id="ls" for="edge" attr.name="LinkSpeed" attr.type="string"/>'
		echo '<key id="lu" for="edge" attr.name="LinkSpeedUnits" attr.type="string"/>'
		echo '<key id="dl" for="edge" attr.name="delay" attr.type="string"/>'
		echo '<graph edgedefault="undirected">'
		cat
		echo '</graph>'
		echo '</graphml>'
	} >"$T/$1.graphml"
}

# 1. The Zoo-like file.
dump "$D/zoo.graphml"
check "zoo.graphml: read (exit $rc)" [ "$rc" -eq 0 ]
has "zoo: 5 nodes, 6 edges" "nodes 5 edges 6"
has "zoo: id 0 is n0, label and coordinates (x longitude, y latitude)" \
	'node n0 label="Paris" xy=2.3488,48.8534 line=16'
has "zoo: a negative longitude" 'node n1 label="London" xy=-0.12574,51.5085 line=22'
has "zoo: data in any order" 'node n2 label="Amsterdam" xy=4.88969,52.374 line=27'
has "zoo: a node without coordinates" 'node n3 label="Customer" line=32'
has "zoo: an id that is not digits is the name" 'node hub-x line=35'
has "zoo: LinkSpeedRaw is the rate; the great-circle delay at 2/3 c" \
	'edge n0 n1 bw=10000000000 delay=1720044ns line=36'
has "zoo: LinkSpeed 2.5 in G is 2.5 Gbit/s" 'edge n2 n1 bw=2500000000 delay=1785889ns line=40'
has "zoo: LinkSpeedRaw (1e+10) before LinkSpeed" \
	'edge n0 n2 bw=10000000000 delay=2154024ns line=44'
has "zoo: an end without coordinates: no delay" 'edge n2 n3 line=49'
has "zoo: a parallel edge is kept; its delay (5ms) before the distance" \
	'edge n1 n0 delay=5000000ns line=50'
has "zoo: a bare delay in ms, a weight rounded" 'edge n3 hub-x delay=7000000ns weight=3 line=53'

# 2. Defaults, "all", directed graphs, no namespace.
{
	echo '<graphml>'
	echo '<key id="u" for="edge" attr.name="LinkSpeedUnits"><default>M</default></key>'
	echo '<key id="s" for="all" attr.name="LinkSpeed"/>'
	echo '<key id="l" for="all" attr.name="label"><default>PoP</default></key>'
	echo '<graph edgedefault="directed">'
	echo '<node id="a"><data key="s">7</data></node><node id="b"><data key="l">B</data></node>'
	echo '<edge source="a" target="b"><data key="s">100</data></edge>'
	echo '<edge source="b" target="a" directed="true"><data key="s">1</data>'
	echo '<data key="u">G</data></edge>'
	echo '</graph></graphml>'
} >"$T/defaults.graphml"
dump "$T/defaults.graphml"
check "defaults: read (exit $rc)" [ "$rc" -eq 0 ]
has "defaults: a label by default; LinkSpeed on a node means nothing" 'node a label="PoP" line=6'
has "defaults: a label given" 'node b label="B" line=6'
has "defaults: LinkSpeedUnits by default, a directed edge undirected" \
	'edge a b bw=100000000 line=7'
has "defaults: LinkSpeedUnits given" 'edge b a bw=1000000000 line=8'

# Whitespace around a value is not part of it; an empty label is none.
doc blanks <<'EOF'
<node id="1"><data key="lat">
  10 </data><data key="lon"> -20.5</data></node>
<node id="2"/>
<edge source="1" target="2"><data key="raw"> 155520000.0
</data></edge>
EOF
dump "$T/blanks.graphml"
check "blanks: read (exit $rc)" [ "$rc" -eq 0 ]
has "blanks: coordinates without their blanks" 'node n1 xy=-20.5,10 line=10'
has "blanks: a rate without its blanks" 'edge n1 n2 bw=155520000 line=13'

# 3. Refusals.  What the value parser (sim/units.c) says a rate and a
# delay are, at the end of its messages.
rate_expect="(a rate is a number of bit/s, or a number and a unit: bps, kbps, Mbps, Gbps"
rate_expect="$rate_expect or Tbps (powers of 1000), as in 10Mbps)"
delay_expect="(a duration is a number of milliseconds, or a number and a unit: ns, us, ms,"
delay_expect="$delay_expect s, min or h)"
printf '' >"$T/empty.graphml"
refused_file empty 0 "not GraphML: the file is empty"
printf '<graphml>\n<graph>\n<node id="a">\n</graph>\n</graphml>\n' >"$T/malformed.graphml"
refused_file malformed 4 \
	"malformed XML: Opening and ending tag mismatch: node line 3 and graph"
printf '<?xml version="1.0"?>\n<topology>\n</topology>\n' >"$T/root.graphml"
refused_file root 2 "not GraphML: the root element is <topology>, not <graphml>"
printf '<graphml>\n<key id="k" for="node" attr.name="label"/>\n</graphml>\n' >"$T/nograph.graphml"
refused_file nograph 1 "no <graph> in <graphml>"
printf '<graphml>\n<graph><node id="a"/></graph>\n<graph/>\n</graphml>\n' >"$T/twographs.graphml"
refused_file twographs 3 "a second <graph>: one graph a file"
printf '<graphml>\n<graph>\n</graph>\n</graphml>\n' >"$T/nonode.graphml"
refused_file nonode 2 "the graph has no node"
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE graphml [ <!ENTITY x "y"> ]>'
	echo '<graphml><graph><node id="a"/></graph></graphml>'
} >"$T/doctype.graphml"
refused_file doctype 2 "a DOCTYPE: GraphML has none, and entities are not read"
printf '<graphml><graph><node id="a"/></graph></graphml>\n\0\n' >"$T/nul.graphml"
refused_file nul 2 "a NUL byte"

doc nested <<'EOF'
<node id="1">
<graph id="inner"><node id="x"/></graph>
</node>
EOF
refused_file nested 11 "a graph nested in node \"1\": nested graphs are not read"
doc hyper <<'EOF'
<node id="1"/><node id="2"/><node id="3"/>
<hyperedge><endpoint node="1"/><endpoint node="2"/><endpoint node="3"/></hyperedge>
EOF
refused_file hyper 11 "a <hyperedge>: only edges between two nodes are read"
doc dupnode <<'EOF'
<node id="1"/>
<node id="2"/>
<node id="1"/>
EOF
refused_file dupnode 12 "node \"1\" is declared twice (first at line 10)"
doc collide <<'EOF'
<node id="n4"/>
<node id="4"/>
EOF
refused_file collide 11 "node \"4\" would be named n4, which node \"n4\" is (line 10)"
doc noid <<'EOF'
<node/>
EOF
refused_file noid 10 "a <node> without an id"
doc emptyid <<'EOF'
<node id=""/>
EOF
refused_file emptyid 10 "a <node> with an empty id"
doc colon <<'EOF'
<node id="a:b"/>
EOF
refused_file colon 10 "node \"a:b\": a name has no ':' and no blanks"
doc blank <<'EOF'
<node id="a b"/>
EOF
refused_file blank 10 "node \"a b\": a name has no ':' and no blanks"
doc unknown <<'EOF'
<node id="1"/>
<edge source="1" target="9"/>
EOF
refused_file unknown 11 "edge 1-9: no node \"9\""
doc nosource <<'EOF'
<node id="1"/>
<edge target="1"/>
EOF
refused_file nosource 11 "an <edge> without a source"
doc loop <<'EOF'
<node id="1"/>
<node id="2"/>
<edge source="1" target="2"/>
<edge source="2" target="2"/>
EOF
refused_file loop 13 "edge 2-2: a link from a node to itself (remove the <edge>)"
doc undeclared <<'EOF'
<node id="1"><data key="d9">x</data></node>
EOF
refused_file undeclared 10 "data key \"d9\" is not declared by a <key>"
doc nokey <<'EOF'
<node id="1"><data>x</data></node>
EOF
refused_file nokey 10 "a <data> without a key"
doc wrongdomain <<'EOF'
<node id="1"><data key="raw">x</data></node>
EOF
refused_file wrongdomain 10 "data key \"raw\" is declared for edge, not for node"
doc twice <<'EOF'
<node id="1"><data key="lat">1</data><data key="lat">2</data><data key="lon">3</data></node>
EOF
refused_file twice 10 "node \"1\": Latitude is given twice"
{
	echo '<graphml>'
	echo '<key id="k" for="node" attr.name="label"/>'
	echo '<key id="k" for="edge" attr.name="weight"/>'
	echo '<graph><node id="a"/></graph></graphml>'
} >"$T/dupkey.graphml"
refused_file dupkey 3 "key \"k\" is declared twice (first at line 2)"
printf '<graphml>\n<key for="node" attr.name="label"/>\n<graph/></graphml>\n' >"$T/keyid.graphml"
refused_file keyid 2 "a <key> without an id"
doc lat <<'EOF'
<node id="1"><data key="lat">48.8x</data><data key="lon">2</data></node>
EOF
refused_file lat 10 "node \"1\": Latitude \"48.8x\" is not a number"
doc latrange <<'EOF'
<node id="1"><data key="lat">90.5</data><data key="lon">2</data></node>
EOF
refused_file latrange 10 "node \"1\": Latitude \"90.5\" is not between -90 and 90"
doc lonrange <<'EOF'
<node id="1"><data key="lat">9</data><data key="lon">-180.01</data></node>
EOF
refused_file lonrange 10 "node \"1\": Longitude \"-180.01\" is not between -180 and 180"
doc nan <<'EOF'
<node id="1"><data key="lat">nan</data><data key="lon">2</data></node>
EOF
refused_file nan 10 "node \"1\": Latitude \"nan\" is not a number"
doc onlylat <<'EOF'
<node id="1"><data key="lat">9</data></node>
EOF
refused_file onlylat 10 "node \"1\": a Latitude without a Longitude"
doc onlylon <<'EOF'
<node id="1"><data key="lon">9</data></node>
EOF
refused_file onlylon 10 "node \"1\": a Longitude without a Latitude"
doc raw <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="raw">fast</data></edge>
EOF
refused_file raw 11 \
	"edge 1-2: LinkSpeedRaw \"fast\": not a number $rate_expect"
doc rawzero <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="raw">0.0</data></edge>
EOF
refused_file rawzero 11 "edge 1-2: LinkSpeedRaw \"0.0\": too small (at least 1bps)"
doc rawfrac <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="raw">1.5</data></edge>
EOF
refused_file rawfrac 11 "edge 1-2: LinkSpeedRaw \"1.5\": not a whole number of bit/s"
doc nounits <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="ls">10</data></edge>
EOF
refused_file nounits 11 "edge 1-2: LinkSpeed \"10\" without LinkSpeedUnits"
doc badunits <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="ls">1</data><data key="lu">0G</data></edge>
EOF
refused_file badunits 11 "edge 1-2: LinkSpeedUnits \"0G\" is not a unit"
doc unitunknown <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="ls">1</data><data key="lu">X</data></edge>
EOF
refused_file unitunknown 11 \
	"edge 1-2: LinkSpeed \"1X\": unknown unit \"X\" $rate_expect"
doc delay <<'EOF'
<node id="1"/><node id="2"/>
<edge source="1" target="2"><data key="dl">-3ms</data></edge>
EOF
refused_file delay 11 \
	"edge 1-2: delay \"-3ms\": negative $delay_expect"

# 4. The example.
dump "$top_srcdir/topologies/zoo-eu.graphml"
check "zoo-eu.graphml: read (exit $rc)" [ "$rc" -eq 0 ]
has "zoo-eu.graphml: 14 nodes, 19 edges" "nodes 14 edges 19"

finish
