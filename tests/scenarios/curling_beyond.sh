#!/bin/sh
# curling_beyond.sh - the coupled approach beyond D4.3 (doc/curling.md
# section 7): route optimisation over a peering link
# (scenarios/curling-ro.xml), several clients served by one branching flow
# (scenarios/curling-branching.xml), and a link failing during delivery
# (scenarios/curling-linkfail.xml), with the link back and without.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# content FILE FILTER: the coupled approach's content frames in FILE that
# match FILTER too.
content() {
	count "$1" "udp.payload[0:2] == 43:55 && udp.payload[3] == 0x0a && ($2)"
}
same() {
	cmp -s "$1/Content/$2/MyContent1" "$1/Content/$3/MyContent1"
}

# ---- the CRME's choice between routes of one relationship ----
# Topology 2 with domain 5 made a customer of domain 6 as well (a link
# 5.3 - 6.3, CAFEs on both ends, CRME 5.1 listing 2.1 and 6.1 as its
# providers), no content: CRME 1.1 then learns 10.0.5.0/24 from two
# customers, 2.1 (path 2 5) and 3.1 (path 3 6 5), and must keep the
# shorter (doc/curling.md, section 3, "Routing table": customer, peer,
# provider, then the shorter path, then the lower address).
cv="$T/crme-paths"
mkdir -p "$cv"
cp "$top_srcdir/topologies/curling-topology2.script" "$cv/topo.script"
echo "0 START_LINK 5.3 6.3" >>"$cv/topo.script"
grep -E '^[0-9]+ ON_ROUTER [0-9.]+ usr\.curling\.(Crme|Cafe) ' \
	"$top_srcdir/scenarios/curling-topology2.script" |
	sed -e 's|^\(100 ON_ROUTER 5\.1 usr\.curling\.Crme 3000\) 1 2\.1$|\1 2 2.1 6.1|' \
	    -e 's|^\(200 ON_ROUTER 5\.3 usr\.curling\.Cafe 2000 5\.1 3000\) 0$|\1 1 6.3 2000 6.1|' \
	    -e 's|^\(200 ON_ROUTER 6\.3 usr\.curling\.Cafe 2000 6\.1 3000\) 0$|\1 1 5.3 2000 5.1|' \
	    -e '/usr\.curling\.Crme/s/$/ routes=on/' \
	>"$cv/ents.script"
check "the variant's three changed lines are there" \
	[ "$(grep -cE ' 2 2\.1 6\.1 routes=on$| 1 6\.3 2000 6\.1$| 1 5\.3 2000 5\.1$' "$cv/ents.script")" -eq 3 ]
check "the variant's CRMEs run the Routes protocol (routes=on)" \
	[ "$(grep -c 'usr\.curling\.Crme .* routes=on$' "$cv/ents.script")" -eq 7 ]
cat >"$cv/paths.xml" <<'EOF2'
<scenario name="crme-paths">
  <run end_time="3s" log="info"/>
  <linkdefaults bandwidth="100Mbps" delay="1ms"/>
  <events>
    <script file="topo.script"/>
    <script file="ents.script"/>
  </events>
</scenario>
EOF2
"$COMETSIM" run "$cv/paths.xml" --out "$cv/out" --quiet --pcap none --log crme=debug ||
	fail "the variant of topology 2 exited $?"
last_route() {
	grep "CRME $1: route $2 " "$cv/out/log.txt" | tail -n 1 | sed 's/^.*: route //'
}
check "CRME 3.1 offers its provider the longer path (via 6.1, 2 hops)" \
	[ "$(last_route 3.1 5.0/24)" = "5.0/24 via 6.1 (customer), 2 hops" ]
check "CRME 2.1 offers the shorter (its own customer, 1 hop)" \
	[ "$(last_route 2.1 5.0/24)" = "5.0/24 via 5.1 (customer), 1 hops" ]
check "CRME 1.1 keeps the shorter of its two customer routes: via 2.1, 2 hops" \
	[ "$(last_route 1.1 5.0/24)" = "5.0/24 via 2.1 (customer), 2 hops" ]

# ---- route optimisation ----
ro="$T/ro"
"$COMETSIM" run "$top_srcdir/scenarios/curling-ro.xml" --out "$ro" --quiet || fail "curling-ro exited $?"
c="$ro/counters.csv"
check "ro: CRME 2.1 optimises once" [ "$(counter "$c" crme 2.1/crme1 ro_switches)" -eq 1 ]
check "ro: because its best route to the server is its peer 3.1" \
	grep -q 'CRME 2.1: route optimisation for MyContent1: the best route to 5.3 is via CRME 3.1 (peer), the content comes from CRME 1.1: Consume sent to 3.1' "$ro/log.txt"
