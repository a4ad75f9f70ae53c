#!/bin/sh
# brite.sh - the BRITE reader (scenario/import_brite.c,
# doc/topology-brite.md): a router-level and a top-down file read into the
# graph graphdump prints, compared whole; every refusal with its line and
# message.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
FMT=brite
SUFFIX=.brite
. "$top_srcdir/tests/graph/lib.sh"

cat >"$T/want" <<'DUMP'
nodes 6 edges 7
node n0 xy=12,80.5 line=5
node n1 xy=40.25,77 line=6
node n2 xy=55,20 line=7
node n3 xy=0,0 line=8
node n4 xy=99.99,100 line=9
node n5 xy=-3.5,60 line=10
edge n1 n0 bw=10000000 delay=94900ns line=13
edge n2 n1 bw=1024000000 delay=197330ns line=14
edge n3 n0 delay=271480ns line=15
edge n4 n2 bw=2500000 line=16
edge n5 n4 bw=100000000 delay=348570ns line=17
edge n3 n2 bw=1 delay=195140ns line=18
edge n5 n0 bw=10000000 delay=77400ns line=19
DUMP
accepted "router level: no AS, 0 delay or bandwidth not kept, exponents" \
	"$D/rt-waxman.brite"

cat >"$T/want" <<'DUMP'
nodes 5 edges 5
node n0 as=1 xy=10,10 line=7
node n1 as=1 xy=20,15 line=8
node n2 as=2 xy=70,60 line=9
node n3 as=2 xy=80,70 line=10
node n4 as=4294967295 xy=75,90 line=11
edge n0 n1 bw=100000000 delay=37300ns line=14
edge n2 n3 bw=100000000 delay=47200ns line=15
edge n3 n4 bw=100000000 delay=68700ns line=16
edge n4 n2 bw=100000000 delay=101400ns line=17
edge n0 n2 bw=1000000000 delay=260500ns line=18
DUMP
accepted "top-down: AS ids + 1, several Model lines, (N): headers" "$D/top-down.brite"

# No Model line, CRLF, no blank line between the sections, no final
# newline, a UTF-8 byte-order mark before the first line.
printf '\357\273\277Topology: ( 2 Nodes, 1 Edges )\r\nNodes: ( 2 )\r\n7 1 2 1 1 -1 RT_NODE\r\n' >"$T/in.brite"
printf '8 3 4 1 1 -1 RT_NODE\r\nEdges: ( 1 )\r\n0 7 8 1.0 2.0 3.0 -1 -1 E_RT U' >>"$T/in.brite"
cat >"$T/want" <<'DUMP'
nodes 2 edges 1
node n7 xy=1,2 line=3
node n8 xy=3,4 line=4
edge n7 n8 bw=3000000 delay=2000000ns line=6
DUMP
accepted "no Model line, CRLF, a byte-order mark" "$T/in.brite"

# Delay and bandwidth are rounded to the nearest ns and bit/s.
printf 'Topology: ( 2 Nodes, 1 Edges )\nNodes: ( 2 )\n0 0 0 1 1 -1 RT_NODE\n' >"$T/in.brite"
printf '1 0 0 1 1 -1 RT_NODE\nEdges: ( 1 )\n0 0 1 0 0.0000016 2.0000026 -1 -1 E_RT U\n' \
	>>"$T/in.brite"
cat >"$T/want" <<'DUMP'
nodes 2 edges 1
node n0 xy=0,0 line=3
node n1 xy=0,0 line=4
edge n0 n1 bw=2000003 delay=2ns line=6
DUMP
accepted "rounded to the ns and the bit/s" "$T/in.brite"

"$GD" brite "$top_srcdir/topologies/waxman-20.brite" >"$T/got" 2>"$T/err"
check "topologies/waxman-20.brite: accepted" [ "$?" -eq 0 ]
check "topologies/waxman-20.brite: 20 nodes, 38 edges" \
	[ "$(head -n 1 "$T/got")" = "nodes 20 edges 38" ]

# The head of a file of two nodes and one edge, its Edges line at line 7.
H='Topology: ( 2 Nodes, 1 Edges )\n'
H="${H}Model (1 - RTWaxman): 2 100 10 1 1 0.15 0.2 1 1 10.0 1024.0\n\nNodes: ( 2 )\n"
N="${H}0 1.0 2.0 1 1 -1 RT_NODE\n1 3.0 4.0 1 1 -1 RT_NODE\n"
E="${N}Edges: ( 1 ):\n"

