#!/bin/sh
# rae_cme_restart.sh - the RAE-CME restart handshake (doc/rae.md):
# scenarios/rae/cme-restart.xml restarts the CME (cme_tool restart) after
# the west RAE has reported its paths.  The store must drop to nothing,
# the RAE must see the new version in the reply to its next request and
# send everything again, and the store must end as it was before the
# restart; the capture must show the second full report.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

raedir="$top_srcdir/scenarios/rae"
o="$T/run"
"$COMETSIM" run "$raedir/cme-restart.xml" --set "raedir=$raedir" --out "$o" --quiet
rc=$?
check "the restart run completes (exit $rc)" [ "$rc" -eq 0 ]
check "its summary says complete" [ "$(json_get "$o/summary.json" status)" = complete ]
log="$o/log.txt"
c="$o/counters.csv"

# ---- the store: N paths, then 0, then N again, the same ones ----
# store_paths LOGTIME: the path count of the store logged at that time.
store_paths() {
	sed -n "s/^$1 cw cme\/cme0 INFO: store: [0-9]* prefixes with paths, \([0-9]*\) paths,.*/\1/p" "$log"
}
# path_lines LOGTIME: the store's path_inf lines logged at that time, sorted.
path_lines() {
	grep "^$1 cw cme/cme0 INFO: path_inf AS " "$log" | cut -d' ' -f2- | sort
}
before=$(store_paths 2.000000000)
during=$(store_paths 3.200000000)
after=$(store_paths 6.000000000)
echo "store paths: ${before:-?} before the restart, ${during:-?} after it, ${after:-?} at the end"
check "the store holds paths before the restart" [ "${before:-0}" -gt 0 ]
check "the CME logs its restart with a new version" \
	grep -q '^3\.000000000 cw cme/cme0 INFO: restarted: store emptied, version 3000000001 (was 1)$' "$log"
check "the store is empty after the restart" [ "${during:-x}" = 0 ]
check "the store ends with as many paths as before ($after)" [ "${after:-x}" = "$before" ]
check "and the counter agrees" [ "$(counter "$c" cme cw/cme0 store_paths)" = "$before" ]
path_lines 2.000000000 >"$T/before.txt"
path_lines 6.000000000 >"$T/after.txt"
check "the same path_inf lines before the restart and at the end" \
	sh -c "[ -s '$T/before.txt' ] && cmp -s '$T/before.txt' '$T/after.txt'"
check "one restart counted by the CME" [ "$(counter "$c" cme cw/cme0 restarts)" -eq 1 ]
check "the CME got two full reports" [ "$(counter "$c" cme cw/cme0 full_reports)" -eq 2 ]
check "and 2x$before path_inf" [ "$(counter "$c" cme cw/cme0 path_inf)" -eq $((2 * before)) ]

# ---- the RAE notices and resends ----
check "the RAE loses the CME at the restart" \
	grep -q '^3\.0[0-9]* rw rae/rae0 INFO: CME: connection lost$' "$log"
check "it reconnects without a full report (nothing was unanswered)" \
	grep -q '^3\.[0-9]* rw rae/rae0 INFO: CME: connected$' "$log"
check "it notices the new version and sends everything again" \
	grep -q '^3\.[0-9]* rw rae/rae0 INFO: CME: version 3000000001 (was 1): the CME restarted, sending everything again$' "$log"
check "the CME sees the second full report" \
	[ "$(grep -c 'cw cme/cme0 INFO: full report from AS 100: its entries are cleared' "$log")" -eq 2 ]
check "the RAE counts one restart" [ "$(counter "$c" rae rw/rae0 cme_restarts)" -eq 1 ]
check "and two full reports" [ "$(counter "$c" rae rw/rae0 cme_full_reports)" -eq 2 ]

# ---- the capture: per connection, its GenericRequests ----
# Wireshark's protobuf search path must not contain "..": canonical form.
src=$(cd "$top_srcdir" && pwd -P)
tshark_read "$o/cw-eth0.pcap" -X "lua_script:$src/output/wireshark/cometsim.lua" \
	-o "uat:protobuf_search_paths:\"$src/entities/rae\",\"TRUE\"" \
	-o protobuf.pbf_as_hf:TRUE -Y 'rae.type == 16' -V >"$T/requests.txt"
# one line per connection (source port): requests, full requests,
# path_inf entries, whether its first request was full (1/0)
awk '/^Transmission Control Protocol, Src Port: / { p = $6; sub(",", "", p);
		if (!(p in n)) { order[++k] = p; first[p] = -1 } n[p]++ }
	/^COMET RAE, GenericRequest, / { cur = p }
	/^        full: True$/ { full[cur]++; if (n[cur] == 1) first[cur] = 1 }
	/^        path_inf: / { pi[cur]++ }
	END { for (i = 1; i <= k; i++) { q = order[i];
		printf "%d %d %d %d\n", n[q], full[q] + 0, pi[q] + 0, first[q] == 1 } }' \
	"$T/requests.txt" >"$T/conns.txt"
cat "$T/conns.txt"
check "the capture shows two connections to the CME" [ "$(wc -l <"$T/conns.txt")" -eq 2 ]
check "the first: one full report that starts it, with $before path_inf" \
	[ "$(sed -n 1p "$T/conns.txt" | cut -d' ' -f2-)" = "1 $before 1" ]
check "the second: a first request that is not full, then a full report with $before path_inf" \
	[ "$(sed -n 2p "$T/conns.txt" | cut -d' ' -f2-)" = "1 $before 0" ]
check "the RAE messages decode cleanly" [ -z "$(pcap_bad "$o/cw-eth0.pcap")" ]

finish