check "ro: CRME 3.1 serves it from the flow it already carries" \
	[ "$(counter "$c" crme 3.1/crme2 joins)" -eq 1 ]
check "ro: the path through domain 1 is released" \
	grep -q 'CRME 1.1: ActiveSessions released: MyContent1' "$ro/log.txt"
check "ro: the content table remembers the optimised next hop" \
	grep -q 'CRME 2.1: content table: MyContent1 now via CRME 3.1 (route optimised)' "$ro/log.txt"
check "ro: both clients' copies are the server's" same "$ro" "4.3 1000" "5.3 1000"
check "ro: (second client)" same "$ro" "4.3 1001" "5.3 1000"
check "ro: the second request never reaches CRME 1.1" \
	[ "$(grep -c 'CRME 1.1: Consume for MyContent1 from' "$ro/log.txt")" -eq 1 ]
# 2.4-3.4 is 2.4's eth2 (after 2.4-2.1 and 2.4-2.3).
n_peer=$(content "$ro/2.4-eth2.pcap" 'ip.src == 10.0.3.4')
n_early=$(content "$ro/1.2-eth2.pcap" 'frame.time_epoch < 2')
n_late=0
for f in "$ro"/1.*.pcap; do
	n_late=$((n_late + $(content "$f" 'frame.time_epoch >= 2')))
done
echo "ro: chunks over the peering link $n_peer, through 1.2 before 2 s $n_early, through domain 1 after 2 s $n_late"
check "ro: the first flow crossed domain 1 before the switch" [ "$n_early" -gt 0 ]
check "ro: the first flow moved to the peering link, the second used only it" \
	[ "$n_peer" -gt 196 ]
check "ro: the second flow (after 2 s) never crosses domain 1" [ "$n_late" -eq 0 ]
check "ro: the second flow is 196 chunks over the peering link" \
	[ "$(content "$ro/2.4-eth2.pcap" 'ip.src == 10.0.3.4 && frame.time_epoch >= 2')" -eq 196 ]
check "ro: the first client completed without a repair" \
	[ "$(counter "$c" cclient 4.3/cclient0 repairs)" -eq 0 ]
# The routes CRME 2.1 announces (the dissector reads the captures): to its
# provider 1.1 only its own prefix and its customer 4's; to its peer 3.1
# the same; to its customer 4.1 everything, the peer's and provider's too.
lua="$top_srcdir/output/wireshark/cometsim.lua"
(cd "$ro" && mergecap -I none -w "$T/ro.pcapng" *.pcap) || fail "mergecap failed"
exported() {
	"$TSHARK" -n -r "$T/ro.pcapng" -X "lua_script:$lua" \
		-Y "curling.type == 9 && ip.src == 10.0.2.1 && ip.dst == $1" -T fields \
		-e curling.route.prefix 2>/dev/null | tr ',' '\n' | sort -u | tr '\n' ' '
}
check "ro: 2.1 exports to its provider only its own and its customer's prefixes" \
	[ "$(exported 10.0.1.1)" = "10.0.2.0 10.0.4.0 " ]
check "ro: and the same to its peer" [ "$(exported 10.0.3.1)" = "10.0.2.0 10.0.4.0 " ]
check "ro: to its customer, every prefix" \
	[ "$(exported 10.0.4.1)" = "10.0.1.0 10.0.2.0 10.0.3.0 10.0.5.0 " ]

# ---- several clients ----
br="$T/branching"
"$COMETSIM" run "$top_srcdir/scenarios/curling-branching.xml" --out "$br" --quiet ||
	fail "curling-branching exited $?"
c="$br/counters.csv"
for cl in "5.3 1000" "6.3 1000" "5.2 1000" "5.3 1001"; do
	check "branching: client $cl has the server's content" same "$br" "$cl" "7.3 1000"
done
check "branching: CAFE 1.4 branches to 1.2 and 1.3" \
	[ "$(grep -c 'CAFE ContentStateTable at 1.4: MyContent1 1.[23] 2000$' "$br/log.txt")" -ge 2 -a \
	  "$(grep -c 'CAFE ContentStateTable at 1.4: MyContent1 1.3 2000$' "$br/log.txt")" -ge 1 ]
