#!/bin/sh
# study.sh - scenarios/study/study.sh (doc/study.md): on a five-AS graph
# whose policy paths are known, the report's numbers against the run
# folders and the graph, and the sweep; on a generated 40-AS graph, the
# run and its report; bad options refused.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

study="$top_srcdir/scenarios/study/study.sh"

# ---- a graph whose paths are known ----
# 2 and 3 are transit (the servers), 20 and 30 stubs (the clients), 20 and
# 30 peers: the shortest way between 3 and 20 is 3 30 20 (2 hops), but 30
# passes its provider's routes only to its customers, so the content of
# AS3's server reaches AS20 over 3 1 2 20 (3 hops): a stretch of 1.5, in
# both approaches (the coupled Consume climbs 20 2 1, where the record is).
printf '1|2|-1\n1|3|-1\n2|20|-1\n3|30|-1\n20|30|0\n' >"$T/v5.txt"
o="$T/v5"
sh "$study" --caida "$T/v5.txt" --out "$o" --set rate=0.5 --set contents=2 -j 2 \
	--cometsim "$COMETSIM" 2>"$T/v5.err"
rc=$?
check "the study runs on a caida file (exit $rc)" [ "$rc" -eq 0 ]
check "... and writes its report" [ -s "$o/report.md" ]
for h in decoupled coupled; do
	n=$(($(wc -l <"$o/run/$h/requests.csv") - 1))
	check "the $h half made requests ($n)" [ "$n" -gt 20 ]
	c=$(awk -F, '$12 == "complete"' "$o/run/$h/requests.csv" | wc -l)
	check "... the report counts them and those complete ($n, $c)" \
		grep -q "^| $h | $n | $c | none |$" "$o/report.md"
done
n=$(awk -F, '$1 == "decoupled" && $2 == 20 && $3 == 3' "$o/stretch.csv" | wc -l)
check "requests from AS20 for AS3's contents, decoupled ($n)" [ "$n" -gt 0 ]
n=$(awk -F, '$1 == "decoupled" && $2 == 20 && $3 == 3 && ($4 != 3 || $5 != 2 || $6 != 1.5)' \
	"$o/stretch.csv" | wc -l)
check "... each 3 AS hops against 2 of IP, a stretch of 1.5 ($n otherwise)" [ "$n" -eq 0 ]
n=$(awk -F, '$1 == "coupled" && $2 == 20 && $3 == 3' "$o/stretch.csv" | wc -l)
check "requests from AS20 for AS3's contents, coupled ($n)" [ "$n" -gt 0 ]
n=$(awk -F, '$1 == "coupled" && $2 == 20 && $3 == 3 && ($4 != 3 || $5 != 2 || $6 != 1.5)' \
	"$o/stretch.csv" | wc -l)
check "... each 3 AS hops against 2 of IP, a stretch of 1.5 ($n otherwise)" [ "$n" -eq 0 ]
n=$(awk -F, '$1 == "coupled" && $2 == 30 && $3 == 3 && ($4 != 1 || $5 != 1)' \
	"$o/stretch.csv" | wc -l)
check "AS30's requests for its provider's contents take the one hop ($n otherwise)" [ "$n" -eq 0 ]
n=$(awk -F, '$4 == "coupled" && $12 == "complete" && $6 == ""' "$o/requests.csv" | wc -l)
check "every complete coupled request has its path, joins included ($n without)" [ "$n" -eq 0 ]
# The median and the largest delivery time, recomputed here from
# requests.csv: the median of n values is the ceil(n / 2)-th (nearest
# rank), the 99th percentile of fewer than 100 values the largest.
for h in decoupled coupled; do
	n=$(awk -F, -v h="$h" '$4 == h && $12 == "complete"' "$o/requests.csv" | wc -l)
	awk -F, -v h="$h" '$4 == h && $12 == "complete" { print $9 }' "$o/requests.csv" |
		sort -g >"$T/cc-$h"
	m=$(printf '%.4f' "$(sed -n "$(((n + 1) / 2))p" "$T/cc-$h")")
	check "the $h median delivery time ($m s) is in the report" \
		grep -q "^| $h | completion | $n | [0-9.]* | $m | " "$o/report.md"
	x=$(printf '%.4f' "$(tail -n 1 "$T/cc-$h")")
	check "... and its 99th percentile, the largest of $n ($x s)" \
		grep -q "^| $h | completion | $n | [0-9.]* | [0-9.]* | [0-9.]* | $x |$" "$o/report.md"
done
# The decoupled signalling: two messages each for the CMEs' requests and the agents'.
d=$(awk -F, '($1 == "cme" && $3 == "content_requests") || ($1 == "cafe_agent" && $3 == "requests") { s += 2 * $4 } END { print s }' "$o/run/decoupled/counters.csv")
n=$(($(wc -l <"$o/run/decoupled/requests.csv") - 1))
check "the decoupled signalling ($d messages) is in the report" \
	grep -q "^| decoupled | $n | $d | " "$o/report.md"
