#!/bin/sh
# curling_rae.sh - the RAE feeds the coupled approach (doc/curling.md,
# "The RAE feeds the CRME"): a deployment's CRMEs take their domain's
# RAE's preferred paths over the RAE-CME interface (each RAE names its
# CRME as its CME, the CRME answers with its version) and follow them
#  1. for resolution: on a graph where the RAE's QoS decision (a longer
#     path of more bandwidth) differs from the publication records and
#     from the Routes protocol (the shorter customer path), the content
#     comes the RAE's way, and the same deployment without RAEs, or
#     with the Routes protocol, does not;
#  2. for route optimisation, with 76 prefixes, more than the 64 routes
#     a Routes message carries: the server's prefix is beyond the 64 a
#     CRME exports, so the Routes protocol cannot optimise, the RAE can;
#  3. bad rae=, nbr_as=, cos= and their combinations are refused with
#     the file and line;
# and the restart handshake: a CRME started again has a new version, its
# RAE sends it everything again.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# A path of the deployment's requests.csv: its only request's AS path.
req_path() {
	awk -F, 'NR == 2 { print $6 }' "$1/requests.csv"
}
req_outcome() {
	awk -F, 'NR == 2 { print $12 }' "$1/requests.csv"
}
# routes_variant XML NAME: the deployment written out to $T/w.NAME, its
# CRMEs given the Routes protocol instead of the RAE (routes=on).
routes_variant() {
	"$COMETSIM" deploy "$1" --write "$T/w.$2" >/dev/null || fail "deploy --write $1 exited $?"
	sed -i -e 's/ rae=9090 nbr_as=[^ ]*/ routes=on/' "$T/w.$2/deploy.script"
}

# ---- 1. resolution follows the RAE's preferred path ----
# AS1 provides 2 and 3, 3 provides 4, and 5 (the server) is a customer of
# both 2 and 4.  1 ms links, 1 Gbit/s but AS2-AS5 at 2 Mbit/s: the RAEs'
# decision (classes BE and PR, bandwidth aspiration 50 and 5 Mbit/s)
# prefers 3 4 5 from AS1, while the records (the first Publish heard at
# AS1 came via AS2) and the Routes protocol (two customer routes, the
# shorter) both say AS2.
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
slow='link.AS2:eth1-AS5:eth0.bandwidth=2Mbps'
"$COMETSIM" run "$T/q.xml" --set "$slow" --out "$T/q" --quiet
rc=$?
check "resolution: the RAE-fed deployment runs (exit $rc)" [ "$rc" -eq 0 ]
check "interface: CRME AS1 listens for its RAE" \
	grep -q 'AS1 crme/crme0 INFO: CRME 10.64.0.1: listening for its RAE on TCP port 9090, version 1$' "$T/q/log.txt"
check "interface: AS1's RAE reports to it, with its version" \
	grep -q 'AS1 rae/rae0 INFO: CME: reporting (CME version 1)$' "$T/q/log.txt"
check "interface: CRME AS1 keeps the paths to the 4 other prefixes" \
	[ "$(counter "$T/q/counters.csv" crme AS1/crme0 rae_prefixes)" -eq 4 ]
check "interface: every request answered: AS1's RAE had as many replies as requests" \
	[ "$(counter "$T/q/counters.csv" rae AS1/rae0 cme_replies)" -eq "$(counter "$T/q/counters.csv" crme AS1/crme0 rae_requests)" ]
check "resolution: the request completes" [ "$(req_outcome "$T/q")" = complete ]
check "resolution: the content came the RAE's way, 5 4 3 1 (got $(req_path "$T/q"))" \
	[ "$(req_path "$T/q")" = "5 4 3 1" ]
check "resolution: CRME AS1 says why: the RAE's preferred path is AS 3 4 5" \
	grep -q "AS1 crme/crme0 INFO: CRME 10.64.0.1: c1: the RAE's preferred path to 100.64.4.6 (100.64.4.0/24) is AS 3 4 5: next CRME 10.64.0.3$" "$T/q/log.txt"
