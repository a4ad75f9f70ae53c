#!/usr/bin/env python3
# bridge_wait.py - the waits of the socket bridge's tests and of the
# bridged validation row (doc/emulation.md), read from /proc/net without
# touching the sockets (a test connection would be carried into the
# emulated network).  Each wait polls up to 60 s; nothing depends on how
# long anything takes.
#
# usage: bridge_wait.py free-port        a loopback port free for TCP and UDP now
#        bridge_wait.py bound tcp|udp PORT
#                                        until a socket listens on (tcp) or is
#                                        bound to (udp) 127.0.0.1:PORT
#        bridge_wait.py idle PORT        until no process holds a TCP connection
#                                        to or from 127.0.0.1:PORT (listeners
#                                        aside; TIME_WAIT is held by none)
# Exit status 0 when the condition holds, 1 after 60 s, 2 on bad usage.
import socket
import sys
import time

TRIES = 600	# of 0.1 s


def rows(proto):
    with open("/proc/net/" + proto) as f:
        return [line.split() for line in f.readlines()[1:]]


def free_port():
    for _ in range(100):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            u.close()
            t.close()
        print(port)
        return 0
    return 1


def poll(cond):
    for _ in range(TRIES):
        if cond():
            return 0
        time.sleep(0.1)
    return 1


def main(argv):
    if argv[1:] == ["free-port"]:
        return free_port()
    if len(argv) == 4 and argv[1] == "bound" and argv[2] in ("tcp", "udp"):
        proto, want = argv[2], "0100007F:%04X" % int(argv[3])
        return poll(lambda: any(r[1] == want and (proto == "udp" or r[3] == "0A")
                                for r in rows(proto)))
    if len(argv) == 3 and argv[1] == "idle":
        want = "0100007F:%04X" % int(argv[2])
        return poll(lambda: not any(want in (r[1], r[2]) and r[3] != "0A" and r[9] != "0"
                                    for r in rows("tcp")))
    sys.stderr.write("usage: bridge_wait.py free-port | bound tcp|udp PORT | idle PORT\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
