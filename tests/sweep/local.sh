#!/bin/sh
# local.sh - a small sweep through the local engine: the tidy CSV (a row
# per run and metric, with every parameter, seed, run number, version and
# commit), runs.csv, the plots and their numbers, "cometsim plot", status
# and collect, starting a finished sweep again, and the errors of a bad
# description (unknown parameter or metric, schema, another plan in the
# same directory).
. "${top_srcdir:-.}/tests/sweep/lib.sh"

S="$T/small"
"$COMETSIM" sweep "$data/small.xml" --out "$S" -j 2 > "$T/out" 2> "$T/err"
rc=$?
check "the sweep exits 0" [ "$rc" -eq 0 ]
check "stderr is silent when it is not a terminal" [ ! -s "$T/err" ]
check "stdout sums it up" grep -q '^sweep small: 8 runs: 8 complete$' "$T/out"
check "every run is complete" [ "$(complete "$S")" -eq 8 ]
check "results.csv: the header names every parameter, seed, run, version, commit" \
	[ "$(head -n 1 "$S/results.csv")" = \
	  "run_id,loss,delay,count,link.r1-r2.loss,link.r1-r2.delay,seed,run,version,commit,metric,value" ]
check "results.csv: a row per run and metric (8 x 5)" [ "$(rows "$S/results.csv")" -eq 40 ]
check "results.csv: no run and metric twice" [ -z "$(dup_keys "$S/results.csv")" ]
commit=$("$COMETSIM" --version | sed -n 's/.*(commit \(.*\))$/\1/p')
check "results.csv: version and commit of the program on every row" \
	[ "$(awk -F, 'NR > 1 { print $9 "," $10 }' "$S/results.csv" | sort -u)" = "0.1.0,$commit" ]
check "results.csv: the values given to each run" \
	grep -q '^0005,0.2,1,50,bernoulli 0.2,1ms,2,1,' "$S/results.csv"
check "seed and run as the run's summary.json has them" \
	[ "$(json_get "$S/runs/0005/summary.json" seed)" = 2 ]
check "a counter glob sums the two receivers (no loss: 2 x 50)" \
	grep -q '^0000,.*,received,100$' "$S/results.csv"
check "a drop counter absent from counters.csv is 0" \
	grep -q '^0000,.*,link_drops,0$' "$S/results.csv"
check "a nested summary field (drops.loss) equals the link's drop counter" \
	[ "$(awk -F, '$11 == "lost" { print $1, $12 }' "$S/results.csv")" = \
	  "$(awk -F, '$11 == "link_drops" { print $1, $12 }' "$S/results.csv")" ]
check "with loss, some datagrams are lost" \
	[ "$(awk -F, '$11 == "lost" && $2 == "0.2" && $12 > 0' "$S/results.csv" | wc -l)" -eq 4 ]
check "scale: the delay in milliseconds" grep -q '^0000,.*,delay_ms,3\.54' "$S/results.csv"
check "runs.csv: a line per run, complete, exit 0, one attempt" \
	[ "$(grep -c ',complete,exit 0,1,$' "$S/runs.csv")" -eq 8 ]
check "each run keeps the command that ran it" \
	grep -q "^cometsim run .*sample.xml --seed 1 --run 1 --set count=50 --set 'link.r1-r2.loss=bernoulli 0' --set link.r1-r2.delay=1ms --out $S/runs/0000 --quiet --pcap none --log warn\$" \
	"$S/runs/0000/command"
check "pcap none: no capture" [ "$(ls "$S"/runs/*/*.pcap 2>/dev/null | wc -l)" -eq 0 ]