check "resolution: and CRME AS3 follows its own RAE: AS 4 5" \
	grep -q "AS3 crme/crme2 INFO: CRME 10.64.0.3: c1: the RAE's preferred path to 100.64.4.6 (100.64.4.0/24) is AS 4 5: next CRME 10.64.0.4$" "$T/q/log.txt"
check "resolution: three CRMEs resolved by the RAE (AS1, AS3, AS4)" \
	[ "$(awk -F, '$1 == "crme" && $3 == "rae_resolved" { s += $4 } END { print s }' "$T/q/counters.csv")" -eq 3 ]
check "resolution: the CRMEs' Routes messages carry no route" \
	[ "$(grep -c 'DEBUG: CRME .*: route ' "$T/q/log.txt")" -eq 0 ]
# Without RAEs the records decide; with the Routes protocol too (it is
# consulted only by route optimisation, which finds the shorter route is
# the one the content already comes by): both take AS2.
sed 's/approach="coupled"/approach="coupled" rae="no"/' "$T/q.xml" >"$T/qn.xml"
"$COMETSIM" run "$T/qn.xml" --set "$slow" --out "$T/qn" --quiet || fail "rae=no exited $?"
check "resolution: without RAEs the content comes 5 2 1 (got $(req_path "$T/qn"))" \
	[ "$(req_path "$T/qn")" = "5 2 1" ]
# Before the RAEs have reported (they start at 8 s, the request is at 5
# s) the records are followed, and the CRMEs say why.
sed 's|<deploy approach="coupled">|<deploy approach="coupled"><start rae="8s"/>|' "$T/q.xml" >"$T/qlate.xml"
"$COMETSIM" run "$T/qlate.xml" --set "$slow" --out "$T/qlate" --quiet || fail "qlate exited $?"
check "resolution: before its RAE reports, CRME AS1 follows the records" \
	grep -q "AS1 crme/crme0 INFO: CRME 10.64.0.1: c1: no RAE path to 100.64.4.6 (no RAE has reported): the records are followed$" "$T/qlate/log.txt"
check "resolution: so the content comes 5 2 1 (got $(req_path "$T/qlate"))" \
	[ "$(req_path "$T/qlate")" = "5 2 1" ]
check "resolution: and nobody was resolved by an RAE" \
	[ "$(awk -F, '$1 == "crme" && $3 == "rae_resolved" { s += $4 } END { print s }' "$T/qlate/counters.csv")" -eq 0 ]
# cos= picks the class whose path is followed: a class no path is
# preferred for (9) leaves the records to decide.
"$COMETSIM" deploy "$T/q.xml" --write "$T/w.qc" >/dev/null || fail "deploy --write exited $?"
sed -i -e 's/\( rae=9090 nbr_as=[^ ]*\)/\1 cos=9/' "$T/w.qc/deploy.script"
check "resolution: the cos=9 variant's five CRMEs have it" \
	[ "$(grep -c 'usr.curling.Crme .* cos=9$' "$T/w.qc/deploy.script")" -eq 5 ]
"$COMETSIM" run "$T/w.qc/scenario.xml" --set "$slow" --out "$T/qc" --quiet || fail "cos=9 exited $?"
check "resolution: with cos=9 CRME AS1 finds no path of that class" \
	grep -q "AS1 crme/crme0 INFO: CRME 10.64.0.1: c1: no RAE path to 100.64.4.6 (the RAE has no path of class 9 to it): the records are followed$" "$T/qc/log.txt"
check "resolution: so the content comes 5 2 1 (got $(req_path "$T/qc"))" \
	[ "$(req_path "$T/qc")" = "5 2 1" ]
# AS2's RAE made to report to AS1's CRME as well (a wrong cme_ip_address):
# CRME AS1 keeps its as= AS's paths and still follows them.
"$COMETSIM" deploy "$T/q.xml" --set "$slow" --write "$T/w.two" >/dev/null || fail "deploy --write exited $?"
sed -i 's/cme_ip_address="10.64.0.2"/cme_ip_address="10.64.0.1"/' "$T/w.two/AS2-rae.xml"
check "two RAEs: the copy points AS2's RAE at CRME AS1" grep -q 'cme_ip_address="10.64.0.1"' "$T/w.two/AS2-rae.xml"
"$COMETSIM" run "$T/w.two/scenario.xml" --set "$slow" --out "$T/two" --quiet || fail "two RAEs exited $?"
check "two RAEs: CRME AS1 warns of the other AS's reports" \
	grep -q "AS1 crme/crme0 WARN: CRME 10.64.0.1: the RAE reports for AS 2 but the CRME's as= is 1: its paths are kept, not followed$" "$T/two/log.txt"
