#!/bin/sh
# plot.sh - what `cometsim plot` draws from a sweep's results, on a
# results.csv written here (doc/sweeps.md, "Plots"): legends and axis
# labels with the parameters' units, axis ranges that never show a
# negative value no value has, intervals of non-negative values drawn from
# 0 up, one tick format for large values (no 100000 beside 1e+06), and a
# caption for repetitions that all agree and for values far from the
# others of their point, naming the seed.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

S="$T/s"
mkdir -p "$S"
cat >"$S/sweep.xml" <<EOF
<sweep name="crafted" scenario="$top_srcdir/scenarios/sample.xml">
  <param name="loss" values="0 0.05 0.1"/>
  <param name="delay" values="1 5" unit="ms"/>
  <repetitions seeds="1..5"/>
  <metric name="big" select="recv:h2/*:received"/>
  <metric name="same" select="recv:h2/*:received"/>
  <metric name="spread" select="recv:h2/*:received"/>
  <metric name="signed" select="recv:h2/*:received"/>
  <metric name="mid" select="recv:h2/*:received"/>
  <metric name="close" select="recv:h2/*:received"/>
  <metric name="capped" select="recv:h2/*:received" max="10"/>
  <metric name="why" select="recv:h2/*:received"/>
  <plot name="big" x="loss" y="big" series="delay"/>
  <plot name="same" x="loss" y="same" series="delay"/>
  <plot name="spread" x="loss" y="spread" series="delay"/>
  <plot name="signed" x="loss" y="signed" series="delay"/>
  <plot name="by-delay" x="delay" y="spread" series="loss"/>
  <plot name="mid" x="loss" y="mid" series="delay"/>
  <plot name="close" x="loss" y="close" series="delay"/>
  <plot name="capped" x="loss" y="capped" series="delay"/>
</sweep>
EOF
# big: 100 000 to 1 000 000, seed 4 far off at loss 0.1, delay 1; same: 7
# whatever the seed; spread: 0 0 0 0 100 (an interval reaching below 0);
# signed: -50 and 50 (plus the delay, so that its curves differ); capped:
# 10 but 2 for seed 1, at most 10 (max="10"); why: 0 but 50 in big's outlier.
python3 - "$S/results.csv" <<'PY'
import sys
out = open(sys.argv[1], "w")
out.write("run_id,loss,delay,seed,run,version,commit,metric,value\n")
i = 0
for loss in ("0", "0.05", "0.1"):
    for delay in ("1", "5"):
        for seed in range(1, 6):
            big = 100000 + 900000 * float(loss) * 10 + seed
            if loss == "0.1" and delay == "1" and seed == 4:
                big = 20000
            vals = {"big": big, "same": 7, "spread": 100 if seed == 5 else 0,
                    "signed": (-50 if seed % 2 else 50) + float(delay),
                    "mid": 200000 + 1000 * seed + 100000 * float(loss),
                    "close": 123456789012 + seed,
                    "capped": 2 if seed == 1 else 10,
                    "why": 50 if (loss, delay, seed) == ("0.1", "1", 4) else 0}
            for m, v in vals.items():
                out.write("%04d,%s,%s,%d,1,0.1.0,x,%s,%.17g\n" % (i, loss, delay, seed, m, v))
            i += 1
PY
"$COMETSIM" plot "$S" >"$T/out" 2>"$T/err"
rc=$?
check "cometsim plot exits 0 ($rc; $(head -c 300 "$T/err"))" [ "$rc" -eq 0 ]
P="$S/plots"
check "the legend has the unit of the series' parameter" grep -q "title 'delay = 1 ms'" "$P/big.gp"
check "and for each series" grep -q "title 'delay = 5 ms'" "$P/big.gp"
check "an x parameter with a unit labels the axis with it" grep -q "^set xlabel 'delay (ms)'" "$P/by-delay.gp"
check "without a unit, the name alone" grep -q "^set xlabel 'loss'$" "$P/big.gp"
check "the loss axis starts at 0, not below" grep -q '^set xrange \[0:' "$P/big.gp"
check "an interval that reaches below 0 is drawn from 0 (non-negative values)" \
	grep -q 'using 1:3:(\$4 < 0 ? 0 : \$4):5' "$P/spread.gp"
