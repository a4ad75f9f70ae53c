#!/bin/sh
# rae.sh - the RAE section of output/wireshark/cometsim.lua against real
# captures: the framing (types, lengths, messages split across TCP
# segments) and, through Wireshark's protobuf dissector and the project's
# .proto files, the fields of every message, compared with what the RAEs
# and the CME counted.  Skipped (77) without tshark.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lua="$top_srcdir/output/wireshark/cometsim.lua"
raedir="$top_srcdir/scenarios/rae"
# Wireshark's protobuf search path must be free of "..": distcheck's
# top_srcdir is not.
protodir=$(CDPATH='' cd -- "$top_srcdir/entities/rae" && pwd -P)

# ws FILE ARGS...: tshark with the dissector and the .proto folder.
ws() {
	f=$1
	shift
	"$TSHARK" -X "lua_script:$lua" -n -r "$f" \
		-o "uat:protobuf_search_paths:\"$protodir\",\"TRUE\"" \
		-o protobuf.pbf_as_hf:TRUE -o protobuf.preload_protos:TRUE "$@" 2>/dev/null
}
# pdus FILE TYPE: RAE messages of a type in a capture (several may share a frame).
pdus() {
	ws "$1" -Y "rae.type == $2" -T fields -e rae.type | tr ',' '\n' | grep -c "^$2\$"
}

m="$T/multi"
"$COMETSIM" run "$raedir/multi.xml" --set "raedir=$raedir" --out "$m" --quiet --end 9s ||
	fail "the multi-domain run exited $?"
c="$m/counters.csv"
f="$m/r5-eth1.pcap"
check "the dissector is loaded (protocol rae)" [ "$(ws "$f" -Y rae | wc -l)" -gt 0 ]
for t in 1:open 2:keepalive 3:update 4:withdraw; do
	n=${t%%:*}
	name=${t#*:}
	want=$(( $(counter "$c" rae r5/rae4 "${name}_in") + $(counter "$c" rae r5/rae4 "${name}_out") ))
	got=$(pdus "$f" "$n")
	check "AS 5's link: $got $name messages, as AS 5 counted ($want)" [ "$got" -eq "$want" ]
done
check "no RAE frame is malformed or flagged" \
	[ "$(ws "$f" -Y 'rae && (_ws.malformed || _ws.expert.severity >= "Warning")' | wc -l)" -eq 0 ]
# field FILE FILTER FIELD: the values of a field, one a line.
field() {
	ws "$1" -Y "$2" -T fields -e "$3" | tr ',' '\n'
}
open_as() {
	field "$f" 'rae.type == 1 && ip.src == 172.16.6.1' pbf.comet.rae.Open.as_number | grep -qx 3
}
check "the protobuf dissector decodes the Open (as_number 3 from AS 3)" open_as
path_3147() {
	# as_path is a repeated field: the values of one Path, in order, then the prefix.
	ws "$f" -Y 'rae.type == 3 && ip.src == 172.16.6.1' -V |
		awk '/as_path:/ { p = p " " $2 } /Message: comet.rae.Path/ { p = "" }
		     /class_table:/ && p != "" { print p; p = "" }' | grep -qx ' 3 1 4 7'
}
check "an Update carries the AS path 3 1 4 7" path_3147
withdraw_77() {
	field "$f" 'rae.type == 4' pbf.comet.rae.config.Prefix.ip_address | grep -qx '10.77.0.0'
}
check "the Withdraw after 5 s names 10.77.0.0" withdraw_77
check "class metrics are decoded (maximum_delay of class 1)" \
	[ "$(ws "$f" -Y 'rae.type == 3' -T fields -e pbf.comet.rae.config.Metric.maximum_delay | grep -c .)" -gt 0 ]

f="$m/c5-eth0.pcap"
want=$(counter "$c" rae r5/rae4 cme_requests)
got=$(pdus "$f" 16)
check "AS 5's CME link: $got GenericRequests, as the RAE counted ($want)" [ "$got" -eq "$want" ]
want=$(counter "$c" cme c5/cme4 requests)
got=$(pdus "$f" 17)
check "and $got Replies, one per request ($want)" [ "$got" -eq "$want" ]
pathinf_prefix() {
	field "$f" 'rae.type == 16' pbf.comet.rae.config.Prefix.ip_address | grep -qx '10.1.0.0'
}
check "PathInf prefixes are decoded" pathinf_prefix
reply_version() {
	field "$f" 'rae.type == 17' pbf.comet.cmerae.Reply.version | grep -qx 1
}
check "the Reply's version is decoded" reply_version

# Updates of about 48 KiB span many TCP segments: reassembled, each counted once.
s="$T/stress"
"$COMETSIM" run "$raedir/stress.xml" --set "raedir=$raedir" --set prefixes=10000 --set end=2s \
	--out "$s" --quiet || fail "the stress run exited $?"
f="$s/rw-eth1.pcap"
want=$(counter "$s/counters.csv" rae rw/rae0 update_in)
got=$(field "$f" 'rae.type == 3 && ip.src == 172.16.0.2' rae.type | grep -c '^3$')
check "stress: $got Updates from the east reassembled, as the west RAE counted ($want)" \
	[ "$got" -eq "$want" ]
big=$(field "$f" 'rae.type == 3 && rae.length > 1460' rae.length | wc -l)
check "stress: the Updates are longer than a segment ($big over 1460 bytes)" [ "$big" -ge 1 ]
pfx=$(field "$f" 'rae.type == 3 && ip.src == 172.16.0.2' pbf.comet.rae.config.Prefix.ip_address |
	grep -c .)
check "stress: every announced prefix is decoded ($pfx of 10001)" [ "$pfx" -eq 10001 ]

# A peer that talks nonsense: the header cannot be right.  The sender
# has the engine's TTL 64, so the configurations lose their ttl_value
# (TTL security would drop its SYN: doc/rae.md, "ttl_value").
mkdir -p "$T/raedir/stress"
for c in west east; do
	sed 's/ ttl_value="[0-9]*"//' "$raedir/stress/$c.xml" >"$T/raedir/stress/$c.xml"
done
g="$T/garbage"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/rae-garbage.xml" --set "raedir=$T/raedir" \
	--out "$g" --quiet || fail "the garbage run exited $?"
check "garbage: the impossible length is flagged" \
	[ "$(ws "$g/rw-eth1.pcap" -Y 'rae.too_long' | wc -l)" -ge 1 ]

finish
