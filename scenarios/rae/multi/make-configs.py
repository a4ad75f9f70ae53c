#!/usr/bin/env python3
# make-configs.py - writes the RAE configurations of the multi-domain
# scenario (asN.xml here) and its topology (topologies/rae-multi.xml) from
# the tables below, so that the seven files agree with each other.  Run it
# again after changing a table; the outputs are committed.
#
# Seven domains, tiered (D4.3 section 4.4, test 2):
#
#                 AS1 ======== AS2            tier 1
#                 |   \      /   |
#                 |    \    /    |
#                 |     \  /     |
#                 |      \/      |
#                 |      /\      |
#                 AS3 ---  --- AS4            tier 2
#                /   \        /   \
#             AS5     AS6 ---      AS7        tier 3
#
# links 1-2, 1-3, 1-4, 2-3, 2-4, 3-5, 3-6, 4-6, 4-7.  Domain N has the
# router rN (10.N.0.1, its RAE) and the host cN (10.N.0.2, its CME) on
# 10.N.0.0/24; its prefix is 10.N.0.0/16.  AS7 also has 10.77.0.0/16, which
# the scenario withdraws.  Inter-domain link number L (1..9, in the order
# above) is 172.16.L.0/30: .1 on the lower AS, .2 on the higher one.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..', '..'))

LINKS = [  # (a, b, delay s, loss, bandwidth bit/s) - class 2 gets half the bandwidth
    (1, 2, 0.005, 1e-7, 1e9),
    (1, 3, 0.004, 1e-6, 100e6),
    (1, 4, 0.006, 1e-6, 100e6),
    (2, 3, 0.007, 1e-6, 100e6),
    (2, 4, 0.003, 1e-6, 100e6),
    (3, 5, 0.002, 1e-5, 30e6),
    (3, 6, 0.003, 1e-5, 30e6),
    (4, 6, 0.002, 2e-5, 60e6),
    (4, 7, 0.002, 1e-5, 30e6),
]
TIER = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 3}
# intra-domain transit (neighbour AS to neighbour AS) and access (AS to own prefix), by tier
TRANSIT = {1: (0.002, 1e-6, 1e9), 2: (0.003, 1e-6, 100e6), 3: (0.004, 1e-5, 50e6)}
ACCESS = {1: (0.001, 1e-6, 1e9), 2: (0.001, 1e-6, 100e6), 3: (0.001, 1e-6, 50e6)}
PREFIXES = {n: ['10.%d.0.0/16' % n] for n in range(1, 8)}
PREFIXES[7].append('10.77.0.0/16')
DECISION = [  # id, delay a/r, loss a/r, bandwidth a/r
    (1, 0.020, 0.060, 1e-5, 1e-3, 20e6, 5e6),
    (2, 0.010, 0.030, 1e-6, 1e-4, 50e6, 20e6),
]


def num(x):
    """The shortest decimal form that reads back as x: 0.004, 1e-6, 1e8."""
    for p in range(1, 18):
        t = '%.*g' % (p, x)
        if float(t) == x:
            break
    return t.replace('e-0', 'e-').replace('e+0', 'e').replace('e+', 'e')


def metric(m, cls):
    d, l, b = m
    if cls == 2:
        b = b / 2
    return '<metric loss_ratio="%s" maximum_delay="%s" supported_bandwidth="%s"/>' % (
        num(l), num(d), num(b))


def classes(m, ind):
    return ''.join('%s<class_table cos_id="%d">%s</class_table>\n' % (ind, c, metric(m, c))
                   for c in (1, 2))


def neighbours(n):
    out = []
    for i, (a, b, d, l, bw) in enumerate(LINKS, 1):
        if n in (a, b):
            m = b if n == a else a
            mine = '172.16.%d.%d' % (i, 1 if n == a else 2)
            theirs = '172.16.%d.%d' % (i, 2 if n == a else 1)
            out.append((m, mine, theirs, (d, l, bw), i))
    return out