check "branching: CAFE 5.2 branches to 5.3:2000 and the client 5.2:1000" \
	grep -q 'CAFE ContentStateTable at 5.2: MyContent1 5.2 1000' "$br/log.txt"
check "branching: the later requests join the flow (CRMEs 1.1 and 5.1)" \
	[ "$(counter "$c" crme 1.1/crme0 joins)" -eq 1 -a "$(counter "$c" crme 5.1/crme4 joins)" -eq 2 ]
check "branching: the server sends twice: the flow, and the late client's repair" \
	[ "$(counter "$c" cserver 7.3/cserver0 transmissions)" -eq 2 ]
check "branching: 98 + 47 chunks cross 4.2 -> 1.4, not three times 98" \
	[ "$(content "$br/1.4-eth3.pcap" 'ip.src == 10.0.4.2')" -eq 145 ]
check "branching: the late client repaired once" [ "$(counter "$c" cclient 5.3/cclient3 repairs)" -eq 1 ]

# ---- a link fails during delivery ----
lf="$T/linkfail"
"$COMETSIM" run "$top_srcdir/scenarios/curling-linkfail.xml" --out "$lf" --quiet ||
	fail "curling-linkfail exited $?"
c="$lf/counters.csv"
lost=$(( $(json_get "$lf/summary.json" drops.link_down) + $(json_get "$lf/summary.json" drops.no_route) ))
rep=$(sed -n 's/.*CC: Content MyContent1: \([0-9]*\) of 489 chunks in: asking again.*/\1/p' "$lf/log.txt")
echo "linkfail: $lost frames lost to the failure, the client had ${rep:-?} of 489"
check "linkfail: frames were lost and counted (link_down, no_route)" [ "$lost" -gt 0 ]
check "linkfail: the client lacked exactly what was lost" [ "$((489 - ${rep:-0}))" -eq "$lost" ]
check "linkfail: it asked once more and got everything" \
	[ "$(counter "$c" cclient 4.3/cclient0 repairs)" -eq 1 -a "$(counter "$c" cclient 4.3/cclient0 complete)" -eq 1 ]
check "linkfail: its copy is the server's" same "$lf" "4.3 1000" "5.3 1000"
lf2="$T/linkfail-down"
"$COMETSIM" run "$top_srcdir/scenarios/curling-linkfail.xml" --out "$lf2" --quiet --set restore=99000
rc=$?
c="$lf2/counters.csv"
check "link never back: the run ends normally (exit $rc)" \
	[ "$rc" -eq 0 -a "$(json_get "$lf2/summary.json" stop_reason)" = end_simulation ]
check "link never back: the client asks again for what it lacks" \
	grep -q 'CC: Content MyContent1: 97 of 489 chunks in: asking again for chunks 97-488' "$lf2/log.txt"
check "link never back: no answer can come; the client gives up" \
	grep -q 'CC: Content MyContent1: no answer to the Consume within 2000 ms: giving up' "$lf2/log.txt"
check "link never back: counted as failed" [ "$(counter "$c" cclient 4.3/cclient0 failed)" -eq 1 ]
check "link never back: the stranded states time out" \
	grep -q 'CAFE 2.2: state for MyContent1 removed (unused: timed out)' "$lf2/log.txt"
check "link never back: and the sessions end" \
	grep -q 'CRME 2.1: ActiveSessions ended: MyContent1' "$lf2/log.txt"
check "link never back: no state is left anywhere" \
	[ "$(awk -F, '$1 == "ccafe" && $3 == "states" { s += $4 } END { print s + 0 }' "$c")" -eq 0 ]
check "link never back: no file for the client" [ ! -e "$lf2/Content/4.3 1000/MyContent1" ]

# ---- a content given as a file (the aliases ContentPublisher/ContentConsumer) ----
fl="$T/file"
src="$top_srcdir/doc/curling.md"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/curling-file.xml" --out "$fl" --quiet \
	--set "file=$src" || fail "curling-file exited $?"
check "file: the client's copy is the file, byte for byte" cmp -s "$fl/Content/4.3 1000/Doc" "$src"
check "file: the server's store holds it too" cmp -s "$fl/Content/5.3 1000/Doc" "$src"
check "file: sent in chunks of 700 bytes" \
	grep -q "CC: Consume for Doc accepted: $(wc -c <"$src" | tr -d ' ') bytes in $(( ($(wc -c <"$src") + 699) / 700 )) chunks" "$fl/log.txt"

finish
