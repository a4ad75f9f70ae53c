# lib.sh - helpers for the sweep tests (sourced), on top of the scenario
# tests' helpers (check, fail, finish, the scratch directory $T).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

data="$top_srcdir/tests/sweep/data"

# rows CSV: data rows of a CSV file (header excluded).
rows() {
	tail -n +2 "$1" | wc -l
}

# dup_keys CSV: "run_id,metric" pairs of results.csv that appear twice.
dup_keys() {
	awk -F, 'NR > 1 { print $1 "," $(NF - 1) }' "$1" | sort | uniq -d
}

# complete DIR: number of runs of a sweep directory whose summary says complete.
complete() {
	python3 -c '
import json, sys
n = 0
for f in sys.argv[1:]:
    try:
        n += json.load(open(f)).get("status") == "complete"
    except (OSError, ValueError):
        pass
print(n)
' "$1"/runs/*/summary.json
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
