#!/usr/bin/env python3
# rae_stress.py - what D4.3's RAE stress test (section 4.4, test 3;
# scenarios/rae/stress.xml) must show, derived from the scenario, its
# topology and the two RAE configurations alone, not from a run: when the
# receiving (west) RAE may converge, in how many update rounds, carrying
# what.  scenarios/validation/rae.sh compares a run with it.
#
# usage: rae_stress.py SCENARIO --raedir DIR --prefixes N --bytes B
#
#   SCENARIO    scenarios/rae/stress.xml
#   --raedir    where the RAE configurations are (the scenario's raedir)
#   --prefixes  the scenario's prefixes parameter (the east RAE's generate=)
#   --bytes     the bytes the east RAE sent on its session (counters.csv
#               bytes_out): the one figure taken from the run, to bound
#               the time the transfer takes
#
# Prints key=value lines (times in seconds):
#
#   west, east       the receiving and the originating node
#   start            when the later of the two RAEs starts (t0)
#   delay, bandwidth the link between them (d, in bit/s)
#   mrai             the east RAE's minimum_update_interval
#   keepalive        the session's keepalive interval, min(keepalive, hold/3)
#   end              the end of the run
#   east_prefixes    prefixes the east RAE owns (prefix_table + generate=)
#   east_path_sets   distinct path sets among them (one per provisioning
#                    metric the west AS sees)
#   west_prefixes, west_path_sets   the same the other way
#   lower, upper     the bounds of the west RAE's last change (below)
#   second_round     the earliest a second update round could arrive
#   keepalives_min, keepalives_max  keepalives each way over the run
#
# The model (doc/validation.md, "RAE test 3: the expectation"):
#
#   - The lower AS connects.  Before anything else: ARP request and reply,
#     SYN and SYN-ACK, Open, and the confirming Open, each crossing the
#     link once: the passive (east) side is up at t0 + 5d, the active
#     side at t0 + 6d.  No update can arrive before t0 + 4d (no ARP, the
#     update leaving with the confirming Open): lower = t0 + 4d.
#   - Each RAE knows everything it will ever announce from the start, and
#     the first update to a peer goes at once: one round each way.  The
#     east RAE sends its round when its session is up (t0 + 5d); TCP keeps
#     at most one window (64 KiB, doc/tcp.md) in flight, so B bytes take at
#     most ceil(B / W) round trips, each with the time to serialise a
#     window of full frames, and a last one-way delay:
#       upper = t0 + 5d + ceil(B / W) * (2d + 8 W' / bandwidth) + d
#     with W' a window's bytes on the wire (1514-byte frames for 1460
#     bytes of payload).
#   - A second round waits minimum_update_interval after the first, which
#     leaves at t0 + 3d at the earliest: second_round = t0 + 4d + mrai.
#     A last change at or after it means more than one round; when upper
#     reaches it, time alone cannot tell (the evaluator says so).
#   - Keepalives go every keepalive interval from the session's start to
#     the end of the run: floor((end - up) / keepalive) each way, for up
#     between t0 + 4d and upper.
#   - The path sets: an own prefix is advertised with the metrics of the
#     provisioning entry from the peer's AS whose sink covers it most
#     specifically; prefixes with equal metrics share a path set.
import ipaddress
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

WINDOW = 64240          # bytes in flight: 44 full segments (doc/tcp.md)
WIRE = 1514.0 / 1460.0  # a full segment's frame per payload byte

UNITS = {'ns': 1e-9, 'us': 1e-6, 'ms': 1e-3, 's': 1.0, 'min': 60.0, 'h': 3600.0}
RATES = {'bps': 1.0, 'kbps': 1e3, 'mbps': 1e6, 'gbps': 1e9}


def die(msg):
    sys.stderr.write('rae_stress.py: %s\n' % msg)
    sys.exit(2)


def seconds(text):
    m = re.fullmatch(r'\s*([0-9.]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]*)\s*', text)
    if not m or m.group(2) not in UNITS and m.group(2) != '':
        die('bad duration "%s"' % text)
    return float(m.group(1)) * UNITS.get(m.group(2) or 's')


def rate(text):
    m = re.fullmatch(r'\s*([0-9.]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]*)\s*', text)
    if not m or m.group(2).lower() not in RATES:
        die('bad bandwidth "%s"' % text)
    return float(m.group(1)) * RATES[m.group(2).lower()]


def subst(text, params):
    return re.sub(r'\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}', lambda m: params[m.group(1)], text)


def own_prefixes(cfg, generate):
    """The prefix_table, then generate=N[@PREFIX] (default 16.0.0.0/24)."""
    out = [ipaddress.ip_network('%s/%s' % (p.get('ip_address'), p.get('prefix_length')))
           for p in cfg.findall('prefix_table')]
    if generate:
        n, _, first = generate.partition('@')
        net = ipaddress.ip_network(first or '16.0.0.0/24')
        step = net.num_addresses
        base = int(net.network_address)
        for i in range(int(n)):
            out.append(ipaddress.ip_network((base + i * step, net.prefixlen)))
    return out


