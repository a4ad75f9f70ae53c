#!/bin/sh
# cme.sh - the CME's request service and the decoupled approach end to
# end (doc/cme.md):
#
# 1. The evaluator scenarios/validation/decoupled.sh over e2e.xml and
#    refusals.xml: every row passes; no capture has a bad frame; the
#    CME's counters say what the rows say; a second run gives
#    byte-identical captures and log.
# 2. The same evaluator over a copy of the scenarios whose key plan is
#    wrong for AS 1 towards AS 3 (key 05, for which e1 has no rule): the
#    rows of the best-effort stream turn to FAIL with an actual value that
#    says why, and e1 counts the drops as comet_no_rule.  (The content
#    still arrives: the filter expires after 2 s without sending anything
#    and TCP's retransmissions then follow IP routing.)
# 3. Configurations the CME must refuse at load time, each with the file,
#    the line and what is wrong, exit 1 and no summary.json.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lua="$top_srcdir/output/wireshark/cometsim.lua"
ev="$top_srcdir/scenarios/validation/decoupled.sh"
src="$top_srcdir/scenarios/decoupled"

# ---- 1. the evaluator ----
sh "$ev" "$T/v" --cometsim "$COMETSIM" >"$T/v.txt" 2>&1
rc=$?
cat "$T/v.txt"
check "decoupled.sh exits 0 (every row passes)" [ "$rc" -eq 0 ]
check "13 rows, all PASS" [ "$(grep -c '"result":"PASS"' "$T/v/rows.jsonl")" -eq 13 ]
for d in e2e refusals; do
	bad=0
	for f in "$T/v/$d"/*.pcap; do
		n=$(pcap_bad "$f" | wc -l)
		[ "$n" -eq 0 ] || { echo "  $f: $n bad frames" >&2; bad=$((bad + n)); }
	done
	check "$d: no capture has a bad checksum or a malformed frame ($bad)" [ "$bad" -eq 0 ]
	check "$d: the run completed" [ "$(json_get "$T/v/$d/summary.json" status)" = complete ]
done
c="$T/v/e2e/counters.csv"
check "e2e: the CME accepted 2 requests, refused none" \
	[ "$(counter "$c" cme cme1/cme0 accepted)" -eq 2 -a "$(counter "$c" cme cme1/cme0 refused)" -eq 0 ]
check "e2e: the CME collected 2 expired streams" [ "$(counter "$c" cme cme1/cme0 expired_streams)" -eq 2 ]
c="$T/v/refusals/counters.csv"
check "refusals: 1 accepted, 5 refused (1 unknown content, 1 no path, 2 agent, 1 other)" \
	[ "$(counter "$c" cme cme1/cme0 accepted)" -eq 1 -a \
	  "$(counter "$c" cme cme1/cme0 refused)" -eq 5 -a \
	  "$(counter "$c" cme cme1/cme0 refused_unknown_content)" -eq 1 -a \
	  "$(counter "$c" cme cme1/cme0 refused_no_path)" -eq 1 -a \
	  "$(counter "$c" cme cme1/cme0 refused_agent)" -eq 2 -a \
	  "$(counter "$c" cme cme1/cme0 refused_other)" -eq 1 ]
check "refusals: the silent agent timed out" [ "$(counter "$c" cme cme1/cme0 agent_timeouts)" -ge 1 ]

"$COMETSIM" run "$src/e2e.xml" --set "dir=$src" --out "$T/again" --quiet >/dev/null 2>&1
same=0
for f in "$T/v/e2e"/*.pcap "$T/v/e2e/log.txt" "$T/v/e2e/counters.csv"; do
	cmp -s "$f" "$T/again/$(basename "$f")" || { echo "  differs: $(basename "$f")" >&2; same=1; }
done
check "e2e: a second run gives byte-identical captures, log and counters" [ "$same" -eq 0 ]

# ---- 2. a wrong key plan turns rows to FAIL ----
mkdir -p "$T/broken"
cp "$src"/*.xml "$T/broken/"
sed 's|<keys as="1" to="3" keys="03"/>|<keys as="1" to="3" keys="05"/>|' "$src/cme.xml" >"$T/broken/cme.xml"
check "the broken copy differs from the original" not cmp -s "$src/cme.xml" "$T/broken/cme.xml"
sh "$ev" "$T/b" --cometsim "$COMETSIM" --only 2,4 --set "dir=$T/broken" >"$T/b.txt" 2>&1
rc=$?
cat "$T/b.txt"
check "broken: decoupled.sh exits 1" [ "$rc" -eq 1 ]
row() { grep "\"test\":$1," "$T/b/rows.jsonl"; }
check "broken: test 2 FAILs, its actual names the keys the CME chose" \
	sh -c 'row=$1; printf "%s" "$row" | grep -q "\"result\":\"FAIL\"" && printf "%s" "$row" | grep -q "keys 0504"' _ "$(row 2)"
check "broken: test 4 FAILs: no COMET frame of the stream reached r3" \
	sh -c 'row=$1; printf "%s" "$row" | grep -q "\"result\":\"FAIL\"" && printf "%s" "$row" | grep -q "e1 sent 0 COMET frames on eth3"' _ "$(row 4)"
check "broken: e1 counted the drops as comet_no_rule" \
	[ "$(counter "$T/b/e2e/counters.csv" cafe e1 drop_comet_no_rule)" -gt 0 ]

# ---- 3. configurations the CME refuses ----
# bad NAME EXPECTED_TEXT SED_EXPRESSION: a copy of cme.xml edited by SED_EXPRESSION.
bad() {
	mkdir -p "$T/bad/$1"
	cp "$src"/*.xml "$T/bad/$1/"
	sed "$3" "$src/cme.xml" >"$T/bad/$1/cme.xml"
	"$COMETSIM" run "$src/e2e.xml" --set "dir=$T/bad/$1" --out "$T/bad/$1/out" \
		>"$T/bad/$1.out" 2>&1
	rc=$?
	msg=$(head -n 3 "$T/bad/$1.out" | tr '\n' ' ')
	check "$1: exit 1 ($rc): $msg" [ "$rc" -eq 1 ]
	check "$1: the message names the file, the line and \"$2\"" \
		grep -qE "$T/bad/$1/cme.xml:[0-9]+: .*$2" "$T/bad/$1.out"
	check "$1: no summary.json" [ ! -e "$T/bad/$1/out/summary.json" ]
}
bad malformed "malformed XML" 's|<content name="video" size="1000000">|<content name="video" size="1000000"|'
bad unknown-attribute "schema: .*colour" 's|<content name="video"|<content colour="red" name="video"|'
bad bad-keys "schema: .*keys" 's|to="2" keys="02"|to="2" keys="020"|'
bad twice "content \"video\" is given twice" 's|<content name="stale"|<content name="video"|'
bad keys-twice "given twice" 's|<keys as="4" from="3" keys=""/>|<keys as="4" from="2" keys="01"/>|'
bad address "address \"10.1.1.300\" is not an IPv4 or IPv6 address" 's|address="10.1.1.2" port="8080" as="1" agent="10.1.1.1"|address="10.1.1.300" port="8080" as="1" agent="10.1.1.1"|'
bad levels "aspiration level is worse than its reservation" 's|delay_aspiration="0.015" delay_reservation="0.03"|delay_aspiration="0.05" delay_reservation="0.03"|'
bad no-node "no node of the scenario has the agent address 10.9.9.9" 's|agent="10.1.1.1"|agent="10.9.9.9"|'
bad class-twice "decision_parameters id 2 is given twice" 's|<decision_parameters id="1"|<decision_parameters id="2"|'
bad any-twice "the keys of AS 4 for this entry and exit are given twice" \
	's|<keys as="4" from="[23]" keys=""/>|<keys as="4" from="any" keys=""/>|'
bad to-any 'to="any": the keys of a domain lead to the AS the stream leaves towards' \
	's|<keys as="2" from="1" to="4"|<keys as="2" from="1" to="any"|'

# ---- 4. peer and from="any": the same network as e2e.xml ----
data="$top_srcdir/tests/scenarios/data"
check "the generated copy's key plan has from=\"any\" entries" \
	[ "$(grep -c '<keys .*from="any"' "$data/cme-any.xml")" -eq 3 ]
"$COMETSIM" run "$data/decoupled-generated.xml" --set "dir=$src" --set "cme=$data/cme-any.xml" \
	--out "$T/gen" --quiet >"$T/gen.txt" 2>&1
check "generated: runs and completes ($(head -n 2 "$T/gen.txt" | tr '\n' ' '))" \
	[ "$(json_get "$T/gen/summary.json" status)" = complete ]
n=0
same=0
for f in "$T/again"/*.pcap; do
	n=$((n + 1))
	b=$(basename "$f")
	cmp -s "$f" "$T/gen/$b" || { echo "  differs: $b" >&2; same=1; }
done
check "generated: the same $n captures as e2e.xml, byte for byte" [ "$n" -eq 20 -a "$same" -eq 0 ]
bad=0
for f in "$T/gen"/*.pcap; do
	k=$(pcap_bad "$f" | wc -l)
	[ "$k" -eq 0 ] || { echo "  $f: $k bad frames" >&2; bad=$((bad + k)); }
done
check "generated: no capture has a bad frame ($bad)" [ "$bad" -eq 0 ]
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" "$lua" >"$T/tshark-cme"
chmod +x "$T/tshark-cme"
# reply_keys DIR CLIENT: the keys of the ACCEPTED replies cli got, as tshark reads them.
reply_keys() {
	TSHARK="$T/tshark-cme" tshark_read "$1/$2-eth0.pcap" -Y 'cmeclient.status == 0' \
		-T fields -e cmeclient.keys | sort -u | tr '\n' '/'
}
check "generated: cli1's reply carries keys 03 04, as with the explicit plan" \
	[ "$(reply_keys "$T/gen" cli1)" = "03 04/" -a "$(reply_keys "$T/again" cli1)" = "03 04/" ]
check "generated: cli2's reply carries keys 02 04, as with the explicit plan" \
	[ "$(reply_keys "$T/gen" cli2)" = "02 04/" -a "$(reply_keys "$T/again" cli2)" = "02 04/" ]
c="$T/gen/counters.csv"
check "generated: the CME accepted 2 requests" [ "$(counter "$c" cme cme1/cme0 accepted)" -eq 2 ]
check "generated: r3 dropped nothing for want of a rule (the exact entry won over any)" \
	[ "$(counter "$c" cafe r3 drop_comet_no_rule)" -eq 0 ]
log="$T/gen/log.txt"
chose=' cme1 cme/cme0 INFO: request 1: chose server 10.1.1.2 (AS 1)'
check "generated: AS 3's keys from its exact entry, AS 4's from any (line 34)" \
	grep -q "$chose as_path 3 4 score [0-9.]* keys 0304 (from=\"any\": AS 4 line 34); configuring stream 1 " \
	"$log"
check "generated: AS 2's and AS 4's keys from any (lines 31, 34)" \
	grep -q "$chose as_path 2 4 score [0-9.]* keys 0204 (from=\"any\": AS 2 line 31, AS 4 line 34); configuring stream 2 " \
	"$log"
check "e2e: an explicit plan's choices name no any entry" \
	not grep -q 'from="any"' "$T/again/log.txt"
check "generated: cf_tool resolved r3's next hop to e4's eth1" \
	grep -q ' r3 cf_tool/[^ ]* INFO: rule 04 added: ethernet eth1 02:00:00:00:06:01 (peer e4 eth1)$' \
	"$log"

finish
