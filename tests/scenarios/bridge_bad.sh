#!/bin/sh
# bridge_bad.sh - a bad <bridge> (doc/emulation.md, "The socket bridge")
# is refused before the run writes anything: exit status 1, a message
# "file:line: bridge NAME: what is wrong", and no summary.json.  Each case
# is a copy of one scenario with one <bridge> line (line 6), run through
# "cometsim check" (but the port in use, which only a run meets) and
# "cometsim run --out DIR".
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/bridge_lib.sh"

topo="$top_srcdir/topologies/validation-stateless.xml"
n=0
# bad NAME 'BRIDGE LINE' PHRASE [ARGS...]: the case, refused with PHRASE.
bad() {
	name=$1 line=$2 phrase=$3
	shift 3
	n=$((n + 1))
	f="$T/case$n.xml"
	cat >"$f" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<scenario name="bridge-bad">
  <param name="lp" value="19999"/>
  <topology file="$topo"/>
  <events><at time="0">ON_ROUTER dut cafe</at></events>
  $line
</scenario>
XML
	for cmd in check run; do
		[ "$cmd" = check ] && [ "$name" = port-in-use ] && continue
		out="$T/out$n-$cmd"
		if [ "$cmd" = run ]; then
			"$COMETSIM" run "$f" --out "$out" --quiet "$@" >"$T/stdout" 2>"$T/stderr"
		else
			"$COMETSIM" check "$f" "$@" >"$T/stdout" 2>"$T/stderr"
		fi
		rc=$?
		check "$name ($cmd): exit status 1 (got $rc)" [ "$rc" -eq 1 ]
		check "$name ($cmd): cites $(basename "$f"):6" grep -qF "$f:6: " "$T/stderr"
		check "$name ($cmd): says \"$phrase\"" grep -qF -- "$phrase" "$T/stderr"
		check "$name ($cmd): no summary.json" [ ! -e "$out/summary.json" ]
		if [ "$failures" -gt 0 ]; then
			echo "--- stderr of $cmd $name:" >&2
			cat "$T/stderr" >&2
			return
		fi
	done
}

bad unknown-node '<bridge name="b" node="nope" from="tin" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: node="nope": no such node'
bad unknown-from '<bridge name="b" node="dut" from="nope" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: from="nope": no such node'
bad no-from '<bridge name="b" node="dut" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: from= is missing'
bad from-is-node '<bridge name="b" node="dut" from="dut" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: from="dut" is node= itself'
bad from-outward '<bridge name="b" node="dut" from="tin" port="9999" connect="127.0.0.1:${lp}"/>' \
	'bridge b: from= is for listen='
bad both '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1:${lp}" connect="127.0.0.1:5"/>' \
	'bridge b: needs one of listen='
bad neither '<bridge name="b" node="dut" from="tin" port="9999"/>' 'bridge b: needs one of listen='
bad proto '<bridge name="b" node="dut" from="tin" proto="sctp" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: proto="sctp": expected tcp or udp'
bad port-zero '<bridge name="b" node="dut" from="tin" port="0" listen="127.0.0.1:${lp}"/>' \
	'bridge b: port="0": expected a port from 1 to 65535'
bad no-host-port '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1"/>' \
	'bridge b: listen="127.0.0.1": expected an IPv4 address and a port'
bad host-name '<bridge name="b" node="dut" from="tin" port="9999" listen="localhost:19999"/>' \
	'bridge b: listen="localhost:19999": expected an IPv4 address and a port'
bad host-port-big '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1:70000"/>' \
	'bridge b: listen="127.0.0.1:70000": expected an IPv4 address and a port'
bad not-loopback '<bridge name="b" node="dut" from="tin" port="9999" listen="0.0.0.0:${lp}"/>' \
	'bridge b: listen="0.0.0.0:19999": not a loopback address'
bad connect-not-loopback '<bridge name="b" node="dut" port="80" connect="192.0.2.1:80"/>' \
	'bridge b: connect="192.0.2.1:80": not a loopback address'
bad two-listen '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1:${lp}"/><bridge name="c" node="dut" from="src" port="9998" listen="127.0.0.1:${lp}"/>' \
	'bridge c: listens where bridge b does'
bad two-names '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1:${lp}"/><bridge name="b" node="dut" from="src" port="9998" listen="127.0.0.1:19998"/>' \
	'bridge b: a second bridge of that name'
bad same-emulated-port '<bridge name="b" node="dut" port="80" connect="127.0.0.1:${lp}"/><bridge name="c" node="dut" port="80" connect="127.0.0.1:19998"/>' \
	'bridge c: takes TCP port 80 of dut, as bridge b does'
bad realtime-no '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: a bridge runs in real time, and --set realtime=no says realtime no' --set realtime=no

# A node without an address cannot be reached: refused by the loader, as
# the other cases, not when the run joins the bridge (after its outputs).
topo="$T/bare.xml"
cat >"$topo" <<XML
<topology name="bare" routing="static">
  <node name="tin" role="host"><ether name="eth0" address="10.9.0.1/24"/></node>
  <node name="dut"><ether name="eth0" address="10.9.0.2/24"/></node>
  <node name="bare" role="host"/>
  <link name="l" a="tin:eth0" b="dut:eth0"/>
</topology>
XML
bad no-address '<bridge name="b" node="bare" from="tin" port="9999" listen="127.0.0.1:${lp}"/>' \
	'bridge b: node bare has no address to reach'
topo="$top_srcdir/topologies/validation-stateless.xml"

# A host port another program holds: refused when the run binds it.
lp=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
time.sleep(300)
' "$lp" &
bridge_pids="$bridge_pids $!"
check "another program listens on 127.0.0.1:$lp" wait_bound tcp "$lp"
bad port-in-use '<bridge name="b" node="dut" from="tin" port="9999" listen="127.0.0.1:${lp}"/>' \
	"bridge b: cannot listen on TCP 127.0.0.1:$lp: Address already in use" --set lp="$lp"
finish
