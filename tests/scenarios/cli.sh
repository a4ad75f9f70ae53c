#!/bin/sh
# cli.sh - one command line (doc/cometsim.1, DIAGNOSTICS): every command
# and sub-command answers --help on stdout with exit 0, refuses a bad
# option with exit 2 and a file that is not there with exit 1; every
# message starts with "cometsim COMMAND: " (or the file:line of the input
# it is about) and quotes with straight quotes only.  A run option's flag
# and its --set behave the same (--pcap / pcap=, --seed / seed=); --end
# and --max-wall read a bare number as seconds; topo prints text, and
# --dot a Graphviz graph with the domains of a curling script as clusters
# and links labelled with name, units and weight; the default output
# folder names the overrides of the run.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

S="$top_srcdir/scenarios"
scn="$S/sample.xml"
no="$T/not-there"

# straight FILE: no typographic quote (U+2018, U+2019, U+201C, U+201D) in FILE.
straight() {
	! LC_ALL=C grep -q "$(printf '\342\200[\230\231\234\235]')" "$1"
}

# ---- every command: --help, a bad option, a file that is not there ----
# NAME|ARGS OF A BAD FILE: the command as typed, and arguments naming a missing file.
while IFS='|' read -r cmd bad; do
	# shellcheck disable=SC2086
	"$COMETSIM" $cmd --help >"$T/out" 2>"$T/err"
	rc=$?
	check "$cmd --help: exit 0 ($rc)" [ "$rc" -eq 0 ]
	check "$cmd --help: on stdout" grep -q "^usage: cometsim $cmd" "$T/out"
	check "$cmd --help: nothing on stderr" [ ! -s "$T/err" ]
	# shellcheck disable=SC2086
	"$COMETSIM" $cmd --no-such-option >"$T/out" 2>"$T/err"
	rc=$?
	check "$cmd --no-such-option: exit 2 ($rc)" [ "$rc" -eq 2 ]
	check "$cmd --no-such-option: said in one wording, \"cometsim $cmd: \" first" \
		grep -qx "cometsim $cmd: unknown option \"--no-such-option\"" "$T/err"
	check "$cmd --no-such-option: then the synopsis" grep -q "^usage: cometsim $cmd" "$T/err"
	check "$cmd --no-such-option: straight quotes" straight "$T/err"
	check "$cmd --no-such-option: nothing on stdout" [ ! -s "$T/out" ]
	[ -n "$bad" ] || continue
	# shellcheck disable=SC2086
	"$COMETSIM" $cmd $bad >"$T/out" 2>"$T/err"
	rc=$?
	check "$cmd $bad: exit 1 ($rc)" [ "$rc" -eq 1 ]
	check "$cmd $bad: names the file" grep -q "$no" "$T/err"
	check "$cmd $bad: no synopsis after it" not grep -q 'usage' "$T/err"
	check "$cmd $bad: straight quotes" straight "$T/err"
done <<EOF
run|$no.xml
check|$no.xml
topo|$no.xml
params|$no.xml
deploy|$no.xml
rae-config|$no.bin
sweep|$no.xml
sweep status|$no
sweep collect|$no
sweep exec|$no 0
plot|$no
validate|
EOF

# cometsim --help lists every command, help among them; help COMMAND is COMMAND --help
"$COMETSIM" --help >"$T/help" 2>&1
for c in run check topo params deploy rae-config sweep plot validate help; do
	check "cometsim --help lists $c" grep -q "^  $c " "$T/help"
done
"$COMETSIM" help --help >"$T/hh" 2>"$T/hh.err"
check "help --help: exit 0" [ $? -eq 0 ]
check "help --help: the program's usage on stdout" grep -q '^usage: cometsim' "$T/hh"
"$COMETSIM" --version --bogus >/dev/null 2>"$T/vb.err"
check "--version with an argument: exit 2" [ $? -eq 2 ]
check "... naming it" grep -q '^cometsim: --version takes no argument, not "--bogus"' "$T/vb.err"
"$COMETSIM" validate --only nosuch --out "$T/vno" >/dev/null 2>"$T/vno.err"
check "validate --only matching nothing: exit 2" [ $? -eq 2 ]
check "... naming the pattern" grep -q '^cometsim validate: --only "nosuch": no test matches' "$T/vno.err"
"$COMETSIM" help sweep frob >/dev/null 2>"$T/hsf.err"
check "help sweep with an unknown subcommand: exit 2" [ $? -eq 2 ]
check "... naming it, \"cometsim help sweep: \" first" \
	grep -q '^cometsim help sweep: unknown subcommand "frob"' "$T/hsf.err"
