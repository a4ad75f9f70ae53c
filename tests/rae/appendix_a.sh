#!/bin/sh
# appendix_a.sh - the RAE configuration file against D4.3 Appendix A.
#
# protoc generates config_pb2 from entities/rae/config.proto; the Appendix A
# script (tests/rae/appendix_a.py, re-typed from D4.3) runs against it and
# writes rae11.conf.pb2; the RAE's loader (through `cometsim rae-config`)
# must load it with every value the script set (golden dump
# tests/rae/rae11.dump).  The XML form of the same configuration
# (scenarios/rae/rae11.xml) must convert to the same bytes.  Then bad
# files: truncated, missing, a field of the wrong type, unknown fields.
# Skipped (77) when protoc or Python's protobuf module is missing
# (Debian: protobuf-compiler python3-protobuf).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

proto="$top_srcdir/entities/rae"
py=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ] || ! command -v protoc >/dev/null 2>&1; then
	echo "SKIP: needs protoc and Python's protobuf module (protobuf-compiler python3-protobuf)"
	exit 77
fi

cd "$T" || exit 1
protoc --proto_path="$proto" --python_out="$T" "$proto/config.proto" ||
	fail "protoc --python_out config.proto"
check "protoc generated config_pb2.py" [ -f "$T/config_pb2.py" ]
PYTHONPATH="$T" "$py" "$top_srcdir/tests/rae/appendix_a.py" || fail "the Appendix A script failed"
check "the script wrote rae11.conf.pb2" [ -s "$T/rae11.conf.pb2" ]

# D4.3's typo prov.sink.prefix_prefix_length names no field: protobuf says so.
typo=$(PYTHONPATH="$T" "$py" -c '
import config_pb2
prov = config_pb2.ConfigurationMessage().provisioning_table.add()
try:
    prov.sink.prefix_prefix_length = 24
    print("accepted")
except AttributeError:
    print("AttributeError")
')
check "D4.3's prefix_prefix_length typo is an AttributeError ($typo)" [ "$typo" = AttributeError ]

"$COMETSIM" rae-config "$T/rae11.conf.pb2" > "$T/dump" 2> "$T/err"
check "the RAE loads the script's file" [ $? -eq 0 ]
check "every value as the script set it (tests/rae/rae11.dump)" \
	cmp "$T/dump" "$top_srcdir/tests/rae/rae11.dump"
if ! cmp -s "$T/dump" "$top_srcdir/tests/rae/rae11.dump"; then
	diff "$top_srcdir/tests/rae/rae11.dump" "$T/dump" >&2
	cat "$T/err" >&2
fi

"$COMETSIM" rae-config "$top_srcdir/scenarios/rae/rae11.xml" "$T/from_xml.pb2" ||
	fail "rae-config rae11.xml exited $?"
check "rae11.xml converts to the script's bytes exactly" cmp "$T/from_xml.pb2" "$T/rae11.conf.pb2"
"$COMETSIM" rae-config "$top_srcdir/scenarios/rae/rae11.xml" > "$T/dump_xml"
check "rae11.xml prints the same configuration" cmp "$T/dump_xml" "$T/dump"

# expect_error NAME FILE PATTERN: exit status 1 and the message.
expect_error() {
	"$COMETSIM" rae-config "$2" > /dev/null 2> "$T/err"
	rc=$?
	check "$1: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
	check "$1: says \"$3\"" grep -qF -- "$3" "$T/err"
}

size=$(wc -c < "$T/rae11.conf.pb2")
head -c $((size - 10)) "$T/rae11.conf.pb2" > "$T/cut.pb2"
expect_error truncated "$T/cut.pb2" "$T/cut.pb2: not a valid ConfigurationMessage: provisioning_table[11]"
expect_error missing "$T/none.pb2" "$T/none.pb2: cannot read: No such file or directory"
# local_as_number (field 2) as a string
printf '\022\00211' > "$T/wrong.pb2"
expect_error wrong-type "$T/wrong.pb2" \
	"$T/wrong.pb2: not a valid ConfigurationMessage: local_as_number: wire type 2 (length-delimited), expected 0 (varint)"
# garbage
printf '\377\377\377\377' > "$T/garbage.pb2"
expect_error garbage "$T/garbage.pb2" "$T/garbage.pb2: not a valid ConfigurationMessage"
# unknown fields (numbers 99 and 100) appended are ignored
cp "$T/rae11.conf.pb2" "$T/unknown.pb2"
printf '\230\006\007\242\006\002xy' >> "$T/unknown.pb2"
"$COMETSIM" rae-config "$T/unknown.pb2" > "$T/dump_unknown" 2>&1
check "unknown fields are ignored" cmp "$T/dump_unknown" "$T/dump"
# an XML error cites the line
sed 's/remote_ip_address="10.9.3.1"/remote_ip_address="10.9.3.1.1"/' \
	"$top_srcdir/scenarios/rae/rae11.xml" > "$T/bad.xml"
line=$(grep -n '10.9.3.1.1' "$T/bad.xml" | cut -d: -f1)
expect_error xml-value "$T/bad.xml" \
	"$T/bad.xml:$((line + 1)): peer_table[1].remote_ip_address: \"10.9.3.1.1\" is not an IPv4 or IPv6 address"
"$COMETSIM" rae-config "$T/bad.xml" "$T/never.pb2" 2> /dev/null
check "nothing is written from a bad file" [ ! -e "$T/never.pb2" ]

finish
