#!/bin/sh
# deploy.sh - <deploy> (doc/deploy.md): the smallest description on an
# imported AS graph runs and converges; what it generates, written out
# with `cometsim deploy --write`, runs as the deployment does; bad
# descriptions are refused with file:line.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

scn="$top_srcdir/scenarios/deploy/as-small.xml"

# ---- the smallest description converges ----
o="$T/run"
"$COMETSIM" run "$scn" --out "$o" --pcap all --quiet
rc=$?
check "the deployment runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(awk -F, '$1=="rae" && $3=="rib_prefixes"' "$o/counters.csv" | wc -l)
check "one RAE per AS: 24 ($n)" [ "$n" -eq 24 ]
n=$(awk -F, '$1=="cme" && $3=="connections" && $4==1' "$o/counters.csv" | wc -l)
check "one CME per AS, its RAE connected: 24 ($n)" [ "$n" -eq 24 ]
n=$(awk -F, '$1=="cme" && $3=="store_prefixes" && $4==23' "$o/counters.csv" | wc -l)
check "every CME holds paths to the 23 other prefixes ($n)" [ "$n" -eq 24 ]
n=$(awk -F, '$1=="rae" && $3=="rib_prefixes" && $4==24' "$o/counters.csv" | wc -l)
check "every RAE knows the 24 prefixes ($n)" [ "$n" -eq 24 ]
n=$(awk -F, '$1=="rae" && $3=="session_resets" && $4!=0' "$o/counters.csv" | wc -l)
check "no session was reset ($n)" [ "$n" -eq 0 ]
check "the log has no warning" not grep -q -e ' WARN: ' -e ' ERROR: ' "$o/log.txt"
# The RAEs' paths against the independent model of the export rules
# (tests/rae/policy_check), the siblings as the peers the deployment makes them.
pc="$top_builddir/tests/rae/policy_check"
sed 's/^\(64615|64616|\)1|/\10|/' "$top_srcdir/topologies/as-small.caida.txt" >"$T/rel.txt"
"$pc" "$T/rel.txt" "$o/rae-paths.csv" >"$T/pc.txt" 2>&1
rc=$?
check "rae-paths.csv: valley-free, complete, best relationships (exit $rc)" [ "$rc" -eq 0 ]
check "... over the 576 (AS, prefix) pairs" grep -q ' 576 (AS, prefix) pairs with paths' "$T/pc.txt"
n=$(grep -c '^64611,100\.64\.4\.0/24,' "$o/rae-paths.csv")
check "AS64611's own prefix, once per class ($n)" [ "$n" -eq 2 ]
# 64615 and 64616 are siblings, which the deployment makes peers: 64601
# reaches 64616's customer through its peer 64603, 64616's provider, not
# up through its customer 64615 and across.
check "AS64621 reaches a sibling's customer without a valley through the siblings" \
	grep -q '^64621,100\.64\.20\.0/24,1,64621 64611 64601 64603 64616 4200000101,' "$o/rae-paths.csv"
check "AS64601's RAE reads the configuration made in memory" \
	grep -q 'AS64601 rae/rae0 INFO: AS 64601, 10.64.0.1 port 10001, 5 peers, 1 own prefixes, 2 classes, keepalive 1000 ms, hold 3000 ms (config deploy:AS64601/rae.xml)' "$o/log.txt"