"$COMETSIM" help frob >/dev/null 2>"$T/hf.err"
check "help with an unknown command: exit 2" [ $? -eq 2 ]
check "... \"cometsim help: \" first, as any command's message" \
	grep -qx 'cometsim help: unknown command "frob"' "$T/hf.err"
"$COMETSIM" help run extra >/dev/null 2>"$T/hx.err"
check "help COMMAND with one argument too many: exit 2" [ $? -eq 2 ]
check "... \"cometsim help: \" first" grep -qx 'cometsim help: unexpected argument "extra"' "$T/hx.err"
"$COMETSIM" help sweep status >"$T/hs" 2>&1
check "help sweep status is sweep status --help" grep -q '^usage: cometsim sweep status' "$T/hs"
"$COMETSIM" bogus >/dev/null 2>"$T/err"
check "an unknown command: exit 2" [ $? -eq 2 ]
check "... \"cometsim: \" before a command is known" grep -q '^cometsim: unknown command "bogus"' "$T/err"
"$COMETSIM" run >/dev/null 2>"$T/err"
check "run without SCENARIO: exit 2" [ $? -eq 2 ]
check "... \"cometsim run: missing SCENARIO\"" grep -q '^cometsim run: missing SCENARIO' "$T/err"
"$COMETSIM" sweep status >/dev/null 2>"$T/err"
check "sweep status without SWEEPDIR: exit 2" [ $? -eq 2 ]
check "... missing SWEEPDIR" grep -q '^cometsim sweep status: missing SWEEPDIR' "$T/err"
"$COMETSIM" sweep exec "$T" x >/dev/null 2>"$T/err"
check "sweep exec with a bad INDEX: exit 2" [ $? -eq 2 ]
# getopt's cases, in the program's words and quotes
"$COMETSIM" run "$scn" --seed >/dev/null 2>"$T/err"
check "an option without its value: exit 2" [ $? -eq 2 ]
check "... said so" grep -qx 'cometsim run: option "--seed" needs a value' "$T/err"
"$COMETSIM" run "$scn" --se 3 >/dev/null 2>"$T/err"
check "an ambiguous option: exit 2" [ $? -eq 2 ]
check "... with what it may be" grep -qx 'cometsim run: option "--se" is ambiguous (--seed, --set)' "$T/err"
"$COMETSIM" topo "$scn" --dot=yes >/dev/null 2>"$T/err"
check "a value given to an option without one: exit 2" [ $? -eq 2 ]
check "... said so" grep -qx 'cometsim topo: option "--dot" takes no value' "$T/err"
"$COMETSIM" validate -o >/dev/null 2>"$T/err"
check "validate -o without its value: exit 2" [ $? -eq 2 ]
check "... said so" grep -qx 'cometsim validate: option "-o" needs a value' "$T/err"

# A library's message keeps no curly quote: a --pass that is not shell words
"$COMETSIM" validate --pass 'stateless:"' --only stateless >/dev/null 2>"$T/err"
check "validate --pass with an open quote: exit 2" [ $? -eq 2 ]
check "... said with straight quotes" straight "$T/err"
check "... \"cometsim validate: \" first" grep -q '^cometsim validate: --pass' "$T/err"

# A configuration file an entity cannot read is bad input of that file:
# its message does not end with the synopsis of the arguments.
"$COMETSIM" check "$S/rae/single.xml" --set "raedir=$no" >/dev/null 2>"$T/err"
rc=$?
check "an RAE configuration that is not there: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... names it" grep -q "$no/rae11.xml: cannot read" "$T/err"
check "... without (usage: ...)" not grep -q '(usage:' "$T/err"
"$COMETSIM" check "$S/rae/single.xml" --set "raedir=$S/rae keepalive=x" >/dev/null 2>"$T/err"
check "a bad argument of the RAE: exit 1" [ $? -eq 1 ]
check "... then (usage: ...)" grep -q '(usage: ' "$T/err"

