#!/bin/sh
# rae_policy.sh - the RAE's policy routing (doc/rae.md, "Policy routing")
# and rae-paths.csv: scenarios/rae/policy.xml, eleven domains with
# business relationships, checked by the independent model
# tests/rae/policy_check (valley-free, reachability, best relationship)
# and by the three cases the scenario was drawn for, and every row against
# the file as the RIB wrote it before it was made compact; the same domains
# without relationships, which the model must refuse; the model itself
# against rows written by hand; the file's format, order and determinism;
# a run without RAEs writes no rae-paths.csv.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

chk="${top_builddir:-.}/tests/rae/policy_check"
raedir="$top_srcdir/scenarios/rae"
rels="$raedir/policy/as-rel.txt"
scn="$raedir/policy.xml"

run() {	# run DIR [ARGS...]: the policy scenario into DIR, no capture
	d=$1
	shift
	"$COMETSIM" run "$scn" --set "raedir=$raedir" --pcap none --out "$d" --quiet "$@"
}

# ---- the policy ----
run "$T/p"
check "the policy run completes" [ "$(json_get "$T/p/summary.json" status)" = complete ]
csv="$T/p/rae-paths.csv"
"$chk" "$rels" "$csv" >"$T/check.txt"
rc=$?
cat "$T/check.txt"
check "the model: valley-free, every allowed prefix reached, best relationships (exit $rc)" \
	[ "$rc" -eq 0 ]
sum='policy_check: 11 ASes, 11 prefixes, 105 (AS, prefix) pairs with paths: valley-free,'
check "... over 11 ASes and 105 (AS, prefix) pairs" \
	grep -qx "$sum complete, best relationships" "$T/check.txt"
check "a valley is not used: AS 4 reaches AS 5 over its provider, not their common customer" \
	grep -q '^4,10\.100\.5\.0/24,1,4 1 2 5,' "$csv"
check "a peer-peer-peer chain is not transited: AS 3 has no path to AS 9" \
	not grep -q '^3,10\.100\.9\.0/24,' "$csv"
check "... which AS 4 (its peer) and AS 7 (AS 4's customer) have" \
	[ "$(grep -c -e '^4,10\.100\.9\.0/24,1,4 9,' -e '^7,10\.100\.9\.0/24,1,7 4 9,' "$csv")" -eq 2 ]
check "a customer route beats a shorter provider route: AS 6 reaches AS 10 over 6 8 11 10" \
	grep -qx '6,10\.100\.10\.0/24,1,6 8 11 10,0\.041,0,10000000,1\.0515529023288148' "$csv"
check "... whose score is worse than the provider route's (AS 2's own path to AS 10 scores better)" \
	grep -q '^2,10\.100\.10\.0/24,1,2 10,0\.011,0,10000000,1\.0517110549376474$' "$csv"
check "the header" [ "$(head -n 1 "$csv")" = "as,prefix,class,as_path,delay,loss,bandwidth,score" ]
# The RIB keeps a path's AS path and metric in compact pools and computes
# its score when it is needed (doc/rae.md, "The RIB"): every row, digit for
# digit, as the RIB that stored them in full wrote it.
check "every row as stored in tests/rae/policy-paths.csv" \
	cmp -s "$top_srcdir/tests/rae/policy-paths.csv" "$csv"
check "an own prefix: the local AS alone, no delay, no loss, unlimited bandwidth" \
	grep -qx '9,10\.100\.9\.0/24,1,9,0,0,inf,1\.0551' "$csv"
check "rows sorted by AS, then prefix" \
	sh -c "tail -n +2 '$csv' | cut -d, -f1,2 | tr ./ ',,' | sort -c -t, -n -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k6,6"
check "one row per (AS, prefix), own prefixes included: one class, limit 1, 105 rows" \
	[ "$(tail -n +2 "$csv" | wc -l)" -eq 105 ]

# The same scenario, seed and run, the other scheduler: the same file.
run "$T/heap" --scheduler heap
check "the heap scheduler writes the same rae-paths.csv" cmp -s "$csv" "$T/heap/rae-paths.csv"
check "the marker lists rae-paths.csv (the next run into the directory removes it)" \
	grep -qx 'rae-paths.csv' "$T/p/.cometsim-run"

