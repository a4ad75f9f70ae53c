#!/bin/sh
# scenario_load.sh - good scenarios load and mean what they say: the
# samples pass "cometsim check" silently, values are parsed exactly and
# printed back in canonical form by "cometsim params", --set changes them,
# curling scripts name their links at load time, the DOT output shows the
# topology, and both samples run to their END_SIMULATION.
. "$top_srcdir/tests/scenarios/lib.sh"

S="$top_srcdir/scenarios"
P="$T/params"

# has FILE LINE: FILE has exactly this line.
has() {
	grep -qxF -- "$2" "$1"
}

for f in "$S/sample.xml" "$S/curling-chain.xml" "$top_srcdir/topologies/sample.xml"; do
	check "check $(basename "$f"): exit 0" "$COMETSIM" check "$f"
	"$COMETSIM" check "$f" >"$T/out" 2>&1
	check "check $(basename "$f"): prints nothing" [ ! -s "$T/out" ]
done

"$COMETSIM" params "$S/sample.xml" >"$P" 2>&1
check "params: count" has "$P" "count=100"
check "params: end_time" has "$P" "end_time=10s"
check "params: routing" has "$P" "routing=static"
check "params: link delay" has "$P" "link.r1-r2.delay=5ms"
check "params: link queue in KiB" has "$P" "link.r1-r2.queue=64KiB"
check "params: default link queue" has "$P" "link.r2-h2.queue=100p"
check "params: link weight" has "$P" "link.r1-r2.weight=10"

"$COMETSIM" params "$S/sample.xml" --set count=7 --set link.r1-r2.delay=0.25ms \
	--set end_time=0.1s --set linkdefaults.delay=0.000000001s \
	--set linkdefaults.bandwidth=1.5Mbps --set link.h1-r1.loss="ge 0.01 0.2" \
	--set routing=shortest-path >"$P" 2>&1
check "--set: a param" has "$P" "count=7"
check "--set: 0.25ms is 250us" has "$P" "link.r1-r2.delay=250us"
check "--set: 0.1s is 100ms" has "$P" "end_time=100ms"
check "--set: 1ns exactly" has "$P" "linkdefaults.delay=1ns"
check "--set: 1.5Mbps exactly" has "$P" "linkdefaults.bandwidth=1500kbps"
check "--set: loss model" has "$P" "link.h1-r1.loss=gilbert-elliott 0.01 0.2 0 1"
check "--set: routing" has "$P" "routing=shortest-path"

"$COMETSIM" params "$S/curling-chain.xml" >"$P" 2>&1
check "curling: end time from EndTime" has "$P" "end_time=10s"
check "curling: shortest-path" has "$P" "routing=shortest-path"
check "curling: link 1-2 named" has "$P" "link.1:eth0-2:eth0.bandwidth=1Gbps"
check "curling: link 2-3 named" has "$P" "link.2:eth1-3:eth0.delay=0"
check "curling: link 3-4 named" has "$P" "link.3:eth1-4:eth0.weight=1"
"$COMETSIM" params "$S/curling-chain.xml" --set linkdefaults.delay=2ms \
	--set link.2:eth1-3:eth0.delay=7ms >"$P" 2>&1
check "curling: linkdefaults" has "$P" "link.1:eth0-2:eth0.delay=2ms"
check "curling: one script link" has "$P" "link.2:eth1-3:eth0.delay=7ms"

"$COMETSIM" topo "$S/sample.xml" --dot >"$T/dot" 2>&1
check "dot: a graph" grep -q '^graph "sample" {' "$T/dot"
check "dot: link r1-r2 with its parameters" \
	grep -qF '"r1" -- "r2" [label="r1-r2\n10 Mbps, 5 ms, weight 10", taillabel="eth1", headlabel="eth1"]' "$T/dot"
check "dot: the GRE tunnel" grep -qF '"r1" -- "r2" [style=dashed, label="gre1"]' "$T/dot"
check "dot: domain cluster" grep -qF 'subgraph "cluster_d1"' "$T/dot"
"$COMETSIM" topo "$S/curling-chain.xml" --dot >"$T/dot" 2>&1
check "dot: curling routers and links" grep -qF '"3" -- "4"' "$T/dot"

