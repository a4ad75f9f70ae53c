#!/bin/sh
# fault_curling.sh - CURLING entities stopped and restarted during and
# after a delivery (scenarios/faults/curling-node.xml, doc/faults.md):
# the chunks lost to the stopped CAFE and to the new one without state
# must be counted with their reasons, the client must repair and save
# the server's bytes; after domain 2 (its CRME and CAFEs) restarts, a
# second client must get the content too.  (A link down during delivery
# is scenarios/curling-linkfail.xml, checked by curling_beyond.sh.)
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

o="$T/run"
"$COMETSIM" run "$top_srcdir/scenarios/faults/curling-node.xml" --out "$o" --quiet
rc=$?
check "the run completes (exit $rc)" [ "$rc" -eq 0 ]
check "its summary says complete" [ "$(json_get "$o/summary.json" status)" = complete ]
log="$o/log.txt"
c="$o/counters.csv"
srv="$o/Content/5.3 1000/MyContent1"

check "router 1.2 goes down during the delivery and comes back" \
	sh -c "grep -q '^1\.100000000 1\.2 net INFO: node down$' '$log' &&
	       grep -q '^1\.300000000 1\.2 net INFO: node up$' '$log'"
check "the chunks sent towards the stopped router have no route (counted at 1.3)" \
	[ "$(counter "$c" node 1.3 drop_no_route)" -gt 0 ]
check "the new CAFE on 1.2 drops the chunks it has no state for (counted)" \
	[ "$(counter "$c" ccafe 1.2 drop_curling_no_state)" -gt 0 ]
check "and its statistics agree" \
	[ "$(counter "$c" ccafe 1.2/ccafe10 no_state)" = "$(counter "$c" ccafe 1.2 drop_curling_no_state)" ]
check "the client asks again for what it misses" \
	grep -q '^3\.[0-9]* 4\.3 cclient/cclient0 INFO: CC: Content MyContent1: [0-9]* of 489 chunks in: asking again for chunks' "$log"
check "and saves the content" \
	grep -q '4\.3 cclient/cclient0 INFO: CC: Content MyContent1 received and saved to: ./Content/4.3 1000/MyContent1$' "$log"
check "its copy is the server's" cmp -s "$srv" "$o/Content/4.3 1000/MyContent1"

check "domain 2 stops and comes back" \
	[ "$(grep -c '^5\.[05]00000000 2\.[123] net INFO: node \(down\|up\)$' "$log")" -eq 6 ]
check "the second client gets the content after the restart" \
	grep -q '4\.3 cclient/cclient1 INFO: CC: Content MyContent1 received and saved to: ./Content/4.3 1001/MyContent1$' "$log"
check "its copy is the server's" cmp -s "$srv" "$o/Content/4.3 1001/MyContent1"
check "no client failed" [ "$(counter "$c" cclient 4.3/cclient0 failed)$(counter "$c" cclient 4.3/cclient1 failed)" = 00 ]
for r in no_route curling_no_state node_down; do
	sum=$(awk -F, -v r="drop_$r" '$3 == r { s += $4 } END { print s + 0 }' "$c")
	check "summary drops.$r = $sum, the sum of the counters" \
		[ "$(json_get "$o/summary.json" "drops.$r")" = "$sum" ]
done

finish