check "the .dat keeps the interval as computed" \
	[ "$(awk '!/^#/ && NF && $3 == 20 && $4 < 0' "$P/spread.dat" | wc -l)" -gt 0 ]
check "the y axis starts at 0 for them" grep -q '^set yrange \[0:' "$P/spread.gp"
check "values that may be negative keep their interval" grep -q 'using 1:3:4:5' "$P/signed.gp"
check "and their axis goes below 0" grep -q '^set yrange \[-' "$P/signed.gp"
check "large values: one tick format, with SI prefixes" grep -q "^set format y '%\.[0-3]s%c'" "$P/big.gp"
check "from 10^5 on, not only from 10^6" grep -q "^set format y '%\.[0-3]s%c'" "$P/mid.gp"
check "decimals as the ticks need: 0 to 1 000 000, one" grep -q "^set format y '%\.1s%c'" "$P/big.gp"
check "values a few units apart at 10^11: a range with two ends" \
	[ "$(sed -n 's/^set yrange \[\(.*\):\(.*\)\]$/\1 \2/p' "$P/close.gp" | awk '{ print ($1 < $2) }')" = 1 ]
check "and gnuplot draws them" [ -s "$P/close.png" ]
check "small values: gnuplot's own" not grep -q '^set format y' "$P/spread.gp"
check "every repetition equal: the caption says so" \
	grep -q 'Every repetition of every point gave the same value' "$P/same.gp"
check "and the command prints it" grep -q '^plot same: Every repetition' "$T/out"
check "it names the metric that does not vary" \
	grep -q '^plot same: .*same does not depend on the seed here' "$T/out"
check "and says the other metrics do, rather than that one repetition would do" \
	grep -q '^plot same: .*other metrics of the sweep do, which is why it repeats' "$T/out"
check "series that coincide: the caption says so, naming them" \
	grep -q '^plot same: .*The 2 curves (delay = 1 ms, delay = 5 ms) coincide' "$T/out"
check "and for seed-dependent values too" grep -q '^plot spread: .*The 2 curves .* coincide' "$T/out"
check "series that differ at one point do not coincide" not grep -q '^plot big: .*coincide' "$T/out"
check "a value far from its point's others: named with its seed" \
	grep -q 'seed 4 at loss 0.1, delay 1: 20000 (median 1e+06' "$T/out"
check "in the plot's caption too" grep -q 'seed 4 at' "$P/big.gp"
check "with the other metrics that stand out in its run" \
	grep -q 'seed 4 at loss 0.1, delay 1: 20000 (median 1e+06; why 50 against a median of 0)' "$T/out"
check "and only those" not grep -q 'seed 4 at loss 0.1, delay 1: 20000 (median 1e+06; why 50 against a median of 0;' "$T/out"
check "a metric with max=: its interval is drawn up to max at most" \
	grep -q 'using 1:3:(\$4 < 0 ? 0 : \$4):(\$5 > 10 ? 10 : \$5)' "$P/capped.gp"
check "the .dat keeps the interval as computed, above max" \
	[ "$(awk '!/^#/ && NF && $5 > 10' "$P/capped.dat" | wc -l)" -gt 0 ]
check "the y axis ends near max, not at the computed bound" \
	[ "$(sed -n 's/^set yrange \[\(.*\):\(.*\)\]$/\2/p' "$P/capped.gp" | awk '{ print ($1 <= 10.5) }')" = 1 ]
check "without max=, the whole interval" grep -q 'using 1:3:(\$4 < 0 ? 0 : \$4):5 ' "$P/spread.gp"
check "no caption where nothing stands out" not grep -q '^set label 1' "$P/signed.gp"
check "the caption leaves room under the plot" grep -q '^set bmargin' "$P/big.gp"
check "gnuplot drew it" [ "$(od -An -c -N4 "$P/big.png" | tr -d ' ')" = '211PNG' ]
check "and its SVG" grep -q '<svg' "$P/big.svg"

# An x axis of large values: the same tick format as a y axis of them.
S3="$T/bigx"
mkdir -p "$S3"
cat >"$S3/sweep.xml" <<EOF
<sweep name="bigx" scenario="$top_srcdir/scenarios/sample.xml">
  <param name="prefixes" values="100000 400000 1000000"/>
  <repetitions seeds="1..2"/>
  <metric name="m" select="recv:h2/*:received"/>
  <plot name="bigx" x="prefixes" y="m"/>
