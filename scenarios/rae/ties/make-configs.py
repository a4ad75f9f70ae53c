#!/usr/bin/env python3
# make-configs.py - writes the RAE configurations of the tie-break
# scenario (asN.xml here) and its topology (topologies/rae-ties.xml) from
# the tables below, so that the six files agree with each other.  Run it
# again after changing a table; the outputs are committed.
#
# Six domains where AS 1 has to break ties (scenarios/rae/ties.xml,
# scenarios/validation/rae.sh test 4):
#
#            AS3 ---- AS4
#           /   \       \
#        AS1     AS6    AS5
#           \   /       /
#            AS2 ------'
#
# links 1-3, 1-2, 3-4, 4-5, 2-5, 3-6, 2-6; AS 1 lists AS 3 as its first
# peer.  Every link, transit and access metric is far inside every
# aspiration level and the decision uses the flat achievement function,
# so every path of every domain scores exactly 1.03: the order of the
# candidates is decided by the tie-breaks alone (doc/rae.md, "Metric
# aggregation and the decision process",
# step 4).  AS 1 reaches 10.4.0.0/16 by 3 4 and by 2 5 4 (the shorter
# must win), and 10.6.0.0/16 by 3 6 and by 2 6 (same length: the lower
# next-hop AS, 2, must win, although AS 3 is the first peer).  Domain N
# has the router rN (10.N.0.1, its RAE) and the host cN (10.N.0.2, its
# CME) on 10.N.0.0/24; its prefix is 10.N.0.0/16.  Inter-domain link
# number L (1..7, in the order above) is 172.20.L.0/30: .1 on the lower
# AS, .2 on the higher one.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..', '..'))

LINKS = [(1, 3), (1, 2), (3, 4), (4, 5), (2, 5), (3, 6), (2, 6)]
LINK = (0.002, 1e-6, 1e8)	# delay s, loss, bandwidth bit/s of every link
TRANSIT = (0.001, 1e-6, 1e8)	# neighbour AS to neighbour AS, inside a domain
ACCESS = (0.001, 1e-6, 1e8)	# neighbour AS to the domain's prefix
# class 1: aspiration and reservation of delay, loss, bandwidth
DECISION = (1, 0.05, 0.2, 1e-3, 1e-2, 1e7, 1e6)


def num(x):
    """The shortest decimal form that reads back as x: 0.004, 1e-6, 1e8."""
    for p in range(1, 18):
        t = '%.*g' % (p, x)
        if float(t) == x:
            break
    return t.replace('e-0', 'e-').replace('e+0', 'e').replace('e+', 'e')


def metric(m):
    d, l, b = m
    return ('<class_table cos_id="1"><metric loss_ratio="%s" maximum_delay="%s"'
            ' supported_bandwidth="%s"/></class_table>' % (num(l), num(d), num(b)))


def neighbours(n):
    out = []
    for i, (a, b) in enumerate(LINKS, 1):
        if n in (a, b):
            m = b if n == a else a
            lo = 1 if n == min(a, b) else 2
            out.append((m, '172.20.%d.%d' % (i, lo), '172.20.%d.%d' % (i, 3 - lo), i))
    return out


def config(n):
    nb = neighbours(n)
    i, da, dr, la, lr, ba, br = DECISION
    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!-- as%d.xml - the RAE of AS %d in the tie-break scenario; written by'
         ' make-configs.py: edit its tables, not this file. -->' % (n, n),
         '<rae-config limit_of_preferred_paths="1" local_as_number="%d"' % n,
         '            local_ip_address="10.%d.0.1" local_port_number="10001"' % n,
         '            minimum_update_interval="1" cme_ip_address="10.%d.0.2"' % n,
         '            cme_port_number="9090" decision_with_flat_function="1">',
         '  <decision_parameters id="%d" delay_aspiration="%s" delay_reservation="%s"'
         % (i, num(da), num(dr)),
         '      loss_aspiration="%s" loss_reservation="%s" bandwidth_aspiration="%s"'
         ' bandwidth_reservation="%s"/>' % (num(la), num(lr), num(ba), num(br))]
    for (m, mine, theirs, _) in nb:
        s.append('  <peer_table remote_as_number="%d" remote_ip_address="%s"'
                 ' remote_port_number="10001" ttl_value="1">' % (m, theirs))
        s.append('    ' + metric(LINK))
        s.append('  </peer_table>')
    s.append('  <prefix_table ip_address="10.%d.0.0" prefix_length="16"/>' % n)
    pfx = '<prefix ip_address="10.%d.0.0" prefix_length="16"/>' % n

    def prov(src, sink, m):
        s.append('  <provisioning_table>')
        s.append('    %s %s' % (src, sink))
        s.append('    ' + metric(m))
        s.append('  </provisioning_table>')

    for (m, _, _, _) in nb:
        prov('<source as_number="%d"/>' % m, '<sink>%s</sink>' % pfx, ACCESS)
        prov('<source>%s</source>' % pfx, '<sink as_number="%d"/>' % m, ACCESS)
    for (m, _, _, _) in nb:
        for (k, _, _, _) in nb:
            if k != m:
                prov('<source as_number="%d"/>' % m, '<sink as_number="%d"/>' % k, TRANSIT)
    s.append('</rae-config>')
    return '\n'.join(s) + '\n'


def topology():
    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!--',
         '  rae-ties.xml - the six domains of scenarios/rae/ties.xml, written by',
         '  scenarios/rae/ties/make-configs.py, which draws the topology.  Router',
         '  rN runs the RAE of AS N, host cN its CME.  Static routing: the RAEs',
         '  talk over the directly connected inter-domain links (ttl_value 1).',
         '-->',
         '<topology name="rae-ties" routing="static">']
    for n in range(1, 7):
        s.append('  <domain name="as%d" as="%d" prefix="10.%d.0.0/16"/>' % (n, n, n))
    for n in range(1, 7):
        s.append('  <node name="r%d" domain="as%d">' % (n, n))
        s.append('    <ether name="eth0" address="10.%d.0.1/24"/>' % n)
        for j, (m, mine, theirs, i) in enumerate(neighbours(n), 1):
            s.append('    <ether name="eth%d" address="%s/30"/>' % (j, mine))
        s.append('  </node>')
        s.append('  <node name="c%d" domain="as%d" role="host">' % (n, n))
        s.append('    <ether name="eth0" address="10.%d.0.2/24"/>' % n)
        s.append('  </node>')
    for n in range(1, 7):
        s.append('  <link name="c%d-r%d" a="c%d:eth0" b="r%d:eth0" delay="100us"/>' % (n, n, n, n))
    for i, (a, b) in enumerate(LINKS, 1):
        lo, hi = min(a, b), max(a, b)
        il = [x[3] for x in neighbours(lo)].index(i) + 1
        ih = [x[3] for x in neighbours(hi)].index(i) + 1
        s.append('  <link name="r%d-r%d" a="r%d:eth%d" b="r%d:eth%d" delay="%gms"/>'
                 % (lo, hi, lo, il, hi, ih, LINK[0] * 1000))
    s.append('</topology>')
    return '\n'.join(s) + '\n'


for n in range(1, 7):
    with open(os.path.join(HERE, 'as%d.xml' % n), 'w') as f:
        f.write(config(n))
with open(os.path.join(TOP, 'topologies', 'rae-ties.xml'), 'w') as f:
    f.write(topology())
