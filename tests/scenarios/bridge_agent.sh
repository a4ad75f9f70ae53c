#!/bin/sh
# bridge_agent.sh - D4.3 Appendix B's agent test script, a real Python 3
# program (tests/cafe/appendix_b_live.py, with protoc's cmecafe_pb2),
# talks through the socket bridge (doc/emulation.md) to the emulated CAFE
# agent: the collect and the 9 flows are answered CAFE_SUCCESS, and the
# capture of the agent's interface holds the very messages the script
# sent and read, in the same order; summary.json counts the bridge's
# connection and bytes.  SKIP (77) without protoc or Python's protobuf.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/bridge_lib.sh"

py=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ] || ! command -v protoc >/dev/null 2>&1; then
	echo "SKIP: Appendix B's test script needs protoc (protobuf-compiler) and Python's" \
		"protobuf module (python3-protobuf)"
	exit 77
fi
mkdir -p "$T/py"
protoc --proto_path="$top_srcdir/entities/cafe" --python_out="$T/py" \
	"$top_srcdir/entities/cafe/cmecafe.proto" || fail "protoc --python_out cmecafe.proto"

lp=$(free_port)
run_start "$T/run" "$top_srcdir/tests/scenarios/data/bridge-agent.xml" --set listen_port="$lp"
check "the bridge listens on 127.0.0.1:$lp" wait_bound tcp "$lp"
PYTHONPATH="$T/py" "$py" "$top_srcdir/tests/cafe/appendix_b_live.py" 127.0.0.1 "$lp" \
	"$T/script.txt" >"$T/script.out" 2>&1
rc=$?
tail -n 1 "$T/script.out"
check "Appendix B's script: the collect and 9 flows answered CAFE_SUCCESS (exit $rc)" \
	[ "$rc" -eq 0 ]
check "the script printed 10 answers" [ "$(grep -c '^status: CAFE_SUCCESS$' "$T/script.out")" -eq 10 ]
check "the bridge closed the script's connection" wait_idle "$lp"
run_stop
check "the run stopped on SIGINT (exit $run_rc)" [ "$run_rc" -eq 130 ]
check "the run's outputs are whole" [ "$(json_get "$T/run/summary.json" status)" = interrupted ]

# The capture of the agent's interface: the same messages, by content.
tshark_read "$T/run/dut-eth0.pcap" -Y 'tcp.port == 9999 && tcp.len > 0' -T fields \
	-e tcp.srcport -e tcp.payload >"$T/segments.txt"
python3 "$top_srcdir/tests/cafe/pcap_transcript.py" "$T/segments.txt" 9999 >"$T/pcap.txt"
check "the script's transcript has 20 messages" [ "$(wc -l <"$T/script.txt")" -eq 20 ]
check "dut-eth0.pcap holds the script's 20 messages, byte for byte, in order" \
	cmp -s "$T/script.txt" "$T/pcap.txt"
check "the conversation comes from tin (10.0.12.1) to dut (10.0.12.2)" \
	[ "$(count "$T/run/dut-eth0.pcap" 'ip.src == 10.0.12.1 && tcp.dstport == 9999 && tcp.flags.syn == 1')" -eq 1 ]
check "the connection closed with FIN both ways" \
	[ "$(count "$T/run/dut-eth0.pcap" 'tcp.port == 9999 && tcp.flags.fin == 1')" -eq 2 ]
check "no reset on the wire" [ "$(count "$T/run/dut-eth0.pcap" 'tcp.flags.reset == 1')" -eq 0 ]
check "the emulated tester's side shows the same segments" \
	[ "$(count "$T/run/tin-eth1.pcap" 'tcp.port == 9999 && tcp.len > 0')" -eq "$(wc -l <"$T/segments.txt")" ]
captures_ok "$T/run" "the bridged run"

s="$T/run/summary.json"
check "summary.json: one bridge, named agent" [ "$(json_get "$s" bridges | grep -c "'name': 'agent'")" -eq 1 ]
cat >"$T/sum.py" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["bridges"][0]
sent = recv = 0
for line in open(sys.argv[2]):
    way, hexa = line.split()
    if way == "sent":
        sent += len(hexa) // 2
    else:
        recv += len(hexa) // 2
assert b["kind"] == "socket" and b["proto"] == "tcp" and b["direction"] == "in", b
assert b["connections"] == 1, b
assert b["bytes_in"] == sent, (b, sent)
assert b["bytes_out"] == recv, (b, recv)
assert all(v == 0 for v in b["drops"].values()), b
print("ok")
PY
check "summary.json: 1 connection, the script's bytes in and out, no drop ($(python3 "$T/sum.py" "$s" "$T/script.txt" 2>&1 | tail -n 1))" \
	python3 "$T/sum.py" "$s" "$T/script.txt"
finish
