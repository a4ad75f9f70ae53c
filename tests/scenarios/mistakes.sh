#!/bin/sh
# mistakes.sh - likely mistakes are errors, the same wherever they are
# written: an unknown kind in a log spec, a CAFE intercepting on an
# interface its node never has, a GRE tunnel whose local address is not
# the node's, one address on two nodes, a prefix with host bits set, a
# parameter that refers to itself (or leaves a "${" behind), an
# interface address no host may have (a network or broadcast address, 0.0.0.0,
# multicast), a prefix length that is not plain digits, a route through the
# node's own address, a tunnel to itself, a link within one node; and a script
# saved with a UTF-8 byte-order mark loads, while an invisible character
# in a message is shown.
#
# The bad fixtures are in tests/scenarios/bad/ (run_case: check and run
# both refuse with exit 1, the file:line and a phrase, no summary.json);
# the good ones, which must keep loading, in tests/scenarios/data/.
. "$top_srcdir/tests/scenarios/lib.sh"

B="$top_srcdir/tests/scenarios/bad"
D="$top_srcdir/tests/scenarios/data"

# run_case NAME FIXTURE WHERE PHRASE [ARGS...]
run_case() {
	name=$1 fixture=$2 where=$3 phrase=$4
	shift 4
	for cmd in check run; do
		out="$T/out-$name-$cmd"
		if [ "$cmd" = run ]; then
			"$COMETSIM" run "$B/$fixture" --out "$out" "$@" \
				>"$T/stdout" 2>"$T/stderr"
		else
			"$COMETSIM" check "$B/$fixture" "$@" >"$T/stdout" 2>"$T/stderr"
		fi
		rc=$?
		check "$name ($cmd): exit status 1 (got $rc)" [ "$rc" -eq 1 ]
		check "$name ($cmd): cites $where" grep -qF "$B/$where:" "$T/stderr"
		check "$name ($cmd): says \"$phrase\"" grep -qF -- "$phrase" "$T/stderr"
		check "$name ($cmd): no summary.json" [ ! -e "$out/summary.json" ]
		if [ "$failures" -gt 0 ]; then
			echo "--- stderr of $cmd $fixture:" >&2
			cat "$T/stderr" >&2
		fi
	done
}

# usage_case NAME PHRASE ARGS...: "cometsim run" refuses a value of its
# command line, as the --set of its name is (exit 1), with the phrase,
# before it writes anything.
usage_case() {
	name=$1 phrase=$2
	shift 2
	out="$T/out-$name"
	"$COMETSIM" run "$B/good.xml" --out "$out" "$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	check "$name: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
	check "$name: says \"$phrase\"" grep -qF -- "$phrase" "$T/stderr"
	check "$name: no output directory" [ ! -e "$out" ]
}

## log specs: one check, one wording, from the command line or a scenario
run_case  log-kind        log_kind.xml   log_kind.xml:5 'log "warn,bogus=debug": unknown kind "bogus"'
run_case  log-kind-valid  log_kind.xml   log_kind.xml:5 'send, recv'
usage_case log-cli        '--log bogus=debug: log "bogus=debug": unknown kind "bogus"' --log bogus=debug
usage_case log-cli-valid  'net, link, tcp' --log bogus=debug
usage_case log-cli-class  'the class "usr.stateless.Cafe" logs as "cafe"' --log usr.stateless.Cafe=debug
usage_case log-cli-level  '--log cafe=loud: log "cafe=loud": unknown level "loud"' --log cafe=loud
usage_case log-cli-empty  '--log =debug: log "=debug": empty kind' --log =debug
# --set log= goes through the scenario's check, with the same words.
"$COMETSIM" check "$B/good.xml" --set log=bogus=debug >"$T/stdout" 2>"$T/stderr"
check "log --set: exit status 1" [ $? -eq 1 ]
check "log --set: same words" grep -qF 'log "bogus=debug": unknown kind "bogus"' "$T/stderr"
# A sweep's <run log=...> goes to every run as --log: refused at once, same words.
cat > "$T/sweep-log.xml" <<EOS
<sweep scenario="$(cd "$B" && pwd)/good.xml">
  <metric name="m" select="events"/>
  <param name="count" values="1 2"/>
  <run log="warn,bogus=debug"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/sweep-log.xml" --out "$T/sweep" >"$T/stdout" 2>"$T/stderr"
