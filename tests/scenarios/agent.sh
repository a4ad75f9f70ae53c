#!/bin/sh
# agent.sh - the CAFE agent (usr.stateless.CafeAgent) and its self test
# (usr.stateless.AgentTest) end to end over emulated TCP, read back from
# the captures with tshark and the project's dissector (doc/cafe-agent.md):
#
# 1. D4.3's test 1 (scenarios/validation/stateless/1-agent.xml): the self
#    test passes, the log and counters say what happened, every message
#    decodes and filters by field, no capture has a bad frame, and Appendix
#    B's own test.py (tests/cafe/appendix_b.py, with protoc's cmecafe_pb2)
#    sends exactly the bytes the self test sent and reads the answers.
# 2. A stream configured through the agent takes real traffic
#    (tests/scenarios/data/agent-traffic.xml): the record collected over the
#    agent carries bandwidth, cos, AS path and the stream's bytes; three
#    ways of handing bytes to TCP (test.py's, every request at once, one
#    byte a segment) give the same result.
# 3. Peers that do not speak the protocol and an agent that does not answer
#    (tests/scenarios/data/agent-garbage.xml): garbage closes its connection
#    and is counted, a connection cut inside a message is counted, the agent
#    goes on; a self test against no agent, or a silent one, fails cleanly.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lua="$top_srcdir/output/wireshark/cometsim.lua"
data="$top_srcdir/tests/scenarios/data"
# tshark with the dissector, so that lib.sh's pcap_bad and count use it.
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" "$lua" >"$T/tshark-ws"
chmod +x "$T/tshark-ws"
plain_tshark=$TSHARK
TSHARK="$T/tshark-ws"

# fields FILE FIELD [FILTER]: every value of FIELD, one a line.
fields() {
	tshark_read "$1" -Y "${3:-$2}" -T fields -E occurrence=a -E aggregator=/s -e "$2" |
		tr ' ' '\n' | grep .
}

