#!/bin/sh
# curling_ports.sh - CURLING messages are decoded as CURLING whatever
# their UDP ports, and other protocols are left alone
# (doc/wireshark.md, "CURLING on any UDP port"):
#
# 1. scenarios/curling-clients.xml with 100 requesters puts clients on
#    ports 1000..1099, among them ports other protocols own (1001 FIND,
#    1044 UFTP, 1052 DDTP, 1069 SliMP3, 1089-1091 FF): with Wireshark's
#    default preferences every datagram that starts with a CURLING header
#    is decoded as CURLING, those of port 1001 included (the plugin wraps
#    the dissectors of ports 1000-3000);
# 2. one hand-made Release from every UDP port some dissector of this
#    tshark is registered on (tshark -G decodes) is decoded as CURLING,
#    from that port and to it, once UDP's "try heuristic sub-dissectors
#    first" is on;
# 3. the heuristic stays strict: a datagram with a CURLING header but a
#    length other than the datagram's, or a reserved byte other than 0,
#    is left to the other dissectors (FIND on port 1001), and so is a
#    FIND datagram;
# 4. with default preferences a Release from port 1001 is CURLING, one
#    from a port outside 1000-3000 that another protocol owns is that
#    protocol's, and mDNS, LLMNR and NBNS stay what they are.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

t2p=$(dirname "$(command -v "$TSHARK")")/text2pcap
[ -x "$t2p" ] || t2p=$(command -v text2pcap) || { echo "SKIP: no text2pcap"; exit 77; }
lua="$top_srcdir/output/wireshark/cometsim.lua"

# ws FILE ARGS...: tshark with the plugin (HOME is a scratch folder) and
# heuristics first; ws0 without that preference.
ws() {
	f=$1
	shift
	"$TSHARK" -n -r "$f" -X "lua_script:$lua" -o udp.try_heuristic_first:TRUE "$@" 2>/dev/null
}
ws0() {
	f=$1
	shift
	"$TSHARK" -n -r "$f" -X "lua_script:$lua" "$@" 2>/dev/null
}

# 1. A run whose clients sit on other protocols' ports.
out="$T/run"
"$COMETSIM" run "$top_srcdir/scenarios/curling-clients.xml" --set clients=100 \
	--set spread=100ms --out "$out" --quiet || fail "cometsim run exited $?"
(cd "$out" && mergecap -I none -w "$T/all.pcapng" *.pcap) || fail "mergecap failed"
all="$T/all.pcapng"
n_cu=$(count "$all" 'udp.payload[0:2] == 43:55')
# One line per CU datagram: its ports and, when decoded, its CURLING type.
ws0 "$all" -Y 'udp.payload[0:2] == 43:55' -T fields -e udp.srcport -e udp.dstport \
	-e curling.type >"$T/cu"
n_dec=$(awk -F'\t' '$3 != ""' "$T/cu" | wc -l)
echo "CU datagrams $n_cu, decoded as CURLING $n_dec"
check "there are CURLING datagrams ($n_cu)" [ "$n_cu" -gt 1000 ]
check "tshark lists each of them once ($(wc -l <"$T/cu"))" [ "$(wc -l <"$T/cu")" -eq "$n_cu" ]
check "every CU datagram is decoded as CURLING ($n_dec of $n_cu)" [ "$n_dec" -eq "$n_cu" ]
for p in 1001 1044 1052 1069 1089 1090 1091; do
	raw=$(awk -F'\t' -v p=$p '$1 == p || $2 == p' "$T/cu" | wc -l)
	dec=$(awk -F'\t' -v p=$p '($1 == p || $2 == p) && $3 != ""' "$T/cu" | wc -l)
	check "client port $p: its $raw CU datagrams are CURLING ($dec)" \
		[ "$raw" -gt 0 -a "$dec" -eq "$raw" ]
done
check "no Lua error, no malformed mark, no expert error in the run" \
	[ "$(ws0 "$all" -Y '_ws.lua.error || _ws.malformed || _ws.expert.severity == "Error"' | wc -l)" -eq 0 ]

# 2. One Release "abc" from and one to every registered UDP port.
"$TSHARK" -G decodes 2>/dev/null | awk -F'\t' '$1 == "udp.port" { print $2 }' |
	sort -n -u >"$T/ports"