check "two RAEs: the content still comes AS1's RAE's way, 5 4 3 1 (got $(req_path "$T/two"))" \
	[ "$(req_path "$T/two")" = "5 4 3 1" ]
# Two classes that disagree: with AS1-AS3 at 28 ms too, class 1 (the
# default, the lowest in the report) still prefers 3 4 5, class 2 (delay
# first) 2 5.  cos=2 makes the CRMEs follow class 2.
late='link.AS1:eth1-AS3:eth0.delay=28ms'
"$COMETSIM" run "$T/q.xml" --set "$slow" --set "$late" --out "$T/cl1" --quiet || fail "cl1 exited $?"
check "classes: by default CRME AS1 follows class 1's path, AS 3 4 5" \
	grep -q "AS1 crme/crme0 INFO: CRME 10.64.0.1: c1: the RAE's preferred path to 100.64.4.6 (100.64.4.0/24) is AS 3 4 5: next CRME 10.64.0.3$" "$T/cl1/log.txt"
"$COMETSIM" deploy "$T/q.xml" --set "$slow" --set "$late" --write "$T/w.cl2" >/dev/null || fail "deploy --write exited $?"
sed -i -e 's/\( rae=9090 nbr_as=[^ ]*\)/\1 cos=2/' "$T/w.cl2/deploy.script"
"$COMETSIM" run "$T/w.cl2/scenario.xml" --set "$slow" --set "$late" --out "$T/cl2" --quiet || fail "cl2 exited $?"
check "classes: with cos=2 it follows class 2's, AS 2 5" \
	grep -q "AS1 crme/crme0 INFO: CRME 10.64.0.1: c1: the RAE's preferred path to 100.64.4.6 (100.64.4.0/24) is AS 2 5: next CRME 10.64.0.2$" "$T/cl2/log.txt"
routes_variant "$T/q.xml" qr
check "resolution: the Routes variant's CRMEs have routes=on" \
	[ "$(grep -c 'usr.curling.Crme .* routes=on' "$T/w.qr/deploy.script")" -eq 5 ]
"$COMETSIM" run "$T/w.qr/scenario.xml" --set "$slow" --out "$T/qr2" --quiet || fail "routes exited $?"
check "resolution: with the Routes protocol the content comes 5 2 1 (got $(req_path "$T/qr2"))" \
	[ "$(req_path "$T/qr2")" = "5 2 1" ]

# ---- 2. route optimisation from the RAE's paths, beyond 64 prefixes ----
# AS1 provides 2 and 3, 2 and 3 peer, 2 provides 20 (the client), 3
# provides 40 and 41 (35 stubs each) and 300 (the server, the highest
# AS number: its prefix is the last of the 76).  The request climbs 20 2
# 1 to the record and comes down 1 3 300; AS2 then finds a better path
# through its peer AS3 and moves the flow there.  With the Routes
# protocol AS3 exports its first 64 routes by prefix to AS2, not the
# server's: no route optimisation.
{
	printf '1|2|-1\n1|3|-1\n2|3|0\n2|20|-1\n3|40|-1\n3|41|-1\n'
	i=100
	while [ "$i" -le 169 ]; do
		if [ "$i" -le 134 ]; then echo "40|$i|-1"; else echo "41|$i|-1"; fi
		i=$((i + 1))
	done
	echo '3|300|-1'
} >"$T/ro.txt"
cat >"$T/ro.xml" <<EOF2
<scenario name="rae-ro">
  <topology file="ro.txt" format="caida"/>
  <run end_time="12s" pcap="none"/>
  <linkdefaults delay="1ms"/>
  <deploy approach="coupled">
    <servers where="AS300"/>
    <clients where="AS20"/>
    <catalogue contents="1" size="200kB"/>
    <requests trace="ro.trace"/>
  </deploy>
