#!/usr/bin/env python3
# appendix_b_live.py - D4.3 Appendix B, the CAFE agent test script
# (test.py), run as a real program against a real socket: through the
# socket bridge (doc/emulation.md) it reaches the emulated CAFE agent.
#
# usage: appendix_b_live.py HOST PORT TRANSCRIPT
#
# Connects to HOST:PORT (the bridge's listen= address), runs test.py's
# steps (collect streams, then CONFIGURE_STREAM for flows 1..9, each
# answer read before the next request), and writes TRANSCRIPT: one line a
# message, "sent HEX" or "recv HEX", the 2-byte length and the body as on
# the wire, in the order they were sent and read.  Prints test.py's
# output, then "appendix_b_live: ok" or a reason, and exits 0 when the
# collect was answered CAFE_SUCCESS and every flow CAFE_SUCCESS with its
# id, 1 otherwise (2: usage, or no connection).
#
# test.py itself is in appendix_b_test.py; here its socket is a
# Recorder of a real one, whose recv() is asked again until it has the
# bytes test.py asks for (a stream socket may return fewer), closed at
# the end; a timeout of 30 s bounds every wait.
import socket
import sys

from appendix_b_test import answers_fault, test_py


class Recorder:
    """A connected socket that records each message sent and read."""

    def __init__(self, sock):
        self.sock = sock
        self.lines = []
        self.pending = b""
        self.connected = False

    def connect(self, addr):
        self.sock.connect(addr)
        self.connected = True

    def send(self, data):
        self.sock.sendall(data)
        self.pending += data
        # test.py sends the length, then the body: one message a line.
        if len(self.pending) >= 2 and len(self.pending) == 2 + (
                self.pending[0] << 8 | self.pending[1]):
            self.lines.append("sent " + self.pending.hex())
            self.pending = b""
        return len(data)

    def recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError("the agent closed the connection")
            data += chunk
        if n == 2:
            self.head = data
        else:
            self.lines.append("recv " + (self.head + data).hex())
        return data


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: appendix_b_live.py HOST PORT TRANSCRIPT\n")
        return 2
    host, port, transcript = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.settimeout(30)
    sock = Recorder(raw)
    received = []

    # test.py (appendix_b_test.py), against the real socket.
    try:
        test_py(sock, host, port, received)
    except OSError as e:
        if not sock.connected:
            print("appendix_b_live: cannot connect to %s:%d: %s" % (host, port, e))
            return 2
        print("appendix_b_live: after %d answers: %s" % (len(received), e))
        return 1
    except EOFError as e:
        print("appendix_b_live: after %d answers: %s" % (len(received), e))
        return 1
    finally:
        raw.close()
        with open(transcript, "w") as f:
            for line in sock.lines:
                f.write(line + "\n")

    fault = answers_fault(received)
    if fault:
        print("appendix_b_live: " + fault)
        return 1
    print("appendix_b_live: ok: %d answers, 1 collect and %d CAFE_SUCCESS"
          % (len(received), len(received) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
