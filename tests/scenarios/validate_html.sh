#!/bin/sh
# validate_html.sh - the HTML validation report (doc/validation.md) read
# in headless Chromium at 1280 pixels: a real report (the stateless and
# decoupled evaluators) and one of made-up rows with the widest things a
# row can hold (words of 400 letters, long directory names, long
# categories).  No element may reach past the window, with the folded
# cells closed or open; a screenshot is kept; the rows are in test order,
# the contents list links every table, the timestamp/owner shows once for
# the rows that share it.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

export TSHARK top_srcdir
: "${CHROMIUM:=chromium}"
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	echo "$0: $CHROMIUM not found: install the Debian package chromium (scripts/setup.sh does)" >&2
	exit 99
fi
js="$top_srcdir/tests/scenarios/data/measure-page.js"

# chrome ARGS...: headless Chromium, its chatter dropped; a profile of the test's own.
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$T/chrome" \
		--window-size=1280,2000 "$@" 2>/dev/null
}
# measure PAGE NAME: the page's widths as measure-page.js reports them.
measure() {
	python3 - "$1" "$js" "$T/$2-m.html" <<'PY'
import sys
page, js, out = sys.argv[1:4]
h = open(page, encoding="utf-8").read()
open(out, "w", encoding="utf-8").write(h.replace("</body>", open(js).read() + "</body>"))
PY
	chrome --dump-dom "file://$T/$2-m.html" | sed -n 's/.*<pre id="measure">\(.*\)<\/pre>.*/\1/p'
}
# fits TEXT STATE: "right<=width scroll<=width" for the state (closed, open) of a measure.
fits() {
	echo "$1" | tr ';' '\n' | awk -v s="$2" '
		$1 == s { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			  ok = v["width"] > 1000 && v["right"] <= v["width"] && v["scroll"] <= v["width"] }
		END { exit !ok }'
}

