#!/bin/sh
# validate.sh - "cometsim validate" (validate/, doc/validation.md).
#
# 1. A real run of most of the suite (everything but the RAE's 40-second
#    multi-domain test): exit 0, the Markdown, HTML and JSON tables, the
#    HTML self-contained and well-formed, every row with the keys and the
#    timestamp/owner of this build, as many rows in the terminal as in
#    each file, every evidence link pointing at a run directory.
# 2. A broken scenario handed to the stateless evaluator through --pass:
#    the row turns FAIL, the actual value names the wrong MAC, exit 1.
# 3. Made-up evaluators (COMETSIM_SRCDIR): escapes and markup in the rows,
#    a malformed line, a crash, no row, a stale rows.jsonl, --keep-going,
#    a signal while an evaluator runs, usage errors.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

export TSHARK top_srcdir
# The terminal tables wrap at $COLUMNS when stdout is not a terminal.
COLUMNS=100
export COLUMNS
data="$top_srcdir/tests/scenarios/data"
version=$("$COMETSIM" --version | sed -n 's/^cometsim \([^ ]*\) (commit \([^)]*\)).*/\1 \2/p')
ver=${version% *}
commit=${version#* }
day1=$(date +%Y-%m-%d)

# rows_terminal FILE: the row lines of the terminal tables ("  CATEGORY  TEST  OWNER  RESULT").
rows_terminal() {
	grep -cE '^  [^ ].* (PASS|FAIL)$' "$1"
}
# rows_md FILE: the body rows of the Markdown tables.
rows_md() {
	grep -E '^\| ' "$1" | grep -vc '^| Test category |'
}
rows_html() {
	grep -o '<tr class="[a-z]*">' "$1" | wc -l
}

# ---- 1. a real run ----

v="$T/v"
only='stateless,curling,single-domain,stress'
"$COMETSIM" validate --out "$v" --json "$T/copy.json" --only "$only" \
	>"$T/out.txt" 2>"$T/err.txt"
rc=$?
cat "$T/out.txt"
sed 's/^/stderr: /' "$T/err.txt"
day2=$(date +%Y-%m-%d)
check "validate exits 0 (every row passes; exit $rc)" [ "$rc" -eq 0 ]
for f in validation.md validation.html validation.json; do
	check "$f written" [ -s "$v/$f" ]
done
check "--json wrote the same JSON" cmp -s "$v/validation.json" "$T/copy.json"
check "one log per evaluator" [ -s "$v/stateless.log" -a -s "$v/curling.log" -a -s "$v/rae.log" ]

# The HTML: well-formed for libxml2's HTML parser, and nothing it would
# fetch from the network (no src=, no <link>, no @import or url(), every
# href relative); every link leads to a directory beside it.
if command -v xmllint >/dev/null 2>&1; then
	html_lint "$v/validation.html" >"$T/xmllint.txt"
	check "xmllint --html finds nothing to say but HTML5's <details> ($(head -c 200 "$T/xmllint.txt"))" \
		[ ! -s "$T/xmllint.txt" ]
else
	fail "xmllint is missing (Debian package libxml2-utils, a dependency)"
fi
check "the HTML has no http:// or https:// reference" not grep -qiE 'https?://' "$v/validation.html"
check "the HTML loads nothing (no src=, <link, @import, url()" \
	not grep -qiE 'src=|<link|@import|url\(' "$v/validation.html"
# The contents list links the tables (href="#NAME"); the other links are evidence.
grep -o 'href="[^"]*"' "$v/validation.html" | sed 's/^href="//; s/"$//' | grep -v '^#' >"$T/hrefs.txt"
check "the HTML has evidence links" [ -s "$T/hrefs.txt" ]
anchors=0
for a in $(grep -o 'href="#[^"]*"' "$v/validation.html" | sed 's/^href="#//; s/"$//'); do
	grep -q "<h2 id=\"$a\">" "$v/validation.html" || anchors=$((anchors + 1))
done
check "every table the contents list links is there ($anchors are not)" [ "$anchors" -eq 0 ]
check "the contents list links the tables" grep -q 'href="#stateless"' "$v/validation.html"
check "every href is relative" not grep -qE '^([a-zA-Z][a-zA-Z0-9+.-]*:|/)' "$T/hrefs.txt"
missing=0
while IFS= read -r h; do
	[ -d "$v/$(printf '%s' "$h" | sed 's/%20/ /g')" ] || { echo "  no directory $v/$h" >&2; missing=$((missing + 1)); }
done <"$T/hrefs.txt"
check "every evidence link leads to a run directory ($missing do not)" [ "$missing" -eq 0 ]

# The JSON: a list of rows with the keys, read by Python's json module.
owner="$day1/cometsim $ver ($commit)"
owner2="$day2/cometsim $ver ($commit)"
cat >"$T/check.py" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
owners = sys.argv[2:4]
keys = ["category", "test", "description", "step", "expected", "actual", "result",
        "run_dir", "timestamp_owner", "fresh"]
assert isinstance(rows, list) and rows, "not a list of rows"
for i, r in enumerate(rows):
    for k in keys:
        assert k in r, "row %d: no key %s" % (i, k)
        assert r[k] != "", "row %d: %s empty" % (i, k)
    assert r["result"] == "PASS", "row %d: %s" % (i, r["result"])
    assert r["timestamp_owner"] in owners, "row %d: owner %r" % (i, r["timestamp_owner"])
    assert r["fresh"] is True, "row %d: not fresh" % i
by = {}
for r in rows:
    by.setdefault(r["evaluator"], []).append(r)
def tests(ev):
    return sorted(set(r["test"] for r in by.get(ev, [])), key=str)
# Test 1 (the CAFE agent) is due like the others; 1b (Appendix B's script
# through the socket bridge) where protoc and Python's protobuf are.
bridged = ["1b"] if sys.argv[4] == "yes" else []
assert tests("stateless") == [1] + bridged + [2, 3, 4, 5, 6, 7], tests("stateless")
assert tests("curling") == [1, 2, 3, 4], tests("curling")
assert tests("rae") == [1, 3], tests("rae")
# Where each row comes from: D4.3's tables, its RAE test plan.
for r in rows:
    want = "D4.3 test plan" if r["evaluator"] == "rae" else "D4.3 table"
    if r["test"] == "1b":
        want = "project"
    assert r["origin"] == want, (r["evaluator"], r["test"], r["origin"])
cats = sorted(set((r["evaluator"], r["category"]) for r in rows))
assert cats == [("curling", "Content Delivery"), ("curling", "Content State Installation"),
                ("rae", "single-domain"), ("rae", "stress-test"),
                ("stateless", "CAFE Agent"), ("stateless", "CAFE forward"),
                ("stateless", "CAFE intercept")], cats
print(len(rows))
EOF
# Whether the evaluator can run stateless test 1b (scenarios/validation/stateless.sh).
pb=no
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null && command -v protoc >/dev/null 2>&1; then
		pb=yes
		break
	fi
done
n_json=$(python3 "$T/check.py" "$v/validation.json" "$owner" "$owner2" "$pb" 2>"$T/py.txt")
check "the JSON rows have every key, PASS, this build's timestamp/owner, the D4.3 categories ($(tail -n 1 "$T/py.txt"))" \
	[ -n "$n_json" ]
n_term=$(rows_terminal "$T/out.txt")
n_md=$(rows_md "$v/validation.md")
n_html=$(rows_html "$v/validation.html")
check "as many rows in the terminal ($n_term) as in the JSON (${n_json:-?})" \
	[ "$n_term" -eq "${n_json:--1}" ]
check "as many rows in the Markdown ($n_md) as in the JSON (${n_json:-?})" \
	[ "$n_md" -eq "${n_json:--1}" ]
check "as many rows in the HTML ($n_html) as in the JSON (${n_json:-?})" \
	[ "$n_html" -eq "${n_json:--1}" ]
check "the summary line counts them" grep -q "^validate: $n_json rows, $n_json PASS, 0 FAIL\$" "$T/out.txt"
check "the terminal groups as D4.3: the three tables in order" \
	[ "$(grep -E '^(Stateless CAFE|Coupled approach|Routing Awareness Entity): D4.3' "$T/out.txt" | awk '{ print $1 }' | tr '\n' ' ')" = "Stateless Coupled Routing " ]
for c in '2. CAFE intercept' '3. CAFE forward' '1. Content State Installation' \
	'2. Content Delivery' '1. single-domain' '3. stress-test'; do
	check "the terminal has rows of \"$c\"" grep -q "^  $c  " "$T/out.txt"
done
# D4.3's stateless test 1 (the CAFE agent) is not optional: its row is due
# and passes.
check "the terminal has D4.3's test 1 (CAFE agent), and it passes" \
	grep -qE "^  1\. CAFE Agent +1 +$day1/cometsim .* PASS\$|^  1\. CAFE Agent +1 +$day2/cometsim .* PASS\$" "$T/out.txt"
check "the timestamp/owner column is this build's" grep -q "  $owner  PASS\$" "$T/out.txt"
check "the Markdown has D4.3's columns" \
	grep -q '^| Test category | Test | Timestamp/Owner | Test description | Step | Expected | Actual | Result | Evidence | Origin |$' "$v/validation.md"
check "the run directories hold the evidence (stateless 3: dut-eth1.pcap)" \
	[ -s "$v/stateless/3/dut-eth1.pcap" ]

# ---- 2. a broken scenario turns its row FAIL ----

b="$T/b"
"$COMETSIM" validate --out "$b" --only 'stateless 3' \
	--pass "stateless:--scenario '3=$data/stateless-wrong-mac.xml'" >"$T/b.txt" 2>"$T/b-err.txt"
rc=$?
cat "$T/b.txt"
check "broken: validate exits 1 ($rc)" [ "$rc" -eq 1 ]
check "broken: the terminal row says FAIL" grep -qE '^  3\. CAFE forward +3 .* FAIL$' "$T/b.txt"
check "broken: the summary says 1 FAIL" grep -q '^validate: 1 row, 0 PASS, 1 FAIL$' "$T/b.txt"
cat >"$T/broken.py" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1, len(rows)
r = rows[0]
assert r["test"] == 3 and r["result"] == "FAIL", r
assert "destination MAC 02:00:00:00:09:00" in r["actual"], r["actual"]
assert "02:00:00:00:03:01" in r["expected"], r["expected"]
EOF
check "broken: the JSON row is FAIL and its actual names the wrong MAC 02:00:00:00:09:00" \
	python3 "$T/broken.py" "$b/validation.json"
check "broken: the HTML row is marked fail" grep -q '<tr class="fail">' "$b/validation.html"
check "broken: the Markdown row says FAIL" grep -q '| \*\*FAIL\*\* |' "$b/validation.md"
check "broken: the evaluator got the scenario" grep -q 'stateless-wrong-mac.xml' "$b/stateless.log"

# ---- 2b. old captures graded again are not this build's results ----

# The captures of stateless test 3 from part 1, as an older build would
# have left them (its summary.json names another commit), graded again
# with --no-run: the row passes, but it carries the stamp of the run
# behind it, not this build's, it is marked, and the tables are incomplete.
o="$T/old"
mkdir -p "$o"
cp -R "$v/stateless" "$o/stateless"
json_set "$o/stateless/3/summary.json" commit 0123456789ab
run_date=$(json_get "$o/stateless/3/summary.json" date | cut -c 1-10)
"$COMETSIM" validate --out "$o" --only 'stateless 3' --pass 'stateless:--no-run' \
	>"$T/o.txt" 2>"$T/o-err.txt"
rc=$?
cat "$T/o.txt"
check "--no-run on old captures: exit 3, not 0 ($rc)" [ "$rc" -eq 3 ]
check "... the row keeps the stamp of the run behind it, marked" \
	grep -qE "^  3\. CAFE forward +3 +$run_date/cometsim $ver \(0123456789ab\), another build +PASS\$" "$T/o.txt"
check "... this build's stamp is on no row" not grep -q "/cometsim $ver ($commit)  " "$T/o.txt"
check "... the summary says why the tables are incomplete" \
	grep -q '^validate: 1 row, 1 PASS, 0 FAIL; INCOMPLETE: 1 row not run by this command$' "$T/o.txt"
cat >"$T/old.py" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1, len(rows)
r = rows[0]
assert r["timestamp_owner"] == sys.argv[2], r["timestamp_owner"]
assert r["fresh"] is False, r["fresh"]
EOF
check "... the JSON row has the old stamp and \"fresh\": false" \
	python3 "$T/old.py" "$o/validation.json" "$run_date/cometsim $ver (0123456789ab)"
check "... the Markdown marks it" grep -q "(0123456789ab), another build" "$o/validation.md"
check "... the HTML marks it" grep -q "(0123456789ab), another build" "$o/validation.html"

# ---- 3. made-up evaluators ----

src="$T/src"
mkdir -p "$src/scenarios/validation"
ev="$src/scenarios/validation"
# Every evaluator starts like the real ones: OUTDIR first, then options.
# record DIR makes DIR a run directory (a short run of this program), as
# the evidence of a row must be.
scn="$top_srcdir/scenarios/sample.xml"
prelude='out=$1; shift; mkdir -p "$out"; rows="$out/rows.jsonl"; : >"$rows"
record() { "$COMETSIM" run '"'$scn'"' --out "$1" --quiet --pcap none --end 1ms >/dev/null 2>&1; }'
cat >"$ev/good.sh" <<EOF
$prelude
record "\$out/run one"
printf '%s\n' '{"category":"Odd <b>&amp;</b> | *x* \`y\`","test":"1a","description":"quote \" backslash \\\\ tab \t newline \n e acute \u00e9 smile \ud83d\ude00","step":"<script>alert(1)</script>","expected":"e","actual":"a","result":"PASS","run_dir":"'"\$out/run one"'","extra":42}' >>"\$rows"
printf '%s\n' '{"category":"Odd <b>&amp;</b> | *x* \`y\`","test":2,"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"'"\$out/run one"'"}' >>"\$rows"
echo "args: \$*"
EOF
cat >"$ev/bad.sh" <<EOF
$prelude
printf '%s\n' '{"category":"c","test":1,"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"'"\$out"'"}' >>"\$rows"
printf '%s\n' '{"category":"c","test":2,"description":"d" "step":"s"}' >>"\$rows"
EOF
cat >"$ev/crash.sh" <<EOF
$prelude
echo "crash.sh: cannot find the frobnicator" >&2
exit 2
EOF
cat >"$ev/none.sh" <<EOF
exit 0
EOF
cat >"$ev/slow.sh" <<EOF
$prelude
echo \$\$ >"\$out/pid"
sleep 60
EOF
cat >"$ev/_helper.sh" <<EOF
touch "$T/helper-ran"
EOF

f="$T/f"
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only good >"$T/f1.txt" 2>&1
rc=$?
cat "$T/f1.txt"
check "made-up good.sh: exit 0 ($rc)" [ "$rc" -eq 0 ]
check "a helper _NAME.sh is not an evaluator" [ ! -e "$T/helper-ran" ]
check "good.sh got OUTDIR, --cometsim this program and --quiet" \
	grep -q "^args: --cometsim .*cometsim --quiet\$" "$f/good.log"
cat >"$T/good.py" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 2, len(rows)
r = rows[0]
assert r["description"] == 'quote " backslash \\ tab \t newline \n e acute \u00e9 smile \U0001F600', repr(r["description"])
assert r["test"] == "1a" and rows[1]["test"] == 2, (r["test"], rows[1]["test"])
assert r["extra"] == 42, r
assert r["origin"] == "project" and rows[1]["origin"] == "project", (r["origin"], rows[1]["origin"])
assert r["category"] == "Odd <b>&amp;</b> | *x* `y`", r["category"]
assert r["run_dir"].endswith("/good/run one"), r["run_dir"]
EOF
check "escapes and other keys survive into the JSON" python3 "$T/good.py" "$f/validation.json"
check "the HTML escapes the rows' markup" \
	not grep -qE '<script>|<b>' "$f/validation.html"
check "the HTML shows it as text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$f/validation.html"
check "the HTML link of a directory with a space is escaped" \
	grep -q 'href="good/run%20one/"' "$f/validation.html"
if command -v xmllint >/dev/null 2>&1; then
	html_lint "$f/validation.html" >"$T/xmllint2.txt"
	check "xmllint --html: still well-formed ($(head -c 200 "$T/xmllint2.txt"))" \
		[ ! -s "$T/xmllint2.txt" ]
fi
check "the Markdown keeps the table whole (| escaped)" \
	grep -q '^| Odd \\<b\\>&amp;amp;\\</b\\> \\| \\\*x\\\* \\`y\\` | 1a |' "$f/validation.md"
check "two rows in the terminal" [ "$(rows_terminal "$T/f1.txt")" -eq 2 ]

COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only 'good,bad' --keep-going >"$T/f2.txt" 2>&1
rc=$?
cat "$T/f2.txt"
check "malformed line: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "malformed line: named by file and line" \
	grep -q "FAILED TO RUN .*: $f/bad/rows.jsonl:2: .*expected character \`,' (column 42)\$" "$T/f2.txt"
check "malformed line: the good rows are still shown" [ "$(rows_terminal "$T/f2.txt")" -eq 3 ]
check "malformed line: the HTML says so" grep -q 'The evaluator failed to run' "$f/validation.html"

COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only 'crash,good' >"$T/f3.txt" 2>&1
rc=$?
cat "$T/f3.txt"
check "crash: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "crash: its exit status and last words are reported" \
	grep -q 'FAILED TO RUN: exit status 2: crash.sh: cannot find the frobnicator' "$T/f3.txt"
check "crash: without --keep-going, good.sh does not run" grep -q '^  NOT RUN: an evaluator before it failed' "$T/f3.txt"
check "crash: no row" [ "$(rows_terminal "$T/f3.txt")" -eq 0 ]
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only 'crash,good' -k >"$T/f4.txt" 2>&1
rc=$?
check "crash --keep-going: still exit 3 ($rc), good.sh's rows shown" \
	[ "$rc" -eq 3 -a "$(rows_terminal "$T/f4.txt")" -eq 2 ]

mkdir -p "$f/none"
printf '%s\n' '{"category":"c","test":1,"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"/"}' \
	>"$f/none/rows.jsonl"
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only none >"$T/f5.txt" 2>&1
rc=$?
cat "$T/f5.txt"
check "no row (and an old rows.jsonl from before): exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... it says \"no rows\"" grep -q 'FAILED TO RUN: no rows: ' "$T/f5.txt"

# A catalog evaluator owes a number of rows per test (rae: 3, 7, 3, 3, 3, 2, 4, 4): a row
# it leaves out is a FAIL row; more rows than the catalog knows is a
# failure to run (the catalog is out of date).
cat >"$ev/rae.sh" <<EOF
$prelude
record "\$out/run"
t=1
for n in \$FAKE_RAE_ROWS; do
	i=0
	while [ \$i -lt \$n ]; do
		printf '{"category":"rae","test":%s,"description":"check %s","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"%s"}\n' \$t \$i "\$out/run" >>"\$rows"
		i=\$((i + 1))
	done
	t=\$((t + 1))
done
EOF
FAKE_RAE_ROWS='3 7 3 3 3 2 4 4' COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only rae >"$T/r1.txt" 2>&1
check "rae with its 3, 7, 3, 3, 3, 2, 4 and 4 rows: exit 0" [ $? -eq 0 ]
FAKE_RAE_ROWS='3 6 3 3 3 2 4 4' COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only rae >"$T/r2.txt" 2>&1
rc=$?
cat "$T/r2.txt"
check "rae with a row of test 2 left out: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "... the summary counts the missing row as a FAIL" \
	grep -q '^validate: 29 rows, 28 PASS, 1 FAIL$' "$T/r2.txt"
check "... the terminal shows it in test 2" \
	grep -qE "^  2\. multi-domain +2 +$day1/cometsim .* FAIL\$|^  2\. multi-domain +2 +$(date +%Y-%m-%d)/cometsim .* FAIL\$" "$T/r2.txt"
cat >"$T/missing.py" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
bad = [r for r in rows if r["result"] == "FAIL"]
assert len(bad) == 1, bad
r = bad[0]
assert r["test"] == 2 and r["category"] == "multi-domain", r
assert r["description"] == "a row of test 2 is missing", r["description"]
assert r["expected"] == "7 rows for test 2 (the catalog of validate/validate_catalog.c)", r["expected"]
assert r["actual"] == "the evaluator wrote 6", r["actual"]
EOF
check "... the JSON row says which test, how many rows are due and how many came" \
	python3 "$T/missing.py" "$f/validation.json"
FAKE_RAE_ROWS='3 8 3 3 3 2 4 4' COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only rae >"$T/r3.txt" 2>&1
check "rae with a row too many in test 2: exit 3" [ $? -eq 3 ]
check "... saying the catalog does not know it" \
	grep -q 'FAILED TO RUN: 8 rows for test 2, the catalog of validate/validate_catalog.c knows 7' "$T/r3.txt"

# Nothing runs without the tools the selected evaluators need.
TSHARK="$T/no-tshark" FAKE_RAE_ROWS='3 7 3 3 3 2 4 4' COMETSIM_SRCDIR=$src "$COMETSIM" validate \
	--out "$T/tools" --only rae >"$T/t1.txt" 2>&1
check "no tshark: validate refuses with exit 2" [ $? -eq 2 ]
check "... naming the tool, the variable and the Debian package" \
	grep -q "^cometsim validate: rae.sh needs tshark: TSHARK=$T/no-tshark is not a program; on Debian: apt-get install tshark\$" "$T/t1.txt"
check "... and runs nothing" [ ! -e "$T/tools" ]
PATH="$T/nowhere" "$COMETSIM" validate --out "$T/tools" --only curling >"$T/t2.txt" 2>&1
check "no mergecap on PATH: exit 2" [ $? -eq 2 ]
check "... naming it and its Debian package" \
	grep -q "^cometsim validate: curling.sh needs mergecap, which is not installed (not on PATH); on Debian: apt-get install wireshark-common\$" "$T/t2.txt"

# The stamp of a row is the one of the run behind it: another build's run,
# or none, is never stamped as this build's.
cat >"$ev/other.sh" <<EOF
$prelude
record "\$out/run"
python3 -c 'import json, sys; f = sys.argv[1]; v = json.load(open(f)); v["commit"] = "0123456789ab"; v["date"] = "2999-01-01T00:00:00+0000"; json.dump(v, open(f, "w"), indent=2)' "\$out/run/summary.json"
printf '%s\n' '{"category":"c","test":1,"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"'"\$out/run"'"}' >>"\$rows"
EOF
"$COMETSIM" run "$scn" --out "$T/earlier" --quiet --pcap none --end 1ms
json_set "$T/earlier/summary.json" date 2020-01-02T03:04:05+0000
cat >"$ev/earlier.sh" <<EOF
$prelude
printf '%s\n' '{"category":"c","test":1,"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"$T/earlier"}' >>"\$rows"
EOF
cat >"$ev/norecord.sh" <<EOF
$prelude
printf '%s\n' '{"category":"c","test":1,"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"'"\$out"'"}' >>"\$rows"
EOF
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only other >"$T/p1.txt" 2>&1
rc=$?
cat "$T/p1.txt"
check "a row from another build's run: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... stamped with that build, marked" \
	grep -qE "^  c +1 +2999-01-01/cometsim $ver \(0123456789ab\), another build +PASS\$" "$T/p1.txt"
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only earlier >"$T/p3.txt" 2>&1
rc=$?
cat "$T/p3.txt"
check "a row from a run of this build made before the command: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... stamped with that run's date, marked" \
	grep -qE "^  c +1 +2020-01-02/cometsim $ver \($commit\), earlier run +PASS\$" "$T/p3.txt"
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only norecord >"$T/p2.txt" 2>&1
rc=$?
cat "$T/p2.txt"
check "a row whose run directory has no summary.json: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... stamped as such" \
	grep -qE "^  c +1 +no run record \(no summary.json in the run directory\) +PASS\$" "$T/p2.txt"

# A signal reaches the evaluator and whatever it started.
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$f" --only slow >"$T/f6.txt" 2>&1 &
vpid=$!
# The signal comes once the evaluator runs (300 s is a safety net only).
i=0
while [ ! -s "$f/slow/pid" ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done
spid=$(cat "$f/slow/pid" 2>/dev/null)
check "SIGTERM: the evaluator runs (${spid:-no pid})" [ -n "$spid" ]
kill -TERM "$vpid"
wait "$vpid"
rc=$?
check "SIGTERM: exit 143 ($rc)" [ "$rc" -eq 143 ]
check "SIGTERM: the evaluator is gone too" not kill -0 "${spid:-999999}" 2>/dev/null

# Usage errors are not results.
"$COMETSIM" validate --only 'no such test at all' >/dev/null 2>&1
check "--only matching nothing: exit 2" [ $? -eq 2 ]
"$COMETSIM" validate --pass 'nosuch:--x' >/dev/null 2>&1
check "--pass to an unknown evaluator: exit 2" [ $? -eq 2 ]
"$COMETSIM" validate --bogus >/dev/null 2>&1
check "unknown option: exit 2" [ $? -eq 2 ]
"$COMETSIM" validate extra >/dev/null 2>&1
check "an argument: exit 2" [ $? -eq 2 ]
COMETSIM_SRCDIR=$T/nowhere "$COMETSIM" validate >/dev/null 2>&1
check "COMETSIM_SRCDIR without evaluators: exit 3" [ $? -eq 3 ]
"$COMETSIM" validate --list --only 'CAFE forward' >"$T/list.txt"
check "--list shows the tests --only selects" \
	[ "$(grep -c '^    + 3\. CAFE forward [3-7]$' "$T/list.txt")" -eq 5 ]
check "--list shows the evaluators --only leaves out" grep -q '^- curling.sh' "$T/list.txt"

finish