# ---- without relationships: the model must see the valleys ----
mkdir -p "$T/norel/policy"
for f in "$raedir"/policy/as*.xml; do
	sed 's/ *relationship="[a-z]*"//' "$f" >"$T/norel/policy/${f##*/}"
done
"$COMETSIM" run "$scn" --set "raedir=$T/norel" --pcap none --out "$T/n" --quiet
"$chk" "$rels" "$T/n/rae-paths.csv" >"$T/norel.txt"
rc=$?
check "without relationships the model finds violations (exit $rc)" [ "$rc" -eq 1 ]
check "... the valley 4 7 5" grep -q 'AS 4, 10\.100\.5\.0/24: not valley-free: after the top, 7 -> 5 goes to a provider' "$T/norel.txt"
check "... AS 3 through the peers AS 4 and AS 9" grep -q 'AS 3, 10\.100\.9\.0/24: not valley-free: after the top, 4 -> 9 goes to a peer' "$T/norel.txt"
check "... AS 6 leaving through its provider towards AS 10" \
	grep -q 'AS 6, 10\.100\.10\.0/24, class 1: the first path leaves through a provider, but a customer route exists' "$T/norel.txt"
check "... prefixes reached that the policy does not allow" \
	grep -q 'AS 1 has a path to 10\.100\.9\.0/24 (AS 9), which the policy does not let reach it' "$T/norel.txt"
check "without relationships, the RAEs decide by the score alone: 4 7 5" \
	grep -q '^4,10\.100\.5\.0/24,1,4 7 5,' "$T/n/rae-paths.csv"

# ---- the model against rows written by hand ----
hand() {	# hand NAME SED: the policy file edited by SED, checked into NAME.txt
	sed "$2" "$csv" >"$T/$1.csv"
	"$chk" "$rels" "$T/$1.csv" >"$T/$1.txt" 2>&1
}
hand missing '/^3,10\.100\.1\.0\/24,/d'
check "a missing allowed prefix: exit 1" [ $? -eq 1 ]
check "... named" grep -q 'AS 3 has no path to 10\.100\.1\.0/24 (AS 1), which the policy lets reach it' "$T/missing.txt"
hand loop 's/^4,10\.100\.5\.0\/24,1,4 1 2 5,/4,10.100.5.0\/24,1,4 1 4 1 2 5,/'
check "an AS twice in a path: exit 1" [ $? -eq 1 ]
check "... named" grep -q 'AS 4, 10\.100\.5\.0/24: AS 4 twice in the path' "$T/loop.txt"
hand nolink 's/^4,10\.100\.5\.0\/24,1,4 1 2 5,/4,10.100.5.0\/24,1,4 2 5,/'
check "a hop that is no link of the graph: exit 1" [ $? -eq 1 ]
check "... named" grep -q 'no relationship between AS 4 and AS 2' "$T/nolink.txt"
hand origin 's/^4,10\.100\.5\.0\/24,1,4 1 2 5,/4,10.100.5.0\/24,1,4 1 2,/'
check "a path that ends elsewhere than at the origin: exit 1" [ $? -eq 1 ]
check "... named" grep -q 'the path does not run from AS 4 to the origin AS 5' "$T/origin.txt"
hand header '1s/score/scores/'
check "not the header: exit 2" [ $? -eq 2 ]
"$chk" "$rels" >/dev/null 2>&1
check "one argument: usage, exit 2" [ $? -eq 2 ]
printf '1|2|1\n' >"$T/sib.txt"
"$chk" "$T/sib.txt" "$csv" >/dev/null 2>&1
check "siblings are refused: exit 2" [ $? -eq 2 ]

# ---- a run without RAEs writes no rae-paths.csv ----
"$COMETSIM" run "$top_srcdir/scenarios/echo.xml" --pcap none --out "$T/echo" --quiet
check "the echo run completes" [ "$(json_get "$T/echo/summary.json" status)" = complete ]
check "... and writes no rae-paths.csv" [ ! -e "$T/echo/rae-paths.csv" ]

finish
