#!/usr/bin/env python3
# rae_model.py - a reference model of the RAE, written apart from the C
# code, from doc/rae.md ("Metric aggregation and the decision process"): it
# reads the RAE
# configurations (the XML form, rae-config.xsd) of every domain, computes
# the state the path-vector protocol settles in, and prints what each
# domain's CME should hold, in the form the CME logs it:
#
#   path_inf AS <as> <prefix> as_path <as...> class <c> delay <s> loss <r> bandwidth <b> ...
#   prov_inf AS <as> prefix <prefix>
#   prov_inf AS <as> provisioning <src> -> <sink> class <c> delay ... (with --prov)
#
# or, with --candidates AS, every candidate that AS holds in the settled
# state, ranked, with its score (how a tie came about):
#
#   candidate AS <as> <prefix> class <c> rank <n> as_path <as...> score <s> [preferred]
#
# usage: rae_model.py [--down-link A-B]... [--down-as A]... [--withdraw PREFIX@AS]...
#                     [--reload CONFIG.xml]... [--prov] [--candidates AS]
#                     [--readvertised AS] CONFIG.xml...
#
# --reload CONFIG.xml: the state after that domain's configuration was
# replaced by this one during the run (rae_tool reload): it is read in
# place of the domain's CONFIG.xml, which must be given too, and the
# settled state is computed from it alone, the way it is computed from
# the first.  --readvertised AS (with the --reload of AS): instead of the
# stores, the number of (neighbour, prefix) pairs whose advertisement
# from AS changes with the new configuration, in the state settled before
# it, one line "readvertised AS <as> <n>".
#
# The model: every pair of domains that name each other in peer_table has
# a session (unless the link or either AS is down).  Starting from empty
# RIBs, every domain in turn takes what its neighbours advertise (their
# preferred paths, except those through itself or learned from it; their
# own prefixes), drops paths through its own AS, adds its link metric in
# front, ranks the candidates per class and keeps limit_of_preferred_paths;
# rounds repeat until nothing changes.  (Paths through the receiver's AS
# are sent, as the RAE sends them, and dropped by the receiver.)  The metric algebra (delay adds,
# loss 1-(1-a)(1-b) computed as a+b-ab, bandwidth min) and the ranking
# (score, then AS path length, then next-hop AS, then peer order, then AS
# path) are those of the specification; the arithmetic is done in the
# same order as the RAE does it so that scores tie the same way.
import sys
import xml.etree.ElementTree as ET

INF = float('inf')


def concat(a, b):
    return (a[0] + b[0], a[1] + b[1] - a[1] * b[1], a[2] if a[2] < b[2] else b[2])


def sigma(q, a, r, larger):
    if a == r:
        meets = q >= a if larger else q <= a
        return 1.0 if meets else -1.0
    if larger:
        return (q - r) / (a - r)
    return (r - q) / (r - a)


def achievement(s, flat):
    if s < 0.0:
        return 10.0 * s
    if s <= 1.0:
        return s
    return 1.0 if flat else 2.0 - 1.0 / s


def score(dp, m, flat):
    ud = achievement(sigma(m[0], dp['delay'][0], dp['delay'][1], False), flat)
    ul = achievement(sigma(m[1], dp['loss'][0], dp['loss'][1], False), flat)
    ub = achievement(sigma(m[2], dp['bw'][0], dp['bw'][1], True), flat)
    mn = ud
    if ul < mn:
        mn = ul
    if ub < mn:
        mn = ub
    return mn + 0.01 * (ud + ul + ub)


def prefix(ip, plen):
    return '%s/%d' % (ip, int(plen))


def in_prefix(p, covering):
    """Whether IPv4 prefix p lies inside covering."""
    def parse(x):
        a, l = x.split('/')
        n = 0
        for part in a.split('.'):
            n = n * 256 + int(part)
        return n, int(l)
    pa, pl = parse(p)
    ca, cl = parse(covering)
    if cl > pl:
        return False
    mask = ((1 << 32) - 1) ^ ((1 << (32 - cl)) - 1) if cl else 0
    return (pa & mask) == ca


def metric(el):
    m = el.find('metric')
    if m is None:
        return None
    return (float(m.get('maximum_delay', 0)), float(m.get('loss_ratio', 0)),
            float(m.get('supported_bandwidth', INF)))


def classes(el):
    return [(int(c.get('cos_id')), metric(c)) for c in el.findall('class_table')]


def endpoint(el):
    if el.get('as_number') is not None:
        return ('as', int(el.get('as_number')))
    p = el.find('prefix')
    return ('pfx', prefix(p.get('ip_address'), p.get('prefix_length')))