for f in sample curling-chain; do
	"$COMETSIM" run "$S/$f.xml" --out "$T/run-$f" -q >/dev/null 2>"$T/stderr"
	rc=$?
	check "run $f: exit 0 (got $rc)" [ "$rc" -eq 0 ]
	check "run $f: complete" [ "$(json_get "$T/run-$f/summary.json" status)" = complete ]
	check "run $f: stopped by END_SIMULATION" \
		[ "$(json_get "$T/run-$f/summary.json" stop_reason)" = end_simulation ]
done
check "sample: ends at 9 s" [ "$(json_get "$T/run-sample/summary.json" sim_time_ns)" = 9000000000 ]
check "curling: ends at 6 s" \
	[ "$(json_get "$T/run-curling-chain/summary.json" sim_time_ns)" = 6000000000 ]
check "curling: router 4 hears router 1" \
	grep -q "4 recv/recv0 INFO: first datagram from 10.0.0.1:" "$T/run-curling-chain/log.txt"
check "curling: the middle link ends at 5 s" \
	grep -q "^5.000000000 .*link 2:eth1-3:eth0 ended" "$T/run-curling-chain/log.txt"

# ---- one rule for every override: a run option's flag is a --set ----

# ov NAME ARGS...: run the sample briefly with ARGS into $T/NAME.
ov() {
	d=$1
	shift
	"$COMETSIM" run "$S/sample.xml" --out "$T/$d" -q --pcap none "$@" >/dev/null 2>"$T/$d.err"
}
ov seed-last --seed 5 --set seed=7 --end 1s
check "--seed 5 --set seed=7: the last given wins" \
	[ "$(json_get "$T/seed-last/summary.json" seed)" = 7 ]
ov seed-flag --set seed=7 --seed 5 --end 1s
check "--set seed=7 --seed 5: the last given wins" \
	[ "$(json_get "$T/seed-flag/summary.json" seed)" = 5 ]
ov end-last --end 2s --set end_time=1s
check "--end 2s --set end_time=1s: ends at 1 s" \
	[ "$(json_get "$T/end-last/summary.json" sim_time_ns)" = 1000000000 ]
ov end-flag --set end_time=1s --end 2s
check "--set end_time=1s --end 2s: ends at 2 s" \
	[ "$(json_get "$T/end-flag/summary.json" sim_time_ns)" = 2000000000 ]
ov run-flag --set run=3 --run 4 --end 1s
check "--set run=3 --run 4: run 4" [ "$(json_get "$T/run-flag/summary.json" run)" = 4 ]
ov pcap-later --pcap r1 --set pcap=bogus --end 1s
check "--pcap r1 --set pcap=bogus: the --set is the one checked" \
	grep -qx -- '--set pcap=bogus: pcap "bogus": names a node the scenario does not have' \
	"$T/pcap-later.err"
ov pcap-flag --set pcap=bogus --pcap r1 --end 1s
check "--set pcap=bogus --pcap r1: the flag wins, the run is complete" \
	[ "$(json_get "$T/pcap-flag/summary.json" status)" = complete ]
check "... and writes r1's two captures only" [ "$(ls "$T/pcap-flag" | grep -c '\.pcap$')" -eq 2 ]

# A script link takes the lowest free ethN of each end, around the names
# the topology already gave: hub has eth0 and eth2, so its links are
# eth1, eth3 and eth4, in script order.
cat >"$T/mix.xml" <<'EOF2'
<scenario name="mix">
  <topology name="t" routing="static">
    <node name="hub">
      <ether name="eth0" address="10.9.0.1/24"/>
      <ether name="eth2" address="10.9.2.1/24"/>
    </node>
  </topology>
  <run end_time="1ms" pcap="none"/>
  <events>
    <script><![CDATA[
0 START_ROUTER 1
0 START_ROUTER 2
0 START_ROUTER 3
0 START_LINK hub 1
0 START_LINK hub 2
0 START_LINK 3 hub
]]></script>
  </events>
</scenario>
EOF2
"$COMETSIM" run "$T/mix.xml" --out "$T/mix" --quiet || fail "the mixed scenario exited $?"
grep -o 'link [^ ]* started' "$T/mix/log.txt" >"$T/mix.links"
check "script links around the topology's names: hub eth1, eth3, eth4" \
	[ "$(tr '\n' ' ' <"$T/mix.links")" = "link hub:eth1-1:eth0 started link hub:eth3-2:eth0 started link 3:eth0-hub:eth4 started " ]

finish