# The plot: PNG and SVG, and the numbers behind them.
check "the plot is a PNG" [ "$(od -An -c -N4 "$S/plots/received.png" | tr -d ' ')" = '211PNG' ]
check "the plot is an SVG" grep -q '<svg' "$S/plots/received.svg"
# loss 0.2, delay 1: the mean of seeds 1 and 2, +- t(0.975, 1) s / sqrt(2)
exp=$(awk -F, '$2 == "0.2" && $3 == "1" && $11 == "received" { n++; s += $12; q += $12 * $12 }
	END { m = s / n; sd = sqrt((q - n * m * m) / (n - 1)); ci = 12.7062047 * sd / sqrt(n);
	      printf "%.4f %.4f %.4f %d", m, m - ci, m + ci, n }' "$S/results.csv")
got=$(awk -v OFS=' ' '/^# delay=1$/ { b = 1; next } /^# / { b = 0 } b && $2 == "0.2" {
	printf "%.4f %.4f %.4f %d", $3, $4, $5, $6 }' "$S/plots/received.dat")
check "plot data: mean and 95% Student t interval over the repetitions ($got)" [ "$got" = "$exp" ]
check "plot data: one block per series (delay 1 and 5)" \
	[ "$(grep -c '^# delay=' "$S/plots/received.dat")" -eq 2 ]
rm -f "$S/plots/received.png" "$S/plots/received.svg"
"$COMETSIM" plot "$S" > "$T/plot.out" 2>&1
check "cometsim plot redraws from results.csv" \
	[ $? -eq 0 -a -s "$S/plots/received.png" -a -s "$S/plots/received.svg" ]

# Following and gathering.
"$COMETSIM" sweep status "$S" > "$T/status"
rc=$?
check "status: every run complete, exit 0" eval '[ $rc -eq 0 ] && grep -q "8 runs: 8 complete" "$T/status"'
cp "$S/results.csv" "$T/results.first"
"$COMETSIM" sweep collect "$S" > /dev/null
rc=$?
check "collect gives the same results.csv" eval '[ $rc -eq 0 ] && cmp -s "$S/results.csv" "$T/results.first"'

# Started again: nothing runs again.
"$COMETSIM" sweep "$data/small.xml" --out "$S" -j 2 > "$T/out2"
check "a finished sweep started again exits 0" [ $? -eq 0 ]
check "... and runs nothing again" \
	eval '[ "$(cat "$S"/runs/*/attempts.log | grep -c "^start")" -eq 8 ] &&
	grep -q "already complete" "$T/out2"'
check "... and gives the same results.csv" cmp -s "$S/results.csv" "$T/results.first"

# A seed above INT64_MAX: summary.json holds it as a rounded number
# (json-glib's integers are 64-bit signed), results.csv as the plan has it.
cat > "$T/bigseed.xml" <<EOS
<sweep name="bigseed" scenario="$top_srcdir/scenarios/sample.xml">
  <set name="count" value="5"/>
  <repetitions seeds="18446744073709551615"/>
  <run pcap="none" log="warn"/>
  <metric name="events" select="events"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/bigseed.xml" --out "$T/bigseed" --quiet
check "a seed of 2^64 - 1: the sweep completes" [ "$(complete "$T/bigseed")" -eq 1 ]
check "... and results.csv has the seed exactly" \
	grep -q '^0000,5,18446744073709551615,1,' "$T/bigseed/results.csv"

# The description's errors.
cat > "$T/bad-param.xml" <<EOS
<sweep scenario="$top_srcdir/scenarios/sample.xml">
  <metric name="m" select="events"/>
  <param name="cout" values="1 2"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/bad-param.xml" --out "$T/bad" > /dev/null 2> "$T/err"
check "an unknown parameter is bad input (1)" [ $? -eq 1 ]
check "... named with the file and line, and the valid names listed" \
	grep -q "^$T/bad-param.xml:3: param \"cout\": unknown parameter .*valid names: .*count, .*link.r1-r2.delay" "$T/err"
check "... and nothing is written" [ ! -e "$T/bad" ]
cat > "$T/bad-set.xml" <<EOS
<sweep scenario="$top_srcdir/scenarios/sample.xml">
  <metric name="m" select="events"/>
  <param name="d" values="1 2"/>
  <set name="link.r9-r2.delay" value="\${d}ms"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/bad-set.xml" --out "$T/bad" > /dev/null 2> "$T/err"
rc=$?
check "an unknown <set> name lists the valid ones" \
	eval '[ $rc -eq 1 ] && grep -q "bad-set.xml:4: <set name=\"link.r9-r2.delay\">: unknown parameter .*valid names: .*link.r1-r2.delay" "$T/err"'
cat > "$T/bad-schema.xml" <<EOS
<sweep scenario="$top_srcdir/scenarios/sample.xml">
  <metric name="m" select="events"/>
  <param name="count" value="1 2"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/bad-schema.xml" --out "$T/bad" > /dev/null 2> "$T/err"
rc=$?
check "a schema error names the file and line" \
	eval '[ $rc -eq 1 ] && grep -q "bad-schema.xml:3: schema: .*.value." "$T/err"'
cat > "$T/bad-metric.xml" <<EOS
<sweep scenario="$top_srcdir/scenarios/sample.xml">
  <param name="count" values="5 6"/>
  <metric name="received" select="recv:h9/recv0:received"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/bad-metric.xml" --out "$T/badm" > /dev/null 2> "$T/err"
check "a metric no run has makes the sweep exit 1" [ $? -eq 1 ]
check "... named with the file and line" \
	grep -q "bad-metric.xml:3: metric received: select=\"recv:h9/recv0:received\" matches nothing" "$T/err"
check "... with the valid selections listed" \
	eval 'grep -q "recv:h2/recv0:{received," "$T/err" && grep -q "drops.loss" "$T/err"'
check "... after a warning at the first finished run" grep -q 'warning: metric received' "$T/err"
sed 's/values="5 6"/values="5 7"/' "$T/bad-metric.xml" > "$T/other.xml"
"$COMETSIM" sweep "$T/other.xml" --out "$T/badm" > /dev/null 2> "$T/err"
rc=$?
check "another plan in the same directory is refused" \
	eval '[ $rc -eq 1 ] && grep -q "holds another sweep" "$T/err"'

# Skips, tuples and ranges: the plan.
cat > "$T/plan.xml" <<EOS
<sweep scenario="$top_srcdir/scenarios/sample.xml">
  <metric name="m" select="events"/>
  <tuple>
    <param name="count" values="10 20 30"/>
    <param name="size"><range from="100" to="300" step="100"/></param>
  </tuple>
  <param name="loss"><range from="0" to="0.1" step="0.025"/></param>
  <set name="link.r1-r2.loss" value="bernoulli \${loss}"/>
  <skip when="count == 20 and loss &gt; 0.05"/>
  <repetitions seeds="3" runs="1..2"/>
</sweep>
EOS
"$COMETSIM" sweep "$T/plan.xml" --out "$T/plan" --dry-run > "$T/cmds"
check "dry run: tuple x range minus skips x runs = (3 x 5 - 2) x 2 commands" \
	[ $? -eq 0 -a "$(wc -l < "$T/cmds")" -eq 26 ]
check "dry run: ranges are exact decimals" \
	grep -q -- "--seed 3 --run 2 --set count=30 --set size=300 --set 'link.r1-r2.loss=bernoulli 0.075'" "$T/cmds"
check "dry run: skipped combinations are left out" \
	not grep -q -- "count=20 .*bernoulli 0.1'" "$T/cmds"
check "dry run writes nothing" [ ! -e "$T/plan" ]

# Relative paths, from the top of the tree: the example sweeps all load.
for ex in "$top_srcdir"/scenarios/sweeps/*.xml; do
	name=$(basename "$ex")
	(cd "$top_srcdir" && "$COMETSIM" sweep "scenarios/sweeps/$name" --dry-run \
		--out "$T/ex" > "$T/ex.cmds" 2> "$T/err")
	rc=$?
	check "example $name expands (relative paths)" \
		eval '[ $rc -eq 0 -a -s "$T/ex.cmds" ] && grep -q "^cometsim run /.*/scenarios/" "$T/ex.cmds"'
done

finish