def load(path):
    r = ET.parse(path).getroot()
    c = {'as': int(r.get('local_as_number')),
         'limit': int(r.get('limit_of_preferred_paths', 1)),
         'flat': int(r.get('decision_with_flat_function', 0)) == 1,
         'dp': [], 'peers': [], 'prefixes': [], 'prov': []}
    for d in r.findall('decision_parameters'):
        c['dp'].append({'cos': int(d.get('id')),
                        'delay': (float(d.get('delay_aspiration')), float(d.get('delay_reservation'))),
                        'loss': (float(d.get('loss_aspiration')), float(d.get('loss_reservation'))),
                        'bw': (float(d.get('bandwidth_aspiration')),
                               float(d.get('bandwidth_reservation')))})
    for p in r.findall('peer_table'):
        c['peers'].append({'as': int(p.get('remote_as_number')), 'classes': dict(classes(p))})
    for p in r.findall('prefix_table'):
        c['prefixes'].append(prefix(p.get('ip_address'), p.get('prefix_length')))
    for p in r.findall('provisioning_table'):
        c['prov'].append({'src': endpoint(p.find('source')), 'sink': endpoint(p.find('sink')),
                          'classes': classes(p)})
    return c


def prov_lookup(c, src_as, sink):
    """Provisioning from AS src_as to ('as', n) or to the own prefix ('pfx', p): longest match."""
    best = None
    for p in c['prov']:
        if p['src'] != ('as', src_as) or p['sink'][0] != sink[0]:
            continue
        if sink[0] == 'as':
            if p['sink'][1] == sink[1]:
                return p
            continue
        if in_prefix(sink[1], p['sink'][1]):
            if best is None or int(p['sink'][1].split('/')[1]) > int(best['sink'][1].split('/')[1]):
                best = p
    return best


def cls_metric(entries, cos):
    for c, m in entries:
        if c == cos:
            return m
    return None


def fmt(x):
    return '%.9g' % x