# ---- a real report ----
v="$T/v"
"$COMETSIM" validate --out "$v" --only stateless,decoupled --quiet >"$T/v.txt" 2>&1
rc=$?
check "validate --only stateless,decoupled exits 0 ($rc)" [ "$rc" -eq 0 ]
m=$(measure "$v/validation.html" real)
echo "real report: $m"
check "the real report was measured ($m)" [ -n "$m" ]
check "nothing reaches past 1280 pixels, folds closed ($m)" fits "$m" closed
check "nothing reaches past 1280 pixels, folds open ($m)" fits "$m" open
chrome --screenshot="$T/validation.png" "file://$v/validation.html"
check "a screenshot was taken" [ -s "$T/validation.png" ]
check "it is a PNG" [ "$(od -An -tx1 -N4 "$T/validation.png" | tr -d ' ')" = 89504e47 ]
check "1280 pixels wide" [ "$(od -An -tu1 -j16 -N4 "$T/validation.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')" = 1280 ]
cp "$T/validation.png" "$v/screenshot-1280.png" 2>/dev/null

# Rows in test order: the decoupled table's tests, as the HTML lists them.
order=$(python3 - "$v/validation.html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
t = h[h.index('<h2 id="decoupled">'):]
t = t[:t.index("</table>")]
print(" ".join(re.findall(r'<td class="test">([^<]*)</td>', t)))
PY
)
check "the decoupled rows are in test order ($order)" \
	[ "$order" = "1 2 3 4 5 6 7 8 9 10 11 12 13" ]
# The Markdown's decoupled rows: "| category | test | ...", test a number.
awk -F'|' '/^## / {on = /^## Decoupled/} on && $3 ~ /^ *[0-9]+ *$/' "$v/validation.md" >"$T/dmd"
check "the Markdown has them in the same order" \
	[ "$(awk -F'|' '{gsub(/ /, "", $3); printf "%s ", $3}' "$T/dmd" | sed 's/ $//')" = "1 2 3 4 5 6 7 8 9 10 11 12 13" ]
# The category column: the decoupled table's categories do not follow its
# tests (RAE-CME interface, CME decision, ..., CME-CAFE interface, CME
# decision again), so they read by name; D4.3's stateless table keeps its
# numbers, which follow the rows.
cats() {
	python3 - "$v/validation.html" "$1" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
t = h[h.index('<h2 id="%s">' % sys.argv[2]):]
t = t[:t.index("</table>")]
print("|".join(re.findall(r'<tr class="(?:pass|fail)"><td(?: rowspan="\d+")?>([^<]*)</td>', t)))
PY
}
dc=$(cats decoupled)
check "the decoupled categories are read ($dc)" [ -n "$dc" ]
check "by name, no number that jumps about ($dc)" \
	[ "$(echo "$dc" | tr '|' '\n' | grep -c '^[0-9]')" -eq 0 ]
check "the first is the RAE-CME interface ($dc)" [ "${dc%%|*}" = "RAE-CME interface" ]
check "the Markdown has no number either" \
	[ "$(awk -F'|' '{print $2}' "$T/dmd" | grep -c '^ *[0-9]')" -eq 0 ]
sc=$(cats stateless)
check "D4.3's stateless table keeps its numbers ($sc)" \
	[ "$sc" = "1. CAFE Agent|2. CAFE intercept|3. CAFE forward" ]
check "a contents list links the stateless table" grep -q '<li><a href="#stateless">' "$v/validation.html"
check "and the decoupled one" grep -q '<li><a href="#decoupled">' "$v/validation.html"
check "both targets exist" [ "$(grep -c -e '<h2 id="stateless">' -e '<h2 id="decoupled">' "$v/validation.html")" = 2 ]
check "one timestamp/owner cell a table (every row is this command's run)" \
	[ "$(grep -c '<td class="owner"' "$v/validation.html")" = 2 ]
check "long cells are folded" grep -q '<td><details><summary>' "$v/validation.html"
if command -v xmllint >/dev/null 2>&1; then
	html_lint "$v/validation.html" >"$T/lint.txt"
	check "xmllint --html finds nothing to say but HTML5's <details> ($(head -c 200 "$T/lint.txt"))" \
		[ ! -s "$T/lint.txt" ]
fi

# ---- made-up rows, as wide as rows get ----
src="$T/src"
ev="$src/scenarios/validation"
mkdir -p "$ev"
long=$(printf 'x%.0s' $(seq 400))
dirname=run-$(printf 'd%.0s' $(seq 120))
scn="$top_srcdir/scenarios/sample.xml"
cat >"$ev/wide.sh" <<WIDE
out=\$1; mkdir -p "\$out"; rows="\$out/rows.jsonl"; : >"\$rows"
"\$COMETSIM" run '$scn' --out "\$out/$dirname" --quiet --pcap none --end 1ms >/dev/null 2>&1
for t in 3 1 2; do
printf '%s\n' '{"category":"A category named at length, as no table of D4.3 names one","test":'\$t',"description":"$long","step":"short","expected":"$long $long","actual":"line one\nline two $long","result":"PASS","run_dir":"'"\$out/$dirname"'"}' >>"\$rows"
done
WIDE
w="$T/w"
COMETSIM_SRCDIR=$src "$COMETSIM" validate --out "$w" --only wide --quiet >"$T/w.txt" 2>&1
rc=$?
check "the made-up evaluator's validation exits 0 ($rc)" [ "$rc" -eq 0 ]
m=$(measure "$w/validation.html" wide)
echo "made-up report: $m"
check "made-up rows: measured ($m)" [ -n "$m" ]
check "made-up rows: nothing past 1280 pixels, folds closed ($m)" fits "$m" closed
check "made-up rows: nothing past 1280 pixels, folds open ($m)" fits "$m" open
check "made-up rows: in test order" \
	[ "$(grep -o '<td class="test">[0-9]*</td>' "$w/validation.html" | tr -dc '0-9')" = 123 ]
check "made-up rows: the category once for the three" grep -q '<td rowspan="3">A category named' "$w/validation.html"

finish