check "log in a sweep: exit status 1" [ $? -eq 1 ]
check "log in a sweep: file:line and the same words" \
	grep -qF "$T/sweep-log.xml:4: log \"warn,bogus=debug\": unknown kind \"bogus\"" "$T/stderr"
check "log in a sweep: nothing is written" [ ! -e "$T/sweep" ]
# Every kind the engine and the entities log as is accepted.
for spec in "warn,net=debug,link=trace,tcp=info,scenario=error,output=warn,sim=info" \
	"cafe=debug,rae=info,*=warn" "recv=debug,send=trace,crme=debug,cme_client=info"; do
	check "--log '$spec' is accepted" \
		"$COMETSIM" run "$B/good.xml" --out "$T/ok-log" --log "$spec" --quiet
	rm -rf "$T/ok-log"
done
# Blanks around items, kinds and levels do not make a kind that never matches.
"$COMETSIM" run "$B/good.xml" --out "$T/blank-log" --log " warn , recv = debug " --quiet
check "blanks around a kind and a level: the kind is used" \
	grep -q ' recv/recv0 DEBUG' "$T/blank-log/log.txt"

## CAFE interception on an interface the node never has
run_case intercept-xml    intercept_iface.xml    intercept_iface.xml:7 \
	'intercept=eth0,eth9: node a has no interface "eth9"'
run_case intercept-script intercept_script.xml   intercept_script.script:8 \
	'intercept=eth2: node 2 has no interface "eth2" (it has eth0, eth1)'

## GRE tunnel whose local address is another node's
run_case gre-local gre_local.xml gre_local.xml:6 \
	'node a: gre gre1: local address 10.0.0.2 is not an address of node a (the node has: eth0 10.0.0.1)'
run_case gre-inner gre_inner.xml gre_inner.xml:6 \
	'node a: gre gre1: local address 172.16.0.1 is the tunnel'"'"'s own'

## one address on two nodes
run_case dup-addr  dup_addr.xml  dup_addr.xml:9 \
	'node c: eth0: address 10.0.0.1 is also on node a (eth0'
run_case dup-addr-both dup_addr.xml dup_addr.xml:9 'dup_addr.xml:4)'
run_case dup-addr6 dup_addr6.xml dup_addr6.xml:6 \
	'node c: eth0: address 2001:db8::1 is also on node a (eth0'
run_case dup-rid   dup_rid.xml   dup_rid.xml:9 \
	'START_ROUTER 2: address 10.0.0.2 is also on node b (eth0'

## prefixes with host bits
run_case route-hostbits  route_hostbits.xml  route_hostbits.xml:6 \
	'node a: route: prefix 10.1.2.3/24: host bits are set (did you mean 10.1.2.0/24?)'
run_case domain-hostbits domain_hostbits.xml domain_hostbits.xml:4 \
	'domain d1: prefix 2001:db8:1::1/48: host bits are set (did you mean 2001:db8:1::/48?)'

## addresses no interface may have, written as the usual rule says
run_case addr-network   addr_network.xml   addr_network.xml:4 \
	'node a: eth0: address 10.0.0.0/24 is the network address of 10.0.0.0/24 (its hosts are 10.0.0.1 to 10.0.0.254)'
run_case addr-broadcast addr_broadcast.xml addr_broadcast.xml:4 \
	'node a: eth0: address 10.0.0.255/24 is the broadcast address of 10.0.0.0/24'
run_case addr-zero      addr_zero.xml      addr_zero.xml:4 \
	'node a: eth0: address 0.0.0.0/24 is 0.0.0.0, no host'"'"'s address'
run_case addr-multicast addr_multicast.xml addr_multicast.xml:4 \
	'node a: eth0: address 224.0.0.5/24 is a multicast address (224.0.0.0/4)'
run_case addr-limited   addr_limited.xml   addr_limited.xml:4 \
	'node a: eth0: address 255.255.255.255/32 is the limited broadcast address'
run_case addr6-unspec   addr6_unspec.xml   addr6_unspec.xml:4 \
	'node a: eth0: address ::/64 is the unspecified address'
