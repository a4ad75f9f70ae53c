#!/usr/bin/env python3
# pcap_transcript.py - the CME-CAFE messages of one TCP connection as a
# capture shows them, in the form appendix_b_live.py writes its
# transcript: one line a message, "sent HEX" (to the agent) or "recv HEX"
# (from it), the 2-byte length and the body, in the order they complete.
#
# usage: pcap_transcript.py SEGMENTS PORT
#
# SEGMENTS is what tshark printed for the capture (-T fields -e
# tcp.srcport -e tcp.payload, one segment with data a line, in frame
# order); PORT is the agent's.  Each direction's bytes are put together
# and cut at the 2-byte lengths (Appendix B's framing, doc/cafe-agent.md);
# bytes left over at the end (a message cut short) print "partial N".
import sys


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: pcap_transcript.py SEGMENTS PORT\n")
        return 2
    port = sys.argv[2]
    buf = {"sent": b"", "recv": b""}
    with open(sys.argv[1]) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 2:
                continue
            way = "recv" if fields[0] == port else "sent"
            buf[way] += bytes.fromhex(fields[1])
            while len(buf[way]) >= 2:
                n = 2 + (buf[way][0] << 8 | buf[way][1])
                if len(buf[way]) < n:
                    break
                print(way, buf[way][:n].hex())
                buf[way] = buf[way][n:]
    for way in ("sent", "recv"):
        if buf[way]:
            print("partial", way, len(buf[way]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
