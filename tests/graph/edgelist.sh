#!/bin/sh
# edgelist.sh - the edge-list reader (scenario/import_edgelist.c,
# doc/topology-edgelist.md): a file of edges with weights, bandwidths and
# delays, isolated nodes, parallel edges and comments read into the graph
# graphdump prints, compared whole; every refusal with its line and
# message.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
FMT=edgelist
SUFFIX=.txt
. "$top_srcdir/tests/graph/lib.sh"

cat >"$T/want" <<'DUMP'
nodes 6 edges 8
node r1 line=3
node r2 line=3
node r3 line=4
node r4 line=5
node lonely line=9
node h-1.x line=11
edge r1 r2 line=3
edge r2 r3 weight=10 line=4
edge r3 r4 bw=100000000 line=5
edge r4 r1 bw=1000000000 delay=2500000ns weight=5 line=6
edge r1 r3 delay=0ns line=7
edge r1 r2 bw=10000000 delay=40000ns weight=20 line=8
edge h-1.x r4 bw=1500000 delay=1000000000ns weight=4294967295 line=11
edge r2 h-1.x delay=3ns weight=1 line=12
DUMP
accepted "every field, '-', a node alone, a parallel edge, CRLF, no final newline" \
	"$D/edgelist.txt"

# '#' starts a comment inside a word too; a node declared before its edges
# comes first; a node alone on a line again is the same node.
printf 'b\na#b c\nc b # x\nb\n' >"$T/in.txt"
cat >"$T/want" <<'DUMP'
nodes 3 edges 1
node b line=1
node a line=2
node c line=3
edge c b line=3
DUMP
accepted "'#' inside a word, nodes declared" "$T/in.txt"

# A UTF-8 byte-order mark before the first line is not content.
printf '\357\273\277a b\n' >"$T/in.txt"
cat >"$T/want" <<'DUMP'
nodes 2 edges 1
node a line=1
node b line=1
edge a b line=1
DUMP
accepted "a byte-order mark" "$T/in.txt"

"$GD" edgelist "$top_srcdir/topologies/lab.edgelist" >"$T/got" 2>"$T/err"
check "topologies/lab.edgelist: accepted" [ "$?" -eq 0 ]
check "topologies/lab.edgelist: 14 nodes, 18 edges" \
	[ "$(head -n 1 "$T/got")" = "nodes 14 edges 18" ]

refused_text "a name with ':'" 'a b\nr1:eth0 b\n' \
	"2: node name \"r1:eth0\" is not valid (no ':' and no blanks)"
refused_text "a name with a form feed" 'a b\fc d\n' \
	"1: node name \"b$(printf '\f')c\" is not valid (no ':' and no blanks)"
refused_text "a node called '-' (second)" 'a -\n' \
	'1: node name "-" is not valid ("-" stands for a field not given)'
refused_text "a node called '-' (first)" '# c\n- b 1\n' \
	'2: node name "-" is not valid ("-" stands for a field not given)'
refused_text "six fields" 'a b 1 1Mbps 1ms x\n' \
	'1: more than 5 fields (A B [WEIGHT [BANDWIDTH [DELAY]]])'
refused_text "weight 0" 'a b\n\nb c 0\n' '3: weight "0": too small (at least 1)'
refused_text "weight 1.5" 'a b 1.5\n' '1: weight "1.5": not a whole number'
refused_text "weight x" 'a b x\n' '1: weight "x": not a whole number'
refused_text "weight 4294967296" 'a b 4294967296\n' \
	'1: weight "4294967296": too large (at most 4294967295)'
refused_text "bandwidth 0" 'a b - 0\n' '1: bandwidth "0": too small (at least 1bps)'
# What sim/units.c says a rate and a duration are.
RATE='a rate is a number of bit/s, or a number and a unit: bps, kbps, Mbps, Gbps or Tbps'
RATE="$RATE (powers of 1000), as in 10Mbps"
DUR='a duration is a number and a unit: ns, us, ms, s, min or h, as in 1.5ms'
refused_text "bandwidth with an unknown unit" 'a b 1 10mbps\n' \
	"1: bandwidth \"10mbps\": unknown unit \"mbps\" ($RATE)"
refused_text "bandwidth below 1 bit/s" 'a b - 1.5bps\n' \
	'1: bandwidth "1.5bps": not a whole number of bit/s'
refused_text "delay without a unit" 'a b - - 5\n' \
	"1: delay \"5\": no unit ($DUR)"
refused_text "negative delay" 'a b - - -1ms\n' \
	"1: delay \"-1ms\": negative ($DUR)"
refused_text "delay beyond the longest run" 'a b - - 1000000001s\n' \
	'1: delay "1000000001s": too large (at most 1000000000s, the longest time a run may reach)'
refused_text "an edge from a node to itself" 'a b\nb b 3\n' '2: edge from b to itself'
refused_text "a NUL byte" 'a b\nc\000 d\n' '2: a NUL byte: not a text file'
refused_text "only comments and blanks" '# x\n \t\n' ' no node in the file'
refused_text "an empty file" '' ' no node in the file'

finish
