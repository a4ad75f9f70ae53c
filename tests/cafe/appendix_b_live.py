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
# Changes to test.py, all for Python 3 or for a real socket: the length
# prefix is written with bytes() rather than chr(); ord(t[0]) becomes
# t[0]; the key is bytes; recv() is asked again until it has the bytes
# test.py asks for (a stream socket may return fewer); the socket is
# closed at the end; a timeout of 30 s bounds every wait.  Its loop is
# kept: range(1,10) configures 9 flows (D4.3's table says 10).
import socket
import sys

import cmecafe_pb2


class Recorder:
    """A connected socket that records each message sent and read."""

    def __init__(self, sock):
        self.sock = sock
        self.lines = []
        self.pending = b""

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

    # ---- test.py, D4.3 Appendix B ----
    HOST, PORT = host, port
    try:
        # Connect to server
        try:
            raw.connect((HOST, PORT))
        except OSError as e:
            print("appendix_b_live: cannot connect to %s:%d: %s" % (HOST, PORT, e))
            return 2
        # Collect streams
        m = cmecafe_pb2.GenericRequest()
        m.type = cmecafe_pb2.GenericRequest.COLLECT_EXPIRED_STREAMS
        length = m.ByteSize()
        assert(length < (1 << 16))
        sock.send(bytes([length >> 8, length & 0xff]))
        sock.send(m.SerializeToString())
        # Receive response
        t = sock.recv(2)
        length = t[0] << 8 | t[1]
        t = sock.recv(length)
        r = cmecafe_pb2.GenericResponse.FromString(t)
        received.append(r)
        print("Received:")
        print(str(r))
        # Send configure stream
        for i in range(1, 10):
            m = cmecafe_pb2.GenericRequest()
            m.type = cmecafe_pb2.GenericRequest.CONFIGURE_STREAM
            m.configure.id = i
            m.configure.filter.ip_source = "1.1.1.1"
            m.configure.filter.ip_destination = "2.2.2.2"
            m.configure.filter.protocol = 6
            m.configure.filter.port_source = 80
            m.configure.filter.port_destination = 0
            m.configure.bandwidth = 1000
            m.configure.cos = "PR"
            m.configure.key = b"\x01\x02" + bytes([i & 0xff])
            m.configure.refresh_time = 10
            m.configure.as_path.extend([1, 2, 3])
            length = m.ByteSize()
            assert(length < (1 << 16))
            sock.send(bytes([length >> 8, length & 0xff]))
            sock.send(m.SerializeToString())
            # receive response
            t = sock.recv(2)
            length = t[0] << 8 | t[1]
            t = sock.recv(length)
            r = cmecafe_pb2.GenericResponse.FromString(t)
            received.append(r)
            print("Received:")
            print(str(r))
    except (OSError, EOFError) as e:
        print("appendix_b_live: after %d answers: %s" % (len(received), e))
        return 1
    finally:
        raw.close()
        with open(transcript, "w") as f:
            for line in sock.lines:
                f.write(line + "\n")
    # ---- end of test.py ----

    R = cmecafe_pb2.GenericResponse
    Q = cmecafe_pb2.GenericRequest
    if received[0].type != Q.COLLECT_EXPIRED_STREAMS or received[0].status != R.CAFE_SUCCESS:
        print("appendix_b_live: the collect was not answered CAFE_SUCCESS")
        return 1
    for i, r in enumerate(received[1:], 1):
        if r.status != R.CAFE_SUCCESS or r.id != i or r.type != Q.CONFIGURE_STREAM:
            print("appendix_b_live: flow %d answered %s" % (i, R.Status.Name(r.status)))
            return 1
    print("appendix_b_live: ok: %d answers, 1 collect and %d CAFE_SUCCESS"
          % (len(received), len(received) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