run_case addr6-multicast addr6_multicast.xml addr6_multicast.xml:4 \
	'node a: eth0: address ff02::5/64 is a multicast address (ff00::/8)'
run_case plen-sign      plen_sign.xml      plen_sign.xml:4 \
	'node a: eth0: bad address "10.0.0.1/+24" (a prefix length is decimal digits'
run_case plen-zero      plen_zero.xml      plen_zero.xml:4 \
	'node a: eth0: bad address "10.0.0.1/024" (a prefix length is decimal digits'
run_case plen-blank     plen_blank.xml     plen_blank.xml:6 \
	'node a: route: bad prefix "10.1.0.0/ 16" (a prefix length is decimal digits'
# Both ends of a /31, a /32, a .0 or .255 host of a /23 and a /0 route load and run.
check "address edges: /31, /32, /23 hosts and a /0 route load" \
	"$COMETSIM" check "$D/addr-edges-ok.xml"
"$COMETSIM" run "$D/addr-edges-ok.xml" --out "$T/edges" --quiet
check "address edges: the run completes" [ "$(json_get "$T/edges/summary.json" status)" = complete ]
check "address edges: the datagrams to a .0 host of a /23 arrive" \
	grep -qF 'received 5 datagrams' "$T/edges/log.txt"

## a route through the node itself, a tunnel to itself, a link within a node
run_case route-self     route_self.xml     route_self.xml:6 \
	'node a: route 10.1.0.0/16: gateway 10.0.0.1 is the node'"'"'s own address'
run_case gre-same       gre_same.xml       gre_same.xml:6 \
	'node a: gre gre1: local and remote are both 10.0.0.1'
run_case link-same-node link_same_node.xml link_same_node.xml:11 \
	'link loop joins two interfaces of node a (eth1 and eth2)'

## parameters that refer to parameters
run_case param-self      param_self.xml      param_self.xml:5 \
	'param "a": its value refers to itself (a -> a)'
run_case param-cycle     param_cycle.xml     param_cycle.xml:4 \
	'param "a": its value refers to itself (a -> b -> a)'
run_case param-undefined param_undefined.xml param_undefined.xml:5 \
	'undefined parameter "${speed}"'
run_case param-built     param_built.xml     param_built.xml:7 \
	'"${count}" is left after substitution'
run_case param-set-self  good.xml            good.xml:4 \
	'param "count": its value refers to itself (count -> count) (with --set count=${count})' \
	--set 'count=${count}'

"$COMETSIM" params "$D/param-chain.xml" >"$T/params" 2>&1
check "parameters from parameters: loads" [ $? -eq 0 ]
check "parameters from parameters: expanded" grep -qxF 'args=10.0.0.2 3000 20' "$T/params"
"$COMETSIM" params "$D/param-chain.xml" --set tens=7 >"$T/params" 2>&1
check "parameters from parameters: --set reaches them" \
	grep -qxF 'args=10.0.0.2 3000 70' "$T/params"
"$COMETSIM" check "$D/param-chain.xml" --set tens=x >"$T/stdout" 2>"$T/stderr"
check "parameters from parameters: an error names the --set under them" \
	grep -qF 'count "x0": not a whole number' "$T/stderr"
check "parameters from parameters: ... and says which --set made it" \
	grep -qF '(with --set tens=x)' "$T/stderr"

## byte-order marks, and invisible characters shown in messages
check "BOM: a script with a byte-order mark loads" "$COMETSIM" check "$D/bom-ok.xml"
check "BOM: a scenario and topology with byte-order marks load" \
	"$COMETSIM" check "$D/bom-topology.xml"
"$COMETSIM" run "$D/bom-ok.xml" --out "$T/bom" --quiet
check "BOM: the script runs to its end" [ "$(json_get "$T/bom/summary.json" status)" = complete ]
run_case bom-lines bom.xml bom.script:7 'time "30\u200b0": unknown unit "\u200b0"'
# A zero-width space typed or pasted into the kind is shown, not hidden.
usage_case log-cli-invisible '--log cafe\u200b=debug: log "cafe\u200b=debug": unknown kind "cafe\u200b"' \
	--log "$(printf 'cafe\342\200\213=debug')"

finish