</scenario>
EOF2
printf '8s AS20-cli0 c1\n' >"$T/ro.trace"
"$COMETSIM" run "$T/ro.xml" --out "$T/ro" --quiet
rc=$?
check "ro: the RAE-fed deployment runs (exit $rc)" [ "$rc" -eq 0 ]
check "ro: CRME AS2 holds its RAE's paths to the 76 other prefixes, more than 64" \
	[ "$(counter "$T/ro/counters.csv" crme AS2/crme1 rae_prefixes)" -eq 76 ]
check "ro: CRME AS2 optimises once" [ "$(counter "$T/ro/counters.csv" crme AS2/crme1 ro_switches)" -eq 1 ]
check "ro: through its peer, the RAE's next AS" \
	grep -q 'AS2 crme/crme1 INFO: CRME 10.64.0.2: route optimisation for c1: the best route to 100.64.76.6 is via CRME 10.64.0.3 (peer), the content comes from CRME 10.64.0.1: Consume sent to 10.64.0.3$' "$T/ro/log.txt"
check "ro: the request completes" [ "$(req_outcome "$T/ro")" = complete ]
check "ro: by the optimised path 300 3 2 20 (got $(req_path "$T/ro"))" \
	[ "$(req_path "$T/ro")" = "300 3 2 20" ]
routes_variant "$T/ro.xml" ror
"$COMETSIM" run "$T/w.ror/scenario.xml" --out "$T/ror" --quiet || fail "routes exited $?"
check "ro: with the Routes protocol CRME AS2 cannot optimise (got $(counter "$T/ror/counters.csv" crme AS2/crme1 ro_switches))" \
	[ "$(counter "$T/ror/counters.csv" crme AS2/crme1 ro_switches)" -eq 0 ]
check "ro: and the content comes through AS1 (got $(req_path "$T/ror"))" \
	[ "$(req_path "$T/ror")" = "300 3 1 2 20" ]

# ---- an optimisation the flow outlives not: released ----
# The same shape without the stubs, and a content of 3 chunks: the flow
# ends before AS2's optimised path is set up.  AS2 gives up, and must
# release what AS3 set up for it, or the server sends the content a
# second time to nobody (the Release stops it after its first chunks).
printf '1|2|-1\n1|3|-1\n2|3|0\n2|20|-1\n3|300|-1\n' >"$T/ab.txt"
sed -e 's/ro.txt/ab.txt/' -e 's/size="200kB"/size="3kB"/' -e 's/ro.trace/ab.trace/' \
	"$T/ro.xml" >"$T/ab.xml"
printf '5s AS20-cli0 c1\n' >"$T/ab.trace"
"$COMETSIM" run "$T/ab.xml" --out "$T/ab" --quiet
rc=$?
check "ab: runs (exit $rc)" [ "$rc" -eq 0 ]
check "ab: AS2 gives its optimisation up when the flow ends" \
	grep -q 'AS2 crme/crme1 INFO: CRME 10.64.0.2: route optimisation of c1 via 10.64.0.3 abandoned: the flow ended$' "$T/ab/log.txt"
check "ab: and releases it" [ "$(counter "$T/ab/counters.csv" crme AS2/crme1 releases)" -eq 1 ]
check "ab: the Release reaches the server" \
	[ "$(counter "$T/ab/counters.csv" cserver AS300-srv0/cserver0 releases)" -eq 1 ]
check "ab: which stops the second sending short of the content's 3 chunks (6 chunks without it)" \
	[ "$(counter "$T/ab/counters.csv" cserver AS300-srv0/cserver0 chunks_sent)" -lt 6 ]
check "ab: the request completes" [ "$(req_outcome "$T/ab")" = complete ]

