#!/bin/sh
# run.sh - mutation testing: apply realistic one-line bugs (mutants), one
# at a time, to a scratch copy of the source tree and see whether the
# test suite notices each (doc/mutants.md).
#
# usage: run.sh [--work DIR] [--list FILE] [--validate] [--configure ARGS]
#               [--jobs N] [--timeout SECONDS] [--keep] [--check-list]
#               [NAME...]
#
#   --work DIR        scratch directory (default: a new one under $TMPDIR);
#                     DIR/src is the copy, DIR/build its build, DIR/logs the
#                     log of every killing test, DIR/validate the validate
#                     runs, DIR/report.txt the table
#   --list FILE       the mutants (default: mutants.list beside this script)
#   --validate        also run "cometsim validate --only PATTERN" for the
#                     mutants with a "validate PATTERN" line
#   --configure ARGS  arguments for the scratch copy's configure
#   --jobs N          make -jN (default 2)
#   --timeout S       a test that runs longer than S seconds counts as
#                     failed (default 1800)
#   --keep            keep the directory made under $TMPDIR (default: removed
#                     when every mutant was killed; a --work DIR is kept, and
#                     its build is brought up to date on the next run)
#   --check-list      only check that every mutant still applies (its text
#                     found exactly once) to the source tree; build nothing
#   NAME...           only these mutants
#
# Environment: top_srcdir (the tree to copy; default two levels above this
# script).
#
# The working tree is never modified: the copy is built once, then for
# each mutant the line is changed in the copy, the build brought up to
# date (make rebuilds what depends on the file), the tests of "make
# check" run one at a time (compiled test programs first, then the ones
# the mutant's "try" line names, then the rest in the order of the list's
# "first"/"last" lines and of Makefile.am) until one fails: that test
# killed the mutant.  The file is restored before the next one.  A test
# that kills a mutant is run once more on the restored copy: if it fails
# there too the run stops, since it proves nothing.
#
# Exit status: 0 every mutant killed (and detected by validate where asked),
# 1 a mutant survived, 2 usage error, a mutant that no longer applies or
# does not build, a test that fails without any mutant, a set-up error.
set -u

me=run.sh
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
: "${top_srcdir:=$(CDPATH='' cd -- "$here/../.." && pwd)}"
top_srcdir=$(CDPATH='' cd -- "$top_srcdir" && pwd)

usage() {
	sed -n '6,26p' "$here/$me" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$me: $*" >&2
	exit 2
}

work=''
list="$here/mutants.list"
validate=0
confargs=''
jobs=2
tmo=1800
keep=0
check_list=0
names=''
while [ $# -gt 0 ]; do
	case $1 in
	--work) [ $# -ge 2 ] || usage; work=$2; shift 2 ;;
	--list) [ $# -ge 2 ] || usage; list=$2; shift 2 ;;
	--validate) validate=1; shift ;;
	--configure) [ $# -ge 2 ] || usage; confargs=$2; shift 2 ;;
	--jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; tmo=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--check-list) check_list=1; shift ;;
	-h|--help) usage ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) names="$names $1"; shift ;;
	esac
done
case $jobs in ''|*[!0-9]*|0) die "--jobs $jobs: not a positive number" ;; esac
case $tmo in ''|*[!0-9]*|0) die "--timeout $tmo: not a positive number of seconds" ;; esac
[ -f "$list" ] || die "no mutant list $list"

# ---- the list ----
#
# Stanzas separated by blank lines; "#" starts a comment line.  Keys:
#   mutant NAME        (first line of a stanza) a unique name
#   what TEXT          the bug in words
#   file PATH          the file, relative to the top of the tree
#   find TEXT          text that occurs exactly once in the file
#   replace TEXT       what it becomes (the rest of the line is kept)
#   try TEST...        tests to run first for this mutant (a speed hint)
#   validate PATTERN   a cometsim validate --only pattern that must fail too
# and, outside any stanza:
#   first TEST...      tests to run before the others
#   last TEST...       tests to run after the others
#   skip TEST REASON   a test never run by this script, and why

