#!/bin/sh
# commit-stamp.sh [SRCDIR] - the commit a build of the tree at SRCDIR
# (default .) comes from, as the program reports it (--version,
# summary.json, cometsim validate's timestamp/owner column):
#
#   3f2a9c1b0d4e         SRCDIR is the top of a git work tree at that commit
#   3f2a9c1b0d4e-dirty   ... with changes to tracked files (staged or not;
#                        untracked files do not count: build outputs, runs)
#   the first line of SRCDIR/.commit, when SRCDIR is not the top of a git
#                        work tree (a tree unpacked from "make dist", which
#                        writes that file)
#   unknown              neither
#
# Makefile.am runs it on every make and rewrites output/commit.c only
# when the answer changes, so the program is relinked exactly when HEAD or
# the tree's dirtiness does.  A tree unpacked from a dist tarball inside
# another git work tree is not taken for it: SRCDIR must be the top.
src=${1:-.}
src=$(CDPATH='' cd -- "$src" 2>/dev/null && pwd -P) || src=/nonexistent
top=$(cd "$src" 2>/dev/null && git rev-parse --show-toplevel 2>/dev/null) &&
	top=$(CDPATH='' cd -- "$top" 2>/dev/null && pwd -P) || top=''
if [ -n "$top" ] && [ "$top" = "$src" ] &&
	c=$(cd "$src" && git rev-parse --short=12 HEAD 2>/dev/null) && [ -n "$c" ]; then
	# No optional lock: a make must not get in the way of a git command.
	if changes=$(cd "$src" && GIT_OPTIONAL_LOCKS=0 git status --porcelain \
		--untracked-files=no 2>/dev/null); then
		[ -z "$changes" ] || c="$c-dirty"
	else
		c="$c-dirty"	# the tree cannot be read: it cannot be called clean
	fi
elif [ -s "$src/.commit" ]; then
	c=$(head -n 1 "$src/.commit")
else
	c=unknown
fi
# It goes into a C string and file names: letters, digits, ". _ -" only.
case $c in
''|*[!A-Za-z0-9._-]*) c=unknown ;;
esac
echo "$c"
