"""tap_host.py - what a real host does in the TAP bridge's tests.

Run inside the host's network namespace (ip netns exec).  Each command
writes what it saw to a file, for the test to read:

  udp-recv PORT COUNT OUT    wait for COUNT datagrams: "DATAGRAMS BYTES"
  tcp-recv PORT OUT          one connection, read to its end: "BYTES ok|bad"
  udp-send DST PORT COUNT SIZE [GAP]   COUNT datagrams of SIZE bytes,
                                       GAP seconds apart (default none)
  tcp-send DST PORT BYTES OUT    send BYTES, close, read to the end: "BYTES"
  raw-send DEV DSTMAC TYPE LEN   one Ethernet frame of LEN bytes, EtherType TYPE

The TCP stream carries byte i = (i * 7 + 3) & 0xff, the pattern the
emulated TcpSend sends and TcpSink checks (doc/tcp.md).  A receiver
writes READY beside OUT (OUT.ready) once it listens.
"""
import socket
import struct
import sys
import time

SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


def pattern(off, n):
    return bytes(((off + i) * 7 + 3) & 0xFF for i in range(n))


def ready(out):
    with open(out + ".ready", "w") as f:
        f.write("ready\n")


def udp_recv(port, count, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Room for a burst: a run catching up writes what it has at once.
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 23)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
    s.bind(("0.0.0.0", port))
    ready(out)
    n = nbytes = 0
    while n < count:
        d = s.recv(65535)
        n += 1
        nbytes += len(d)
    with open(out, "w") as f:
        f.write("%d %d\n" % (n, nbytes))


def tcp_recv(port, out):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    ready(out)
    c, _ = ls.accept()
    got = bytearray()
    while True:
        d = c.recv(65536)
        if not d:
            break
        got += d
    c.close()
    ok = bytes(got) == pattern(0, len(got))
    with open(out, "w") as f:
        f.write("%d %s\n" % (len(got), "ok" if ok else "bad"))


def udp_send(dst, port, count, size, gap):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(bytes([i & 0xFF]) * size, (dst, port))
        if gap:
            time.sleep(gap)


def tcp_send(dst, port, nbytes, out):
    c = socket.create_connection((dst, port), timeout=60)
    c.sendall(pattern(0, nbytes))
    c.shutdown(socket.SHUT_WR)
    # The sink closes once it has read everything: then every byte is there.
    while c.recv(65536):
        pass
    c.close()
    with open(out, "w") as f:
        f.write("%d\n" % nbytes)


def raw_send(dev, dstmac, etype, length):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    src = s.getsockname()[4]
    hdr = bytes.fromhex(dstmac.replace(":", "")) + src + struct.pack("!H", etype)
    s.send(hdr + bytes(length - len(hdr)))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "udp-recv":
        udp_recv(int(args[0]), int(args[1]), args[2])
    elif cmd == "tcp-recv":
        tcp_recv(int(args[0]), args[1])
    elif cmd == "udp-send":
        udp_send(args[0], int(args[1]), int(args[2]), int(args[3]),
                 float(args[4]) if len(args) > 4 else 0)
    elif cmd == "tcp-send":
        tcp_send(args[0], int(args[1]), int(args[2]), args[3])
    elif cmd == "raw-send":
        raw_send(args[0], args[1], int(args[2], 0), int(args[3]))
    else:
        sys.exit("tap_host.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