def path_sets(cfg, prefixes, peer_as):
    """Distinct advertised metrics: per prefix, the most specific provisioning
    entry from peer_as whose sink prefix covers it."""
    entries = []
    for pt in cfg.findall('provisioning_table'):
        src = pt.find('source')
        if src is None or src.get('as_number') != str(peer_as):
            continue
        sink = pt.find('sink/prefix')
        if sink is None:
            continue
        net = ipaddress.ip_network('%s/%s' % (sink.get('ip_address'), sink.get('prefix_length')))
        metrics = tuple(sorted((c.get('cos_id'), tuple(sorted(c.find('metric').attrib.items())))
                               for c in pt.findall('class_table')))
        entries.append((net, metrics))
    entries.sort(key=lambda e: -e[0].prefixlen)
    sets = set()
    for p in prefixes:
        for net, metrics in entries:
            if p.version == net.version and p.subnet_of(net):
                sets.add(metrics)
                break
    return len(sets)


def main(argv):
    args = {'--raedir': None, '--prefixes': None, '--bytes': None}
    scenario = None
    i = 0
    while i < len(argv):
        if argv[i] in args and i + 1 < len(argv):
            args[argv[i]] = argv[i + 1]
            i += 2
        elif scenario is None and not argv[i].startswith('-'):
            scenario = argv[i]
            i += 1
        else:
            die('usage: rae_stress.py SCENARIO --raedir DIR --prefixes N --bytes B')
    if scenario is None or None in args.values():
        die('usage: rae_stress.py SCENARIO --raedir DIR --prefixes N --bytes B')
    nbytes = int(args['--bytes'])

    scn = ET.parse(scenario).getroot()
    params = {p.get('name'): p.get('value') for p in scn.findall('param')}
    params['raedir'] = args['--raedir']
    params['prefixes'] = args['--prefixes']
    topo_file = os.path.join(os.path.dirname(scenario), scn.find('topology').get('file'))
    topo = ET.parse(topo_file).getroot()
    end = seconds(subst(scn.find('run').get('end_time'), params))

    raes = {}
    for app in scn.findall('events/app'):
        if app.get('class') != 'usr.rae.Rae':
            continue
        words = subst(app.get('args'), params).split()
        opts = dict(w.split('=', 1) for w in words[1:])
        # relative to the scenario's folder, as cometsim reads it
        cfg = ET.parse(os.path.join(os.path.dirname(scenario), words[0])).getroot()
        raes[app.get('node')] = {
            'start': seconds(app.get('time')),
            'cfg': cfg,
            'as': int(cfg.get('local_as_number')),
            'keepalive': seconds(opts.get('keepalive', '5s')),
            'hold': seconds(opts.get('hold', '15s')),
            'generate': opts.get('generate'),
        }
    if len(raes) != 2:
        die('%s: expected two RAEs, found %d' % (scenario, len(raes)))
    west = [n for n, r in raes.items() if r['cfg'].get('cme_ip_address')]
    if len(west) != 1:
        die('%s: expected one RAE with a CME' % scenario)
    west = west[0]
    east = [n for n in raes if n != west][0]
    w, e = raes[west], raes[east]

    link = None
    for ln in topo.findall('link'):
        ends = {ln.get('a').split(':')[0], ln.get('b').split(':')[0]}
        if ends == {west, east}:
            link = ln
    if link is None:
        die('%s: no link between %s and %s' % (topo_file, west, east))
    d = seconds(link.get('delay', '0s'))
    bw = rate(link.get('bandwidth'))

    t0 = max(w['start'], e['start'])
    hold = min(w['hold'], e['hold'])
    keepalive = min(w['keepalive'], e['keepalive'], hold / 3)
    mrai = float(e['cfg'].get('minimum_update_interval', '0'))
    e_pfx = own_prefixes(e['cfg'], e['generate'])
    w_pfx = own_prefixes(w['cfg'], w['generate'])

    lower = t0 + 4 * d
    windows = max(1, math.ceil(nbytes / WINDOW))
    upper = t0 + 5 * d + windows * (2 * d + 8 * WINDOW * WIRE / bw) + d
    second = t0 + 4 * d + mrai
    ka = [math.floor((end - up) / keepalive) for up in (upper, lower)]

    print('west=%s' % west)
    print('east=%s' % east)
    print('west_as=%d' % w['as'])
    print('east_as=%d' % e['as'])
    print('start=%.9f' % t0)
    print('delay=%.9f' % d)
    print('bandwidth=%.0f' % bw)
    print('mrai=%g' % mrai)
    print('keepalive=%g' % keepalive)
    print('end=%g' % end)
    print('east_prefixes=%d' % len(e_pfx))
    print('east_path_sets=%d' % path_sets(e['cfg'], e_pfx, w['as']))
    print('west_prefixes=%d' % len(w_pfx))
    print('west_path_sets=%d' % path_sets(w['cfg'], w_pfx, e['as']))
    print('windows=%d' % windows)
    print('lower=%.9f' % lower)
    print('upper=%.9f' % upper)
    print('second_round=%.9f' % second)
    print('keepalives_min=%d' % ka[0])
    print('keepalives_max=%d' % ka[1])


if __name__ == '__main__':
    main(sys.argv[1:])