n_ports=$(wc -l <"$T/ports")
check "tshark -G decodes lists UDP ports ($n_ports)" [ "$n_ports" -gt 100 ]
echo '000000 43 55 01 08 00 0c 00 00 03 61 62 63' >"$T/release.txt"
# Ethernet, IPv4 (header checksum computed), UDP without a checksum: one
# frame from each port to 65000, then one from 65000 to each port, in one
# text2pcap input (one text2pcap run, not hundreds).
python3 - "$T/ports" >"$T/ports.txt" <<'PY' || fail "cannot write the frames"
import struct, sys
msg = bytes.fromhex("4355" "01" "08" "000c" "00" "00" "03" "616263")
def frame(sport, dport):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(msg), 0) + msg
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                               bytes([10, 0, 2, 1]), bytes([10, 0, 2, 2])))
    s = sum(struct.unpack("!10H", bytes(ip)))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack("!H", 0xffff - s)
    return bytes.fromhex("020000000002" "020000000001" "0800") + bytes(ip) + udp
ports = [int(l) for l in open(sys.argv[1])]
for f in [frame(p, 65000) for p in ports] + [frame(65000, p) for p in ports]:
    print("000000 " + " ".join("%02x" % b for b in f))
PY
"$t2p" -q "$T/ports.txt" "$T/ports.pcap" 2>/dev/null || fail "text2pcap failed"
frames=$(count "$T/ports.pcap" 'udp')
check "one message from and one to each port ($frames frames)" [ "$frames" -eq $((2 * n_ports)) ]
ws "$T/ports.pcap" -Y '!curling' -T fields -e udp.srcport -e udp.dstport \
	-e _ws.col.Protocol >"$T/stolen"
check "every one of them is CURLING ($(wc -l <"$T/stolen") not: $(head -c 200 "$T/stolen" | tr '\t\n' ' /'))" \
	[ ! -s "$T/stolen" ]
check "every one of them reads as a Release of abc" \
	[ "$(ws "$T/ports.pcap" -Y 'curling.type == 8 && curling.content_id == "abc" && !_ws.expert' | wc -l)" -eq "$frames" ]

# With default preferences, those from and to a port of 1000-3000 too.
ws0 "$T/ports.pcap" -Y 'udp.port in {1000..3000} && !curling' -T fields \
	-e udp.srcport -e udp.dstport -e _ws.col.Protocol >"$T/stolen0"
n_in=$(awk '$1 >= 1000 && $1 <= 3000' "$T/ports" | wc -l)
check "there are registered ports in 1000-3000 ($n_in)" [ "$n_in" -gt 10 ]
check "default preferences: every one to or from 1000-3000 is CURLING ($(wc -l <"$T/stolen0") not: $(head -c 200 "$T/stolen0" | tr '\t\n' ' /'))" \
	[ ! -s "$T/stolen0" ]
check "default preferences: a CURLING frame on 1001 is curling_port:curling" \
	[ "$(ws0 "$T/ports.pcap" -Y 'udp.srcport == 1001' -T fields -e frame.protocols)" = "eth:ethertype:ip:udp:curling_port:curling" ]

# 3. Not CURLING: a length 1 more than the datagram's, a reserved byte 1.
cat >"$T/near.txt" <<'EOF'
000000 43 55 01 08 00 0d 00 00 03 61 62 63
000000 43 55 01 08 00 0c 00 01 03 61 62 63
EOF
"$t2p" -q -4 10.0.2.1,10.0.2.2 -u 1001,65000 "$T/near.txt" "$T/near.pcap" 2>/dev/null ||
	fail "text2pcap failed"
for w in ws ws0; do
	check "$w: a CU header with a wrong length is not CURLING on port 1001" \
		[ "$($w "$T/near.pcap" -Y 'frame.number == 1 && !curling && find' | wc -l)" -eq 1 ]
	check "$w: a CU header with reserved byte 1 is not CURLING on port 1001" \
		[ "$($w "$T/near.pcap" -Y 'frame.number == 2 && !curling && find' | wc -l)" -eq 1 ]
done
# A FIND datagram (version 1, a Query for "cometsim"), from and to port
# 1001: the FIND dissector the plugin found on the port decodes it.
echo '000000 01 00 00 01 00 00 00 01 00 00 00 00 00 00 00 08 63 6f 6d 65 74 73 69 6d' \
	>"$T/find.txt"