# Parse the list into $parsed: one record a mutant, fields separated by
# the unit separator (0x1f): name, what, file, find, replace, try,
# validate, line.  Writes first/last/skip to $order.
US=$(printf '\037')
parse_list() {
	awk -v US="$US" -v LIST="$list" -v ORDER="$1" '
	function flush() {
		if (name == "")
			return
		if (file == "" || !hasfind || !hasrepl)
			err(start, "mutant " name ": needs file, find and replace")
		if (find == repl)
			err(start, "mutant " name ": replace is the same as find")
		if (what == "")
			err(start, "mutant " name ": no what line")
		print name US what US file US find US repl US try US vpat US start
		name = ""
	}
	function err(l, m) {
		printf "%s:%d: %s\n", LIST, l, m > "/dev/stderr"
		bad = 1
	}
	BEGIN { name = ""; bad = 0 }
	/^[ \t]*#/ { next }
	/^[ \t]*$/ { flush(); next }
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		key = line
		sub(/[ \t].*$/, "", key)
		val = substr(line, length(key) + 1)
		sub(/^[ \t]+/, "", val)
		sub(/[ \t]+$/, "", val)
		if (key == "mutant") {
			flush()
			if (val == "" || val ~ /[^A-Za-z0-9_.-]/)
				err(NR, "mutant name \"" val "\": letters, digits, - _ . only")
			if (val in seen)
				err(NR, "mutant " val " named twice (line " seen[val] ")")
			seen[val] = NR
			name = val; start = NR; what = ""; file = ""; find = ""; repl = ""
			try = ""; vpat = ""; hasfind = 0; hasrepl = 0
		} else if (key == "first" || key == "last" || key == "skip") {
			if (name != "")
				err(NR, key " inside the stanza of mutant " name " (end it with a blank line)")
			print key " " val > ORDER
		} else if (name == "") {
			err(NR, "\"" key "\" outside a mutant stanza")
		} else if (key == "what") {
			what = val
		} else if (key == "file") {
			file = val
		} else if (key == "find") {
			find = val; hasfind = 1
		} else if (key == "replace") {
			repl = val; hasrepl = 1
		} else if (key == "try") {
			try = val
		} else if (key == "validate") {
			vpat = val
		} else {
			err(NR, "unknown key \"" key "\"")
		}
	}
	END { flush(); exit bad }
	' "$list"
}

# apply_check TREE FILE FIND: how many times FIND occurs in TREE/FILE.
occurrences() {
	FIND=$3 awk 'BEGIN { f = ENVIRON["FIND"]; n = 0 }
	{
		s = $0
		while ((i = index(s, f)) > 0) {
			n++
			s = substr(s, i + length(f))
		}
	}
	END { print n }' "$1/$2"
}

# mutate TREE FILE FIND REPLACE: replace the one occurrence in place.
mutate() {
	FIND=$3 REPL=$4 awk 'BEGIN { f = ENVIRON["FIND"]; r = ENVIRON["REPL"] }
	{
		i = index($0, f)
		if (i > 0)
			$0 = substr($0, 1, i - 1) r substr($0, i + length(f))
		print
	}' "$1/$2" >"$1/$2.mutant" && mv -f "$1/$2.mutant" "$1/$2"
}

tmpd=${TMPDIR:-/tmp}
order=$(mktemp "$tmpd/cometsim-mutants-order.XXXXXX") || die "mktemp failed"
parsed=$(parse_list "$order") || { rm -f "$order"; die "$list: errors above"; }
# The names asked for must exist.
for n in $names; do
	printf '%s\n' "$parsed" | cut -d"$US" -f1 | grep -qx -- "$n" ||
		{ rm -f "$order"; die "no mutant named $n in $list"; }
done
selected() {
	[ -z "$names" ] && return 0
	for n in $names; do
		[ "$n" = "$1" ] && return 0
	done
	return 1
}

# Every selected mutant must apply to the tree as it is.
nbad=0
nmut=0
while IFS="$US" read -r m_name m_what m_file m_find m_repl m_try m_vpat m_line; do
	selected "$m_name" || continue
	nmut=$((nmut + 1))
	if [ ! -f "$top_srcdir/$m_file" ]; then
		echo "$list:$m_line: mutant $m_name: no file $m_file" >&2
		nbad=$((nbad + 1))
		continue
	fi
	k=$(occurrences "$top_srcdir" "$m_file" "$m_find")
	if [ "$k" -ne 1 ]; then
		echo "$list:$m_line: mutant $m_name: \"$m_find\" occurs $k times in $m_file (must be exactly once)" >&2
		nbad=$((nbad + 1))
	fi
