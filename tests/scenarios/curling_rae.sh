#!/bin/sh
# curling_rae.sh - the RAE feeds the coupled approach (doc/curling.md,
# "The RAE feeds the CRME"): a deployment's CRMEs take their domain's
# RAE's preferred paths over the RAE-CME interface;
#  1. the interface: each RAE names its CRME as its CME, the CRME
#     answers with its version and keeps the paths;
#  3. bad rae=, nbr_as=, cos= and their combinations are refused with
#     the file and line.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# A path of the deployment's requests.csv: its only request's AS path.
req_path() {
	awk -F, 'NR == 2 { print $6 }' "$1/requests.csv"
}
req_outcome() {
	awk -F, 'NR == 2 { print $12 }' "$1/requests.csv"
}
# ---- 1. the interface ----
# AS1 provides 2 and 3, 3 provides 4, and 5 (the server) is a customer of
# both 2 and 4.
printf '1|2|-1\n1|3|-1\n3|4|-1\n2|5|-1\n4|5|-1\n' >"$T/q.txt"
cat >"$T/q.xml" <<EOF2
<scenario name="rae-resolution">
  <topology file="q.txt" format="caida"/>
  <run end_time="10s" pcap="none"/>
  <linkdefaults delay="1ms"/>
  <deploy approach="coupled">
    <servers where="AS5"/>
    <clients where="AS1"/>
    <catalogue contents="1" size="20kB"/>
    <requests trace="q.trace"/>
  </deploy>
</scenario>
EOF2
printf '5s AS1-cli0 c1\n' >"$T/q.trace"
"$COMETSIM" run "$T/q.xml" --out "$T/q" --quiet
rc=$?
check "interface: the RAE-fed deployment runs (exit $rc)" [ "$rc" -eq 0 ]
check "interface: CRME AS1 listens for its RAE" \
	grep -q 'AS1 crme/crme0 INFO: CRME 10.64.0.1: listening for its RAE on TCP port 9090, version 1$' "$T/q/log.txt"
check "interface: AS1's RAE reports to it, with its version" \
	grep -q 'AS1 rae/rae0 INFO: CME: reporting (CME version 1)$' "$T/q/log.txt"
check "interface: CRME AS1 keeps the paths to the 4 other prefixes" \
	[ "$(counter "$T/q/counters.csv" crme AS1/crme0 rae_prefixes)" -eq 4 ]
check "interface: every request answered: AS1's RAE had as many replies as requests" \
	[ "$(counter "$T/q/counters.csv" rae AS1/rae0 cme_replies)" -eq "$(counter "$T/q/counters.csv" crme AS1/crme0 rae_requests)" ]
check "interface: the request completes" [ "$(req_outcome "$T/q")" = complete ]

# ---- 3. bad input ----
# bad OPTIONS PHRASE: a CRME line with OPTIONS is refused at its line (5)
# by check and run, exit 1, nothing written.
n=0
bad() {
	n=$((n + 1))
	cat >"$T/bad$n.xml" <<EOF2
<scenario name="bad">
  <run end_time="1s"/>
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/><script><![CDATA[
100 ON_ROUTER 1.1 usr.curling.Crme 3000 0
100 ON_ROUTER 2.1 usr.curling.Crme 3000 1 1.1 $1
]]></script></events>
</scenario>
EOF2
	for cmd in check run; do
		rm -rf "$T/badout"
		if [ "$cmd" = run ]; then
			"$COMETSIM" run "$T/bad$n.xml" --out "$T/badout" --quiet 2>"$T/err" >/dev/null
		else
			"$COMETSIM" check "$T/bad$n.xml" 2>"$T/err" >/dev/null
		fi
		rc=$?
		check "bad '$1' ($cmd): exit status 1 (got $rc)" [ "$rc" -eq 1 ]
		check "bad '$1' ($cmd): cites the line" grep -q "bad$n\.xml:5: usr.curling.Crme: " "$T/err"
		check "bad '$1' ($cmd): says \"$2\"" grep -qF "$2" "$T/err"
		check "bad '$1' ($cmd): no output written" [ ! -e "$T/badout/summary.json" ]
	done
}
bad 'rae=0' 'rae'
bad 'rae=70000' 'rae'
bad 'rae=x' 'rae'
bad 'rae=9090 rae=9091' 'given twice'
bad 'nbr_as=1.1:1' 'nbr_as= without rae=PORT'
bad 'rae=9090 nbr_as=1.1' 'nbr_as: "1.1" is not CRME:AS (2.1:2)'
bad 'rae=9090 nbr_as=1.x:1' 'nbr_as: "1.x" is not a CRME address'
bad 'rae=9090 nbr_as=1.1:0' 'nbr_as: AS "0" of 1.1 is not a number from 1 to 4294967295'
bad 'rae=9090 nbr_as=1.1:4294967296' 'nbr_as: AS "4294967296" of 1.1 is not a number'
bad 'rae=9090 nbr_as=1.1:1,4.1:1' 'nbr_as: AS 1 is given twice'
bad 'rae=9090 nbr_as=1.1:1,1.1:4' 'nbr_as: CRME 1.1 is given twice'
bad 'rae=9090 nbr_as=9.9:9' 'nbr_as CRME 9.9 (10.0.9.9) is not in the topology'
bad 'rae=9090 cos=0' 'cos'
bad 'raeport=9090' 'unknown option "raeport=9090"'

finish
