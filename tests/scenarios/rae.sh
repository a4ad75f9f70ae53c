#!/bin/sh
# rae.sh - the RAE end to end: D4.3 section 4.4's three tests and the
# project's tests 4 (ties) and 5 (lossy control links) through their
# evaluator (scenarios/validation/rae.sh: every row PASS, rows
# well-formed), then what the rows do not cover: a peer that sends
# garbage, a scenario naming a bad configuration file, determinism, and
# an evaluator that notices when a run does not match the model.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

if ! python3 -c 'import xml.etree.ElementTree' 2>/dev/null; then
	echo "SKIP: the evaluator's reference model needs python3"
	exit 77
fi
ev="$top_srcdir/scenarios/validation/rae.sh"
raedir="$top_srcdir/scenarios/rae"
export COMETSIM TSHARK top_srcdir

# ---- the evaluator ----
sh "$ev" "$T/validation" --rows "$T/rows-copy.jsonl" >"$T/table.txt" 2>"$T/stderr.txt"
rc=$?
cat "$T/table.txt"
check "the evaluator exits 0 (every row passes; exit $rc)" [ "$rc" -eq 0 ]
check "the evaluator wrote nothing on stderr" [ ! -s "$T/stderr.txt" ]
rows="$T/validation/rows.jsonl"
n=$(wc -l <"$rows")
want=29
check "rows.jsonl has $want rows ($n)" [ "$n" -eq "$want" ]
check "--rows wrote the same rows" cmp -s "$rows" "$T/rows-copy.jsonl"
check "every row says PASS" [ "$(grep -c '"result":"PASS"' "$rows")" -eq "$n" ]
s='"([^"\\[:cntrl:]]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
re="^\\{\"category\":\"rae\",\"test\":[1-8],\"description\":$s,\"step\":$s,\"expected\":$s,\"actual\":$s,\"result\":\"(PASS|FAIL)\",\"run_dir\":$s\\}\$"
check "every row is a well-formed JSON object with the eight keys" [ "$(grep -Ec "$re" "$rows")" -eq "$n" ]
if command -v jq >/dev/null 2>&1; then
	check "jq reads the rows" sh -c "jq -e -s 'all(.[]; .result == \"PASS\")' '$rows' >/dev/null"
fi

# Without tshark, test 2 cannot read its captures: the evaluator stops
# with a set-up error naming the tool, and writes no row (none left out).
TSHARK="$T/no-tshark" sh "$ev" "$T/notshark" --only 2 --quiet >/dev/null 2>"$T/notshark.err"
check "no tshark: the evaluator stops with exit 2" [ $? -eq 2 ]
check "... saying which tool and which package" \
	grep -q "^rae.sh: no tshark ($T/no-tshark): .*apt-get install tshark" "$T/notshark.err"
check "... before writing a row" [ ! -s "$T/notshark/rows.jsonl" ]

# The evaluator must see a mismatch: the converged stores against the
# model of another topology (link 1-2 down) differ.
d="$T/validation/2-converged"
( cd "$raedir/multi" && python3 "$top_srcdir/scenarios/validation/rae_model.py" \
	as1.xml as2.xml as3.xml as4.xml as5.xml as6.xml as7.xml --down-link 1-2 ) >"$T/wrong.txt"
check "the model of another topology does not match the run" not cmp -s "$T/wrong.txt" "$d/evidence/expected.txt"

# ---- a peer that sends garbage ----
# The sender is an application with the engine's TTL 64: with the west
# RAE's ttl_value 1 (TTL security, doc/rae.md) its segments never reach
# the RAE; without ttl_value (on both sides) they do, and the RAE must
# cope with them.
g="$T/garbage-ttl"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/rae-garbage.xml" --set "raedir=$raedir" \
	--out "$g" --quiet
check "with ttl_value 1, the garbage sender's segments are dropped by TTL security" \
	[ "$(counter "$g/counters.csv" node rw drop_tcp_min_ttl)" -gt 0 ]
check "with ttl_value 1, no malformed message reaches the RAE" \
	[ "$(counter "$g/counters.csv" rae rw/rae0 malformed)" -eq 0 ]
check "with ttl_value 1, the real peer's session comes up" \
	grep -q 'rw rae/rae0 INFO: peer AS200/172.16.0.2: session up' "$g/log.txt"
mkdir -p "$T/raedir/stress"
sed 's/ ttl_value="[0-9]*"//' "$raedir/stress/west.xml" >"$T/raedir/stress/west.xml"
sed 's/ ttl_value="[0-9]*"//' "$raedir/stress/east.xml" >"$T/raedir/stress/east.xml"
g="$T/garbage"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/rae-garbage.xml" --set "raedir=$T/raedir" \
	--out "$g" --quiet
rc=$?
check "the garbage run completes (exit $rc)" [ "$rc" -eq 0 ]
check "its summary says complete" [ "$(json_get "$g/summary.json" status)" = complete ]
check "the west RAE resets the session and says why" \
	grep -q 'rw rae/rae0 WARN: peer AS200/172.16.0.2: OpenWait -> Idle: update: body length 168892447 exceeds 16777216' "$g/log.txt"
check "one malformed message counted" [ "$(counter "$g/counters.csv" rae rw/rae0 malformed)" -eq 1 ]
check "then the real peer's session comes up" \
	grep -q 'rw rae/rae0 INFO: peer AS200/172.16.0.2: session up' "$g/log.txt"
check "and its 101 prefixes reach the CME" \
	[ "$(counter "$g/counters.csv" cme cw/cme0 store_prefixes)" -eq 101 ]

