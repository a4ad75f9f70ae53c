#!/bin/sh
# hold.sh - a COMETSIM_SWEEP_WRAP for tests/sweep/resume.sh: run
# $HOLD_INDEX of the sweep waits before it starts until the test lets it
# go, so the test knows a run is going on when it stops the sweep.
#
# The run creates $HOLD_DIR/held once it waits, then reads the FIFO
# $HOLD_DIR/go; when the test writes to it, the run starts (this script
# becomes the program).  Stopped by SIGTERM or SIGINT while it waits, it
# exits 143 or 130 as "cometsim run" does.  Every other run starts at once.
[ "${COMETSIM_SWEEP_INDEX:-}" = "$HOLD_INDEX" ] || exec "$@"
reader=''
# KILL, not TERM: a reader that has not yet become cat is a forked shell
# that loses a TERM, and would then wait on the FIFO for ever, holding
# the run's lock (seen under load: the next start of the sweep hung).
trap '[ -z "$reader" ] || kill -KILL "$reader" 2>/dev/null; exit 143' TERM
trap '[ -z "$reader" ] || kill -KILL "$reader" 2>/dev/null; exit 130' INT
cat "$HOLD_DIR/go" > /dev/null &
reader=$!
: > "$HOLD_DIR/held"
wait "$reader"
exec "$@"