# The coupled signalling: two messages a Consume (it and its reply), and
# each Configure, Notify and Release.
d=$(awk -F, '$1 == "crme" && $3 == "consumes" { s += 2 * $4 }
	$1 == "crme" && ($3 == "configures" || $3 == "notifies" || $3 == "releases") { s += $4 }
	END { print s }' "$o/run/coupled/counters.csv")
n=$(($(wc -l <"$o/run/coupled/requests.csv") - 1))
check "the coupled signalling ($d messages) is in the report" \
	grep -q "^| coupled | $n | $d | " "$o/report.md"
u=$(awk -F, '$1 == "rae" && $3 == "update_in" { s += $4 } END { print s + 0 }' \
	"$o/run/decoupled/counters.csv")
check "the decoupled half's RAE updates ($u) are in the report" \
	grep -q "the RAEs exchanged $u updates\$" "$o/report.md"
u=$(awk -F, '$1 == "rae" && $3 == "update_in" { s += $4 } END { print s + 0 }' \
	"$o/run/coupled/counters.csv")
check "... and the coupled half's ($u)" grep -q "decoupled half, $u carrying " "$o/report.md"
c=$(awk -F, '$1 == "rae" && $3 == "last_change_ns" && $4 > m { m = $4 } END { printf "%.3f", m / 1e9 }' \
	"$o/run/decoupled/counters.csv")
check "the RAEs' convergence ($c s) is in the report" grep -q "came at $c s of" "$o/report.md"
for p in cdf-completion cdf-first_byte cdf-stretch ts-rae.preferred_changes.rate; do
	check "the plot $p is drawn" [ -s "$o/plots/$p.png" ]
	check "... and the report shows it" grep -q "(plots/$p.png)" "$o/report.md"
done
check "the state table has the coupled CAFE's content states" \
	grep -q '^| coupled | CAFE: content states | [0-9.]* | [0-9]* |$' "$o/report.md"
n=$(tail -n +2 "$o/sweep/runs.csv" | wc -l)
check "the sweep ran its 18 runs ($n)" [ "$n" -eq 18 ]
for p in delivery-decoupled delivery-coupled first-byte; do
	check "the sweep's plot $p is drawn" [ -s "$o/sweep/plots/$p.png" ]
	check "... and the report shows it" grep -q "(sweep/plots/$p.png)" "$o/report.md"
done
check "the sweep's runs have the study's graph" grep -q '<set name="caida" value="' "$o/sweep.xml"
check "... and its values" grep -q '<set name="contents" value="2"/>' "$o/sweep.xml"
check "the run's log holds only the expected warnings" \
	not grep -v 'kept no key: no running instance reporting that statistic' "$o/run.log"

# A study that fails after its run (the sweep refuses another plan in the
# same folder) leaves no report that looks complete.
sh "$study" --caida "$T/v5.txt" --out "$o" --set rate=0.5 --set contents=3 -j 2 \
	--cometsim "$COMETSIM" 2>"$T/v5b.err"
rc=$?
check "another plan in the same folder: refused (exit $rc)" [ "$rc" -eq 1 ]
check "... and the earlier report is gone" [ ! -e "$o/report.md" ]

# ---- the study on a generated graph ----
o="$T/g40"
sh "$study" --ases 40 --out "$o" --no-sweep --set start=15s --set duration=20s --set end=40s \
	--cometsim "$COMETSIM" 2>"$T/g40.err"
rc=$?
check "the study runs on a generated 40-AS graph (exit $rc)" [ "$rc" -eq 0 ]
n=$(awk -F, '$1 == "rae" && $3 == "rib_prefixes"' "$o/run/decoupled/counters.csv" | wc -l)
check "... 40 RAEs ($n)" [ "$n" -eq 40 ]
n=$(awk -F, '$1 == "coupled"' "$o/stretch.csv" | wc -l)
check "the coupled requests have their stretch ($n)" [ "$n" -gt 0 ]
check "no sweep was asked for" not grep -q '^## The sweep' "$o/report.md"

# ---- bad options ----
sh "$study" --ases many --out "$T/bad" --cometsim "$COMETSIM" 2>"$T/bad.err"
rc=$?
check "--ases many: a usage error (exit $rc)" [ "$rc" -eq 2 ]
check "... that says so" grep -q 'study.sh: --ases many: not a number' "$T/bad.err"
sh "$study" --caida "$T/none.txt" --out "$T/bad" --cometsim "$COMETSIM" 2>"$T/bad.err"
rc=$?
check "--caida of a missing file: exit 1 ($rc)" [ "$rc" -eq 1 ]
sh "$study" --set 'alpha=1 2' --out "$T/bad" --cometsim "$COMETSIM" 2>"$T/bad.err"
rc=$?
check "--set with a blank: a usage error (exit $rc)" [ "$rc" -eq 2 ]
sh "$study" --caida "$T/v5.txt" --set alpha=x --out "$T/bad" --no-sweep \
	--cometsim "$COMETSIM" 2>"$T/bad.err"
rc=$?
check "a bad value: the run's error, exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... with the loader's message" grep -q 'alpha\|zipf' "$T/bad.err"
# What OUT held is not touched by a study that does not load.
mkdir -p "$T/keep/run"
echo notes >"$T/keep/run/notes.txt"
sh "$study" --caida "$T/v5.txt" --set alpha=x --out "$T/keep" --no-sweep \
	--cometsim "$COMETSIM" 2>"$T/keep.err"
rc=$?
check "a bad value in a folder of one's own: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... and the folder's files are kept" [ -f "$T/keep/run/notes.txt" ]

finish