bad=
for f in "$o"/*.pcap; do
	[ -z "$(pcap_bad "$f")" ] || bad="$bad $f"
done
check "tshark reads every capture, no bad frame ($bad)" [ -z "$bad" ]
n=$(count "$o/AS64601-eth0.pcap" 'tcp.port == 10001')
check "AS64601 and AS64602 talk over TCP port 10001 ($n frames)" [ "$n" -gt 0 ]

# ---- a generated AS graph: the same model ----
cat >"$T/tiered.xml" <<'EOF'
<scenario name="tiered">
  <topology generate="tiered" nodes="80" tier1="4" transit="12" seed="3"/>
  <run end_time="20s" pcap="none"/>
  <deploy/>
</scenario>
EOF
"$COMETSIM" run "$T/tiered.xml" --out "$T/tiered" --quiet
rc=$?
check "a deployment on a generated 80-AS graph runs (exit $rc)" [ "$rc" -eq 0 ]
"$top_builddir/tests/graph/graphdump" --generate tiered nodes=80 tier1=4 transit=12 seed=3 |
	awk '$1 == "edge" { print substr($2, 3) "|" substr($3, 3) "|" ($4 == "rel=p2p" ? 0 : -1) }' \
	>"$T/tiered.rel"
n=$(wc -l <"$T/tiered.rel")
check "the graph's relationships, one a link ($n)" [ "$n" -gt 80 ]
"$pc" "$T/tiered.rel" "$T/tiered/rae-paths.csv" >"$T/pc2.txt" 2>&1
rc=$?
check "its rae-paths.csv passes the model (exit $rc)" [ "$rc" -eq 0 ]
check "... over 6400 (AS, prefix) pairs" grep -q ' 6400 (AS, prefix) pairs with paths' "$T/pc2.txt"

# ---- the coupled approach ----
sed 's/approach="decoupled"/approach="coupled"/' "$scn" >"$T/coupled.xml"
sed -i "s|\.\./\.\./topologies|$top_srcdir/topologies|" "$T/coupled.xml"
oc="$T/coupled"
"$COMETSIM" deploy "$T/coupled.xml" >"$T/coupled.script"
"$COMETSIM" run "$T/coupled.xml" --out "$oc" --log info,crme=debug --quiet
rc=$?
check "the coupled deployment runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(grep -c ' crme/crme[0-9]* INFO: CRME 10\.64\.0\.[0-9]*: listening on port 3000' "$oc/log.txt")
check "a CRME per AS: 24 ($n)" [ "$n" -eq 24 ]
check "AS64611's CRME originates its domain's prefix, takes its RAE on 9090, knows its neighbours' ASes" \
	grep -q '^0 ON_ROUTER AS64611 usr.curling.Crme 3000 2 10.64.0.1 10.64.0.2 1 10.64.0.6 prefix=100.64.4.0/24 as=64611 rae=9090 nbr_as=10.64.0.1:64601,10.64.0.2:64602,10.64.0.6:64612,10.64.0.11:64621,10.64.0.12:64622,10.64.0.23:4200000103$' "$T/coupled.script"
"$COMETSIM" deploy "$T/coupled.xml" --write "$T/coupled.w" >/dev/null
check "... its RAE names it as its CME" \
	grep -q 'cme_ip_address="10.64.0.5" cme_port_number="9090"' "$T/coupled.w/AS64611-rae.xml"
check "... and the RAE feeds it the paths to the 23 other domains' prefixes" \
	grep -q '^crme,AS64611/crme4,rae_prefixes,23$' "$oc/counters.csv"
check "... which it logs once" \
	grep -q 'AS64611 crme/crme4 INFO: CRME 10.64.0.5: the RAE of AS 64611 reports its preferred paths' "$oc/log.txt"
n=$(grep -c ' ccafe/ccafe[0-9]* INFO: CAFE 10\.64\.0\.[0-9]*: listening on port 2000' "$oc/log.txt")
check "a stateful CAFE per AS: 24 ($n)" [ "$n" -eq 24 ]
check "AS64611's CRME has its two providers and its peer (64612, whose link is mlp 0)" \
	grep -q 'AS64611 crme/crme4 INFO: CRME 10.64.0.5: listening on port 3000, 2 providers, 1 peer$' "$oc/log.txt"
check "a tier-1 CRME has no provider and its three peers" \
	grep -q 'AS64601 crme/crme0 INFO: CRME 10.64.0.1: listening on port 3000, 0 providers, 3 peers$' "$oc/log.txt"
check "AS64615's sibling 64616 is a peer of its CRME" \
	grep -q 'AS64615 crme/crme8 INFO: CRME 10.64.0.9: listening on port 3000, 1 provider, 1 peer$' "$oc/log.txt"
n=$(awk -F, '$1=="rae" && $3=="rib_prefixes" && $4==24' "$oc/counters.csv" | wc -l)
check "the RAEs converge there too ($n)" [ "$n" -eq 24 ]
check "no CME there" not grep -q '^cme,' "$oc/counters.csv"

# ---- a workload, coupled ----
# Servers in two stubs under different tier-1 ASes, a client in every
# stub, ten contents, Poisson requests with Zipf popularity.
cat >"$T/wl.xml" <<EOF
<scenario name="wl">
  <topology file="$top_srcdir/topologies/as-small.caida.txt" format="caida"/>
  <run end_time="30s" pcap="none"/>
  <deploy approach="coupled" keepalive="1s" hold="3s">
    <servers where="AS64625 AS64630"/>
    <clients where="stub"/>
    <catalogue contents="10" size="uniform 10kB 50kB"/>
    <requests rate="0.5" start="8s" duration="10s" zipf="0.8"/>
  </deploy>
</scenario>
EOF
"$COMETSIM" deploy "$T/wl.xml" >"$T/wl.script"
rc=$?
check "the workload's deployment loads (exit $rc)" [ "$rc" -eq 0 ]
nreq=$(grep -c ' usr.curling.ContentClient ' "$T/wl.script")
check "it makes requests ($nreq)" [ "$nreq" -gt 20 ]
check "each server holds every other content of the ten" \
	grep -q '^0 ON_ROUTER AS64625-srv0 usr.curling.ContentServer 1000 10.64.0.15 3000 10.64.0.15 2000 5 c1 [0-9]* c3 [0-9]* c5 [0-9]* c7 [0-9]* c9 [0-9]*$' "$T/wl.script"
n=$(grep ' usr.curling.ContentServer ' "$T/wl.script" | tr ' ' '\n' | awk 'NR > 1 && prev ~ /^c[0-9]+$/ && ($1 < 10000 || $1 > 50000) { bad++ } { prev = $1 } END { print bad + 0 }')
check "every size is within 10 kB..50 kB ($n outside)" [ "$n" -eq 0 ]
n=$(grep ' usr.curling.ContentClient ' "$T/wl.script" | awk '
	function ns(v) {
		if (v ~ /ns$/) return substr(v, 1, length(v) - 2)
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) * 1000
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) * 1000000
		return substr(v, 1, length(v) - 1) * 1000000000
	}
	{ t = ns($1) + 0; if (t < 8000000000 || t >= 18000000000) bad++ } END { print bad + 0 }')
check "every request is within [8 s, 18 s) ($n outside)" [ "$n" -eq 0 ]
awk '$2 == "ON_ROUTER" && $4 == "usr.curling.ContentClient" { print $3, $5 }' "$T/wl.script" | sort | uniq -d >"$T/dup-ports"
check "no client uses a port twice" [ ! -s "$T/dup-ports" ]
"$COMETSIM" run "$T/wl.xml" --out "$T/wlrun" --quiet
rc=$?
check "the workload runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(grep -c 'CC: Content c[0-9]* received and saved' "$T/wlrun/log.txt")
check "every request is served, across the tier-1 peers too ($n of $nreq)" [ "$n" -eq "$nreq" ]
"$COMETSIM" deploy "$T/wl.xml" >"$T/wl2.script"
check "the same seed, the same requests" cmp -s "$T/wl.script" "$T/wl2.script"
"$COMETSIM" deploy "$T/wl.xml" --set seed=2 >"$T/wl3.script"
rc=$?
check "--set seed=2 deploys (exit $rc)" [ "$rc" -eq 0 ]
n=$(grep -c ' usr.curling.ContentClient ' "$T/wl3.script")
check "... with requests ($n)" [ "$n" -gt 20 ]
check "another seed, other requests" not cmp -s "$T/wl.script" "$T/wl3.script"
# zipf="0" is the default, uniform popularity, said in words.
sed 's| zipf="0.8"||' "$T/wl.xml" >"$T/wlu.xml"
sed 's| zipf="0.8"| zipf="0"|' "$T/wl.xml" >"$T/wlz.xml"
"$COMETSIM" deploy "$T/wlu.xml" >"$T/wlu.script"
"$COMETSIM" deploy "$T/wlz.xml" >"$T/wlz.script" 2>"$T/wlz.err"
rc=$?
check "zipf=\"0\" is accepted (exit $rc)" [ "$rc" -eq 0 ]
tail -n +2 "$T/wlu.script" >"$T/wlu.events"
tail -n +2 "$T/wlz.script" >"$T/wlz.events"
tail -n +2 "$T/wl.script" >"$T/wl.events"
check "... and gives the requests of no zipf=" cmp -s "$T/wlu.events" "$T/wlz.events"
check "... which are not zipf=\"0.8\"'s" not cmp -s "$T/wl.events" "$T/wlz.events"
sed 's|<clients where="stub"/>|<clients where="AS64623 AS64630"/>|' "$T/wl.xml" >"$T/wl4.xml"
"$COMETSIM" deploy "$T/wl4.xml" >"$T/wl4.script"
grep ' AS64623-cli0 ' "$T/wl.script" >"$T/one-a"
grep ' AS64623-cli0 ' "$T/wl4.script" >"$T/one-b"
check "a client's requests do not change when the other clients do" cmp -s "$T/one-a" "$T/one-b"
check "... and it has some" [ -s "$T/one-a" ]
w="$T/wl-written"
"$COMETSIM" deploy "$T/wl.xml" --write "$w" >/dev/null
check "--write writes the topology with the hosts" grep -q '<node name="AS64625-srv0" domain="AS64625" role="host">' "$w/topology.xml"
"$COMETSIM" run "$w/scenario.xml" --out "$T/wlrun2" --quiet
check "... and it runs to the same counters" cmp -s "$T/wlrun/counters.csv" "$T/wlrun2/counters.csv"
# save="no": the clients keep no bytes and the servers write no copy.
sed -e 's|<servers where="AS64625 AS64630"/>|<servers where="AS64625 AS64630" save="no"/>|' \
    -e 's|<clients where="stub"/>|<clients where="stub" save="no"/>|' "$T/wl.xml" >"$T/wl6.xml"
"$COMETSIM" deploy "$T/wl6.xml" >"$T/wl6.script"
n=$(grep ' usr.curling.ContentClient .* save=no$' "$T/wl6.script" | wc -l)
check "save=\"no\": every client is given save=no ($n of $nreq)" [ "$n" -eq "$nreq" ]
n=$(grep -c ' usr.curling.ContentServer .* save=no$' "$T/wl6.script")
check "... and both servers ($n)" [ "$n" -eq 2 ]
"$COMETSIM" run "$T/wl6.xml" --out "$T/wlrun6" --quiet
rc=$?
check "... and it runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(grep -c 'CC: Content c[0-9]* received ([0-9]* bytes, not saved)$' "$T/wlrun6/log.txt")
check "... every request is received, not saved ($n of $nreq)" [ "$n" -eq "$nreq" ]
check "... no content is written" [ ! -e "$T/wlrun6/Content" ]
check "... where the run that saves writes them" [ -d "$T/wlrun/Content" ]
check "... with the same counters as the run that saves" \
	cmp -s "$T/wlrun/counters.csv" "$T/wlrun6/counters.csv"
sed 's|<clients where="stub"/>|<clients where="stub" save="maybe"/>|' "$T/wl.xml" >"$T/wl7.xml"
"$COMETSIM" check "$T/wl7.xml" 2>"$T/wl7.err"
rc=$?
check "save=\"maybe\" is refused (exit $rc)" [ "$rc" -eq 1 ]
check "... at its line" grep -q "^$T/wl7.xml:6: <clients>: save \"maybe\": yes or no" "$T/wl7.err"
# A trace: its lines, as they are.
printf '# time client content\n4s AS64621-cli0 c3\n\n4.5s AS64630-cli0 c10\n' >"$T/trace.txt"
sed 's|<requests rate="0.5" start="8s" duration="10s" zipf="0.8"/>|<requests trace="trace.txt"/>|' "$T/wl.xml" >"$T/wl5.xml"
"$COMETSIM" deploy "$T/wl5.xml" >"$T/wl5.script"
grep ' usr.curling.ContentClient ' "$T/wl5.script" >"$T/wl5.req"
cat >"$T/wl5.want" <<'EOF'
4s ON_ROUTER AS64621-cli0 usr.curling.ContentClient 10000 10.64.0.11 3000 10.64.0.11 2000 c3
4500ms ON_ROUTER AS64630-cli0 usr.curling.ContentClient 10000 10.64.0.20 3000 10.64.0.20 2000 c10
EOF
check "a trace gives its requests" cmp -s "$T/wl5.req" "$T/wl5.want"
printf '4s AS64621-cli0 c3\n5s nobody c1\n' >"$T/trace.txt"
"$COMETSIM" check "$T/wl5.xml" 2>"$T/wl5.err"
check "a trace's unknown client is refused at its line" \
	grep -q "^$T/trace.txt:2: client \"nobody\" is not a client host of the deployment" "$T/wl5.err"
printf '4s AS64621-cli0 c11\n' >"$T/trace.txt"
"$COMETSIM" check "$T/wl5.xml" 2>"$T/wl5.err"
check "... and a content beyond the catalogue" \
	grep -q "^$T/trace.txt:1: content \"c11\" is not one of the catalogue's, c1 to c10" "$T/wl5.err"

# Three tier-1 ASes, 1 peering with 2 and 3, which do not peer: what is
# published below 2 reaches 1, not 3 (a record heard from a peer goes no
# further), so a client below 3 is refused rather than served over two
# peer links.
printf '1|2|0\n1|3|0\n2|20|-1\n3|30|-1\n' >"$T/valley.txt"
cat >"$T/valley.xml" <<EOF
<scenario name="valley">
  <topology file="valley.txt" format="caida"/>
  <run end_time="10s" pcap="none"/>
  <deploy approach="coupled">
    <servers where="AS20"/>
    <clients where="AS30 AS1"/>
    <catalogue contents="1" size="10kB"/>
    <requests trace="valley.trace"/>
  </deploy>
</scenario>
EOF
printf '5s AS30-cli0 c1\n5s AS1-cli0 c1\n' >"$T/valley.trace"
"$COMETSIM" run "$T/valley.xml" --out "$T/valley" --quiet
rc=$?
check "the valley scenario runs (exit $rc)" [ "$rc" -eq 0 ]
check "AS1's client, a peer of the publisher's provider, is served" \
	grep -q 'AS1-cli0 cclient/cclient[0-9]* INFO: CC: Content c1 received and saved' "$T/valley/log.txt"
check "AS30's client, two peer links away, is refused" \
	grep -q 'AS30-cli0 cclient/cclient[0-9]* WARN: CC: Content c1 refused: not found' "$T/valley/log.txt"

# ---- requests.csv's path of a coupled request, joins included ----
# AS20's server; AS3's first client asks first (its Consume climbs 3, 1, 2
# to 20); AS3's second joins that flow in AS3, AS21's in AS2: each path is
# the way the content comes, from the server's AS to the client's.
printf '1|2|-1\n1|3|-1\n2|20|-1\n2|21|-1\n' >"$T/join.txt"
cat >"$T/join.xml" <<EOF
<scenario name="join">
  <topology file="join.txt" format="caida"/>
  <run end_time="10s" pcap="none"/>
  <deploy approach="coupled">
    <servers where="AS20"/>
    <clients where="AS3 AS21" hosts="2"/>
    <catalogue contents="1" size="1MB"/>
    <requests trace="join.trace"/>
  </deploy>
</scenario>
EOF
printf '5s AS3-cli0 c1\n5.001s AS3-cli1 c1\n5.002s AS21-cli0 c1\n' >"$T/join.trace"
"$COMETSIM" run "$T/join.xml" --out "$T/join" --quiet
rc=$?
check "the join scenario runs (exit $rc)" [ "$rc" -eq 0 ]
check "AS3's second request joins the first's flow in AS3" \
	grep -q '^crme,AS3/crme[0-9]*,joins,1$' "$T/join/counters.csv"
check "... and AS21's in AS2" grep -q '^crme,AS2/crme[0-9]*,joins,1$' "$T/join/counters.csv"
check "the first request's path climbs AS3's providers: 20 2 1 3, 3 hops" \
	grep -q '^5\.000000000,AS3-cli0:10000,c1,coupled,[0-9.:]*,20 2 1 3,3,' "$T/join/requests.csv"
check "the one that joined in AS3 comes the same way" \
	grep -q '^5\.001000000,AS3-cli1:10000,c1,coupled,[0-9.:]*,20 2 1 3,3,' "$T/join/requests.csv"
check "the one that joined in AS2 comes from there: 20 2 21, 2 hops" \
	grep -q '^5\.002000000,AS21-cli0:10000,c1,coupled,[0-9.:]*,20 2 21,2,' "$T/join/requests.csv"
# A join while the flow's Consume is still on its way up: with 10 ms
# links AS3-cli0's Consume leaves AS2 for AS20 at about 5.03 s and
# arrives at 5.04 s; AS21-cli0's, asked at 5.015 s, joins in AS2 between
# the two.  The path is known when the request completes.
sed -e 's|<run end_time|<linkdefaults delay="10ms"/><run end_time|' -e 's/join\.trace/late.trace/' \
	"$T/join.xml" >"$T/late.xml"
printf '5s AS3-cli0 c1\n5.015s AS21-cli0 c1\n' >"$T/late.trace"
"$COMETSIM" run "$T/late.xml" --out "$T/late" --quiet
rc=$?
check "the late-join scenario runs (exit $rc)" [ "$rc" -eq 0 ]
check "... AS21's request joins in AS2" grep -q '^crme,AS2/crme[0-9]*,joins,1$' "$T/late/counters.csv"
check "... and its path is known: 20 2 21, 2 hops" \
	grep -q '^5\.015000000,AS21-cli0:10000,c1,coupled,[0-9.:]*,20 2 21,2,' "$T/late/requests.csv"

# A route optimisation moves the flow: AS20's Consume climbs 20 2 1 to the
# record and comes down 1 3 30; AS2 then has a shorter route to the server
# through its peer AS3 and moves the flow there.  The path is the one the
# content came by at the end.
printf '1|2|-1\n1|3|-1\n2|3|0\n2|20|-1\n3|30|-1\n' >"$T/ro.txt"
sed -e 's/join\.txt/ro.txt/' -e 's/join\.trace/ro.trace/' -e 's/"AS20"/"AS30"/' \
	-e 's/where="AS3 AS21" hosts="2"/where="AS20"/' "$T/join.xml" >"$T/ro.xml"
printf '5s AS20-cli0 c1\n' >"$T/ro.trace"
"$COMETSIM" run "$T/ro.xml" --out "$T/ro" --quiet
check "AS2's CRME moves the flow to its peer" \
	grep -q '^crme,AS2/crme[0-9]*,ro_switches,1$' "$T/ro/counters.csv"
check "... and the request's path is the one the content came by: 30 3 2 20, 3 hops" \
	grep -q '^5\.000000000,AS20-cli0:10000,c1,coupled,[0-9.:]*,30 3 2 20,3,' "$T/ro/requests.csv"

# ---- a domain of more than 32 neighbours, coupled ----
# A star: AS1 the provider of 40 stubs.  Its CAFE has 40 inter-domain
# links and its CRME 40 customers, beyond the 32 the curling entities
# once took; requests cross it from stub to stub.
: >"$T/star.txt"
for i in $(seq 2 41); do
	echo "1|$i|-1" >>"$T/star.txt"
done
cat >"$T/star.xml" <<EOF
<scenario name="star">
  <topology file="star.txt" format="caida"/>
  <run end_time="15s" pcap="none"/>
  <deploy approach="coupled">
    <servers where="AS2"/>
    <clients where="AS3 AS20 AS41"/>
    <catalogue contents="3" size="20kB"/>
    <requests trace="star.trace"/>
  </deploy>
</scenario>
EOF
printf '8s AS3-cli0 c1\n8s AS20-cli0 c2\n9s AS41-cli0 c3\n' >"$T/star.trace"
"$COMETSIM" run "$T/star.xml" --out "$T/star" --quiet 2>"$T/star.err"
rc=$?
check "a coupled deployment with a domain of 40 neighbours runs (exit $rc)" [ "$rc" -eq 0 ]
check "... the hub's CAFE takes its 40 links" \
	grep -q 'AS1 ccafe/ccafe0 INFO: CAFE 10.64.0.1: listening on port 2000, CRME 10.64.0.1:3000, 40 inter-domain links$' "$T/star/log.txt"
check "... and its CRME acknowledges them" \
	grep -q 'AS1 ccafe/ccafe0 INFO: CAFE 10.64.0.1: Announce acknowledged by the CRME$' "$T/star/log.txt"
n=$(awk -F, 'NR > 1 && $12 == "complete"' "$T/star/requests.csv" | wc -l)
check "... and the three requests across it complete ($n)" [ "$n" -eq 3 ]

# ---- the same workload, decoupled ----
sed 's/approach="coupled"/approach="decoupled"/' "$T/wl.xml" >"$T/wld.xml"
"$COMETSIM" deploy "$T/wld.xml" >"$T/wld.script"
n=$(grep -c ' usr.cme.Client ' "$T/wld.script")
check "the same number of requests in both approaches ($n)" [ "$n" -eq "$nreq" ]
grep ' usr.cme.Client ' "$T/wld.script" | awk '{ for (i = 5; i <= NF; i++) if ($i ~ /^c[0-9]+$/) c = $i; print $1, $3, c }' >"$T/wld.tc"
grep ' usr.curling.ContentClient ' "$T/wl.script" | awk '{ print $1, $3, $NF }' >"$T/wl.tc"
check "... at the same times, from the same clients, for the same contents" cmp -s "$T/wld.tc" "$T/wl.tc"
check "a client in the server's domain fetches directly" \
	grep -q ' ON_ROUTER AS64630-cli0 usr.cme.Client - c[0-9]* server=100.64.19.6:8080 size=[0-9]* port=100[0-9][0-9]$' "$T/wld.script"
check "the servers' domain has a CAFE that intercepts them (eth1 faces AS64625-srv0)" \
	grep -q '^0 ON_ROUTER AS64625 cafe intercept=eth1$' "$T/wld.script"
check "... the CAFE agent" grep -q '^0 ON_ROUTER AS64625 usr.stateless.CafeAgent$' "$T/wld.script"
check "... and a CME with its catalogue and the key plan" \
	grep -q '^0 ON_ROUTER AS64625 usr.cme.Cme 9090 report=0 config=${deploy}/AS64625-cme.xml$' "$T/wld.script"
check "a transit domain's rule towards its first neighbour" \
	grep -q '^0 ON_ROUTER AS64611 cf_tool add_ethernet 01 eth0 peer$' "$T/wld.script"
"$COMETSIM" run "$T/wld.xml" --out "$T/wldrun" --quiet
rc=$?
check "the decoupled workload runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(grep -c 'cme_client/cme_client[0-9]* INFO: received [0-9]* bytes of [0-9]* in .*: complete (connection closed: normal), 0 bytes differ from the content' "$T/wldrun/log.txt")
check "every request is served, byte for byte ($n of $nreq)" [ "$n" -eq "$nreq" ]
n=$(awk -F, '$1 == "cafe" && $3 == "forwarded" && $4 > 0' "$T/wldrun/counters.csv" | wc -l)
check "the transit domains' CAFEs forward by keys ($n)" [ "$n" -ge 8 ]
n=$(awk -F, '$1 == "cafe" && $3 == "drop_comet_no_rule" && $4 > 0' "$T/wldrun/counters.csv" | wc -l)
check "no CAFE lacks a rule for a key ($n)" [ "$n" -eq 0 ]
n=$(json_get "$T/wldrun/summary.json" drops.comet_mtu)
check "no segment is too long for its header (comet_mtu $n)" [ "$n" = 0 ]
n=$(awk -F, 'NR > 1 && $12 == "complete" && $8 < 0.1' "$T/wldrun/requests.csv" | wc -l)
check "requests.csv: every request complete, its first byte within 100 ms ($n)" [ "$n" -eq "$nreq" ]
n=$(awk -F, 'NR > 1 && $12 == "complete"' "$T/wlrun/requests.csv" | wc -l)
check "... and in the coupled run ($n)" [ "$n" -eq "$nreq" ]
awk -F, 'NR > 1 { print $1, $2, $3 }' "$T/wldrun/requests.csv" >"$T/rq-d"
awk -F, 'NR > 1 { print $1, $2, $3 }' "$T/wlrun/requests.csv" >"$T/rq-c"
check "the two approaches' records are of the same requests" cmp -s "$T/rq-d" "$T/rq-c"

# ---- printed and written out ----
"$COMETSIM" deploy "$scn" >"$T/script.txt"
rc=$?
check "cometsim deploy exits 0 ($rc)" [ "$rc" -eq 0 ]
n=$(grep -c ' ON_ROUTER ' "$T/script.txt")
check "it prints 48 events: a CME and an RAE per AS ($n)" [ "$n" -eq 48 ]
check "the first RAE's line" grep -qx '0 ON_ROUTER AS64601 usr.rae.Rae ${deploy}/AS64601-rae.xml report=0 keepalive=1s hold=3s' "$T/script.txt"
w="$T/written"
"$COMETSIM" deploy "$scn" --write "$w" >/dev/null
rc=$?
check "--write exits 0 ($rc)" [ "$rc" -eq 0 ]
check "--write writes deploy.script, as printed" cmp -s "$w/deploy.script" "$T/script.txt"
n=$(ls "$w" | grep -c -- '-rae\.xml$')
check "--write writes 24 RAE configurations ($n)" [ "$n" -eq 24 ]
check "the scenario written has no <deploy>" not grep -q '<deploy' "$w/scenario.xml"
check "the configuration written is one cometsim reads" \
	"$COMETSIM" rae-config "$w/AS64611-rae.xml" >/dev/null
o2="$T/run2"
"$COMETSIM" run "$w/scenario.xml" --out "$o2" --pcap all --quiet
rc=$?
check "the scenario written runs (exit $rc)" [ "$rc" -eq 0 ]
check "... to the same counters" cmp -s "$o/counters.csv" "$o2/counters.csv"
diff_pcaps=
for f in "$o"/*.pcap; do
	cmp -s "$f" "$o2/${f##*/}" || diff_pcaps="$diff_pcaps ${f##*/}"
done
check "... and the same captures ($diff_pcaps)" [ -z "$diff_pcaps" ]
sed 's|config /[^)]*/\(AS[0-9]*\)-rae.xml)|config deploy:\1/rae.xml)|' "$o2/log.txt" >"$T/log2"
check "... and the same log but for the configuration's name" cmp -s "$o/log.txt" "$T/log2"

# ---- with events of the user's: a deployment among them ----
sed 's|</scenario>|<events><at time="1s">END_LINK AS64611 AS64612</at><at time="15s">END_SIMULATION</at></events></scenario>|' "$scn" |
	sed "s|\.\./\.\./topologies|$top_srcdir/topologies|" >"$T/ev.xml"
"$COMETSIM" run "$T/ev.xml" --out "$T/ev" --quiet
rc=$?
check "a deployment with the user's events runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(awk -F, '$1=="rae" && $3=="rib_prefixes" && $4==24' "$T/ev/counters.csv" | wc -l)
check "... every RAE converging around the link taken down ($n)" [ "$n" -eq 24 ]
check "... and the user's END_SIMULATION ends it" [ "$(json_get "$T/ev/summary.json" stop_reason)" = end_simulation ]

# ---- the approach as a parameter: both approaches from one file ----
cat >"$T/par.xml" <<EOF
<scenario name="par">
  <param name="approach" value="decoupled"/>
  <topology file="$top_srcdir/topologies/as-small.caida.txt" format="caida"/>
  <deploy approach="\${approach}"/>
</scenario>
EOF
"$COMETSIM" deploy "$T/par.xml" --set approach=coupled >"$T/par.script"
check "--set approach=coupled deploys CRMEs" grep -q '^0 ON_ROUTER AS64601 usr.curling.Crme ' "$T/par.script"
"$COMETSIM" deploy "$T/par.xml" >"$T/par2.script"
check "... and the parameter's value CMEs" grep -q '^0 ON_ROUTER AS64601 usr.cme.Cme 9090 report=0$' "$T/par2.script"

# ---- approach="both": the same network twice, in OUT/decoupled and OUT/coupled ----
sed -e 's/approach="decoupled"/approach="both"/' \
	-e "s|\.\./\.\./topologies|$top_srcdir/topologies|" "$scn" >"$T/both.xml"
# deploy.approach is a name --set takes: params lists it.
"$COMETSIM" params "$T/both.xml" >"$T/both.params"
check "params lists deploy.approach" grep -qx 'deploy.approach=both' "$T/both.params"
"$COMETSIM" params "$T/both.xml" --set deploy.approach=coupled >"$T/both.params"
check "... with the value set" grep -qx 'deploy.approach=coupled' "$T/both.params"
"$COMETSIM" params "$top_srcdir/scenarios/echo.xml" >"$T/echo.params"
check "... not for a scenario without <deploy>" not grep -q '^deploy\.' "$T/echo.params"
"$COMETSIM" params "$T/both.xml" --set nosuch=1 2>"$T/both.params"
check "... and an unknown --set names it among the valid names" \
	grep -q 'valid names: .*deploy\.approach' "$T/both.params"
"$COMETSIM" run "$T/both.xml" --out "$T/both" --quiet
rc=$?
check "approach=\"both\" runs (exit $rc)" [ "$rc" -eq 0 ]
for h in decoupled coupled; do
	check "... the $h half is complete" \
		[ "$(json_get "$T/both/$h/summary.json" status)" = complete ]
done
n=$(awk -F, '$1=="cme" && $3=="store_prefixes" && $4==23' "$T/both/decoupled/counters.csv" | wc -l)
check "... the decoupled half has the 24 CMEs, each holding the 23 other prefixes ($n)" \
	[ "$n" -eq 24 ]
n=$(awk -F, '$1=="crme"' "$T/both/decoupled/counters.csv" | wc -l)
check "... and no CRME ($n)" [ "$n" -eq 0 ]
n=$(awk -F, '$1=="crme" && $3=="routes_in"' "$T/both/coupled/counters.csv" | wc -l)
check "... the coupled half a CRME per AS ($n)" [ "$n" -eq 24 ]
n=$(awk -F, '$1=="cme"' "$T/both/coupled/counters.csv" | wc -l)
check "... and no CME ($n)" [ "$n" -eq 0 ]
check "... the two halves' RAEs choose the same paths" \
	cmp -s "$T/both/decoupled/rae-paths.csv" "$T/both/coupled/rae-paths.csv"
check "... the decoupled half is the decoupled deployment's run" \
	cmp -s "$T/both/decoupled/rae-paths.csv" "$o/rae-paths.csv"
"$COMETSIM" run "$T/both.xml" --out "$T/both1" --set deploy.approach=coupled --quiet
check "--set deploy.approach=coupled runs that half alone, where it is asked" \
	[ -f "$T/both1/summary.json" ]
check "... with the coupled half's counters" cmp -s "$T/both1/counters.csv" "$T/both/coupled/counters.csv"
"$COMETSIM" check "$T/both.xml" >/dev/null 2>&1
rc=$?
check "cometsim check takes approach=\"both\" (exit $rc)" [ "$rc" -eq 0 ]
"$COMETSIM" deploy "$T/both.xml" --write "$T/bothw" >"$T/both.script"
check "cometsim deploy prints the decoupled half's events" \
	grep -q '^0 ON_ROUTER AS64601 usr.cme.Cme 9090 report=0$' "$T/both.script"
check "... and the coupled half's" grep -q '^0 ON_ROUTER AS64601 usr.curling.Crme ' "$T/both.script"
check "... each under its title" [ "$(grep -c '^# approach ' "$T/both.script")" -eq 2 ]
for h in decoupled coupled; do
	check "... and writes the $h half in a folder of its name" [ -f "$T/bothw/$h/scenario.xml" ]
done
"$COMETSIM" run "$T/both.xml" --out "$T/bothx" --set deploy.approach=hybrid 2>"$T/bothx.err"
rc=$?
check "--set deploy.approach=hybrid: refused with exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... naming the override" grep -qF -- '--set deploy.approach=hybrid: approach "hybrid" is not known' "$T/bothx.err"
check "... and no output folder" [ ! -e "$T/bothx" ]

# The folders of "both" are checked as a single run checks its own, all
# three before anything runs: OUT, then each half's.
mkdir -p "$T/bb/coupled"
echo mine >"$T/bb/coupled/notes.txt"
"$COMETSIM" run "$T/both.xml" --out "$T/bb" --quiet 2>"$T/bb.err"
rc=$?
check "both into a folder that is not a run's: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying so of the folder" \
	grep -qF "$T/bb: not empty, and not a cometsim output directory" "$T/bb.err"
check "... before the decoupled half runs" [ ! -e "$T/bb/decoupled" ]
check "... and without marking the folder" [ ! -e "$T/bb/.cometsim-run" ]
cp -R "$T/both" "$T/bc"
rm "$T/bc/coupled/.cometsim-run" "$T/bc/decoupled/summary.json"
"$COMETSIM" run "$T/both.xml" --out "$T/bc" --quiet 2>"$T/bc.err"
rc=$?
check "both whose coupled folder is not a run's: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying so of that folder" \
	grep -qF "$T/bc/coupled: not empty, and not a cometsim output directory" "$T/bc.err"
check "... before the decoupled half runs" [ ! -e "$T/bc/decoupled/summary.json" ]
"$COMETSIM" run "$T/both.xml" --out "$T/bs" --set deploy.approach=coupled --quiet
echo mine >"$T/bs/notes.txt"
"$COMETSIM" run "$T/both.xml" --out "$T/bs" --quiet
rc=$?
check "both into a single run's folder runs (exit $rc)" [ "$rc" -eq 0 ]
check "... and removes that run's summary.json" [ ! -e "$T/bs/summary.json" ]
check "... and its counters.csv" [ ! -e "$T/bs/counters.csv" ]
check "... not a file of the user's" [ -f "$T/bs/notes.txt" ]
check "... its marker names the decoupled half's folder" grep -qx decoupled "$T/bs/.cometsim-run"
check "... and the coupled half's" grep -qx coupled "$T/bs/.cometsim-run"
echo mine >"$T/bs/coupled/notes.txt"
"$COMETSIM" run "$T/both.xml" --out "$T/bs" --quiet
rc=$?
check "both into a both's folder runs (exit $rc)" [ "$rc" -eq 0 ]
check "... and leaves a file of the user's in a half's folder" [ -f "$T/bs/coupled/notes.txt" ]
"$COMETSIM" run "$T/both.xml" --out "$T/bs" --set deploy.approach=coupled --quiet
rc=$?
check "a single run into a both's folder runs (exit $rc)" [ "$rc" -eq 0 ]
check "... and removes the decoupled half" [ ! -e "$T/bs/decoupled" ]
check "... and the coupled half" [ ! -e "$T/bs/coupled" ]

"$COMETSIM" --help >"$T/help.txt"
check "cometsim --help shows the command deploy" grep -q '^       cometsim deploy SCENARIO' "$T/help.txt"
check "... and says what it does" grep -q '^  deploy ' "$T/help.txt"

# ---- approach="none": the RAEs alone ----
sed 's/approach="both"/approach="none"/' "$T/both.xml" >"$T/none.xml"
"$COMETSIM" run "$T/none.xml" --out "$T/none" --quiet
rc=$?
check "approach=\"none\" runs (exit $rc)" [ "$rc" -eq 0 ]
n=$(awk -F, '$1=="cme" || $1=="crme" || $1=="cafe"' "$T/none/counters.csv" | wc -l)
check "... with no CME, CRME or CAFE ($n)" [ "$n" -eq 0 ]
check "... and its RAEs choose the paths they do beside CMEs" \
	cmp -s "$T/none/rae-paths.csv" "$o/rae-paths.csv"

# ---- approach="both" stopped by a limit: the second half is not started ----
"$COMETSIM" run "$T/both.xml" --out "$T/blim" --max-events 2000 --quiet 2>/dev/null
rc=$?
check "both stopped by --max-events: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... the decoupled half says so" \
	[ "$(json_get "$T/blim/decoupled/summary.json" status)" = event_limit ]
check "... and the coupled half is not started" [ ! -e "$T/blim/coupled" ]
# 10^7 s of virtual time take minutes: the 1 s limit stops the first half.
"$COMETSIM" run "$T/both.xml" --out "$T/bwall" --set end_time=10000000s --max-wall 1s \
	--quiet 2>/dev/null
rc=$?
check "both stopped by --max-wall: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... the decoupled half says so" \
	[ "$(json_get "$T/bwall/decoupled/summary.json" status)" = wall_limit ]
check "... and the coupled half is not started" [ ! -e "$T/bwall/coupled" ]

# ---- refused ----
# refused NAME FILE-CONTENT EXPECTED: the scenario is refused with exit 1 and
# the message EXPECTED (a fixed string) on stderr.
refused() {
	printf '%s\n' "$2" >"$T/$1.xml"
	"$COMETSIM" check "$T/$1.xml" 2>"$T/$1.err"
	rc=$?
	check "$1: refused with exit 1 ($rc)" [ "$rc" -eq 1 ]
	check "$1: says $3" grep -qF -- "$3" "$T/$1.err"
}
top="$top_srcdir/topologies/as-small.caida.txt"
refused approach "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy approach=\"hybrid\"/></scenario>" \
	"$T/approach.xml:2: <deploy>: approach \"hybrid\" is not known (decoupled, coupled, both or none)"
refused noneservers "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy approach=\"none\">
<servers where=\"stub\"/></deploy></scenario>" \
	"$T/noneservers.xml:3: <servers>: the approach \"none\" places the RAEs alone, no content"
refused twice "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy/>
<deploy/></scenario>" "$T/twice.xml:3: duplicate <deploy> (first at line 2)"
refused pool "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy prefixes=\"10.0.0.0/29\"/></scenario>" \
	"$T/pool.xml:2: <deploy>: prefixes 10.0.0.0/29 holds too few /30 prefixes for 24 domains"
refused class "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><class id=\"1\" delay_aspiration=\"1\" delay_reservation=\"2\" loss_aspiration=\"0\" loss_reservation=\"0.1\" bandwidth_aspiration=\"2\" bandwidth_reservation=\"1\"/>
<class id=\"1\"/></deploy></scenario>" "$T/class.xml:3: <class>: class 1 is given twice"
refused level "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<class id=\"3\" delay_aspiration=\"0.05\" delay_reservation=\"0.2\"/></deploy></scenario>" \
	"$T/level.xml:3: <class>: class 3 has no loss_aspiration (a class needs the six levels)"
refused noas '<scenario><topology name="t">
<domain name="d1" prefix="10.1.0.0/16"/>
<node name="a" domain="d1"><ether name="eth0" address="10.1.0.1/24"/></node>
</topology>
<deploy/></scenario>' "$T/noas.xml:2: domain d1 has no AS number (as=), which <deploy> needs (at $T/noas.xml:5)"
refused nodomain '<scenario><topology name="t">
<node name="a"><ether name="eth0" address="10.1.0.1/24"/></node>
</topology>
<deploy/></scenario>' "$T/nodomain.xml:4: <deploy>: the topology has no domains"
# d1 has two routers: its RAE goes on b (the first with an inter-domain
# link), which has no link to d3's node e.
refused far '<scenario><topology name="t">
<domain name="d1" as="1"/><domain name="d2" as="2"/><domain name="d3" as="3"/>
<node name="a" domain="d1"><ether name="eth0" address="10.0.0.1/30"/><ether name="eth1" address="10.0.0.5/30"/></node>
<node name="b" domain="d1"><ether name="eth0" address="10.0.0.2/30"/><ether name="eth1" address="10.0.0.9/30"/></node>
<node name="c" domain="d2"><ether name="eth0" address="10.0.0.10/30"/></node>
<node name="e" domain="d3"><ether name="eth0" address="10.0.0.6/30"/></node>
<link name="ab" a="a:eth0" b="b:eth0"/><link name="bc" a="b:eth1" b="c:eth0"/>
<link name="ae" a="a:eth1" b="e:eth0"/>
</topology>
<deploy start="1s"/></scenario>' "$T/far.xml:10: <deploy>: the RAE of domain d1 (on b) and that of its neighbour d3 (on e) have no link between their nodes"
refused noservers "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><clients/>
<requests rate=\"1\"/></deploy></scenario>" "$T/noservers.xml:3: <requests> needs <servers> and <clients> in the <deploy>"
refused where "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<servers where=\"AS1 AS64601\"/></deploy></scenario>" "$T/where.xml:3: <servers where=\"AS1 AS64601\">: \"AS1\" is not a domain"
refused size "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<catalogue size=\"uniform 5MB 1MB\"/></deploy></scenario>" "$T/size.xml:3: <catalogue>: size \"uniform 5MB 1MB\": the largest is below the smallest"
refused stubnorel '<scenario><topology name="t">
<domain name="d1" as="1"/><domain name="d2" as="2"/>
<node name="a" domain="d1"><ether name="eth0" address="10.0.0.1/30"/></node>
<node name="c" domain="d2"><ether name="eth0" address="10.0.0.2/30"/></node>
<link name="ac" a="a:eth0" b="c:eth0"/>
</topology>
<deploy><clients where="stub"/></deploy></scenario>' "$T/stubnorel.xml:7: <clients where=\"stub\">: the topology has no business relationships to tell tiers by"
refused static '<scenario><topology name="t">
<domain name="d1" as="1"/><domain name="d2" as="2"/>
<node name="a" domain="d1"><ether name="eth0" address="10.0.0.1/30"/></node>
<node name="c" domain="d2"><ether name="eth0" address="10.0.0.2/30"/></node>
<link name="ac" a="a:eth0" b="c:eth0"/>
</topology>
<deploy><clients where="d2"/></deploy></scenario>' "$T/static.xml:7: <clients>: the hosts need routes, and the topology's routing is static: give it routing=\"shortest-path\""
# ---- review 16a: what a description may not say ----
# Keys are one byte only where keys are used: a decoupled deployment with
# servers.  A star of 300 stubs around AS1.
: >"$T/star300.txt"
for i in $(seq 2 301); do
	echo "1|$i|-1" >>"$T/star300.txt"
done
refused keys "<scenario><topology file=\"star300.txt\" format=\"caida\"/>
<deploy>
<servers where=\"AS2\"/></deploy></scenario>" \
	"$T/star300.txt:1: domain AS1 has 300 neighbouring ASes; with servers, the decoupled approach's CAFE keys are one byte: at most 255"
printf '<scenario><topology file="star300.txt" format="caida"/>\n<deploy/></scenario>\n' \
	>"$T/nokeys.xml"
"$COMETSIM" check "$T/nokeys.xml" 2>"$T/nokeys.err"
check "without servers, no CAFE: no limit of keys" not grep -q 'keys are one byte' "$T/nokeys.err"
refused requests2 "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><servers where=\"AS64625\"/><clients/>
<requests rate=\"1\"/>
<requests rate=\"2\"/></deploy></scenario>" \
	"$T/requests2.xml:4: <requests> is given twice (first at line 3)"
refused catalogue2 "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<catalogue contents=\"3\"/>
<catalogue contents=\"5\"/></deploy></scenario>" \
	"$T/catalogue2.xml:4: <catalogue> is given twice (first at line 3)"
printf '4s AS64621-cli0 c1\n' >"$T/ok.trace"
refused tracestart "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><servers where=\"AS64625\"/><clients where=\"AS64621\"/>
<requests trace=\"ok.trace\" start=\"5s\"/></deploy></scenario>" \
	"$T/tracestart.xml:3: <requests>: start= and trace= together: a trace gives the times"
refused tracezipf "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><servers where=\"AS64625\"/><clients where=\"AS64621\"/>
<requests trace=\"ok.trace\" zipf=\"2\"/></deploy></scenario>" \
	"$T/tracezipf.xml:3: <requests>: zipf= and trace= together: a trace gives the contents"
printf '4s AS64621-cli0 c3\n\0005s AS64630-cli0 c1\n6s nobody c1\n' >"$T/nul.trace"
refused nul "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><servers where=\"AS64625\"/><clients where=\"AS64621 AS64630\"/>
<requests trace=\"nul.trace\"/></deploy></scenario>" \
	"$T/nul.trace:2: a NUL byte: a trace is text"
printf '4s AS64621-cli0 c1 # the first\n' >"$T/five.trace"
refused five "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy><servers where=\"AS64625\"/><clients where=\"AS64621\"/>
<requests trace=\"five.trace\"/></deploy></scenario>" \
	"$T/five.trace:1: expected \"time client content\", 6 fields"
printf '\357\273\2774s AS64621-cli0 c1\n' >"$T/bom.trace"
printf '<scenario><topology file="%s" format="caida"/>\n<deploy><servers where="AS64625"/><clients where="AS64621"/>\n<requests trace="bom.trace"/></deploy></scenario>\n' \
	"$top" >"$T/bom.xml"
"$COMETSIM" deploy "$T/bom.xml" >"$T/bom.script" 2>"$T/bom.err"
rc=$?
check "a trace that starts with a byte order mark is read (exit $rc)" [ "$rc" -eq 0 ]
check "... its first line a request" grep -q '^4s ON_ROUTER AS64621-cli0 usr.cme.Client ' "$T/bom.script"
: >"$T/empty.trace"
printf '<scenario><topology file="%s" format="caida"/>\n<deploy><servers where="AS64625"/><clients where="AS64621"/>\n<requests trace="empty.trace"/></deploy></scenario>\n' \
	"$top" >"$T/zero.xml"
"$COMETSIM" check "$T/zero.xml" 2>"$T/zero.err"
rc=$?
check "a workload of no request is allowed (exit $rc)" [ "$rc" -eq 0 ]
check "... with a warning at the <requests> line" \
	grep -qF "$T/zero.xml:3: warning: <requests>: the workload has no request" "$T/zero.err"
refused wheretwice "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<servers where=\"AS64625 AS64625\"/></deploy></scenario>" \
	"$T/wheretwice.xml:3: <servers where=\"AS64625 AS64625\">: domain AS64625 is named twice"
refused full "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<servers where=\"AS64625\" hosts=\"64\"/></deploy></scenario>" \
	"$T/full.xml:3: <servers>: domain AS64625's prefix 100.64.14.0/24 has no /30 left for another host"
refused classvalue "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<class id=\"1\" delay_aspiration=\"abc\" delay_reservation=\"2\" loss_aspiration=\"0\" loss_reservation=\"0.1\" bandwidth_aspiration=\"2\" bandwidth_reservation=\"1\"/></deploy></scenario>" \
	"$T/classvalue.xml:3: <class>: class 1: delay_aspiration \"abc\": not a number"
refused classorder "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy>
<class id=\"1\" delay_aspiration=\"3\" delay_reservation=\"2\" loss_aspiration=\"0\" loss_reservation=\"0.1\" bandwidth_aspiration=\"2\" bandwidth_reservation=\"1\"/></deploy></scenario>" \
	"$T/classorder.xml:3: <class>: class 1: its delay aspiration level is worse than its reservation"
refused cos "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy approach=\"coupled\">
<class id=\"1\" cos=\"A&quot;B\" delay_aspiration=\"1\" delay_reservation=\"2\" loss_aspiration=\"0\" loss_reservation=\"0.1\" bandwidth_aspiration=\"2\" bandwidth_reservation=\"1\"/></deploy></scenario>" \
	"$T/cos.xml:3: <class>: class 1: cos \"A\"B\" is not one the CAFE writes (BE, BTBE or PR)"
refused v6hosts '<scenario><topology name="t" routing="shortest-path">
<domain name="d1" as="1" prefix="2001:db8::/32"/>
<node name="a" domain="d1"><ether name="eth0" address="10.0.0.1/30"/></node>
</topology>
<deploy><servers/></deploy></scenario>' \
	"$T/v6hosts.xml:2: domain d1: prefix 2001:db8::/32 is not IPv4, and the hosts of <servers> (line 5)"
refused v6coupled '<scenario><topology name="t">
<domain name="d1" as="1" prefix="2001:db8::/32"/>
<node name="a" domain="d1"><ether name="eth0" address="10.0.0.1/30"/></node>
</topology>
<deploy approach="coupled"/></scenario>' \
	"$T/v6coupled.xml:2: domain d1: prefix 2001:db8::/32 is not IPv4, and the coupled approach's CRME"
refused poolbits "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy prefixes=\"100.64.0.5/10\"/></scenario>" \
	"$T/poolbits.xml:2: <deploy>: prefixes 100.64.0.5/10: host bits are set (did you mean 100.64.0.0/10?)"
refused poolall "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy prefixes=\"0.0.0.0/0\"/></scenario>" \
	"$T/poolall.xml:2: <deploy>: prefixes 0.0.0.0/0 overlaps 0.0.0.0/8, whose addresses no host may have"
refused poolclash "<scenario><topology file=\"$top\" format=\"caida\"/>
<deploy prefixes=\"10.0.0.0/16\"/></scenario>" \
	"$T/poolclash.xml:2: <deploy>: the prefix 10.0.0.0/24 the pool gives domain AS64601 holds the address 10.0.0.1 of AS64601:eth0"

# --write: a folder the written scenario could not name is refused; the
# values of --set are in the scenario written.
"$COMETSIM" deploy "$scn" --write "$T/w blank" >/dev/null 2>"$T/wblank.err"
rc=$?
check "--write to a folder with a blank: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying why" grep -qF "the folder's path has a blank" "$T/wblank.err"
"$COMETSIM" deploy "$scn" --write "$T/w\${x}" >/dev/null 2>"$T/wsubst.err"
rc=$?
check "--write to a folder with \${: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying why" grep -qF 'the folder'"'"'s path has "${"' "$T/wsubst.err"
cat >"$T/wpar.xml" <<EOF
<scenario name="wpar-\${approach}">
  <param name="approach" value="decoupled"/>
  <param name="n" value="1"/>
  <topology file="$top_srcdir/topologies/as-small.caida.txt" format="caida"/>
  <run end_time="12s" pcap="none"/>
  <deploy approach="\${approach}">
    <servers where="AS64625" hosts="\${n}"/>
    <clients where="AS64621 AS64630"/>
    <catalogue contents="4" size="10kB"/>
    <requests rate="1" start="8s" duration="2s"/>
  </deploy>
</scenario>
EOF
set -- --set approach=coupled --set n=2 --set seed=2
"$COMETSIM" deploy "$T/wpar.xml" "$@" --write "$T/wpar" >/dev/null
"$COMETSIM" run "$T/wpar.xml" "$@" --out "$T/wpar-a" --quiet
(cd "$T" && "$COMETSIM" run wpar/scenario.xml --quiet)
rc=$?
check "the scenario written with --set runs (exit $rc)" [ "$rc" -eq 0 ]
check "... under the name and in the folder of the values set" \
	[ -f "$T/output/wpar-coupled/seed2-run1/summary.json" ]
check "... to the requests of the deployment it was written from" \
	cmp -s "$T/wpar-a/requests.csv" "$T/output/wpar-coupled/seed2-run1/requests.csv"
n=$(awk -F, 'NR > 1' "$T/wpar-a/requests.csv" | wc -l)
check "... which has some ($n)" [ "$n" -gt 0 ]
"$COMETSIM" params "$T/wpar/scenario.xml" >"$T/wpar.params"
check "... and its parameters say the values set" grep -qx 'n=2' "$T/wpar.params"
set --

# ---- --write takes its folder as a run takes its own ----
w=$T/wd
"$COMETSIM" deploy "$T/both.xml" --write "$w" >/dev/null
"$COMETSIM" deploy "$T/both.xml" --set deploy.approach=decoupled --write "$w" >/dev/null
rc=$?
check "a write into a folder of a both write (exit $rc)" [ "$rc" -eq 0 ]
check "... removes its decoupled/" [ ! -e "$w/decoupled" ]
check "... and its coupled/" [ ! -e "$w/coupled" ]
check "... and writes its own files" [ -f "$w/scenario.xml" ]
echo mine >"$w/notes.txt"
"$COMETSIM" deploy "$T/both.xml" --write "$w" >/dev/null
rc=$?
check "a both write after a single one (exit $rc)" [ "$rc" -eq 0 ]
check "... removes that write's files" [ ! -e "$w/scenario.xml" ]
check "... not a file of the user's" [ -f "$w/notes.txt" ]
check "... and writes its halves" [ -f "$w/coupled/scenario.xml" ]
cp "$T/both.xml" "$w/scenario.xml"
"$COMETSIM" deploy "$T/both.xml" --set deploy.approach=decoupled --write "$w" \
	>"$T/wd.out" 2>"$T/wd.err"
rc=$?
check "a write over a file of the user's with the name of one it writes: exit 1 ($rc)" \
	[ "$rc" -eq 1 ]
check "... saying so" grep -qF "$w/scenario.xml: already there, and no earlier write wrote it" \
	"$T/wd.err"
check "... leaving the earlier write's files" [ -f "$w/coupled/scenario.xml" ]
check "... and printing nothing" [ ! -s "$T/wd.out" ]
mkdir "$T/ws"
cp "$T/both.xml" "$T/ws/scenario.xml"
"$COMETSIM" deploy "$T/ws/scenario.xml" --set deploy.approach=decoupled --write "$T/ws" \
	>"$T/ws.out" 2>"$T/ws.err"
rc=$?
check "a write into a folder not a write's, the scenario's own: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying so" \
	grep -qF "$T/ws: not empty, and not a folder cometsim deploy --write wrote" "$T/ws.err"
check "... the scenario intact" cmp -s "$T/both.xml" "$T/ws/scenario.xml"
check "... and nothing written beside it" [ "$(ls -A "$T/ws")" = scenario.xml ]
"$COMETSIM" deploy "$T/both.xml" --set deploy.approach=decoupled --write "$T/wr" >/dev/null
cp "$T/both.xml" "$T/wr/scenario.xml"
"$COMETSIM" deploy "$T/wr/scenario.xml" --set deploy.approach=decoupled --write "$T/wr" \
	>/dev/null 2>"$T/wr.err"
rc=$?
check "a write whose scenario is one of the earlier write's files: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying the scenario is there" \
	grep -qF "$T/wr/scenario.xml: the scenario being read ($T/wr/scenario.xml) is there" \
	"$T/wr.err"
check "... the scenario intact" cmp -s "$T/both.xml" "$T/wr/scenario.xml"
check "... and the earlier write's files too" [ -f "$T/wr/deploy.script" ]

"$COMETSIM" deploy "$top_srcdir/scenarios/echo.xml" >/dev/null 2>"$T/none.err"
rc=$?
check "cometsim deploy of a scenario without <deploy>: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... saying so" grep -q 'echo.xml has no <deploy>' "$T/none.err"
"$COMETSIM" deploy "$scn" --write >/dev/null 2>&1
rc=$?
check "--write without a folder: exit 2 ($rc)" [ "$rc" -eq 2 ]

finish
