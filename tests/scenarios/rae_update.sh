#!/bin/sh
# rae_update.sh - a domain's provisioning and a peer link metric changed
# during a run (rae_tool reload, doc/rae.md "Updating the provisioning"):
# scenarios/rae/update.xml.  What the validation rows of test 7 do not
# check: the log lines and every counter, that only the peer whose
# advertisement changes is sent something, that a run without a reload
# has none of the new counters, a reload refused at run time (the RAE
# keeps its configuration), and the same run twice.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
o="$T/run"
"$COMETSIM" run "$raedir/update.xml" --set "raedir=$raedir" --out "$o" --quiet
rc=$?
check "the update run completes (exit $rc)" [ "$rc" -eq 0 ]
log="$o/log.txt"
c="$o/counters.csv"

# ---- AS 3's provisioning at 6 s ----
check "AS 3 logs the reload and what it sends again" \
	grep -q "^6\.000000000 r3 rae/rae2 INFO: reloaded $raedir/update/as3-update.xml: provisioning changed, 0 peer link metrics changed, 2 (peer, prefix) advertisements to send again\$" "$log"
check "both to AS 1, whose transit from AS 3 to AS 4 changed" \
	grep -q '^6\.000000000 r3 rae/rae2 INFO: peer AS1/172.20.1.1: 2 prefixes advertised again (provisioning changed)$' "$log"
check "nothing to AS 4 or AS 6 (their provisioning did not change)" \
	not grep -q 'r3 rae/rae2 INFO: peer AS[46]/[^:]*: [0-9]* prefixes advertised again' "$log"
check "AS 3 counts one reload" [ "$(counter "$c" rae r3/rae2 reloads)" -eq 1 ]
check "and two advertisements sent again" [ "$(counter "$c" rae r3/rae2 reload_readvertised)" -eq 2 ]
check "and no peer link metric changed" [ "$(counter "$c" rae r3/rae2 reload_peers)" -eq 0 ]
# AS 3 is 172.20.1.2 on r1-r3 (r1 eth1): its Update to AS 1 right after the reload.
check "the capture on r1-r3 shows AS 3's Update to AS 1 at the reload" \
	[ "$(tshark_read "$o/r1-eth1.pcap" -X "lua_script:$top_srcdir/output/wireshark/cometsim.lua" \
		-Y 'rae.type == 3 && ip.src == 172.20.1.2' -T fields -e frame.time_epoch |
		awk '$1 >= 6 && $1 < 6.1' | wc -l)" -eq 1 ]
check "AS 1's CME ends with 3 4 to 10.4.0.0/16 carrying AS 3's new transit (0.305 s)" \
	grep -q '^14\.000000000 c1 cme/cme0 INFO: path_inf AS 1 10\.4\.0\.0/16 as_path 3 4 class 1 delay 0.305 ' "$log"
check "AS 3's CME holds the new transit entry" \
	grep -q 'c3 cme/cme2 INFO: prov_inf AS 3 provisioning AS 1 -> AS 4 class 1 delay 0.3 ' "$log"
check "and not the old one" \
	not grep -q '^14\.000000000 c3 cme/cme2 INFO: prov_inf AS 3 provisioning AS 1 -> AS 4 class 1 delay 0.001 ' "$log"

# ---- AS 1's link metric towards AS 2 at 10 s ----
check "AS 1 asks AS 2 for its paths again" \
	grep -q '^10\.000000000 r1 rae/rae0 INFO: peer AS2/172.20.2.2: link metric changed: asking for its paths again$' "$log"
check "AS 2 answers by advertising everything again" \
	grep -q '^10\.00[0-9]* r2 rae/rae1 INFO: peer AS1/172.20.2.1: refresh asked: advertising everything again$' "$log"
check "AS 1 counts one changed peer link" [ "$(counter "$c" rae r1/rae0 reload_peers)" -eq 1 ]
check "AS 1 sent one Refresh" [ "$(counter "$c" rae r1/rae0 refresh_out)" -eq 1 ]
check "AS 2 received one" [ "$(counter "$c" rae r2/rae1 refresh_in)" -eq 1 ]
check "AS 1's provisioning did not change: nothing advertised again" \
	[ "$(counter "$c" rae r1/rae0 reload_readvertised)" -eq 0 ]
check "no session went down before the end" \
	not grep -q ' WARN: peer [^:]*: Established -> Idle' "$log"