# ---- a run option's flag and its --set are one override ----
# same NAME ARGS-A -- ARGS-B: both exit with the same status and the same
# message once the way the value was written ("--pcap foo", "--set
# pcap=foo") is taken out.
same() {
	name=$1
	shift
	a=""
	while [ "$1" != "--" ]; do
		a="$a $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	"$COMETSIM" run "$scn" --out "$T/same" --quiet $a >/dev/null 2>"$T/a.err"
	ra=$?
	"$COMETSIM" run "$scn" --out "$T/same" --quiet "$@" >/dev/null 2>"$T/b.err"
	rb=$?
	echo "$name: $(head -n 1 "$T/a.err") / $(head -n 1 "$T/b.err")"
	check "$name: the same exit status ($ra, $rb)" [ "$ra" -eq "$rb" ]
	check "$name: refused (exit 1)" [ "$ra" -eq 1 ]
	sed 's/^[^:]*: //' "$T/a.err" >"$T/a.msg"
	sed 's/^[^:]*: //' "$T/b.err" >"$T/b.msg"
	check "$name: the same message" cmp -s "$T/a.msg" "$T/b.msg"
	check "$name: nothing written" [ ! -e "$T/same" ]
}
same "--pcap h9 and --set pcap=h9" --pcap h9 -- --set pcap=h9
same "--seed abc and --set seed=abc" --seed abc -- --set seed=abc
same "--end 5sec and --set end_time=5sec" --end 5sec -- --set end_time=5sec
same "--max-wall 0 and --set max_wall=0" --max-wall 0 -- --set max_wall=0
same "--scheduler fifo and --set scheduler=fifo" --scheduler fifo -- --set scheduler=fifo
"$COMETSIM" run "$scn" --seed abc --out "$T/s1" --quiet >/dev/null 2>"$T/err"
check "--seed abc: said as a value of the command line" \
	grep -qx -- '--seed abc: seed "abc": not a whole number' "$T/err"

# ---- --end and --max-wall: a bare number is seconds, for both ----
"$COMETSIM" run "$scn" --end 2 --pcap none --out "$T/end2" --quiet 2>"$T/err"
rc=$?
check "--end 2: runs (exit $rc)" [ "$rc" -eq 0 ]
check "... to 2 s of virtual time at most" \
	[ "$(json_get "$T/end2/summary.json" sim_time_ns)" -le 2000000000 ]
"$COMETSIM" run "$scn" --end 2s --pcap none --out "$T/end2s" --quiet 2>"$T/err"
check "... as --end 2s does" cmp -s "$T/end2/counters.csv" "$T/end2s/counters.csv"
"$COMETSIM" run "$scn" --max-wall 90 --pcap none --out "$T/mw" --quiet 2>"$T/err"
rc=$?
check "--max-wall 90: runs (exit $rc)" [ "$rc" -eq 0 ]
check "... a limit of 90 s" [ "$(json_get "$T/mw/summary.json" max_wall_s)" = 90.0 ]
"$COMETSIM" check "$scn" --set end_time=2 2>"$T/err"
check "--set end_time=2 is accepted too" [ $? -eq 0 ]

# ---- topo: text, and --dot for Graphviz ----
t1="$S/curling-topology1.xml"
"$COMETSIM" topo "$t1" >"$T/t1.txt" 2>"$T/err"
rc=$?
check "topo: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "topo: text, not a graph" not grep -q '^graph ' "$T/t1.txt"
check "topo: a line per router, with its domain" grep -qx 'node 2.3: router, domain 2, id 10.0.2.3; eth0, eth1, eth2' "$T/t1.txt"
check "topo: a line per link, with units and weight" \
	grep -qx 'link 1.1:eth0-1.2:eth0: 1.1 eth0 -- 1.2 eth0, 100 Mbps, 1 ms, weight 1' "$T/t1.txt"