# ---- the restart handshake ----
# D4.3's multi-domain RAE test (topologies/rae-multi.xml) with a CRME as
# AS 7's "CME" on c7.  c7 stops at 5 s and comes back at 5.5 s with a new
# CRME (a new version); at 7 s AS 7's RAE has something to say (a
# withdrawal), finds its connection gone, reconnects and sends everything
# again: the new CRME ends with the paths the first one had.
cat >"$T/rs.xml" <<EOF2
<scenario name="crme-rae-restart">
  <param name="raedir" value="$top_srcdir/scenarios/rae"/>
  <param name="timers" value="keepalive=1s hold=3s retry=1s"/>
  <topology file="$top_srcdir/topologies/rae-multi.xml"/>
  <run end_time="10s" log="info"/>
  <events>
    <script><![CDATA[
0     ON_ROUTER c7 usr.curling.Crme 3000 0 rae=9090
100   ON_ROUTER r1 usr.rae.Rae \${raedir}/multi/as1.xml \${timers}
+0    ON_ROUTER r2 usr.rae.Rae \${raedir}/multi/as2.xml \${timers}
+0    ON_ROUTER r3 usr.rae.Rae \${raedir}/multi/as3.xml \${timers}
+0    ON_ROUTER r4 usr.rae.Rae \${raedir}/multi/as4.xml \${timers}
+0    ON_ROUTER r5 usr.rae.Rae \${raedir}/multi/as5.xml \${timers}
+0    ON_ROUTER r6 usr.rae.Rae \${raedir}/multi/as6.xml \${timers}
+0    ON_ROUTER r7 usr.rae.Rae \${raedir}/multi/as7.xml \${timers}
5000  END_ROUTER c7
5500  START_ROUTER c7
+0    ON_ROUTER c7 usr.curling.Crme 3000 0 rae=9090
7000  ON_ROUTER r7 rae_tool withdraw 10.77.0.0/16
]]></script>
  </events>
</scenario>
EOF2
"$COMETSIM" run "$T/rs.xml" --out "$T/rs" --quiet
rc=$?
check "restart: the scenario runs (exit $rc)" [ "$rc" -eq 0 ]
c="$T/rs/counters.csv"
check "restart: the first CRME had the RAE's paths to 6 prefixes" \
	[ "$(counter "$c" crme c7/crme0 rae_prefixes)" -eq 6 ]
check "restart: 18 paths" [ "$(counter "$c" crme c7/crme0 rae_paths)" -eq 18 ]
check "restart: the new CRME's version is its start time plus one" \
	[ "$(counter "$c" crme c7/crme1 rae_version)" -eq 5500000001 ]
check "restart: AS 7's RAE loses the connection when it next speaks" \
	grep -q '^7\.[0-9]* r7 rae/rae6 INFO: CME: connection lost$' "$T/rs/log.txt"
check "restart: it reconnects with a full report" \
	grep -q '^8\.[0-9]* r7 rae/rae6 INFO: CME: connected, full report$' "$T/rs/log.txt"
check "restart: and sees the new CRME's version" \
	grep -q 'r7 rae/rae6 INFO: CME: reporting (CME version 5500000001)$' "$T/rs/log.txt"
check "restart: the new CRME ends with the same 6 prefixes" \
	[ "$(counter "$c" crme c7/crme1 rae_prefixes)" -eq 6 ]
check "restart: and 18 paths" [ "$(counter "$c" crme c7/crme1 rae_paths)" -eq 18 ]

# ---- a path on the request's way is not followed, and counted a miss ----
# AS2's RAE made to call AS1 and AS3 its customers, and AS1-AS3 slow: AS1's
# RAE prefers 2 3 300 for the request that came up from AS2.
sed 's/size="3kB"/size="20kB"/' "$T/ab.xml" >"$T/wl.xml"
wlset='link.AS1:eth1-AS3:eth0.bandwidth=2Mbps'
"$COMETSIM" deploy "$T/wl.xml" --set "$wlset" --write "$T/w.wl" >/dev/null || fail "deploy --write exited $?"
sed -i -e '/remote_as_number="1"/s/relationship="[a-z]*"/relationship="customer"/' \
	-e '/remote_as_number="3"/s/relationship="[a-z]*"/relationship="customer"/' "$T/w.wl/AS2-rae.xml"
check "wl: AS2's RAE calls AS1 and AS3 customers" \
	[ "$(grep -c 'remote_as_number="[13]".*relationship="customer"' "$T/w.wl/AS2-rae.xml")" -eq 2 ]