check "the capture shows the Refresh, with an empty body" \
	[ "$(tshark_read "$o/r1-eth2.pcap" -X "lua_script:$top_srcdir/output/wireshark/cometsim.lua" \
		-Y 'rae.type == 5 && rae.length == 0 && ip.src == 172.20.2.1' | wc -l)" -eq 1 ]
check "the RAE messages decode cleanly" [ -z "$(pcap_bad "$o/r1-eth2.pcap")" ]
check "AS 1's CME ends with 3 6 2 to 10.2.0.0/16" \
	grep -q '^14\.000000000 c1 cme/cme0 INFO: path_inf AS 1 10\.2\.0\.0/16 as_path 3 6 2 class 1 ' "$log"
check "rae-paths.csv has AS 1's new path to 10.6.0.0/16" \
	grep -q '^1,10\.6\.0\.0/16,1,1 3 6,' "$o/rae-paths.csv"

# ---- the same run again: the same outputs ----
"$COMETSIM" run "$raedir/update.xml" --set "raedir=$raedir" --out "$T/again" --quiet
check "a second run writes the same log" cmp -s "$log" "$T/again/log.txt"
check "and the same counters" cmp -s "$c" "$T/again/counters.csv"

# ---- no reload, no new counters (the outputs of other runs are unchanged) ----
"$COMETSIM" run "$raedir/ties.xml" --set "raedir=$raedir" --out "$T/ties" --quiet
check "a run without rae_tool reload or restart has none of their counters" \
	not grep -qE '^rae,[^,]*,(refresh_in|refresh_out|reloads|reload_peers|reload_readvertised|restarts),' \
	"$T/ties/counters.csv"

# ---- a reload the running RAE refuses: another domain's configuration ----
sed -e "s#\${raedir}/update/as3-update.xml#\${raedir}/ties/as4.xml#" \
	-e "s#\.\./\.\./topologies/#$top_srcdir/topologies/#" "$raedir/update.xml" >"$T/refuse.xml"
"$COMETSIM" run "$T/refuse.xml" --set "raedir=$raedir" --out "$T/refuse" --quiet
rc=$?
check "a refused reload does not stop the run (exit $rc)" [ "$rc" -eq 0 ]
check "the refusal names the field and both files" \
	grep -q "^6\.000000000 r3 rae_tool/[^ ]* ERROR: reload refused: $raedir/ties/as4.xml: local_as_number differs from the running configuration's ($raedir/ties/as3.xml): a reload changes only provisioning_table and the peers' class_table\$" \
	"$T/refuse/log.txt"
check "AS 3 counts no reload" \
	not grep -q '^rae,r3/rae2,reloads,' "$T/refuse/counters.csv"
check "and keeps its provisioning (the old transit entry to the end)" \
	grep -q '^14\.000000000 c3 cme/cme2 INFO: prov_inf AS 3 provisioning AS 1 -> AS 4 class 1 delay 0.001 ' \
	"$T/refuse/log.txt"

# ---- a reload that changes one field of a peer: refused, whichever field ----
# peer_field NAME FROM TO: AS 3's configuration with FROM made TO on the
# line of its first peer (AS 1), reloaded at 6 s.
peer_field() {
	sed "/remote_as_number=\"1\"/s#$2#$3#" "$raedir/ties/as3.xml" >"$T/peer-$1.xml"
	check "the copy changes $1 of AS 3's first peer" not cmp -s "$raedir/ties/as3.xml" "$T/peer-$1.xml"
	sed -e "s#\${raedir}/update/as3-update.xml#$T/peer-$1.xml#" \
		-e "s#\.\./\.\./topologies/#$top_srcdir/topologies/#" "$raedir/update.xml" >"$T/peer-$1-scn.xml"
	"$COMETSIM" run "$T/peer-$1-scn.xml" --set "raedir=$raedir" --out "$T/peer-$1" --quiet
	check "a reload changing a peer's $1: refused" \
		grep -q "ERROR: reload refused: $T/peer-$1.xml: peer_table (a peer's AS, address, port, ttl_value or relationship) differs" \
		"$T/peer-$1/log.txt"
	check "... and not counted as a reload ($1)" \
		not grep -q '^rae,r3/rae2,reloads,' "$T/peer-$1/counters.csv"
}
peer_field remote_ip_address 'remote_ip_address="172.20.1.1"' 'remote_ip_address="172.20.1.9"'
peer_field remote_port_number 'remote_port_number="10001"' 'remote_port_number="10009"'
peer_field ttl_value 'ttl_value="1"' 'ttl_value="2"'

finish
