#!/bin/sh
# bad_input.sh - every kind of bad scenario input is refused before the
# run: exit status 1, a message that cites the right file and line and
# says what is wrong, and no summary.json in the output directory.
#
# Each fixture in tests/scenarios/bad/ is run through "cometsim check" and
# "cometsim run --out DIR".  The table below gives, per case: the fixture,
# the file:line the message must cite ("-" when the error is on the
# command line), a phrase the message must hold, and --set options.
. "$top_srcdir/tests/scenarios/lib.sh"

B="$top_srcdir/tests/scenarios/bad"

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
		if [ "$where" != - ]; then
			check "$name ($cmd): cites $where" grep -qF "$B/$where:" "$T/stderr"
		fi
		check "$name ($cmd): says \"$phrase\"" grep -qF -- "$phrase" "$T/stderr"
		check "$name ($cmd): no summary.json" [ ! -e "$out/summary.json" ]
		if [ "$failures" -gt 0 ]; then
			echo "--- stderr of $cmd $fixture:" >&2
			cat "$T/stderr" >&2
		fi
	done
}

run_case malformed        malformed.xml          malformed.xml:8       "malformed XML"
run_case schema-attr      schema.xml             schema.xml:8          "'bandwith'"
run_case schema-element   schema_scenario.xml    schema_scenario.xml:7 "'event'"
run_case schema-topofile  schema_topology.xml    bad_topology.xml:5    "'name' is required"
run_case unknown-node     unknown_node.xml       unknown_node.xml:8    'unknown node "c"'
run_case unknown-iface    unknown_iface.xml      unknown_iface.xml:8   'no interface "eth3"'
run_case duplicate-node   duplicate_node.xml     duplicate_node.xml:6  'duplicate node "2.2"'
run_case negative-delay   negative_delay.xml     negative_delay.xml:8  'link "ab": delay "-1ms": negative'
run_case missing-topology missing_topology.xml   missing_topology.xml:5 "no-such-topology.xml"
run_case missing-script   missing_script.xml     missing_script.xml:6  "no-such-script.script"
run_case bad-command      bad_command.xml        bad_command.script:5  'unknown command "START_LNK"'
run_case bad-time         bad_time.xml           bad_time.xml:9        'time "1O": unknown unit "O"'
run_case bad-argc         bad_argc.xml           bad_argc.xml:6        "wrong number of arguments"
run_case not-started      not_started.xml        not_started.script:5  'unknown node "3"'
run_case unknown-class    unknown_class.xml      unknown_class.xml:7   'unknown class "usr.applications.Sink"'
run_case bad-args         bad_args.xml           bad_args.xml:8        "usr.applications.Send:"
run_case undefined-param  undefined_param.xml    undefined_param.xml:8 'undefined parameter "${rate}"'
run_case unknown-set      good.xml               -  "--set bogus: unknown parameter" --set bogus=1
run_case unknown-set-list good.xml               -  "end_time, seed, run" --set bogus=1
run_case unknown-set-prm  good.xml               -  "count" --set bogus=1
run_case unknown-set-link good.xml               -  "link.<name>." --set link.nosuch.delay=1ms
run_case bad-set-value    good.xml               -  "--set link.ab.delay=-5ms: link \"ab\": delay \"-5ms\": negative" \
	--set link.ab.delay=-5ms
run_case bad-set-param    good.xml               good.xml:9 "(with --set count=abc)" --set count=abc

# A --set value that makes something fail is named, wherever it lands and
# however late the check: a topology attribute checked at once or once
# the whole topology is read, a link's value, a duplicate or an address
# whose first place took the value, a scenario attribute, a script line.
S=set_places.xml
run_case set-iface-addr   $S  $S:18 'address 10.0.0.0/24 is the network address of 10.0.0.0/24 (its hosts are 10.0.0.1 to 10.0.0.254) (with --set addr=10.0.0.0/24)' \
	--set addr=10.0.0.0/24
run_case set-gre-local    $S  $S:22 'local address 10.0.0.9 is not an address of node b (the node has: eth0 10.0.0.2) (with --set gl=10.0.0.9)' \
	--set gl=10.0.0.9
run_case set-domain       $S  $S:17 'node a: unknown domain "d2" (with --set dom=d2)' --set dom=d2
run_case set-route-gw     $S  $S:23 'gateway 10.5.0.1 is on no network of the node; add dev= (with --set via=10.5.0.1)' \
	--set via=10.5.0.1
run_case set-route-self   $S  $S:23 "via= is the next router's address (with --set via=10.0.0.2)" \
	--set via=10.0.0.2
run_case set-dup-addr     $S  $S:21 "address 10.0.0.2 is also on node a (eth0, $B/$S:18) (with --set addr=10.0.0.2/24)" \
	--set addr=10.0.0.2/24
run_case set-dup-node     $S  $S:20 "duplicate node \"b\" (first at $B/$S:17) (with --set node=b)" \
	--set node=b
run_case set-link-value   $S  $S:25 'link "ab": delay "-1ms": negative (a duration is a number and a unit: ns, us, ms, s, min or h, as in 1.5ms) (with --set dl=-1ms)' \
	--set dl=-1ms
run_case set-link-set     $S  -     '--set link.ab.delay=${dl}: link "ab": delay "-1ms": negative (a duration is a number and a unit: ns, us, ms, s, min or h, as in 1.5ms) (with --set dl=-1ms)' \
	--set 'link.ab.delay=${dl}' --set dl=-1ms
run_case set-linkdefaults $S  $S:27 '<linkdefaults>: delay "bogus": not a number (a duration is a number and a unit: ns, us, ms, s, min or h, as in 1.5ms) (with --set ldl=bogus)' \
	--set ldl=bogus
run_case set-run          $S  $S:28 'end_time "bogus": not a number (a duration is a number of seconds, or a number and a unit: ns, us, ms, s, min or h) (with --set end=bogus)' \
	--set end=bogus
run_case set-script-cmd   $S  $S:33 'START_ROUTER: router id "x" is not of the form N, a.b or a.b.c, nor an IPv4 or IPv6 address (fe80:0:0:0:0:0:0:1) (with --set r=x)' \
	--set r=x
run_case set-script-time  $S  $S:34 'time "bogus": not a number (a duration is a number of milliseconds, or a number and a unit: ns, us, ms, s, min or h) (with --set t=bogus)' \
	--set t=bogus
run_case set-app-args     $S  $S:31 'count "abc": not a whole number' --set n=abc
run_case set-app-args-set $S  $S:31 '[start=DURATION]) (with --set n=abc)' --set n=abc

# The fixtures' good neighbour passes, with and without a valid --set.
check "good.xml passes check" "$COMETSIM" check "$B/good.xml"
check "good.xml passes check with --set" "$COMETSIM" check "$B/good.xml" \
	--set count=3 --set link.ab.delay=2ms --set end_time=1s
check "set_places.xml passes check" "$COMETSIM" check "$B/set_places.xml"
check "set_places.xml passes check with good --set values" "$COMETSIM" check \
	"$B/set_places.xml" --set addr=10.0.0.3/24 --set dl=3ms --set end=1s \
	--set t=2

finish
