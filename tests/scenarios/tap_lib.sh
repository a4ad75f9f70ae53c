# tap_lib.sh - what the TAP bridge's tests share (sourced after lib.sh).
#
# A real host is a network namespace of its own (ip netns), named with
# the test's process id so that tests running at once do not meet, with
# a TAP device made inside it beforehand (ip tuntap add) and addressed
# there; the run opens the device in that namespace (<tap netns=>,
# doc/emulation.md).  Everything made here is removed on exit: the
# processes started in a namespace, then the namespaces, which take
# their devices with them.  Nothing touches the host's own interfaces.

tap_nss=
tap_pids=

tap_cleanup() {
	for _p in $tap_pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $tap_pids; do
		wait "$_p" 2>/dev/null
	done
	for _n in $tap_nss; do
		ip netns del "$_n" 2>/dev/null
	done
}
trap 'tap_cleanup; cleanup' EXIT

# tap_skip WHY: the test cannot run here: SKIP (automake's 77), saying why.
tap_skip() {
	echo "SKIP: $0: $*"
	exit 77
}

# tap_require: root, /dev/net/tun, ip netns, or a SKIP that says which is missing.
tap_require() {
	[ "$(id -u)" -eq 0 ] || tap_skip "not root: TAP devices and network namespaces need root"
	[ -c /dev/net/tun ] || tap_skip "no /dev/net/tun (the tun module, or a container without it)"
	command -v ip >/dev/null 2>&1 || tap_skip "no ip command (Debian package iproute2)"
	_probe="cstapp$$"
	ip netns add "$_probe" 2>/dev/null || tap_skip "ip netns add fails here (no network namespaces)"
	if ! ip netns exec "$_probe" ip tuntap add dev tcsprobe mode tap 2>/dev/null; then
		ip netns del "$_probe"
		tap_skip "ip tuntap add fails inside a network namespace"
	fi
	ip netns del "$_probe"
}

# tap_host NS DEV ADDRESS/LEN [GATEWAY]: a real host: the namespace NS
# with the TAP device DEV (IPv4 only: no IPv6 traffic of its own), up.
tap_host() {
	ip netns add "$1" || return 1
	tap_nss="$tap_nss $1"
	ip netns exec "$1" ip link set lo up &&
		ip netns exec "$1" ip tuntap add dev "$2" mode tap &&
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" &&
		ip netns exec "$1" ip addr add "$3" dev "$2" &&
		ip netns exec "$1" ip link set "$2" up || return 1
	if [ $# -ge 4 ]; then
		ip netns exec "$1" ip route add default via "$4" || return 1
	fi
}

# tap_bg NS CMD...: run CMD in NS in the background, killed on exit; $! is its pid.
tap_bg() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$@" &
	tap_pids="$tap_pids $!"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 if it never did.
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# carrier NS DEV: the device has its carrier: a process holds it (the run did open it).
carrier() {
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ]
}

# stop_run PID: end a run in real time as its user would, with SIGINT;
# the run writes its outputs as an interrupted run does.  Its exit status.
stop_run() {
	kill -INT "$1"
	wait "$1"
}
