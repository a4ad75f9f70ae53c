# appendix_b_test.py - D4.3 Appendix B's CAFE agent test script (test.py),
# re-typed once for the two programs that run it: appendix_b.py (against
# the replayed answers of a self test's capture) and appendix_b_live.py
# (against the emulated agent through the socket bridge).
#
# Changes to test.py, all for Python 3: the length prefix is written with
# bytes() rather than chr(); ord(t[0]) becomes t[0]; the key is bytes.
# The socket is the caller's (it must have connect, send and recv), as is
# the list each answer is appended to.  Its loop is kept: range(1,10)
# configures 9 flows (D4.3's table says 10).
import cmecafe_pb2


def test_py(sock, HOST, PORT, received):
    """test.py's steps, from its connect to its last answer."""
    # Connect to server
    sock.connect((HOST, PORT))
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


def answers_fault(received):
    """None when the first answer is a successful collect and the nine
    others CAFE_SUCCESS for flows 1..9, in order; else what is wrong."""
    R = cmecafe_pb2.GenericResponse
    Q = cmecafe_pb2.GenericRequest
    if not received or received[0].type != Q.COLLECT_EXPIRED_STREAMS or \
            received[0].status != R.CAFE_SUCCESS:
        return "the collect was not answered CAFE_SUCCESS"
    for i, r in enumerate(received[1:], 1):
        if r.status != R.CAFE_SUCCESS or r.id != i or r.type != Q.CONFIGURE_STREAM:
            return "flow %d answered %s" % (i, R.Status.Name(r.status))
    return None