</sweep>
EOF
{
	echo "run_id,prefixes,seed,run,version,commit,metric,value"
	i=0
	for n in 100000 400000 1000000; do
		for seed in 1 2; do
			printf '%04d,%s,%d,1,0.1.0,x,m,%d\n' "$i" "$n" "$seed" "$((seed + 3))"
			i=$((i + 1))
		done
	done
} >"$S3/results.csv"
"$COMETSIM" plot "$S3" >"$T/bigx.out" 2>&1
check "large x values: plotted ($(head -c 200 "$T/bigx.out"))" [ -s "$S3/plots/bigx.gp" ]
check "large x values: one tick format, with SI prefixes" \
	grep -q "^set format x '%\.[0-3]s%c'" "$S3/plots/bigx.gp"

# A logarithmic x of large values, one seed: ticks 10k 100k 1M, a range
# that does not pad a whole decade, no "95% CI" in the legend.
S6="$T/logx"
mkdir -p "$S6"
cat >"$S6/sweep.xml" <<EOF
<sweep name="logx" scenario="$top_srcdir/scenarios/sample.xml">
  <param name="size" values="10000 100000 1000000"/>
  <repetitions seeds="1"/>
  <metric name="m" select="recv:h2/*:received"/>
  <plot name="logx" x="size" y="m" logx="true"/>
</sweep>
EOF
printf '%s\n' "run_id,size,seed,run,version,commit,metric,value" "0000,10000,1,1,0.1.0,x,m,3" \
	"0001,100000,1,1,0.1.0,x,m,4" "0002,1000000,1,1,0.1.0,x,m,6" >"$S6/results.csv"
"$COMETSIM" plot "$S6" >"$T/logx.out" 2>&1
check "log x: plotted ($(head -c 200 "$T/logx.out"))" [ -s "$S6/plots/logx.gp" ]
check "log x: SI ticks without decimals (10k, not 10.0k)" \
	grep -q "^set format x '%\.0s%c'" "$S6/plots/logx.gp"
lo=$(sed -n 's/^set xrange \[\(.*\):\(.*\)\]$/\1/p' "$S6/plots/logx.gp")
check "log x: the range starts a little below 10000, not at 1000 ($lo)" \
	[ "$(echo "$lo" | awk '{ print ($1 > 5000 && $1 < 10000) }')" = 1 ]
check "one run a point: the legend says so" grep -q "title 'm (one run a point)'" "$S6/plots/logx.gp"
check "and claims no interval" not grep -q '95% CI' "$S6/plots/logx.gp"
check "with repetitions, the legend names the interval" grep -q "(mean, 95% CI)'" "$S3/plots/bigx.gp"

# Curves of a run: units on the axis of each series, --out DIR/ printed
# without a double slash, a CDF of one row drawn as a point.
mkdir -p "$T/run"
printf '%s\n' "time,series,key,value" "1,link.util,l/a>b,0.5" "1,link.queue,l/a>b,3" \
	"1,entity.recv.bytes_received.rate,b/recv0,1000" "2,link.util,l/a>b,0.25" \
	"2,link.queue,l/a>b,1" "2,entity.recv.bytes_received.rate,b/recv0,2000" \
	>"$T/run/timeseries.csv"
"$COMETSIM" plot "$T/run" --out "$T/tsplots/" >"$T/ts.out" 2>&1
check "plot RUNDIR --out DIR/ exits 0 ($(head -c 200 "$T/ts.out"))" [ -s "$T/tsplots/ts-link.util.gp" ]
check "--out DIR/: the paths printed have no //" not grep -q '//' "$T/ts.out"
check "link.util: the y axis says it is a share of the interval" \
	grep -q "^set ylabel 'link.util (share of the interval spent sending, 0 to 1)'" "$T/tsplots/ts-link.util.gp"
check "link.queue: in frames" grep -q "^set ylabel 'link.queue (frames)'" "$T/tsplots/ts-link.queue.gp"
check "a rate of bytes: in bytes/s" \
	grep -q "^set ylabel 'entity.recv.bytes_received.rate (bytes/s)'" "$T/tsplots/ts-entity.recv.bytes_received.rate.gp"
