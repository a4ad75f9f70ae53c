#!/bin/sh
# curling_bad.sh - bad input to the coupled approach's entities
# (tests/scenarios/data/curling-*.xml): a start-up line with the wrong
# number of neighbour tuples, an address that is not one, a port clash
# and an address no router of the scenario has are errors naming the
# file and line, before the run, with no output written; a router the
# script starts after the entity counts; a request for an unknown
# content ends in a refusal logged at the client within milliseconds,
# not a hang.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

d="$top_srcdir/tests/scenarios/data"

# refused NAME LINE PHRASE: check and run both fail with file:line: ...PHRASE.
refused() {
	for cmd in check run; do
		rm -rf "$T/out"
		if [ "$cmd" = run ]; then
			"$COMETSIM" run "$d/curling-$1.xml" --out "$T/out" --quiet 2>"$T/err" >/dev/null
		else
			"$COMETSIM" check "$d/curling-$1.xml" 2>"$T/err" >/dev/null
		fi
		rc=$?
		check "$1 ($cmd): exit status 1 (got $rc)" [ "$rc" -eq 1 ]
		check "$1 ($cmd): cites curling-$1.xml:$2" grep -q "curling-$1\.xml:$2: " "$T/err"
		check "$1 ($cmd): says \"$3\"" grep -qF "$3" "$T/err"
		check "$1 ($cmd): no output written" [ ! -e "$T/out/summary.json" ]
	done
}
refused bad-tuples 12 'usr.curling.Cafe: nInterDLink is 2 but 3 arguments follow'
refused bad-addr 12 'neighbourCAFEaddr "1.x" is not an address'
refused bad-port 13 'usr.curling.ContentClient: port 2000 on 2.2 is already used by another curling entity'
refused unknown-addr 12 'usr.curling.Cafe: neighbourCAFEaddr 9.9 (10.0.9.9) is not in the topology'
refused unknown-peer 10 'usr.curling.Crme: peer CRME 192.0.2.7 is not in the topology'

# A content file that cannot be read: at load time too.
"$COMETSIM" check "$d/curling-file.xml" --set file=/nonexistent/x 2>"$T/err" >/dev/null
rc=$?
check "missing content file: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
check "missing content file: cites the server's line" grep -q 'curling-file\.xml:29: usr.curling.ContentServer: content Doc: cannot read "/nonexistent/x"' "$T/err"
check "missing content file: says it was the --set value" grep -q 'with --set file=/nonexistent/x' "$T/err"

# The same addresses, on routers the script starts after the CAFE: accepted,
# and not reported when the CAFE starts either.
"$COMETSIM" check "$d/curling-late-addr.xml" >/dev/null 2>"$T/err"
rc=$?
check "late routers: check accepts them (exit $rc)" [ "$rc" -eq 0 ]
out="$T/late-addr"
"$COMETSIM" run "$d/curling-late-addr.xml" --out "$out" --quiet
check "late routers: the run completes" [ "$(json_get "$out/summary.json" status)" = complete ]
check "late routers: no error logged" [ "$(grep -c ERROR "$out/log.txt")" -eq 0 ]
check "late routers: no unknown address counted" \
	[ "$(counter "$out/counters.csv" ccafe 2.2/ccafe1 unknown_addresses)" -eq 0 ]

out="$T/unknown-content"
"$COMETSIM" run "$d/curling-unknown-content.xml" --out "$out" --quiet
check "unknown content: the run completes" [ "$(json_get "$out/summary.json" status)" = complete ]
t=$(sed -n 's/^\([0-9.]*\) 2.2 cclient\/cclient0 WARN: CC: Content Nope refused: not found.*/\1/p' "$out/log.txt")
check "unknown content: the client logs the refusal" [ -n "$t" ]
check "unknown content: within 100 ms of its request (at $t s)" \
	awk -v t="${t:-99}" 'BEGIN { exit !(t >= 1.0 && t < 1.1) }'
check "unknown content: the tier-1 CRME refused it" \
	grep -q 'CRME 1.1: Consume for Nope from 2.1 refused (not_found)' "$out/log.txt"
check "unknown content: the state installed on the way is removed" \
	grep -q 'CRME 2.1: Nope refused upstream by 1.1 (not_found): state removed' "$out/log.txt"
check "unknown content: counted as refused" [ "$(counter "$out/counters.csv" cclient 2.2/cclient0 refused)" -eq 1 ]
check "unknown content: no state left at 2.2" [ "$(counter "$out/counters.csv" ccafe 2.2/ccafe1 states)" -eq 0 ]

finish
