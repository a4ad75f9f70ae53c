#!/bin/sh
# cmecontent.sh - the CME content section of output/wireshark/cometsim.lua,
# the content server's GET stream on TCP 8080 (doc/wireshark.md, "The CME
# content transfer"):
#
# 1. tests/scenarios/data/content-apps.xml fetches movie.bin over IPv4
#    and asks for missing.txt over IPv6: without the plugin tshark reads
#    the stream as HTTP and warns (the reason for the section); with it,
#    no frame is HTTP and no expert item is a warning or worse;
# 2. the request decodes with its name, the content's bytes decode as
#    data, in order, byte for byte the content's pattern, as many as the
#    server sent; the ERR line decodes with its text and a note;
# 3. hand-made requests the server refuses (not GET, a name with '=', no
#    end of line) raise the bad-request warning, a "\r\n" line does not;
# 4. the port preference moves the section, and 8080 is HTTP again.
# Skipped (77) without text2pcap.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

t2p=$(dirname "$(command -v "$TSHARK")")/text2pcap
[ -x "$t2p" ] || t2p=$(command -v text2pcap) || { echo "SKIP: no text2pcap"; exit 77; }
lua="$top_srcdir/output/wireshark/cometsim.lua"

# ws FILE ARGS...: tshark with the plugin (HOME is a scratch folder).
ws() {
	f=$1
	shift
	"$TSHARK" -n -r "$f" -X "lua_script:$lua" -o tcp.check_checksum:TRUE "$@" 2>/dev/null
}

"$TSHARK" -G fields -X "lua_script:$lua" 2>/dev/null >"$T/fields"
for fld in cmecontent.request cmecontent.name cmecontent.error cmecontent.data \
	cmecontent.length; do
	check "tshark -G fields lists $fld" grep -qP "^F\t[^\t]*\t\Q$fld\E\t" "$T/fields"
done

size=200000
out="$T/run"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/content-apps.xml" --set size=$size \
	--out "$out" --quiet || fail "cometsim run exited $?"
cap="$out/c-eth0.pcap"

# 1. HTTP without the plugin, nothing of it with.
plain=$(count "$cap" 'tcp.port == 8080 && http && _ws.expert.severity == "Warning"')
check "without the plugin, tshark warns on the stream as HTTP ($plain frames)" [ "$plain" -gt 0 ]
check "with it, no frame on port 8080 is HTTP" \
	[ "$(ws "$cap" -Y 'tcp.port == 8080 && http' | wc -l)" -eq 0 ]
check "with it, no HTTP expert item" [ "$(ws "$cap" -Y '_ws.expert && http' | wc -l)" -eq 0 ]
check "with it, no warning or error at all" \
	[ "$(ws "$cap" -Y '_ws.expert.severity >= "Warning" || _ws.malformed || _ws.lua.error' | wc -l)" -eq 0 ]
check "every segment with bytes on port 8080 is CMECONTENT" \
	[ "$(ws "$cap" -Y 'tcp.port == 8080 && tcp.len > 0 && !cmecontent' | wc -l)" -eq 0 ]

# 2. The request, the data, the ERR line.
check "the IPv4 request is GET movie.bin from port 5001" \
	[ "$(ws "$cap" -Y 'ip && cmecontent.name' -T fields -e tcp.srcport -e cmecontent.request \
	     -e cmecontent.name)" = "5001	GET movie.bin	movie.bin" ]
check "the IPv6 request is GET missing.txt from port 5002" \
	[ "$(ws "$cap" -Y 'ipv6 && cmecontent.name' -T fields -e tcp.srcport -e cmecontent.name)" = \
	  "5002	missing.txt" ]
ws "$cap" -Y 'ip && tcp.srcport == 8080 && cmecontent.data' -T fields -e tcp.seq \
	-e cmecontent.length -e cmecontent.data >"$T/data"
check "the data segments come in order, without a repeat" \
	sh -c "cut -f1 '$T/data' | sort -n -c -u"
check "their lengths add up to the $size bytes of movie.bin" \
	[ "$(awk -F'\t' '{ s += $2 } END { print s }' "$T/data")" -eq $size ]
check "each length is its data's" \
	[ "$(awk -F'\t' 'length($3) != 2 * $2' "$T/data" | wc -l)" -eq 0 ]
python3 -c '
import sys
n = int(sys.argv[1])
sys.stdout.write(bytes((13 * i + 5) % 256 for i in range(n)).hex())
' $size >"$T/expected"
cut -f3 "$T/data" | tr -d '\n:' >"$T/got"
check "the data are the content, byte for byte ((13 i + 5) mod 256)" cmp -s "$T/expected" "$T/got"
check "the ERR line reads as one, over IPv6" \
	[ "$(ws "$cap" -Y 'ipv6 && cmecontent.error' -T fields -e cmecontent.error)" = \
	  "ERR unknown content missing.txt" ]
check "the ERR line raises the note, once" \
	[ "$(ws "$cap" -Y 'cmecontent.expert.error' | wc -l)" -eq 1 ]
check "the ERR line is not data" [ "$(ws "$cap" -Y 'ipv6 && cmecontent.data' | wc -l)" -eq 0 ]

# 3. Hand-made requests, one a frame, to port 8080.
printf 'PUT movie.bin\n' >"$T/r1"
printf 'GET a=b\n' >"$T/r2"
printf 'GET movie.bin' >"$T/r3"
printf 'GET clip\r\n' >"$T/r4"
for i in 1 2 3 4; do
	od -Ax -tx1 -v "$T/r$i" | sed '$d' >>"$T/req.txt"
done
"$t2p" -q -4 10.1.0.2,10.2.0.2 -T 5001,8080 "$T/req.txt" "$T/req.pcap" 2>/dev/null ||
	fail "text2pcap failed"
bad() {
	ws "$T/req.pcap" -Y "frame.number == $1 && cmecontent.expert.bad_request" | wc -l
}
check "PUT is not a request the server accepts" [ "$(bad 1)" -eq 1 ]
check "a name with '=' is not either" [ "$(bad 2)" -eq 1 ]
check "a line without its end is not either" [ "$(bad 3)" -eq 1 ]
check "GET clip with \\r\\n is, and names clip" \
	[ "$(ws "$T/req.pcap" -Y 'frame.number == 4 && !_ws.expert' -T fields -e cmecontent.name)" = "clip" ]

# 4. The preference moves the section; 8080 goes back to HTTP.
check "with cmecontent.port 9000, 8080 is HTTP again" \
	[ "$(ws "$cap" -o cmecontent.port:9000 -Y 'tcp.port == 8080 && http' | wc -l)" -gt 0 ]
check "with cmecontent.port 9000, nothing on 8080 is CMECONTENT" \
	[ "$(ws "$cap" -o cmecontent.port:9000 -Y 'cmecontent' | wc -l)" -eq 0 ]

finish