# clean DIR LABEL: every capture of a run without a bad frame.
clean() {
	for f in "$1"/*.pcap; do
		b=$(pcap_bad "$f" | wc -l)
		check "$2 $(basename "$f"): pcap_bad 0 ($b)" [ "$b" -eq 0 ]
	done
}

# ---- 1. D4.3 test 1 ----

out="$T/selftest"
"$COMETSIM" run "$top_srcdir/scenarios/validation/stateless/1-agent.xml" --out "$out" --quiet ||
	fail "cometsim run 1-agent.xml exited $?"
c="$out/counters.csv"
log="$out/log.txt"
check "self test: the run completed" [ "$(json_get "$out/summary.json" status)" = complete ]
check "self test: passed, finished" \
	[ "$(counter "$c" agent_test tin/agent_test0 passed)" -eq 1 -a \
	  "$(counter "$c" agent_test tin/agent_test0 finished)" -eq 1 ]
check "self test: 10 successes, 3 expected failures, none unexpected" \
	[ "$(counter "$c" agent_test tin/agent_test0 successes)" -eq 10 -a \
	  "$(counter "$c" agent_test tin/agent_test0 failures_expected)" -eq 3 -a \
	  "$(counter "$c" agent_test tin/agent_test0 failures_unexpected)" -eq 0 ]
check "self test: 15 requests, 15 responses, 2 collects, 10 records as configured" \
	[ "$(counter "$c" agent_test tin/agent_test0 requests)" -eq 15 -a \
	  "$(counter "$c" agent_test tin/agent_test0 responses)" -eq 15 -a \
	  "$(counter "$c" agent_test tin/agent_test0 collects)" -eq 2 -a \
	  "$(counter "$c" agent_test tin/agent_test0 records_ok)" -eq 10 -a \
	  "$(counter "$c" agent_test tin/agent_test0 records_bad)" -eq 0 ]
check "agent: 1 connection, 10 configured, 3 refused, 10 records sent, nothing malformed" \
	[ "$(counter "$c" cafe_agent dut/cafe_agent0 connections)" -eq 1 -a \
	  "$(counter "$c" cafe_agent dut/cafe_agent0 configure_success)" -eq 10 -a \
	  "$(counter "$c" cafe_agent dut/cafe_agent0 configure_failure)" -eq 3 -a \
	  "$(counter "$c" cafe_agent dut/cafe_agent0 records_sent)" -eq 10 -a \
	  "$(counter "$c" cafe_agent dut/cafe_agent0 malformed)" -eq 0 -a \
	  "$(counter "$c" cafe_agent dut/cafe_agent0 truncated)" -eq 0 ]
check "the CAFE's filters were added by the agent and expired (cafe counters)" \
	[ "$(counter "$c" cafe dut/cafe0 expired_streams)" -eq 10 -a \
	  "$(counter "$c" cafe dut/cafe0 filters)" -eq 0 ]
check "log: the self test's verdict" grep -q \
	"tin agent_test/agent_test0 INFO: self test PASSED: 10 of 10 CONFIGURE_STREAM answered CAFE_SUCCESS, 3 of 3 refusals" "$log"
check "log: the agent names the duplicate id's reason" grep -q \
	"dut cafe_agent/cafe_agent0 WARN: CONFIGURE_STREAM 3 from 10.0.12.1:[0-9]*: CAFE_FAILURE: stream id 3 already exists" "$log"
check "log: the agent adds filter 10 with test.py's values" grep -q \
	"CAFE_SUCCESS (filter 10 added: 1.1.1.1 -> 2.2.2.2 proto 6 ports 80 -> 0 keys 01020a cos PR timeout 10 s bandwidth 1000 as_path 1,2,3)" "$log"
check "log: the CAFE's record of stream 4 carries bandwidth, cos and AS path" grep -q \
	"dut cafe/cafe0 INFO: stream 4 expired: 4 1.1.1.1 2.2.2.2 6 80 0 1000 2 1,2,3 0 0.000000000" "$log"
clean "$out" "self test"

d0="$out/dut-eth0.pcap"
check "dissector: 13 CONFIGURE_STREAM and 2 COLLECT_EXPIRED_STREAMS requests" \
	[ "$(count "$d0" 'cmecafe.type == 1')" -eq 13 -a "$(count "$d0" 'cmecafe.type == 2')" -eq 2 ]
check "dissector: 10 CAFE_SUCCESS answers to CONFIGURE_STREAM, ids 1-10" \
	[ "$(fields "$d0" cmecafe.response.id 'cmecafe.status == 0 && cmecafe.response.type == 1' | tr '\n' ,)" = "1,2,3,4,5,6,7,8,9,10," ]
check "dissector: 3 CAFE_FAILURE answers" [ "$(count "$d0" 'cmecafe.status == 1')" -eq 3 ]
check "dissector: the duplicate id's reason" \
	[ "$(count "$d0" 'cmecafe.response.id == 3 && cmecafe.reason == "stream id 3 already exists"')" -eq 1 ]
check "dissector: the empty key list, seen in the request and in its answer" \
	[ "$(count "$d0" 'cmecafe.configure.id == 11 && cmecafe.configure.key == ""')" -eq 1 -a \
	  "$(count "$d0" 'cmecafe.reason == "empty key list"')" -eq 1 ]
check "dissector: flow 10's keys are 01 02 0a" \
	[ "$(count "$d0" 'cmecafe.configure.key == 01:02:0a && cmecafe.configure.cos == "PR"')" -eq 1 ]
check "dissector: the last collect holds 10 records, bandwidth 1000 each" \
	[ "$(fields "$d0" cmecafe.expired.bandwidth | grep -c '^1000$')" -eq 10 ]
check "dissector: ... cos PR each" [ "$(fields "$d0" cmecafe.expired.cos | grep -c '^PR$')" -eq 10 ]
check "dissector: ... AS path 1 2 3 each" \
	[ "$(fields "$d0" cmecafe.expired.as_path | tr '\n' ,)" = "$(for i in 1 2 3 4 5 6 7 8 9 10; do printf '1,2,3,'; done)" ]
check "dissector: the same messages in the tester's capture" \
	[ "$(count "$out/tin-eth1.pcap" cmecafe)" -eq "$(count "$d0" cmecafe)" -a "$(count "$d0" cmecafe)" -eq 30 ]
check "dissector: more = false on the last collect" \
	[ "$(count "$d0" 'cmecafe.more == 0 && cmecafe.expired.id == 10')" -eq 1 ]

# Appendix B's test.py, with protoc's cmecafe_pb2, against the capture.
py=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -n "$py" ] && command -v protoc >/dev/null 2>&1; then
	protoc --proto_path="$top_srcdir/entities/cafe" --python_out="$T" \
		"$top_srcdir/entities/cafe/cmecafe.proto" || fail "protoc --python_out cmecafe.proto"
	"$plain_tshark" -n -r "$d0" -Y 'tcp.port == 9999 && tcp.len > 0' -T fields \
		-e tcp.srcport -e tcp.payload 2>/dev/null >"$T/segments.txt"
	PYTHONPATH="$T" "$py" "$top_srcdir/tests/cafe/appendix_b.py" "$T/segments.txt" 9999 \
		>"$T/appendix_b.txt" 2>&1
	rc=$?
	tail -n 1 "$T/appendix_b.txt"
	check "Appendix B's test.py sends the self test's bytes and reads its answers (exit $rc)" \
		[ "$rc" -eq 0 ]
	check "test.py prints the answers as D4.3 shows them" \
		[ "$(grep -c '^status: CAFE_SUCCESS$' "$T/appendix_b.txt")" -eq 10 ]
else
	echo "skipped: Appendix B's test.py needs protoc and Python's protobuf module"
fi

# ---- 2. real traffic through a stream the agent configured ----

for opts in pipeline=0 pipeline=1 chunk=1; do
	o="$T/traffic-$opts"
	"$COMETSIM" run "$data/agent-traffic.xml" --out "$o" --quiet --set "opts=$opts" ||
		fail "cometsim run agent-traffic.xml ($opts) exited $?"
	c="$o/counters.csv"
	check "$opts: the self test passed" [ "$(counter "$c" agent_test h1/agent_test0 passed)" -eq 1 ]
	check "$opts: h2 received the 100 datagrams" [ "$(counter "$c" recv h2/recv0 received)" -eq 100 ]
	check "$opts: c1 intercepted them, c2 decapsulated them" \
		[ "$(counter "$c" cafe c1/cafe0 intercepted)" -eq 100 -a \
		  "$(counter "$c" cafe c2/cafe1 decapsulated)" -eq 100 ]
	check "$opts: on c1-c2, COMET frames with the agent's key a1 and cos PR" \
		[ "$(count "$o/c1-eth1.pcap" 'comet.keys == a1 && comet.cos == 2 && udp.dstport == 5000')" -eq 100 ]
	check "$opts: the record of flow 1, in the self test's log" grep -q \
		"expired stream 1: 10.1.0.2 -> 10.2.0.2 proto 17 ports 7000 -> 5000 bandwidth 1000 cos PR as_path 1 2 3, 22800 bytes in 100 packets over 99000000 ns" \
		"$o/log.txt"
	check "$opts: the record of flow 1, on the wire" \
		[ "$(count "$o/c1-eth0.pcap" 'cmecafe.expired.id == 1 && cmecafe.expired.transferred_bytes == 22800 && cmecafe.expired.packets == 100 && cmecafe.expired.duration == 99000000')" -eq 1 ]
	check "$opts: the 9 other records counted nothing" \
		[ "$(fields "$o/c1-eth0.pcap" cmecafe.expired.transferred_bytes | grep -c '^0$')" -eq 9 ]
	check "$opts: 13 CONFIGURE_STREAM decoded" \
		[ "$(fields "$o/c1-eth0.pcap" cmecafe.type | grep -c '^1$')" -eq 13 ]
	clean "$o" "$opts"
done
multi() {
	tshark_read "$1" -Y "cmecafe && $2" -T fields -E aggregator=';' -e cmecafe.summary |
		grep -c ';'
}
o="$T/traffic-pipeline=1"
check "pipeline=1: the 10 requests travel in one segment" \
	[ "$(tshark_read "$o/c1-eth0.pcap" -Y 'tcp.dstport == 9999' -T fields -E aggregator=';' -e cmecafe.summary | awk -F';' 'NF == 10' | wc -l)" -eq 1 ]
check "pipeline=1: the agent answers several in one segment" [ "$(multi "$o/c1-eth0.pcap" 'tcp.srcport == 9999')" -ge 1 ]
o="$T/traffic-chunk=1"
check "chunk=1: the requests went one byte a segment" \
	[ "$(count "$o/c1-eth0.pcap" 'tcp.dstport == 9999 && tcp.len == 1')" -gt 500 ]
check "chunk=1: the agent's log is the same as with whole messages" \
	[ "$(grep -c 'cafe_agent0 [A-Z]*: CONFIGURE_STREAM' "$o/log.txt")" -eq 13 ]

# ---- 3. garbage, a cut message, no agent, a silent agent ----

g="$T/garbage"
"$COMETSIM" run "$data/agent-garbage.xml" --out "$g" --quiet || fail "cometsim run agent-garbage.xml exited $?"
c="$g/counters.csv"
log="$g/log.txt"
check "garbage: counted as malformed, once" [ "$(counter "$c" cafe_agent c1/cafe_agent0 malformed)" -eq 1 ]
check "garbage: the connection closed with the reason" grep -q \
	"c1 cafe_agent/cafe_agent0 WARN: connection from 10.1.0.2:49152 closed: malformed request (778 bytes): configure: wire type 1 (64-bit), expected 2 (length-delimited) (byte 0)" "$log"
check "garbage: the sender saw its connection end normally" grep -q \
	"h1 tcpsend/tcpsend0 INFO: connection to 10.1.0.1:9999 closed (normal)" "$log"
check "a message cut by the end of its connection: counted, with the sizes" \
	[ "$(counter "$c" cafe_agent c1/cafe_agent0 truncated)" -eq 1 ]
check "... and logged" grep -q \
	"WARN: connection from 10.1.0.2:49153 ended inside a message: 100 of 780 bytes" "$log"
check "no agent on the port: the self test fails, refused" \
	[ "$(counter "$c" agent_test h1/agent_test0 passed)" -eq 0 -a \
	  "$(counter "$c" agent_test h1/agent_test0 connected)" -eq 0 ]
check "... and says so" grep -q "agent_test0 WARN: connection to 10.1.0.1:9998 closed (refused)" "$log"
check "a silent peer: the self test gives up after its timeout" grep -q \
	"h1 agent_test/agent_test1 WARN: no answer to step 1 of 7 within 1.000000000 s" "$log"
check "... and fails" [ "$(counter "$c" agent_test h1/agent_test1 passed)" -eq 0 ]
check "the agent goes on: a self test after the garbage passes" \
	[ "$(counter "$c" agent_test h1/agent_test2 passed)" -eq 1 -a \
	  "$(counter "$c" cafe_agent c1/cafe_agent0 connections)" -eq 3 ]
check "dissector: the garbage is one malformed GenericRequest" \
	[ "$(count "$g/c1-eth0.pcap" 'cmecafe.expert.malformed')" -eq 1 ]
check "dissector: the agent's answer names the problem" \
	[ "$(count "$g/c1-eth0.pcap" 'cmecafe.reason contains "malformed request: configure: wire type 1"')" -eq 1 ]
check "pcap_bad: the garbage frame is the only bad frame of c1's capture" \
	[ "$(pcap_bad "$g/c1-eth0.pcap" | wc -l)" -eq 1 -a \
	  "$(count "$g/c1-eth0.pcap" '(_ws.malformed || _ws.expert.severity == "Error") && cmecafe.expert.malformed')" -eq 1 ]
check "the same capture without the dissector is clean" \
	[ "$(TSHARK=$plain_tshark pcap_bad "$g/c1-eth0.pcap" | wc -l)" -eq 0 ]

# The agent's port is a preference of the dissector.
o="$T/port"
"$COMETSIM" run "$top_srcdir/scenarios/validation/stateless/1-agent.xml" --out "$o" --quiet \
	--set port=7777 || fail "cometsim run 1-agent.xml port=7777 exited $?"
check "port 7777: the self test passed" [ "$(counter "$o/counters.csv" agent_test tin/agent_test0 passed)" -eq 1 ]
check "port 7777: not decoded on the default port" [ "$(count "$o/dut-eth0.pcap" cmecafe)" -eq 0 ]
check "port 7777: decoded with -o cmecafe.port:7777" \
	[ "$(tshark_read "$o/dut-eth0.pcap" -o cmecafe.port:7777 -Y 'cmecafe.status == 0' | wc -l)" -eq 12 ]

finish
