#!/bin/sh
# dist_docs.sh - every page of doc/ is in the distribution: each doc/*.md
# and the manual page is named by a dist_doc_DATA (or dist_man_MANS) line
# of Makefile.am or of a local.am it includes, so that `make dist` ships
# it.  A page added without its line is found here, not by a reader of
# the tarball.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# The names the makefiles list (continuation lines included).
# (Build folders inside the tree are left out by their path below it: the
# tree itself may lie in one, as make distcheck's does.)
(cd "$top_srcdir" && find . \( -name Makefile.am -o -name local.am \) ! -path './_build*') |
	(cd "$top_srcdir" && xargs awk '
		/^(dist_doc_DATA|dist_man_MANS)[ \t]*\+?=/ { on = 1 }
		on { for (i = 1; i <= NF; i++) if ($i ~ /^doc\//) print $i
		     on = ($NF == "\\") }') | sort -u >"$T/listed"
check "the makefiles list pages of doc/ ($(wc -l <"$T/listed"))" [ "$(wc -l <"$T/listed")" -gt 20 ]
(cd "$top_srcdir" && ls doc/*.md doc/*.1) | sort >"$T/pages"
comm -23 "$T/pages" "$T/listed" >"$T/missing"
cat "$T/missing"
check "every page of doc/ is in the distribution ($(wc -l <"$T/missing") missing)" [ ! -s "$T/missing" ]
# Planted: a page the makefiles do not list is found.
printf 'doc/zz-planted.md\n' | cat "$T/pages" - | sort | comm -23 - "$T/listed" >"$T/planted"
check "a page the makefiles do not list is found" grep -qx 'doc/zz-planted.md' "$T/planted"

finish
