#!/bin/sh
# tap_bad.sh - a <tap> the run cannot honour is refused (doc/emulation.md,
# "The TAP bridge"): by the loader, with the file and line of the <tap>
# and what is wrong, and, when the device cannot be opened, by the run
# before it writes anything: "file:line: cannot open TAP device NAME:
# reason", exit status 1, no output directory.  Needs neither root nor
# /dev/net/tun: the loader's refusals do not open anything, and a device
# that cannot be opened is what a user without the right gets (as root,
# the run is started as nobody for that).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# scn NAME TAP...: a scenario of h1 (eth0 without a link, eth1 on link
# l1 to h2, a VLAN eth0.5) with the <tap> elements given, the <tap> on line 12.
scn() {
	f="$T/$1.xml"
	shift
	{
		echo '<scenario name="bad">'
		echo '  <topology routing="static">'
		echo '    <node name="h1" role="host">'
		echo '      <ether name="eth0" address="10.77.0.1/24"/>'
		echo '      <ether name="eth1" address="10.78.0.1/24"/>'
		echo '      <vlan parent="eth0" vid="5" address="10.79.0.1/24"/>'
		echo '    </node>'
		echo '    <node name="h2"><ether name="eth0" address="10.78.0.2/24"/></node>'
		echo '    <link name="l1" a="h1:eth1" b="h2:eth0"/>'
		echo '  </topology>'
		echo '  <run end_time="1s"/>'
		for t in "$@"; do
			echo "  $t"
		done
		echo '</scenario>'
	} >"$f"
}

# refused NAME PHRASE: check and run refuse $T/NAME.xml, citing line 12 with PHRASE.
refused() {
	for cmd in check run; do
		if [ "$cmd" = run ]; then
			"$COMETSIM" run "$T/$1.xml" --out "$T/out-$1" --quiet >"$T/stdout" 2>"$T/stderr"
		else
			"$COMETSIM" check "$T/$1.xml" >"$T/stdout" 2>"$T/stderr"
		fi
		rc=$?
		check "$1 ($cmd): exit status 1 (got $rc)" [ "$rc" -eq 1 ]
		check "$1 ($cmd): \"$T/$1.xml:${3:-12}: $2\"" grep -qF -- "$T/$1.xml:${3:-12}: $2" "$T/stderr"
		check "$1 ($cmd): no output directory" [ ! -e "$T/out-$1" ]
		[ "$failures" -eq 0 ] || cat "$T/stderr" >&2
	done
}

scn no-node '<tap node="h9" iface="eth0" device="tcsbad0"/>'
refused no-node '<tap>: no node "h9" in the topology'
scn no-iface '<tap node="h1" iface="eth9" device="tcsbad0"/>'
refused no-iface '<tap>: node h1 has no interface "eth9" (its Ethernet interfaces: eth0, eth1)'
scn linked '<tap node="h1" iface="eth1" device="tcsbad0"/>'
refused linked '<tap>: h1:eth1 is on link l1 already: the TAP device is a tapped interface'"'"'s link'
scn vlan '<tap node="h1" iface="eth0.5" device="tcsbad0"/>'
refused vlan '<tap>: h1:eth0.5 is a VLAN interface'
scn same-device '<tap node="h1" iface="eth0" device="tcsbad0"/>' \
	'<tap node="h2" iface="eth0" device="tcsbad0"/>'
check "same-device: the link of h2 is out of the way" sed -i 's|<link .*/>|<!-- no link -->|' "$T/same-device.xml"
refused same-device '<tap>: device tcsbad0 is bound already' 13
scn same-iface '<tap node="h1" iface="eth0" device="tcsbad0"/>' \
	'<tap node="h1" iface="eth0" device="tcsbad1"/>'
refused same-iface '<tap>: h1:eth0 is bound already' 13
# A bridge named as summary.json names the TAP device (node:iface): two
# objects of one name in its bridges array.  Both lines are cited.
scn bridge-name '<tap node="h1" iface="eth0" device="tcsbad0"/>' \
	'<bridge name="h1:eth0" node="h2" from="h1" port="80" listen="127.0.0.1:19999"/>'
refused bridge-name '<tap>: h1:eth0 is the name of bridge h1:eth0 ('"$T"'/bridge-name.xml:13)'
scn long-name '<tap node="h1" iface="eth0" device="tcsbad0123456789"/>'
refused long-name '<tap>: device "tcsbad0123456789": a Linux interface name has 1 to 15 characters'
scn slash-name '<tap node="h1" iface="eth0" device="tcs/0"/>'
refused slash-name '<tap>: device "tcs/0": a Linux interface name'
scn mtu '<tap node="h1" iface="eth0" device="tcsbad0" mtu="20"/>'
refused mtu '<tap>: mtu'
scn netns-blank '<tap node="h1" iface="eth0" device="tcsbad0" netns="a b"/>'
refused netns-blank '<tap>: netns "a b": the name of a network namespace'
scn realtime-no '<tap node="h1" iface="eth0" device="tcsbad0"/>'
check "realtime-no: the run says realtime=\"no\"" sed -i 's|<run end_time="1s"/>|<run end_time="1s" realtime="no"/>|' "$T/realtime-no.xml"
refused realtime-no '<tap>: a TAP device runs in real time, and '"$T"'/realtime-no.xml:11 says realtime="no"'
scn no-device '<tap node="h1" iface="eth0"/>'
refused no-device "schema: Element 'tap': The attribute 'device' is required"

# check reads a <tap> without opening anything.
scn fine '<tap node="h1" iface="eth0" device="tcsbad0" netns="cstap-none-'$$'"/>'
"$COMETSIM" check "$T/fine.xml" >"$T/stdout" 2>"$T/stderr"
rc=$?
check "check: a good <tap> passes without the device or its namespace (exit $rc)" [ "$rc" -eq 0 ]

# The run cannot open the device: no such namespace.
"$COMETSIM" run "$T/fine.xml" --out "$T/out-fine" --quiet >"$T/stdout" 2>"$T/stderr"
rc=$?
check "no namespace: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
check "no namespace: says which device, which namespace and why" grep -qF \
	"$T/fine.xml:12: cannot open TAP device tcsbad0 in network namespace cstap-none-$$: No such file or directory" \
	"$T/stderr"
check "no namespace: no output directory" [ ! -e "$T/out-fine" ]

# The run may not make the device: a user without CAP_NET_ADMIN (as root,
# nobody through setpriv).
scn eperm '<tap node="h1" iface="eth0" device="tcsb'$$'"/>'
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$T"
	as="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"
else
	as=
fi
$as "$COMETSIM" run "$T/eperm.xml" --out "$T/out-eperm" --quiet >"$T/stdout" 2>"$T/stderr"
rc=$?
check "not allowed: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
check "not allowed: \"file:line: cannot open TAP device tcsb$$: Operation not permitted\"" grep -qF \
	"$T/eperm.xml:12: cannot open TAP device tcsb$$: Operation not permitted" "$T/stderr"
check "not allowed: no output directory" [ ! -e "$T/out-eperm" ]
[ "$failures" -eq 0 ] || cat "$T/stderr" >&2

finish
