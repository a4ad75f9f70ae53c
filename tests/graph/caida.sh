#!/bin/sh
# caida.sh - the CAIDA AS-relationship reader (scenario/import_caida.c,
# doc/topology-caida.md): serial-1 and serial-2 files read into the graph
# graphdump prints, compared whole; every refusal with its line and
# message; a file of 300000 relationships read in linear time.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
FMT=caida
SUFFIX=.txt
. "$top_srcdir/tests/graph/lib.sh"

cat >"$T/want" <<'DUMP'
nodes 7 edges 7
node AS3356 as=3356 line=3
node AS174 as=174 line=3
node AS64500 as=64500 line=4
node AS64501 as=64501 line=6
node AS4200000001 as=4200000001 line=7
node AS65546 as=65546 line=9
node AS4294967295 as=4294967295 line=10
edge AS3356 AS174 rel=p2p line=3
edge AS3356 AS64500 rel=p2c line=4
edge AS174 AS64500 rel=p2c line=5
edge AS64500 AS64501 rel=p2c line=6
edge AS174 AS4200000001 rel=p2c line=7
edge AS65546 AS64501 rel=p2p line=9
edge AS64500 AS4294967295 rel=p2c line=10
DUMP
accepted "serial-1" "$D/caida-serial1.txt"

cat >"$T/want" <<'DUMP'
nodes 6 edges 6
node AS174 as=174 line=4
node AS3356 as=3356 line=4
node AS64510 as=64510 line=5
node AS64511 as=64511 line=6
node AS64512 as=64512 line=9
node AS64496 as=64496 line=11
edge AS174 AS3356 rel=p2p line=4
edge AS3356 AS64510 rel=p2c line=5
edge AS64510 AS64511 rel=p2c line=6
edge AS64511 AS64512 rel=s2s line=9
edge AS174 AS64512 rel=p2p line=10
edge AS64496 AS174 rel=p2p line=11
DUMP
accepted "serial-2, comments, blank lines, CRLF, no final newline" "$D/caida-serial2.txt"

# A UTF-8 byte-order mark before the first line is not content.
printf '\357\273\2771|2|0\n' >"$T/in.txt"
cat >"$T/want" <<'DUMP'
nodes 2 edges 1
node AS1 as=1 line=1
node AS2 as=2 line=1
edge AS1 AS2 rel=p2p line=1
DUMP
accepted "a byte-order mark" "$T/in.txt"

# The example of topologies/ is read whole.
"$GD" caida "$top_srcdir/topologies/as-small.caida.txt" >"$T/got" 2>"$T/err"
check "topologies/as-small.caida.txt: accepted" [ "$?" -eq 0 ]
check "topologies/as-small.caida.txt: 24 ASes, 33 relationships" \
	[ "$(head -n 1 "$T/got")" = "nodes 24 edges 33" ]

refused_text "two fields" '1|2|0\n3|4\n' \
	'2: too few fields, expected AS1|AS2|REL or AS1|AS2|REL|SOURCE'
refused_text "five fields" '1|2|0|bgp|x\n' \
	'1: too many fields, expected AS1|AS2|REL or AS1|AS2|REL|SOURCE'
refused_text "an AS number with a letter" '# c\n12x|2|0\n' \
	'2: AS number "12x" is not a number'
refused_text "a signed AS number" '1|+2|0\n' '1: AS number "+2" is not a number'
refused_text "AS 0" '1|2|0\n0|2|-1\n' \
	'2: AS number "0" is 0 (AS numbers run from 1 to 4294967295)'
refused_text "AS 0 in asdot" '0.0|2|-1\n' \
	'1: AS number "0.0" is 0 (AS numbers run from 1 to 4294967295)'
refused_text "AS 4294967296" '1|4294967296|-1\n' \
	'1: AS number "4294967296" is too large (at most 4294967295)'
refused_text "an AS number beyond 64 bits" '1|18446744073709551617|0\n' \
	'1: AS number "18446744073709551617" is too large (at most 4294967295)'
refused_text "an asdot half above 65535" '1.65536|2|0\n' \
	'1: AS number "1.65536" is not a number (nor HIGH.LOW, each half from 0 to 65535)'
refused_text "an asdot without its low half" '7.|2|0\n' \
	'1: AS number "7." is not a number (nor HIGH.LOW, each half from 0 to 65535)'
refused_text "an empty AS number" '|2|0\n' '1: empty AS number'
refused_text "relationship 2" '1|2|2\n' \
	'1: relationship "2" is not known (-1: AS1 is a provider of AS2, 0: peers, 1: siblings)'
refused_text "relationship -2" '1|2|-2|bgp\n' \
	'1: relationship "-2" is not known (-1: AS1 is a provider of AS2, 0: peers, 1: siblings)'
refused_text "an empty relationship" '1|2|\n' \
	'1: relationship "" is not known (-1: AS1 is a provider of AS2, 0: peers, 1: siblings)'
refused_text "an empty source" '1|2|0|\n' '1: empty source after the relationship'
refused_text "an AS related to itself" '1|2|0\n5|5|-1\n' '2: AS 5 related to itself'
refused_text "an AS related to itself, one in asdot" '1.0|65536|0\n' \
	'1: AS 65536 related to itself'
refused_text "a pair twice" '# c\n1|2|0\n\n3|2|-1\n1|2|-1\n' '5: 1|2 again, first at line 2'
refused_text "a pair twice, in the other order" '1|2|0\n3|4|-1\n2|1|-1\n' \
	'3: 2|1 again, first at line 1'
refused_text "a pair twice, once in asdot" '1.0|7|0|bgp\n65536|7|0|mlp\n' \
	'2: 65536|7 again, first at line 1'
refused_text "a blank in the line" '1|2|0\n1 |3|0\n' \
	'2: a blank inside the line (AS1|AS2|REL is written without any)'
refused_text "a NUL byte" '1|2|0\n3|\0004|0\n' '2: a NUL byte: not a text file'
refused_text "only comments" '# source:x\n\n# nothing\n' ' no AS relationship in the file'
refused_text "an empty file" '' ' no AS relationship in the file'

# 300000 relationships, a chain of providers and a peering every 1000
# ASes: read well within the time limit (a quadratic reader is not).
awk 'BEGIN { for (i = 1; i <= 300000; i++) print i "|" i + 1 "|" (i % 1000 ? -1 : 0) }' \
	>"$T/big.txt"
timeout 60 "$GD" caida "$T/big.txt" >"$T/got" 2>"$T/err"
check "300000 lines: read in time" [ "$?" -eq 0 ]
check "300000 lines: every AS and relationship" \
	[ "$(head -n 1 "$T/got")" = "nodes 300001 edges 300000" ]
check "300000 lines: the last one" \
	[ "$(tail -n 1 "$T/got")" = "edge AS300000 AS300001 rel=p2p line=300000" ]

finish