"$COMETSIM" topo "$t1" --dot >"$T/t1.dot" 2>"$T/err"
rc=$?
check "topo --dot: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "topo --dot: a graph" grep -q '^graph "curling-topology1" {' "$T/t1.dot"
for d in 1 2 3 4 5; do
	check "topo --dot: domain $d is a cluster" grep -q "^	subgraph \"cluster_$d\" {" "$T/t1.dot"
	check "... holding its routers $d.1, $d.2, $d.3" [ "$(awk -v c="	subgraph \"cluster_$d\" {" '
		$0 == c { in_c = 1; next } in_c && /^\t}/ { in_c = 0 }
		in_c && /^\t\t"[0-9]+\.[0-9]+" \[/ { n++ } END { print n + 0 }' "$T/t1.dot")" -eq 3 ]
done
check "topo --dot: a link labelled with its name, units and weight" \
	grep -qF '"1.1" -- "1.2" [label="1.1:eth0-1.2:eth0\n100 Mbps, 1 ms, weight 1"' "$T/t1.dot"
check "topo --dot: no unit glued to its number" not grep -q 'label="[^"]*[0-9]\(Mbps\|Gbps\|ms\)' "$T/t1.dot"
# A link without delay: "0 ms", a unit like any other delay's (not "0").
"$COMETSIM" topo "$S/curling-chain.xml" >"$T/chain.txt" 2>&1
check "topo: a link without delay reads 0 ms" \
	grep -qx 'link 1:eth0-2:eth0: 1 eth0 -- 2 eth0, 1 Gbps, 0 ms, weight 1' "$T/chain.txt"
"$COMETSIM" topo "$S/curling-chain.xml" --dot >"$T/chain.dot" 2>&1
check "topo --dot: and in its label" grep -qF '\n1 Gbps, 0 ms, weight 1"' "$T/chain.dot"
if command -v dot >/dev/null 2>&1; then
	dot -Tsvg "$T/t1.dot" >"$T/t1.svg" 2>"$T/dot.err"
	rc=$?
	check "dot -Tsvg reads it (exit $rc)" [ "$rc" -eq 0 ]
	check "... and draws domain 3's cluster" grep -q 'domain 3' "$T/t1.svg"
else
	fail "graphviz is not installed: dot -Tsvg cannot read topo --dot (scripts/setup.sh installs it)"
fi

# ---- the default output folder names the overrides ----
mkdir -p "$T/cwd"
run_here() {
	(cd "$T/cwd" && "$COMETSIM" run "$scn" --end 1s --pcap none "$@") 2>"$T/err"
}
run_here >"$T/o0"
check "no override but --end and --pcap: they name the folder" \
	grep -qx 'outputs: output/sample/end_time=1s,pcap=none/seed1-run1' "$T/o0"
run_here --set count=3 >"$T/o1"
check "--set count=3: a folder of its own, said on stdout" \
	grep -qx 'outputs: output/sample/count=3,end_time=1s,pcap=none/seed1-run1' "$T/o1"
run_here --set count=4 --seed 2 >"$T/o2"
check "--set count=4 --seed 2: another, the seed in the last part" \
	grep -qx 'outputs: output/sample/count=4,end_time=1s,pcap=none/seed2-run1' "$T/o2"
check "... the first variant's run is still there" \
	[ -f "$T/cwd/output/sample/count=3,end_time=1s,pcap=none/seed1-run1/summary.json" ]
run_here --set count=3 --set count=5 >"$T/o3"
check "for one name the last override names the folder" \
	grep -qx 'outputs: output/sample/count=5,end_time=1s,pcap=none/seed1-run1' "$T/o3"
run_here --set 'link.r1-r2.loss=bernoulli 0.01' >"$T/o4"
check "a character that is not plain is written %XX" \
	grep -qx 'outputs: output/sample/end_time=1s,link.r1-r2.loss=bernoulli%200.01,pcap=none/seed1-run1' "$T/o4"
run_here --set count=3 --set size=100 >"$T/o5"
check "more than three overrides: set- and a short hash" \
	grep -qx 'outputs: output/sample/set-[0-9a-f]\{12\}/seed1-run1' "$T/o5"
run_here --set size=100 --set count=3 >"$T/o6"
check "... the same for the same overrides in another order" cmp -s "$T/o5" "$T/o6"
run_here --set count=3 --set size=101 >"$T/o7"
check "... another for another value" not cmp -s "$T/o5" "$T/o7"

# A "%" is written %25 too, or a value holding "%20" and one holding a
# blank could name the same folder.
run_here --set 'link.r1-r2.loss=bernoulli 1%' >"$T/o8"
check "a % in a value is written %25" \
	grep -qx 'outputs: output/sample/end_time=1s,link.r1-r2.loss=bernoulli%201%25,pcap=none/seed1-run1' "$T/o8"

finish
