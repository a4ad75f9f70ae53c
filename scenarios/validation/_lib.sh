# _lib.sh - what the evaluators of scenarios/validation/ share: finding
# cometsim, the JSON row and the table on stdout.  Sourced, not run
# (cometsim validate skips names that start with "_").
#
# The caller defines die() and sets: rows (the rows.jsonl file), and
# before each row() category, test, description, step, expected, actual,
# dir (the run directory that backs the row) and mismatch (empty: PASS).

nl='
'
nrows=0
nfail=0
table=''
mismatch=''

# find_cometsim OPTION: COMETSIM from --cometsim (OPTION, may be empty),
# else $COMETSIM, else the build tree's, else the source tree's (built in
# _build/ as the README does it, or in place), else the one on PATH; dies
# if there is none.
find_cometsim() {
	if [ -n "$1" ]; then
		COMETSIM=$1
	elif [ -z "${COMETSIM:-}" ]; then
		for c in "${top_builddir:-}/cometsim" "$top_srcdir/_build/cometsim" \
			 "$top_srcdir/cometsim"; do
			if [ -x "$c" ]; then COMETSIM=$c; break; fi
		done
		: "${COMETSIM:=$(command -v cometsim || true)}"
	fi
	if [ -z "${COMETSIM:-}" ] || [ ! -x "$COMETSIM" ]; then
		die "no cometsim program (give --cometsim PATH or set COMETSIM)"
	fi
}

# json_str TEXT: TEXT as the inside of a JSON string.
json_str() {
	printf '%s\n' "$1" | tr -d '\000-\010\013-\037' |
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
		awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

# want LABEL OBSERVED EXPECTED: one comparison of the current row.
want() {
	if [ "$2" != "$3" ]; then
		mismatch="$mismatch${mismatch:+; }$1 $2 (expected $3)"
	fi
}

# row: write the current row (and its result to $observed, by default
# the run's evidence/observed.txt), add it to the table, reset mismatch.
row() {
	if [ -z "$mismatch" ]; then result=PASS; else result=FAIL; nfail=$((nfail + 1)); fi
	nrows=$((nrows + 1))
	# A test that is not a number ("1b") is a JSON string.
	case $test in
	*[!0-9]*) test_json="\"$(json_str "$test")\"" ;;
	*) test_json=$test ;;
	esac
	printf '{"category":"%s","test":%s,"description":"%s","step":"%s","expected":"%s","actual":"%s","result":"%s","run_dir":"%s"}\n' \
		"$(json_str "$category")" "$test_json" "$(json_str "$description")" \
		"$(json_str "$step")" "$(json_str "$expected")" "$(json_str "$actual")" \
		"$result" "$(json_str "$dir")" >>"$rows"
	printf 'test=%s\nresult=%s\nmismatches=%s\n' "$test" "$result" "${mismatch:-none}" \
		>>"${observed:-$dir/evidence/observed.txt}" 2>/dev/null
	table="$table$(printf '%-4s %-28s %-6s %s' "$test" "$category" "$result" "$description")$nl"
	table="$table$(printf '     expected: %s' "$expected")$nl"
	table="$table$(printf '     actual:   %s' "$actual")$nl"
	if [ -n "$mismatch" ]; then
		table="$table$(printf '     differs:  %s' "$mismatch")$nl"
	fi
	mismatch=''
}