done <<EOF
$parsed
EOF
if [ "$nbad" -gt 0 ]; then
	rm -f "$order"
	die "$nbad of $nmut mutants do not apply: update $list"
fi
if [ "$check_list" -eq 1 ]; then
	rm -f "$order"
	echo "$me: all $nmut mutants of $list apply to $top_srcdir"
	exit 0
fi

# ---- the scratch copy ----

made_work=0
if [ -z "$work" ]; then
	work=$(mktemp -d "$tmpd/cometsim-mutants.XXXXXX") || die "mktemp failed"
	made_work=1
else
	mkdir -p "$work" || die "cannot create $work"
	work=$(CDPATH='' cd -- "$work" && pwd)
	rm -rf "$work/src" "$work/logs" "$work/tmp" "$work/validate"
fi
mv -f "$order" "$work/order"
order="$work/order"
case $work/ in "$top_srcdir"/*) inside=${work#"$top_srcdir"/} ;; *) inside='' ;; esac
src="$work/src"
bld="$work/build"
logs="$work/logs"
mkdir -p "$src" "$logs" "$work/tmp" || die "cannot populate $work"
log="$work/run.log"
: >"$log"
echo "$me: scratch copy in $work" >&2

# Copy the tree as it is now, local changes and new files included; not
# build directories, not git's own files, not the scratch directory.
if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
   [ "$(git -C "$top_srcdir" rev-parse --show-toplevel)" = "$top_srcdir" ]; then
	# Untracked folders a build made (a config.status in them) or this
	# scratch directory are not the source, even where .gitignore lets
	# them through.
	skipdirs=$(cd "$top_srcdir" && for d in */; do
		d=${d%/}
		[ ! -f "$d/config.status" ] || printf '%s\n' "$d"
	done; [ -z "$inside" ] || printf '%s\n' "${inside%/}")
	( cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
		SKIP=$skipdirs xargs -0 sh -c 'for f; do
			for d in $SKIP; do
				case $f in "$d"/*) continue 2 ;; esac
			done
			[ -f "$f" ] && printf "%s\0" "$f"
		done' sh |
		tar --null -T - -cf - ) | ( cd "$src" && tar -xf - ) ||
		die "cannot copy $top_srcdir"
	# What autoreconf made (ignored by git), so that the copy need not
	# run it again; tar keeps the times, so a kept build stays current.
	( cd "$top_srcdir" && for f in configure aclocal.m4 config.h.in build-aux m4 \
		$(git ls-files -z --cached --others --exclude-standard | tr '\0' '\n' |
		  sed -n 's|Makefile\.am$|Makefile.in|p'); do
		[ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf - ) |
		( cd "$src" && tar -xf - ) || die "cannot copy $top_srcdir"
else
	( cd "$top_srcdir" &&
	  find . -mindepth 1 -maxdepth 1 ! -name .git ! -name '_build*' ! -name autom4te.cache \
		-exec sh -c 'for d; do [ -f "$d/config.status" ] || printf "%s\0" "$d"; done' sh {} + |
		tar ${inside:+--exclude="./${inside%/}"} --null -T - -cf - ) |
		( cd "$src" && tar -xf - ) || die "cannot copy $top_srcdir"
	[ ! -f "$src/Makefile" ] || ( cd "$src" && make distclean >/dev/null 2>&1 )
fi

# A run stopped while a mutant was in: the build may hold objects of the
# mutated file, newer than the restored copy; make must rebuild them.
if [ -f "$work/applied" ]; then
	f=$(cat "$work/applied")
	[ ! -f "$src/$f" ] || touch "$src/$f"
	rm -f "$work/applied"
fi

unset MAKEFLAGS MFLAGS MAKELEVEL
if [ ! -x "$src/configure" ]; then
	echo "$me: autoreconf" >&2
	( cd "$src" && autoreconf -fi ) >>"$log" 2>&1 || die "autoreconf failed (see $log)"
fi
if [ ! -f "$bld/config.status" ] || [ "$(cat "$work/configure.args" 2>/dev/null)" != "$confargs" ]; then
	rm -rf "$bld"
	mkdir -p "$bld"
	echo "$me: configure $confargs" >&2
	# shellcheck disable=SC2086
	( cd "$bld" && "$src/configure" $confargs ) >>"$log" 2>&1 ||
		die "configure failed (see $log)"
	echo "$confargs" >"$work/configure.args"
fi

# build: bring the program and every test program up to date.
build() {
	( cd "$bld" && make -j"$jobs" && make -j"$jobs" check TESTS= ) >>"$log" 2>&1
}
echo "$me: building the copy" >&2
build || die "the unmutated copy does not build (see $log)"

# The tests of make check, in the order they are tried.
all_tests=$(cd "$bld" && make -s print-tests) || die "make print-tests failed"
skipped=$(awk '$1 == "skip" { print $2 }' "$order")
firsts=$(awk '$1 == "first" { $1 = ""; print }' "$order")
lasts=$(awk '$1 == "last" { $1 = ""; print }' "$order")
tries=$(printf '%s\n' "$parsed" | while IFS="$US" read -r n _ _ _ _ try _ _; do
	selected "$n" && printf '%s\n' "$try"; done)
for t in $skipped $firsts $lasts $tries; do
	case " $all_tests " in *" $t "*) ;; *) die "$list: $t is not a test of make check" ;; esac
done
in_list() {
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}
programs=''
middle=''
for t in $all_tests; do
	in_list "$t" "$skipped $firsts $lasts" && continue
	case $t in
	*.sh) middle="$middle $t" ;;
	*) programs="$programs $t" ;;
	esac
done
awk '$1 == "skip" { t = $2; $1 = $2 = ""; sub(/^ +/, ""); print "skipped: " t ": " $0 }' \
	"$order" >&2

# run_test TEST: run one test as make check does; 0 if it passed (or
# was skipped), 1 if it failed or ran out of time.
run_test() {
	rm -rf "$work/tmp"
	mkdir -p "$work/tmp"
	( cd "$bld" && TMPDIR="$work/tmp" timeout -k 10 "$tmo" make check TESTS="$1" \
		>"$work/test.out" 2>&1 )
}

# validate_run NAME PATTERN: cometsim validate --only PATTERN into
# $work/validate/NAME; its exit status.
validate_run() {
	rm -rf "$work/validate/$1"
	mkdir -p "$work/validate"
	( cd "$src" && COMETSIM_SRCDIR="$src" "$bld/cometsim" validate --quiet \
		--out "$work/validate/$1" --only "$2" ) >"$work/validate/$1.out" 2>&1
}

# test_log TEST: the log make check writes for TEST (x.sh: x.log, x: x.log).
test_log() {
	case $1 in
	*.sh) echo "${1%.sh}.log" ;;
	*) echo "$1.log" ;;
	esac
}

# first_failure LOG: what failed first in a test's log, in a few words:
# the CUnit suite and test, or a scenario test's first FAIL line.
first_failure() {
	awk '
		/^Suite: / { suite = substr($0, 8) }
		/^  Test: / {
			t = $0
			sub(/^  Test: /, "", t)
			sub(/ *\.\.\..*$/, "", t)
		}
		/^  Test: .*\.\.\.FAILED/ || /^FAILED$/ {
			if (t != "") {
				print suite ": " t
				exit
			}
		}
		/^FAIL: / { print substr($0, 7); exit }
	' "$1" 2>/dev/null | cut -c1-90
}

# Verified tests: those that passed on the unmutated copy.
verified=' '

# The validate patterns must pass without any mutant.
if [ "$validate" -eq 1 ]; then
	vpats=$(printf '%s\n' "$parsed" | while IFS="$US" read -r n _ _ _ _ _ v _; do
		selected "$n" && [ -n "$v" ] && printf '%s\n' "$v"; done | sort -u)
	k=0
	while IFS= read -r v; do
		[ -n "$v" ] || continue
		k=$((k + 1))
		echo "$me: cometsim validate --only '$v' without any mutant" >&2
		validate_run "unmutated-$k" "$v" ||
			die "cometsim validate --only '$v' fails without any mutant (see $work/validate/unmutated-$k.out)"
	done <<EOF
$vpats
EOF
fi

# ---- every mutant ----

report="$work/report.txt"
{
	printf '# mutation run of %s\n' "$top_srcdir"
	printf '# %-34s %-30s %s\n' mutant "killed by (make check)" "cometsim validate"
} >"$report"
nkill=0
nsurv=0
nvmiss=0
total=0
while IFS="$US" read -r m_name m_what m_file m_find m_repl m_try m_vpat m_line; do
	selected "$m_name" || continue
	total=$((total + 1))
	echo "$me: [$total/$nmut] $m_name: $m_what" >&2
	cp -p "$src/$m_file" "$work/pristine"
	printf '%s\n' "$m_file" >"$work/applied"
	mutate "$src" "$m_file" "$m_find" "$m_repl"
	if ! build; then
		cp "$work/pristine" "$src/$m_file"
		touch "$src/$m_file"
		die "mutant $m_name does not build (see $log): fix $list:$m_line"
	fi
	killer=''
	tried=' '
	for t in $programs $m_try $firsts $middle $lasts; do
		in_list "$t" "$tried" && continue
		in_list "$t" "$skipped" && continue
		tried="$tried$t "
		if ! run_test "$t"; then
			killer=$t
			mkdir -p "$logs/$m_name"
			cp "$work/test.out" "$logs/$m_name/make.out"
			cp "$bld/$(test_log "$t")" "$logs/$m_name/" 2>/dev/null
			break
		fi
	done
	vres='-'
	if [ "$validate" -eq 1 ] && [ -n "$m_vpat" ]; then
		validate_run "$m_name" "$m_vpat"
		rc=$?
		# "validate: 6 rows, 4 PASS, 2 FAIL"
		sum=$(sed -n 's/^validate: \([0-9]*\) rows\{0,1\}, [0-9]* PASS, \([0-9]*\) FAIL$/\2 of \1 rows FAIL/p' \
			"$work/validate/$m_name.out" | tail -n 1)
		case $rc in
		0) vres="NOT DETECTED ($m_vpat: every row PASS)"; nvmiss=$((nvmiss + 1)) ;;
		1) vres="${sum:-FAIL rows} ($m_vpat)" ;;
		3) vres="incomplete: an evaluator failed or rows are missing ($m_vpat)" ;;
		*)
			cp "$work/pristine" "$src/$m_file"
			touch "$src/$m_file"
			die "mutant $m_name: cometsim validate --only '$m_vpat' exited $rc (see $work/validate/$m_name.out)"
			;;
		esac
	elif [ -n "$m_vpat" ]; then
		vres="(not run: --validate)"
	fi
	cp "$work/pristine" "$src/$m_file"
	touch "$src/$m_file"
	rm -f "$work/applied"
	if [ -n "$killer" ]; then
		nkill=$((nkill + 1))
		why=$(first_failure "$logs/$m_name/$(basename "$(test_log "$killer")")")
		printf '  %-34s %-30s %s\n' "$m_name" "$killer" "$vres" >>"$report"
		[ -z "$why" ] || printf '  %-34s   (%s)\n' '' "$why" >>"$report"
		echo "$me:   killed by $killer${why:+ ($why)}" >&2
		if ! in_list "$killer" "$verified"; then
			build || die "the restored copy does not build (see $log)"
			run_test "$killer" ||
				die "$killer fails on the copy without any mutant: it proves nothing (see $work/test.out)"
			verified="$verified$killer "
		fi
	else
		nsurv=$((nsurv + 1))
		printf '  %-34s %-30s %s\n' "$m_name" "SURVIVED" "$vres" >>"$report"
		echo "$me:   SURVIVED every test" >&2
	fi
	[ "$vres" = - ] || echo "$me:   validate: $vres" >&2
done <<EOF
$parsed
EOF
build || die "the restored copy does not build (see $log)"
{
	printf '# %d mutants: %d killed, %d survived' "$total" "$nkill" "$nsurv"
	[ "$validate" -eq 1 ] && printf '; %d not detected by validate' "$nvmiss"
	printf '\n'
} >>"$report"
rm -rf "$work/tmp" "$work/pristine" "$work/test.out"
cat "$report"
if [ "$nsurv" -eq 0 ] && [ "$nvmiss" -eq 0 ]; then
	if [ "$made_work" -eq 1 ] && [ "$keep" -eq 0 ]; then
		rm -rf "$work"
	else
		echo "$me: report in $report" >&2
	fi
	exit 0
fi
echo "$me: kept $work for inspection (report in $report)" >&2
exit 1
