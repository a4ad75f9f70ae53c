#!/bin/sh
# rocketfuel.sh - the Rocketfuel reader (scenario/import_rocketfuel.c,
# doc/topology-rocketfuel.md) through tests/graph/graphdump:
#
# 1. A weights file (tests/graph/data/weights.intra): names kept, labels
#    from the city, weights rounded, one link a pair (the first line).
# 2. A map (tests/graph/data/map.cch): r<uid> names, labels from the
#    location, one link a pair, external neighbours and external routers
#    left out, a neighbour without a line of its own.
# 3. Every refusal, with its line and its message.
# 4. The examples topologies/rocketfuel-*.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
FMT=rocketfuel
SUFFIX=""
. "$top_srcdir/tests/graph/lib.sh"

# 1. Weights.
dump "$D/weights.intra"
check "weights.intra: read (exit $rc)" [ "$rc" -eq 0 ]
has "weights: 5 nodes, 4 edges" "nodes 5 edges 4"
has "weights: the name as written, the city as label" \
	'node Sydney,+Australia10 label="Sydney, Australia" line=2'
has "weights: the second name of a line" \
	'node Melbourne,+Australia20 label="Melbourne, Australia" line=2'
has "weights: a name without a comma" 'node London4083 label="London" line=7'
has "weights: 4.0 is 4; the other direction (5) adds nothing" \
	'edge Sydney,+Australia10 Melbourne,+Australia20 weight=4 line=2'
has "weights: 2.5 rounds to 3" 'edge Sydney,+Australia10 Brisbane,+Australia30 weight=3 line=5'
has "weights: 0.2 is at least 1" 'edge Brisbane,+Australia30 Perth,+Australia40 weight=1 line=6'
has "weights: tabs and blanks between fields" \
	'edge London4083 Sydney,+Australia10 weight=12 line=7'

# A name of digits only has no city: no label.
printf '12 34 1e1\n' >"$T/digits.intra"
dump "$T/digits.intra"
check "digits: read (exit $rc)" [ "$rc" -eq 0 ]
has "digits: no label" 'node 12 line=1'
has "digits: an exponent" 'edge 12 34 weight=10 line=1'

# 2. Map.
dump "$D/map.cch"
check "map.cch: read (exit $rc)" [ "$rc" -eq 0 ]
has "map: 6 nodes, 5 edges" "nodes 6 edges 5"
has "map: r<uid>, the location as label" 'node r1 label="Sydney, Australia" line=1'
has "map: a router first named as a neighbour" 'node r2 label="Melbourne, Australia" line=1'
has "map: a name with ! and r1" 'node r3 label="Brisbane, Australia" line=1'
has "map: the unknown location @?: no label" 'node r4 line=1'
has "map: a router after an external one" 'node r5 label="Perth, Australia" line=7'
has "map: a neighbour without a line of its own" 'node r6 line=7'
has "map: 1-2" 'edge r1 r2 line=1'
has "map: 1-3" 'edge r1 r3 line=1'
has "map: 1-4" 'edge r1 r4 line=1'
has "map: 2-3 (listed from both ends, once)" 'edge r2 r3 line=2'
has "map: 5-6" 'edge r5 r6 line=7'
check "map: no node for the external neighbour" not grep -q '^node r-' "$T/out"

# A router without neighbours; a neighbour listed twice on a line.
printf '7 @X (0) -> =a r0\n8 @Y (2) -> <9> <9> =b r0\n' >"$T/few.cch"
dump "$T/few.cch"
check "few: read (exit $rc)" [ "$rc" -eq 0 ]
has "few: 3 nodes, 1 edge" "nodes 3 edges 1"
has "few: a router alone" 'node r7 label="X" line=1'

# 3. Refusals.
printf '' >"$T/empty"
refused_file empty 0 "no line to read: the file is empty or only comments"
printf '# nothing\n\n' >"$T/comments"
refused_file comments 0 "no line to read: the file is empty or only comments"
printf 'a b 1\na\0 b 2\n' >"$T/nul"
refused_file nul 2 "a NUL byte"
printf 'a b 1\na b\n' >"$T/twofields"
refused_file twofields 2 "2 fields: a line of weights is NAME NAME VALUE"
printf 'a b 1\na b 1 2\n' >"$T/fourfields"
refused_file fourfields 2 "4 fields: a line of weights is NAME NAME VALUE"
printf 'a b x\n' >"$T/value"
refused_file value 1 "value \"x\" is not a number"
printf 'a b -1\n' >"$T/negative"
refused_file negative 1 "value \"-1\" is negative"
printf 'a b 1.\n' >"$T/point"
refused_file point 1 "value \"1.\" is not a number"
printf 'a b inf\n' >"$T/inf"
refused_file inf 1 "value \"inf\" is not a number"
printf 'a b 5e9\n' >"$T/large"
refused_file large 1 "value \"5e9\" is too large (at most 4294967295)"
printf 'a b 1\nc c 1\n' >"$T/loop"
refused_file loop 2 "a link from c to itself"
printf 'a b:c 1\n' >"$T/colon"
refused_file colon 1 "name \"b:c\": a name has no ':'"
printf 'a b 1\n1 @X (0) -> =n r0\n' >"$T/mixed"
refused_file mixed 2 "6 fields: a line of weights is NAME NAME VALUE"