"$t2p" -q -4 10.0.2.1,10.0.2.2 -u 1001,65000 "$T/find.txt" "$T/find1.pcap" 2>/dev/null ||
	fail "text2pcap failed"
"$t2p" -q -4 10.0.2.1,10.0.2.2 -u 65000,1001 "$T/find.txt" "$T/find2.pcap" 2>/dev/null ||
	fail "text2pcap failed"
for f in find1 find2; do
	check "$f: a FIND datagram on port 1001 is FIND with the plugin" \
		[ "$(ws0 "$T/$f.pcap" -Y 'find && !curling && !_ws.lua.error' | wc -l)" -eq 1 ]
	# The same layers as without the plugin, the wrapper's one added.
	check "$f: its protocols are FIND's, the wrapper's layer between" \
		[ "$(ws0 "$T/$f.pcap" -T fields -e frame.protocols)" = \
		  "$("$TSHARK" -n -r "$T/$f.pcap" -T fields -e frame.protocols 2>/dev/null | sed 's/:udp:/:udp:curling_port:/')" ]
done

# 4. Without the preference: Wireshark's port rule, and other protocols untouched.
"$t2p" -q -4 10.0.2.1,10.0.2.2 -u 1001,3000 "$T/release.txt" "$T/r1001.pcap" 2>/dev/null ||
	fail "text2pcap failed"
check "without udp.try_heuristic_first, a Release from 1001 to 3000 is CURLING" \
	[ "$(ws0 "$T/r1001.pcap" -Y 'curling && !find' | wc -l)" -eq 1 ]
check "with it, the same Release is CURLING" \
	[ "$(ws "$T/r1001.pcap" -Y 'curling && !find' | wc -l)" -eq 1 ]
# Port 53 (DNS) is outside 1000-3000: there Wireshark's port rule holds.
"$t2p" -q -4 10.0.2.1,10.0.2.2 -u 53,65000 "$T/release.txt" "$T/r53.pcap" 2>/dev/null ||
	fail "text2pcap failed"
check "without udp.try_heuristic_first, a Release from 53 is DNS" \
	[ "$(ws0 "$T/r53.pcap" -Y 'dns && !curling' | wc -l)" -eq 1 ]
# An LLMNR query (5355), an mDNS query (5353), an NBNS name query (137):
# the plugin loaded, each stays its own protocol.
python3 - >"$T/lan.txt" <<'PY' || fail "cannot write the frames"
import struct
def name(*labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"
def dnsq(qid, qname, qtype, flags=0):
    return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + qname + struct.pack("!HH", qtype, 1)
def frame(sport, dport, msg, src, dst):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(msg), 0) + msg
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                               bytes(src), bytes(dst)))
    s = sum(struct.unpack("!10H", bytes(ip)))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack("!H", 0xffff - s)
    return bytes.fromhex("01005e0000fb" "020000000001" "0800") + bytes(ip) + udp
nb = b"FHEPFCELEHFCEPFFFACACACACACACAAA"
frames = [
    frame(5355, 5355, dnsq(0x8001, name(b"host"), 1), [10, 0, 2, 1], [224, 0, 0, 252]),
    frame(5353, 5353, dnsq(0, name(b"_http", b"_tcp", b"local"), 12), [10, 0, 2, 1], [224, 0, 0, 251]),
    frame(137, 137, dnsq(0x8002, name(nb), 32, 0x0110), [10, 0, 2, 1], [10, 0, 2, 255]),
]
for f in frames:
    print("000000 " + " ".join("%02x" % b for b in f))
PY
"$t2p" -q "$T/lan.txt" "$T/lan.pcap" 2>/dev/null || fail "text2pcap failed"
check "with the plugin, LLMNR stays LLMNR" [ "$(ws0 "$T/lan.pcap" -Y 'frame.number == 1 && llmnr' | wc -l)" -eq 1 ]
check "with the plugin, mDNS stays mDNS" [ "$(ws0 "$T/lan.pcap" -Y 'frame.number == 2 && mdns' | wc -l)" -eq 1 ]
check "with the plugin, NBNS stays NBNS" [ "$(ws0 "$T/lan.pcap" -Y 'frame.number == 3 && nbns' | wc -l)" -eq 1 ]

finish