refused_text "no Topology line first" 'Nodes: ( 1 )\n' \
	'1: expected "Topology: ( N Nodes, M Edges )" first'
refused_text "a Topology line without its comma" '\nTopology: ( 2 Nodes 1 Edges )\n' \
	'2: expected "Topology: ( N Nodes, M Edges )" first'
refused_text "a Topology line with more after it" 'Topology: ( 2 Nodes, 1 Edges ) x\n' \
	'1: expected "Topology: ( N Nodes, M Edges )" first'
refused_text "a line that is not a Model line" "${H%Nodes*}junk\n" '4: expected "Nodes: ( 2 )"'
refused_text "Nodes count unlike the Topology line" "${H%Nodes*}Nodes: ( 3 )\n" \
	'4: Nodes: ( 3 ) but the Topology line (line 1) says 2'
refused_text "Edges count unlike the Topology line" "${N}Edges: ( 2 )\n" \
	'7: Edges: ( 2 ) but the Topology line (line 1) says 1'
refused_text "Edges line without its count" "${N}Edges: ( )\n" '7: expected "Edges: ( 1 )"'
refused_text "fewer nodes than declared" "${H}0 1.0 2.0 1 1 -1 RT_NODE\nEdges: ( 1 )\n" \
	'4: the section declares 2 nodes, 1 listed'
refused_text "more nodes than declared" "${N}2 5 5 0 0 -1 RT_NODE\n" \
	'7: more nodes than the 2 the section declares (line 4)'
refused_text "fewer edges than declared" "${E}\n" '7: the section declares 1 edges, 0 listed'
refused_text "more edges than declared" "${E}0 0 1 1 1 1 -1 -1 E_RT U\n1 1 0 1 1 1 -1 -1 E_RT U\n" \
	'9: more edges than the 1 the section declares (line 7)'
refused_text "a node of 6 fields" "${H}0 1.0 2.0 1 1 -1\n" \
	'5: a node is 7 fields: id x y indeg outdeg ASid type'
refused_text "a node of 8 fields" "${H}0 1.0 2.0 1 1 -1 RT_NODE x\n" \
	'5: a node is 7 fields: id x y indeg outdeg ASid type'
refused_text "a negative node id" "${H}-1 1.0 2.0 1 1 -1 RT_NODE\n" \
	'5: node id "-1" is not a whole number'
refused_text "a node id beyond 32 bits" "${H}4294967296 1.0 2.0 1 1 -1 RT_NODE\n" \
	'5: node id "4294967296" is not a whole number'
refused_text "a coordinate that is not a number" "${H}0 1.0 2.0.1 1 1 -1 RT_NODE\n" \
	'5: coordinates "1.0" "2.0.1" are not numbers'
refused_text "a coordinate nan" "${H}0 nan 2 1 1 -1 RT_NODE\n" \
	'5: coordinates "nan" "2" are not numbers'
refused_text "a coordinate too large for a double" "${H}0 1e999 2 1 1 -1 RT_NODE\n" \
	'5: coordinates "1e999" "2" are not numbers'
refused_text "a degree that is not whole" "${H}0 1 2 1.5 1 -1 RT_NODE\n" \
	'5: degrees "1.5" "1" are not whole numbers'
refused_text "an AS id -2" "${H}0 1 2 1 1 -2 RT_NODE\n" \
	'5: AS id "-2" is not -1 nor a whole number below 4294967295'
refused_text "an AS id 4294967295" "${H}0 1 2 1 1 4294967295 RT_NODE\n" \
	'5: AS id "4294967295" is not -1 nor a whole number below 4294967295'
refused_text "a node id twice" "${H}1 1 2 1 1 -1 RT_NODE\n01 3 4 1 1 -1 RT_NODE\n" \
	'6: node 1 again, first at line 5'
refused_text "an edge of 8 fields" "${E}0 0 1 1 1 1 -1 -1\n" \
	'8: an edge is 9 or 10 fields: id from to length delay bandwidth ASfrom ASto type [direction]'