"$COMETSIM" run "$T/w.wl/scenario.xml" --set "$wlset" --out "$T/wl" --quiet || fail "wl exited $?"
check "wl: CRME AS1 does not follow a path back to AS2" \
	grep -q "AS1 crme/crme0 INFO: CRME 10.64.0.1: c1: the RAE's preferred path to 100.64.4.6 leads back to CRME 10.64.0.2, on the request's way: the records are followed$" "$T/wl/log.txt"
check "wl: and counts it a miss" [ "$(counter "$T/wl/counters.csv" crme AS1/crme0 rae_misses)" -eq 1 ]
check "wl: not a resolution by the RAE" [ "$(counter "$T/wl/counters.csv" crme AS1/crme0 rae_resolved)" -eq 0 ]
check "wl: the request completes" [ "$(req_outcome "$T/wl")" = complete ]

# ---- <deploy limit=> above 1 with RAE-fed CRMEs: refused ----
sed 's|<deploy approach="coupled">|<deploy approach="coupled" limit="2">|' "$T/q.xml" >"$T/ql2.xml"
"$COMETSIM" check "$T/ql2.xml" >/dev/null 2>"$T/ql2.err"
rc=$?
check "limit 2 with RAE-fed CRMEs: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "limit 2: the file, the line and why" \
	grep -q "^$T/ql2.xml:5: <deploy>: limit 2: the coupled approach's CRMEs follow the one preferred path a class their RAE reports" "$T/ql2.err"
sed 's|<deploy approach="coupled">|<deploy approach="coupled" rae="no" limit="2">|' "$T/q.xml" >"$T/ql2n.xml"
"$COMETSIM" check "$T/ql2n.xml" >/dev/null 2>&1
rc=$?
check "limit 2 without RAEs (rae=\"no\"): accepted ($rc)" [ "$rc" -eq 0 ]

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
bad 'rae=9090 routes=on' 'rae=9090 and routes=on exclude each other'
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
bad 'rae=9090 rae_report=0' 'rae_report'
bad 'routes=maybe' 'unknown option "routes=maybe"'
bad 'rae=9090 nbr_as=' 'nbr_as: an empty list'
bad 'cos=2' 'cos= without rae=PORT'
bad 'routes=on cos=3' 'cos= without rae=PORT'
bad 'rae_report=3' 'rae_report= without rae=PORT'
bad 'as=2 rae=9090 nbr_as=1.1:2' "nbr_as: AS 2 is the CRME's own (as=2)"
# Two CRMEs of one router listening for their RAE on one TCP port.
cat >"$T/badtcp.xml" <<EOF2
<scenario name="bad">
  <run end_time="1s"/>
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/><script><![CDATA[
100 ON_ROUTER 1.1 usr.curling.Crme 3000 0 rae=9090
100 ON_ROUTER 1.1 usr.curling.Crme 3001 0 rae=9090
]]></script></events>
</scenario>
EOF2
"$COMETSIM" check "$T/badtcp.xml" >/dev/null 2>"$T/badtcp.err"
rc=$?
check "two CRMEs with one rae= port on a router: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "two CRMEs with one rae= port: the second's line and why" \
	grep -q "badtcp\.xml:5: usr.curling.Crme: rae=9090: TCP port 9090 on 1.1 is already another CRME's" "$T/badtcp.err"
# A provider given twice: the CRME's line itself.
cat >"$T/badprov.xml" <<EOF2
<scenario name="bad">
  <run end_time="1s"/>
  <events><script file="$top_srcdir/topologies/curling-topology1.script"/><script><![CDATA[
100 ON_ROUTER 1.1 usr.curling.Crme 3000 0
100 ON_ROUTER 2.1 usr.curling.Crme 3000 2 1.1 1.1
]]></script></events>
</scenario>
EOF2
"$COMETSIM" check "$T/badprov.xml" >/dev/null 2>"$T/badprov.err"
rc=$?
check "a provider given twice: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "a provider given twice: the line and why" \
	grep -q "badprov\.xml:5: usr.curling.Crme: provider 1.1 is given twice" "$T/badprov.err"
bad 'raeport=9090' 'unknown option "raeport=9090"'

finish