# ---- a bad configuration file named by a scenario ----
sed 's|\${raedir}/stress/west.xml|${raedir}/stress/no-such.xml|' \
	"$top_srcdir/tests/scenarios/data/rae-garbage.xml" >"$T/bad.xml"
sed -i "s|../../../topologies|$top_srcdir/topologies|" "$T/bad.xml"
line=$(grep -n 'no-such.xml' "$T/bad.xml" | cut -d: -f1)
"$COMETSIM" check "$T/bad.xml" --set "raedir=$raedir" 2>"$T/err"
rc=$?
check "a missing configuration is a load error (exit $rc)" [ "$rc" -eq 1 ]
check "it names the scenario line and the file" \
	grep -qF "bad.xml:$line: usr.rae.Rae: $raedir/stress/no-such.xml: cannot read: No such file or directory" "$T/err"
printf '\377\377\377' >"$T/notpb.bin"
sed -i "s|$raedir/stress/no-such.xml|$T/notpb.bin|; s|\${raedir}/stress/no-such.xml|$T/notpb.bin|" "$T/bad.xml"
"$COMETSIM" check "$T/bad.xml" --set "raedir=$raedir" 2>"$T/err"
check "a corrupt configuration names the file" grep -qF "$T/notpb.bin: not a valid ConfigurationMessage" "$T/err"

# ---- the minimum update interval ----
# Every RAE of the multi-domain scenario has minimum_update_interval 1 s:
# two Updates from one RAE to one peer (its "announcing" lines at debug
# level, one per Update sent) are never less than 1 s apart, although
# the first seconds of convergence change paths every few milliseconds.
mr="$T/mrai"
"$COMETSIM" run "$raedir/multi.xml" --set "raedir=$raedir" --out "$mr" --quiet --end 9s \
	--log rae=debug
awk '/ rae\/rae[0-9]+ DEBUG: peer .*: announcing / {
		t = $1
		sub(/\./, "", t)
		key = $2 " " $6
		if (key in last) {
			pairs++
			if (t - last[key] < 1000000000)
				print "too soon: " $0
		}
		last[key] = t
	}
	END { print pairs + 0 " pairs" }' "$mr/log.txt" >"$T/mrai.txt"
check "Updates to one peer follow each other ($(tail -n 1 "$T/mrai.txt"))" \
	[ "$(tail -n 1 "$T/mrai.txt" | cut -d' ' -f1)" -ge 20 ]
check "never within the minimum update interval (1 s)" not grep -q '^too soon: ' "$T/mrai.txt"
grep '^too soon: ' "$T/mrai.txt" | head -n 5 >&2

# ---- split horizon ----
# A path learned from a peer is never advertised back to it.  The
# provisioning table hides the rule in every shipped configuration (no
# transit from an AS to itself), so AS 3 here gets hairpin entries
# (source 1 sink 1, 4 to 4, 6 to 6), which the configuration accepts;
# the links 2-5 and 2-6 lose every frame, which leaves a tree (1-2, 1-3,
# 3-4, 4-5, 3-6) where no path can reach an AS twice but by going back
# where it came from.  So every RAE must end with paths_looped 0.
sh=$T/splithorizon
mkdir -p "$sh"
cp -R "$raedir/ties" "$sh/ties"
python3 - "$sh/ties/as3.xml" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
hp = ''.join('  <provisioning_table>\n    <source as_number="%d"/> <sink as_number="%d"/>\n'
             '    <class_table cos_id="1"><metric loss_ratio="1e-6" maximum_delay="0.001"'
             ' supported_bandwidth="1e8"/></class_table>\n  </provisioning_table>\n' % (n, n)
             for n in (1, 4, 6))
open(f, 'w').write(s.replace('</rae-config>', hp + '</rae-config>'))
PY
check "AS 3's configuration has the three hairpin entries" \
	[ "$(grep -c '<source as_number="\([146]\)"/> <sink as_number="\1"/>' "$sh/ties/as3.xml")" -eq 3 ]
"$COMETSIM" run "$raedir/ties.xml" --set "raedir=$sh" --out "$sh/out" --quiet \
	--set "link.r2-r5.loss=bernoulli 1" --set "link.r2-r6.loss=bernoulli 1"
rc=$?
check "the tree run completes (exit $rc)" [ "$rc" -eq 0 ]
n=0
for k in 0 1 2 3 4 5; do
	n=$((n + $(counter "$sh/out/counters.csv" rae "r$((k + 1))/rae$k" sessions_established)))
done
check "the five links of the tree bring up ten session ends ($n)" [ "$n" -eq 10 ]
n=0
for k in 0 1 2 3 4 5; do
	n=$((n + $(counter "$sh/out/counters.csv" rae "r$((k + 1))/rae$k" paths_looped)))
done
check "no RAE receives a path through its own AS ($n discarded)" [ "$n" -eq 0 ]
check "AS 1's CME still learns the prefixes of the five other domains" \
	[ "$(counter "$sh/out/counters.csv" cme c1/cme0 store_prefixes)" -eq 5 ]

# ---- determinism ----
for k in 1 2; do
	"$COMETSIM" run "$raedir/multi.xml" --set "raedir=$raedir" --out "$T/det$k" --quiet --end 9s
done
check "two runs of the multi-domain scenario log the same" cmp -s "$T/det1/log.txt" "$T/det2/log.txt"
same=1
for f in "$T"/det1/*.pcap; do
	cmp -s "$f" "$T/det2/$(basename "$f")" || same=0
done
check "and capture the same bytes" [ "$same" -eq 1 ]

finish