check "and the title too" \
	grep -q "^set title 'entity.recv.bytes_received.rate (bytes/s)'" "$T/tsplots/ts-entity.recv.bytes_received.rate.gp"
printf 'completion,approach\n0.25,x\n' >"$T/one.csv"
"$COMETSIM" plot --cdf completion "$T/one.csv" --out "$T/cdf1" >"$T/cdf1.out" 2>&1
check "a CDF of one row: plotted ($(head -c 200 "$T/cdf1.out"))" [ -s "$T/cdf1/cdf-completion.gp" ]
check "as a point, not as steps that draw nothing" \
	grep -q "index 0 using 1:2 with points" "$T/cdf1/cdf-completion.gp"

# No metric of the sweep depends on the seed: one repetition would do.
S4="$T/flat"
mkdir -p "$S4"
cat >"$S4/sweep.xml" <<EOF
<sweep name="flat" scenario="$top_srcdir/scenarios/sample.xml">
  <param name="loss" values="0 0.1"/>
  <repetitions seeds="1..2"/>
  <metric name="m" select="recv:h2/*:received"/>
  <metric name="k" select="recv:h2/*:received"/>
  <plot name="flat" x="loss" y="m"/>
</sweep>
EOF
printf '%s\n' "run_id,loss,seed,run,version,commit,metric,value" \
	"0000,0,1,1,0.1.0,x,m,5" "0000,0,1,1,0.1.0,x,k,1" "0001,0,2,1,0.1.0,x,m,5" \
	"0001,0,2,1,0.1.0,x,k,1" "0002,0.1,1,1,0.1.0,x,m,4" "0002,0.1,1,1,0.1.0,x,k,2" \
	"0003,0.1,2,1,0.1.0,x,m,4" "0003,0.1,2,1,0.1.0,x,k,2" >"$S4/results.csv"
"$COMETSIM" plot "$S4" >"$T/flat.out" 2>&1
check "no metric varies: one repetition would do ($(head -c 300 "$T/flat.out"))" \
	grep -q 'nor does any metric of the sweep: one repetition would do' "$T/flat.out"
sed 's/^0003,0.1,2,1,0.1.0,x,k,2$/0003,0.1,2,1,0.1.0,x,k,3/' "$S4/results.csv" >"$T/flat.csv"
mv "$T/flat.csv" "$S4/results.csv"
"$COMETSIM" plot "$S4" >"$T/flat.out" 2>&1
check "another metric varies once: not said" not grep -q 'one repetition would do' "$T/flat.out"

# max= is a number, or the line says why.
S5="$T/badmax"
mkdir -p "$S5"
sed 's/max="10"/max="ten"/' "$S/sweep.xml" >"$S5/sweep.xml"
cp "$S/results.csv" "$S5/"
"$COMETSIM" plot "$S5" >/dev/null 2>"$T/badmax.err"
rc=$?
check "max=\"ten\": exit 1 ($rc)" [ "$rc" -eq 1 ]
line=$(grep -n 'max="ten"' "$S5/sweep.xml" | cut -d: -f1)
check "named with its file and line ($(head -c 200 "$T/badmax.err"))" \
	grep -q "^$S5/sweep.xml:$line: metric capped: max" "$T/badmax.err"

# A value that is not a number: named by results.csv's line, its run and seed.
S2="$T/bad"
mkdir -p "$S2"
cp "$S/sweep.xml" "$S2/"
awk -F, 'NR == 7 { $NF = "nan" } 1' OFS=, "$S/results.csv" >"$S2/results.csv"
id=$(awk -F, 'NR == 7 { print $1 }' "$S2/results.csv")
seed=$(awk -F, 'NR == 7 { print $4 }' "$S2/results.csv")
metric=$(awk -F, 'NR == 7 { print $8 }' "$S2/results.csv")
"$COMETSIM" plot "$S2" >/dev/null 2>"$T/bad.err"
rc=$?
check "a value that is not a number: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "named by results.csv's line, run and seed ($(head -c 200 "$T/bad.err"))" \
	grep -q "^$S2/results.csv:7: run $id (seed $seed): metric $metric has the value \"nan\", not a number (plot" "$T/bad.err"

finish