printf '1 @X (0) -> =a r0\n1 @Y (0) -> =b r0\n' >"$T/dup.cch"
refused_file dup.cch 2 "router 1 is described twice (first at line 1)"
printf '1 @X (1) -> <1> =a r0\n' >"$T/self.cch"
refused_file self.cch 1 "router 1 names itself as a neighbour"
printf '1 @X (0) -> =a r0\n4294967296 @X (0) -> =a r0\n' >"$T/big.cch"
refused_file big.cch 2 "uid \"4294967296\" is not a number from 0 to 4294967295"
printf '1 @X (0) -> =a r0\n2 (0) -> =a r0\n' >"$T/noloc.cch"
refused_file noloc.cch 2 "expected @location after the uid, found \"(0)\""
printf '1 @X 0 -> =a r0\n' >"$T/nocount.cch"
refused_file nocount.cch 1 "expected (neighbours), found \"0\""
printf '1 @X (x) -> =a r0\n' >"$T/badcount.cch"
refused_file badcount.cch 1 "expected (neighbours), found \"(x)\""
printf '1 @X (1) &x -> <2> =a r0\n' >"$T/badext.cch"
refused_file badext.cch 1 "expected ->, found \"&x\""
printf '1 @X (1) <2> =a r0\n' >"$T/noarrow.cch"
refused_file noarrow.cch 1 "expected ->, found \"<2>\""
printf '1 @X (1) -> <2x> =a r0\n' >"$T/badnb.cch"
refused_file badnb.cch 1 "neighbour \"<2x>\" is not <uid>"
printf '1 @X (1) -> {-x} =a r0\n' >"$T/badext2.cch"
refused_file badext2.cch 1 "external neighbour \"{-x}\" is not {-uid}"
printf '1 @X (1) -> <2> r0\n' >"$T/noname.cch"
refused_file noname.cch 1 "expected =name after the neighbours, found \"r0\""
printf '1 @X (1) -> <2> =a\n' >"$T/norn.cch"
refused_file norn.cch 1 "expected r<n> after the name, found the end of the line"
printf '1 @X (1) -> <2> =a rx\n' >"$T/badrn.cch"
refused_file badrn.cch 1 "expected r<n> after the name, found \"rx\""
printf '1 @X (1) -> <2> =a r0 extra\n' >"$T/trailing.cch"
refused_file trailing.cch 1 "\"extra\" after r0: nothing may follow"
printf '1 @X (1) -> <2> =a r0\n-x =b r1\n' >"$T/badexternal.cch"
refused_file badexternal.cch 2 "uid \"-x\" is not a number"
printf '1 @X (1) -> <2> =a r0\n1 2 3\n' >"$T/weightsinmap.cch"
refused_file weightsinmap.cch 2 "expected @location after the uid, found \"2\""

# 4. The examples.
dump "$top_srcdir/topologies/rocketfuel-weights.intra"
check "rocketfuel-weights.intra: read (exit $rc)" [ "$rc" -eq 0 ]
has "rocketfuel-weights.intra: 16 nodes, 24 edges" "nodes 16 edges 24"
dump "$top_srcdir/topologies/rocketfuel-map.cch"
check "rocketfuel-map.cch: read (exit $rc)" [ "$rc" -eq 0 ]
has "rocketfuel-map.cch: 18 nodes, 24 edges" "nodes 18 edges 24"

# A UTF-8 byte-order mark before the first line is not content, in
# either form.
printf '\357\273\277a1 b2 4.0\n' >"$T/bom.intra"
dump "$T/bom.intra"
check "a weights file after a byte-order mark: read (exit $rc)" [ "$rc" -eq 0 ]
has "... its first name without the mark" 'node a1 label="a" line=1'
printf '\357\273\2771 @A (1) -> <2> =n r0\n' >"$T/bom.cch"
dump "$T/bom.cch"
check "a map after a byte-order mark: read as a map (exit $rc)" [ "$rc" -eq 0 ]
has "... its router" 'node r1 label="A" line=1'

finish