refused_text "an edge of 11 fields" "${E}0 0 1 1 1 1 -1 -1 E_RT U x\n" \
	'8: an edge is 9 or 10 fields: id from to length delay bandwidth ASfrom ASto type [direction]'
refused_text "an edge id that is not a number" "${E}e0 0 1 1 1 1 -1 -1 E_RT U\n" \
	'8: edge id "e0" is not a whole number'
N3='Topology: ( 3 Nodes, 2 Edges )\nNodes: ( 3 )\n0 1 2 1 1 -1 RT_NODE\n'
N3="${N3}1 1 2 2 2 -1 RT_NODE\n2 1 2 1 1 -1 RT_NODE\nEdges: ( 2 )\n"
refused_text "an edge id twice" "${N3}5 0 1 1 1 1 -1 -1 E_RT U\n5 1 2 1 1 1 -1 -1 E_RT U\n" \
	'8: edge 5 again, first at line 7'
refused_text "an edge to a node not listed" "${E}0 0 9 1 1 1 -1 -1 E_RT U\n" \
	'8: node 9 is not listed in the Nodes section'
refused_text "an edge from a node id that is not a number" "${E}0 x 1 1 1 1 -1 -1 E_RT U\n" \
	'8: node id "x" is not a whole number'
refused_text "an edge from a node to itself" "${E}0 1 01 1 1 1 -1 -1 E_RT U\n" \
	'8: edge 0 from node 1 to itself'
refused_text "a length that is not a number" "${E}0 0 1 l 1 1 -1 -1 E_RT U\n" \
	'8: length "l" is not a number'
refused_text "a delay that is not a number" "${E}0 0 1 1 1ms 1 -1 -1 E_RT U\n" \
	'8: delay "1ms" is not a number'
refused_text "a negative delay" "${E}0 0 1 1 -0.5 1 -1 -1 E_RT U\n" '8: delay "-0.5" is negative'
refused_text "a delay below 1 ns" "${E}0 0 1 1 4e-7 1 -1 -1 E_RT U\n" \
	'8: delay "4e-7" is too small to keep (below 1 ns)'
refused_text "a delay beyond the longest run" "${E}0 0 1 1 1.1e12 1 -1 -1 E_RT U\n" \
	'8: delay "1.1e12" is too large'
refused_text "a negative bandwidth" "${E}0 0 1 1 1 -10 -1 -1 E_RT U\n" \
	'8: bandwidth "-10" is negative'
refused_text "a bandwidth below 1 bit/s" "${E}0 0 1 1 1 0.0000001 -1 -1 E_RT U\n" \
	'8: bandwidth "0.0000001" is too small to keep (below 1 bit/s)'
refused_text "a bandwidth beyond 10^18 bit/s" "${E}0 0 1 1 1 2e12 -1 -1 E_RT U\n" \
	'8: bandwidth "2e12" is too large'
refused_text "an edge AS that is not a number" "${E}0 0 1 1 1 1 -1 x E_RT U\n" \
	'8: edge ASes "-1" "x" are not -1 nor whole numbers'
refused_text "a NUL byte" "${H}0 1 2 1 1 -1 RT_\000NODE\n" '5: a NUL byte: not a text file'
refused_text "no Edges section" "${N}" ' no Edges section'
refused_text "no Nodes section" "${H%Nodes*}" ' no Nodes nor Edges section'
refused_text "an empty file" '' ' no Topology line, Nodes nor Edges section'
refused_text "no node at all" 'Topology: ( 0 Nodes, 0 Edges )\nNodes: ( 0 )\nEdges: ( 0 )\n' \
	' no node in the file'
# A declared count is only a number: nothing is made of it before lines come.
B='Topology: ( 4294967295 Nodes, 0 Edges )\nNodes: ( 4294967295 )\n'
refused_text "a count of 4294967295 nodes, two listed" \
	"${B}0 1 2 0 0 -1 RT_NODE\n1 1 2 0 0 -1 RT_NODE\nEdges: ( 0 )\n" \
	'2: the section declares 4294967295 nodes, 2 listed'
refused_text "a count beyond 32 bits" 'Topology: ( 4294967296 Nodes, 0 Edges )\n' \
	'1: expected "Topology: ( N Nodes, M Edges )" first'

finish