def main(argv):
    down_links, down_as, withdrawn, files, want_prov = set(), set(), set(), [], False
    cand_as = None
    reloads, readv_as = [], None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--down-link':
            x, y = argv[i + 1].split('-')
            down_links.add(frozenset((int(x), int(y))))
            i += 2
        elif a == '--down-as':
            down_as.add(int(argv[i + 1]))
            i += 2
        elif a == '--withdraw':
            p, n = argv[i + 1].split('@')
            withdrawn.add((int(n), p))
            i += 2
        elif a == '--prov':
            want_prov = True
            i += 1
        elif a == '--candidates':
            cand_as = int(argv[i + 1])
            i += 2
        elif a == '--reload':
            reloads.append(argv[i + 1])
            i += 2
        elif a == '--readvertised':
            readv_as = int(argv[i + 1])
            i += 2
        else:
            files.append(a)
            i += 1
    cfg = {}
    for f in files:
        c = load(f)
        cfg[c['as']] = c
    newcfg = {}
    for f in reloads:
        c = load(f)
        if c['as'] not in cfg:
            print('rae_model.py: %s: AS %d has no configuration to replace' % (f, c['as']),
                  file=sys.stderr)
            return 2
        newcfg[c['as']] = c
    if readv_as is None:
        cfg.update(newcfg)
    elif readv_as not in newcfg:
        print('rae_model.py: --readvertised %d needs the --reload of AS %d' % (readv_as, readv_as),
              file=sys.stderr)
        return 2
    ases = sorted(a for a in cfg if a not in down_as)

    def local(a):
        return [p for p in cfg[a]['prefixes'] if (a, p) not in withdrawn]

    def session(a, b):
        return (a in cfg and b in cfg and a not in down_as and b not in down_as and
                frozenset((a, b)) not in down_links and
                any(p['as'] == b for p in cfg[a]['peers']) and
                any(p['as'] == a for p in cfg[b]['peers']))

    # rib[a][prefix] = list of candidates: dict(aspath, m{slot: metric}, peer, pref set of slots)
    rib = {a: {} for a in ases}

    def advertise(n, a):
        """What n sends to a: {prefix: [(aspath, {cos: metric})]}."""
        c = cfg[n]
        out = {}
        for p in local(n):
            pv = prov_lookup(c, a, ('pfx', p))
            if pv is None:
                continue
            cl = {d['cos']: cls_metric(pv['classes'], d['cos']) for d in c['dp']
                  if cls_metric(pv['classes'], d['cos']) is not None}
            if cl:
                out[p] = [((n,), cl)]
        peer_idx_a = [k for k, pe in enumerate(c['peers']) if pe['as'] == a]
        for p, cands in rib[n].items():
            if p in out:
                continue
            paths = []
            for q in cands:
                if not q['pref'] or q['peer'] in peer_idx_a:
                    continue
                pv = prov_lookup(c, a, ('as', q['aspath'][0]))
                if pv is None:
                    continue
                cl = {}
                for s in sorted(q['pref']):
                    cos = c['dp'][s]['cos']
                    pm = cls_metric(pv['classes'], cos)
                    if pm is not None:
                        cl[cos] = concat(pm, q['m'][s])
                if cl:
                    paths.append(((n,) + q['aspath'], cl))
            if paths:
                out[p] = paths
        return out

    def ranked(cands, s):
        return sorted([q for q in cands if s in q['m']],
                      key=lambda q: (-q['score'][s], len(q['aspath']), q['aspath'][0],
                                     q['peer'], q['aspath']))

    def decide(a, cands):
        c = cfg[a]
        for q in cands:
            q['pref'] = set()
        for s, dp in enumerate(c['dp']):
            for q in ranked(cands, s)[:c['limit']]:
                q['pref'].add(s)

    def state(r):
        return {a: {p: sorted((q['aspath'], q['peer'], tuple(sorted(q['pref'])),
                               tuple(sorted(q['m'].items())))
                              for q in v) for p, v in r[a].items()} for a in r}

    for _ in range(100):
        new = {}
        for a in ases:
            c = cfg[a]
            got = {}
            for k, pe in enumerate(c['peers']):
                n = pe['as']
                if not session(a, n):
                    continue
                for p, paths in advertise(n, a).items():
                    if p in local(a):
                        continue
                    for aspath, cl in paths:
                        if a in aspath:
                            continue
                        m, sc = {}, {}
                        for s, dp in enumerate(c['dp']):
                            if dp['cos'] in cl and dp['cos'] in pe['classes'] and \
                                    pe['classes'][dp['cos']] is not None:
                                m[s] = concat(pe['classes'][dp['cos']], cl[dp['cos']])
                                sc[s] = score(dp, m[s], c['flat'])
                        if m:
                            got.setdefault(p, []).append({'aspath': aspath, 'm': m,
                                                          'score': sc, 'peer': k})
            for p, cands in got.items():
                decide(a, cands)
            new[a] = got
        if state(new) == state(rib):
            break
        rib = new
    else:
        print('rae_model.py: no fixpoint after 100 rounds', file=sys.stderr)
        return 1

    if readv_as is not None:
        # What readv_as sends each neighbour in the settled state, under
        # the configuration it ran with and under the new one.
        n = 0
        for b in ases:
            if b == readv_as or not session(readv_as, b):
                continue
            before = advertise(readv_as, b)
            saved = cfg[readv_as]
            cfg[readv_as] = newcfg[readv_as]
            after = advertise(readv_as, b)
            cfg[readv_as] = saved
            for p in set(before) | set(after):
                if before.get(p) != after.get(p):
                    n += 1
        print('readvertised AS %d %d' % (readv_as, n))
        return 0

    if cand_as is not None:
        c = cfg[cand_as]
        for p in sorted(rib.get(cand_as, {})):
            for s, dp in enumerate(c['dp']):
                for n, q in enumerate(ranked(rib[cand_as][p], s), 1):
                    print('candidate AS %d %s class %d rank %d as_path %s score %s%s' % (
                        cand_as, p, dp['cos'], n, ' '.join(str(x) for x in q['aspath']),
                        fmt(q['score'][s]), ' preferred' if s in q['pref'] else ''))
        return 0

    lines = []
    for a in ases:
        c = cfg[a]
        for p in local(a):
            lines.append('prov_inf AS %d prefix %s' % (a, p))
        if want_prov:
            for pv in c['prov']:
                def ep(e):
                    return 'AS %d' % e[1] if e[0] == 'as' else e[1]
                t = 'prov_inf AS %d provisioning %s -> %s' % (a, ep(pv['src']), ep(pv['sink']))
                for cos, m in pv['classes']:
                    t += ' class %d delay %s loss %s bandwidth %s' % (cos, fmt(m[0]), fmt(m[1]),
                                                                    fmt(m[2]))
                lines.append(t)
        for p, cands in rib[a].items():
            for q in cands:
                if not q['pref']:
                    continue
                t = 'path_inf AS %d %s as_path %s' % (a, p, ' '.join(str(x) for x in q['aspath']))
                for s in sorted(q['pref']):
                    m = q['m'][s]
                    t += ' class %d delay %s loss %s bandwidth %s' % (
                        c['dp'][s]['cos'], fmt(m[0]), fmt(m[1]), fmt(m[2]))
                lines.append(t)
    for t in sorted(lines):
        print(t)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