def config(n):
    t = TIER[n]
    nb = neighbours(n)
    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!-- as%d.xml - the RAE of AS %d (tier %d) in the multi-domain scenario;'
         ' written by make-configs.py: edit its tables, not this file. -->' % (n, n, t),
         '<rae-config limit_of_preferred_paths="3" local_as_number="%d"' % n,
         '            local_ip_address="10.%d.0.1" local_port_number="10001"' % n,
         '            minimum_update_interval="1" cme_ip_address="10.%d.0.2"' % n,
         '            cme_port_number="9090" decision_with_flat_function="0">']
    for (i, da, dr, la, lr, ba, br) in DECISION:
        s.append('  <decision_parameters id="%d" delay_aspiration="%s" delay_reservation="%s"'
                 % (i, num(da), num(dr)))
        s.append('      loss_aspiration="%s" loss_reservation="%s" bandwidth_aspiration="%s"'
                 ' bandwidth_reservation="%s"/>' % (num(la), num(lr), num(ba), num(br)))
    for (m, mine, theirs, lm, i) in nb:
        s.append('  <peer_table remote_as_number="%d" remote_ip_address="%s"'
                 ' remote_port_number="10001" ttl_value="1">' % (m, theirs))
        s.append(classes(lm, '    ').rstrip('\n'))
        s.append('  </peer_table>')
    for p in PREFIXES[n]:
        a, l = p.split('/')
        s.append('  <prefix_table ip_address="%s" prefix_length="%s"/>' % (a, l))

    def ep(x):
        if isinstance(x, int):
            return 'as_number="%d"/>' % x
        a, l = x.split('/')
        return '><prefix ip_address="%s" prefix_length="%s"/>' % (a, l)

    def prov(src, sink, m):
        def tag(name, x):
            e = ep(x)
            return '<%s %s' % (name, e) if e.startswith('as') else '<%s%s</%s>' % (name, e, name)
        s.append('  <provisioning_table>')
        s.append('    %s %s' % (tag('source', src), tag('sink', sink)))
        s.append(classes(m, '    ').rstrip('\n'))
        s.append('  </provisioning_table>')

    for (m, _, _, _, _) in nb:
        for p in PREFIXES[n]:
            prov(m, p, ACCESS[t])
            prov(p, m, ACCESS[t])
    for (m, _, _, _, _) in nb:
        for (k, _, _, _, _) in nb:
            if k != m:
                prov(m, k, TRANSIT[t])
    s.append('</rae-config>')
    return '\n'.join(s) + '\n'


def topology():
    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!--',
         '  rae-multi.xml - the seven domains of scenarios/rae/multi.xml (D4.3',
         '  section 4.4, test 2), written by scenarios/rae/multi/make-configs.py,',
         '  which draws the topology.  Router rN runs the RAE of AS N, host cN its',
         '  CME.  Static routing: the RAEs talk over the directly connected',
         '  inter-domain links (ttl_value 1), so a link that ends takes its',
         '  sessions with it, as a real eBGP-like session would.',
         '-->',
         '<topology name="rae-multi" routing="static">']
    for n in range(1, 8):
        s.append('  <domain name="as%d" as="%d" prefix="%s"/>' % (n, n, ' '.join(PREFIXES[n])))
    for n in range(1, 8):
        s.append('  <node name="r%d" domain="as%d">' % (n, n))
        s.append('    <ether name="eth0" address="10.%d.0.1/24"/>' % n)
        for j, (m, mine, theirs, lm, i) in enumerate(neighbours(n), 1):
            s.append('    <ether name="eth%d" address="%s/30"/>' % (j, mine))
        s.append('  </node>')
        s.append('  <node name="c%d" domain="as%d" role="host">' % (n, n))
        s.append('    <ether name="eth0" address="10.%d.0.2/24"/>' % n)
        s.append('  </node>')
    for n in range(1, 8):
        s.append('  <link name="c%d-r%d" a="c%d:eth0" b="r%d:eth0" delay="100us"/>' % (n, n, n, n))
    for i, (a, b, d, l, bw) in enumerate(LINKS, 1):
        ia = [x[4] for x in neighbours(a)].index(i) + 1
        ib = [x[4] for x in neighbours(b)].index(i) + 1
        s.append('  <link name="r%d-r%d" a="r%d:eth%d" b="r%d:eth%d" delay="%gms"/>'
                 % (a, b, a, ia, b, ib, d * 1000))
    s.append('</topology>')
    return '\n'.join(s) + '\n'


for n in range(1, 8):
    with open(os.path.join(HERE, 'as%d.xml' % n), 'w') as f:
        f.write(config(n))
with open(os.path.join(TOP, 'topologies', 'rae-multi.xml'), 'w') as f:
    f.write(topology())
