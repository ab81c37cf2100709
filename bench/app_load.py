"""The app under load, side by side: one request at a time per model (the lock the app had) against the batcher.

For each `--modes` value (`awd serve --batching MODE`: 'none' serves one request at a time per model, as the app did
before issue 27; 'step' lets a request join the running batch at the next step; 'pass' when the batch is done),
starts `awd serve --no-train` over the shipped models on a free port, as a user would (a new process), warms each
endpoint up, and measures:
  (1) one client at a time: 50 requests of 10 headlines: p50 and p95;
  (2) --clients (16) concurrent clients, --requests (500) requests of 10 headlines: p50, p95, throughput, errors,
      and the server's resident memory (VmRSS) before and after the round;
  (3) the same clients and requests in a mixed load: 10 headlines, 10 names of an origin (with the origin
      classifier's table), classifying a text;
  (4) --many (64) concurrent clients, --requests requests of 10 headlines: p50, p95, errors, memory.
The concurrent rounds use `Light`, a minimal client of Gradio's queue protocol: 16 gradio_client instances in the
benchmark's process took as much CPU as the server, on the same 2 cores. The last mode also sends issue 23's 160 direct calls to /gradio_api/run/classify, which the app refuses (every route
goes through the queue). Goals (issue 27): (2) p95 at most 1.5 s, throughput at least 3x that of 'none', 0 errors,
memory growth under 10%; (1) p95 no worse than 'none'.
    python bench/app_load.py [--modes none,step] [--clients 16] [--many 64] [--requests 500]
"""
import argparse, json, os, platform, random, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request, uuid
from pathlib import Path
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False') # this process's gradio_client too: it reports each Client
from _args import count, some_of
MODES = ('none', 'step', 'pass') # `awd serve --batching`'s choices

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def pct(xs, q): return sorted(xs)[min(len(xs)-1, int(round(q*(len(xs)-1))))]

def rss_mb(pid):
    "Resident memory of the server process, from /proc"
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'): return int(line.split()[1])/1024

ORIGINS = ['Russian', 'Japanese', 'German', 'Italian', 'Irish', 'Chinese']
TEXTS = ['Nakamura', 'Scientists find a new flu treatment', 'Kowalski', 'Ebola outbreak spreads in West Africa']

def request(c, kind, i):
    if kind == 'headlines':
        out = c.predict(random.choice(['', 'New study', 'Why']), 10, 0.8, 0.9, 4, 15, i, api_name='/headlines')
        assert len(out.splitlines()) == 10, out
    elif kind == 'names':
        names, table = c.predict(random.choice('KMSA'), 10, 0.8, i, random.choice(ORIGINS), api_name='/names')
        assert len(names.splitlines()) == 10, names
    else:
        out = c.predict(random.choice(TEXTS), api_name='/classify')
        assert out, out

class Light:
    """A minimal client of Gradio's queue protocol (join, then read the event stream until the event completes), for
    the load rounds: 16 gradio_client instances in this process took as much CPU as the server they measured, on the
    same 2 cores. Same calls as gradio_client's `predict`; raises on an error message"""
    def __init__(self, url):
        self.url, self.fns, self.session = url, {}, uuid.uuid4().hex[:12] # one session a client, as a page has
        for d in json.load(urllib.request.urlopen(url + 'config'))['dependencies']:
            if d.get('api_name'): self.fns['/' + d['api_name']] = d['id']

    def predict(self, *data, api_name):
        sh = self.session
        body = json.dumps({'data': list(data), 'fn_index': self.fns[api_name], 'session_hash': sh, 'event_data': None,
                           'trigger_id': None}).encode()
        req = urllib.request.Request(self.url + 'gradio_api/queue/join', data=body, headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=120) as r: event = json.load(r)['event_id']
        with urllib.request.urlopen(self.url + f'gradio_api/queue/data?session_hash={sh}', timeout=300) as s:
            for line in s:
                if not line.startswith(b'data:'): continue
                msg = json.loads(line[5:])
                if msg.get('event_id') != event: continue
                if msg['msg'] == 'process_completed':
                    if not msg.get('success', True) or msg['output'].get('error'):
                        raise RuntimeError(msg['output'].get('error') or msg['output'])
                    out = msg['output']['data']
                    return out[0] if len(out) == 1 else tuple(out)
                if msg['msg'] == 'queue_full': raise RuntimeError('queue full')
        raise RuntimeError('the event stream ended without a result')

def threads(pid): return len(os.listdir(f'/proc/{pid}/task'))

def direct_round(url, pid, client, n=160):
    "Direct POSTs to /gradio_api/run/classify, as issue 23's probe sent them, and a short request through the queue"
    import json, urllib.error
    from concurrent.futures import ThreadPoolExecutor
    body = json.dumps({'data': ['Flu ' * 1250]}).encode()
    def post(_):
        req = urllib.request.Request(url + 'gradio_api/run/classify', data=body, headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=120) as r: return r.status
        except urllib.error.HTTPError as e: return e.code
        except OSError as e: return type(e).__name__
    before = (threads(pid), rss_mb(pid))
    with ThreadPoolExecutor(32) as ex:
        futs = [ex.submit(post, i) for i in range(n)]
        t = time.perf_counter(); request(client, 'classify', 0); short = time.perf_counter() - t
        codes = [f.result() for f in futs]
    codes = [str(c) for c in codes]
    counts = {c: codes.count(c) for c in sorted(set(codes))}
    return dict(n=n, codes=counts, threads=(before[0], threads(pid)), rss=(before[1], rss_mb(pid)), short=short)

def run_round(url, pid, clients, kinds, seed):
    "`clients` threads, each a `Light` client, share the requests `kinds`: latencies by kind, errors, wall time"
    todo, lock = list(enumerate(kinds)), threading.Lock()
    random.Random(seed).shuffle(todo)
    lat, errors = {k: [] for k in set(kinds)}, []
    def client():
        c = Light(url)
        while True:
            with lock:
                if not todo: return
                i, kind = todo.pop()
            t = time.perf_counter()
            try: request(c, kind, i)
            except Exception as e: errors.append(f'{kind}: {type(e).__name__}: {e}'); continue
            lat[kind].append(time.perf_counter() - t)
    t0 = time.perf_counter()
    ts = [threading.Thread(target=client) for _ in range(clients)]
    for t in ts: t.start()
    for t in ts: t.join()
    return lat, errors, time.perf_counter() - t0

def serve(mode, models_dir):
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent/'awd'), 'serve', '--no-train', '--models-dir', models_dir,
                             '--port', str(port), '--batching', mode], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, 'GRADIO_ANALYTICS_ENABLED': 'False'})
    url = f'http://127.0.0.1:{port}/'
    while True:
        try: urllib.request.urlopen(url, timeout=1); return proc, url
        except OSError:
            if proc.poll() is not None: sys.exit('the server exited during start-up')
            time.sleep(0.1)

def cpu_s(pid):
    "CPU seconds of process `pid` so far (user + system)"
    f = Path(f'/proc/{pid}/stat').read_text().split(')')[1].split()
    return (int(f[11]) + int(f[12]))/os.sysconf('SC_CLK_TCK')

def measure(mode, a, models_dir, direct):
    from gradio_client import Client
    proc, url = serve(mode, models_dir)
    res = {}
    try:
        warm = Client(url, verbose=False)
        for kind in ('headlines', 'names', 'classify'):
            for i in range(3): request(warm, kind, i)
        run_round(url, proc.pid, a.clients, ['headlines', 'names', 'classify']*a.clients, 1) # worker threads come up once
        one, light = [], Light(url)
        for i in range(50):
            t = time.perf_counter(); request(light, 'headlines', i); one.append(time.perf_counter() - t)
        res['one'] = dict(lat={'headlines': one}, errors=[], wall=sum(one), n=50)
        for name, clients, kinds in [('16', a.clients, ['headlines']*a.requests),
                                     ('mixed', a.clients, [('headlines', 'names', 'classify')[i % 3] for i in range(a.requests)]),
                                     ('64', a.many, ['headlines']*a.requests)]:
            rss0, cpu0 = rss_mb(proc.pid), cpu_s(proc.pid)
            lat, errors, wall = run_round(url, proc.pid, clients, kinds, 0)
            res[name] = dict(lat=lat, errors=errors, wall=wall, n=len(kinds), rss=(rss0, rss_mb(proc.pid)),
                             cpu=(cpu_s(proc.pid) - cpu0)/len(kinds))
            print(f"  {mode} {name}: {len(kinds)/wall:.1f} requests/s, errors {len(errors)}", file=sys.stderr, flush=True)
        if direct: res['direct'] = direct_round(url, proc.pid, warm)
    finally:
        proc.terminate(); proc.wait(10)
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--modes', type=some_of(MODES), default='none,step', help="`awd serve --batching` values, side by side, "
                   f"comma-separated, of {', '.join(MODES)} (default: none,step)")
    p.add_argument('--clients', type=count, default=16)
    p.add_argument('--many', type=count, default=64)
    p.add_argument('--requests', type=count, default=500)
    a = p.parse_args()
    modes = a.modes
    models_dir = tempfile.mkdtemp() # empty: the shipped models
    res = {m: measure(m, a, models_dir, m == modes[-1]) for m in modes}
    import torch
    print(f"\n{time.strftime('%Y-%m-%d')} | {platform.node()} | {platform.machine()} | {os.cpu_count()} CPUs | torch "
          f"{torch.__version__} | the shipped models (`awd serve --no-train`) | requests of 10 headlines (T 0.8, top-p 0.9, "
          f"4-15 words), 10 names, or one text to classify\n")
    base = res[modes[0]]
    print('| round | batching | requests | p50 | p95 | max | requests/s | vs ' + modes[0] + ' | vs one client | server CPU a request | errors | server memory |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    rounds = [('one', 'one client at a time, 10 headlines'), ('16', f'{a.clients} clients, 10 headlines'),
              ('mixed', f'{a.clients} clients, mixed (headlines)'), ('64', f'{a.many} clients, 10 headlines')]
    for key, title in rounds:
        for m in modes:
            r = res[m][key]
            xs = r['lat'].get('headlines', [])
            thr, thr0 = r['n']/r['wall'], base[key]['n']/base[key]['wall']
            mem = f"{r['rss'][0]:.0f} -> {r['rss'][1]:.0f} MB ({100*(r['rss'][1]/r['rss'][0]-1):+.1f}%)" if 'rss' in r else ''
            cpu = f"{r['cpu']*1000:.0f} ms" if 'cpu' in r else ''
            one = res[m]['one']['n']/res[m]['one']['wall']
            print(f"| {title} | {m} | {r['n']} | {statistics.median(xs)*1000:.0f} ms | {pct(xs, .95)*1000:.0f} ms | "
                  f"{max(xs)*1000:.0f} ms | {thr:.1f} | {thr/thr0:.2f}x | {thr/one:.2f}x | {cpu} | {len(r['errors'])} | {mem} |")
    print('\nmixed load, by kind:\n\n| batching | kind | n | p50 | p95 |\n|---|---|---|---|---|')
    for m in modes:
        for k, xs in sorted(res[m]['mixed']['lat'].items()):
            if xs: print(f"| {m} | {k} | {len(xs)} | {statistics.median(xs)*1000:.0f} ms | {pct(xs, .95)*1000:.0f} ms |")
    for m in modes:
        for key in ('16', 'mixed', '64'):
            for e in res[m][key]['errors'][:3]: print(f'  error ({m}, {key}): {e}')
    if 'step' in res and 'none' in res:
        s, n = res['step'], res['none']
        p95 = pct(s['16']['lat']['headlines'], .95)
        gain = (s['16']['n']/s['16']['wall'])/(n['16']['n']/n['16']['wall'])
        scale = (s['16']['n']/s['16']['wall'])/(s['one']['n']/s['one']['wall'])
        mem = 100*(s['16']['rss'][1]/s['16']['rss'][0] - 1)
        one = pct(s['one']['lat']['headlines'], .95), pct(n['one']['lat']['headlines'], .95)
        print(f"\ngoals (issue 27), step against none: {a.clients} clients p95 {p95:.2f} s (goal <= 1.5 s: "
              f"{'met' if p95 <= 1.5 else 'NOT met'}); throughput {gain:.2f}x that of none (goal >= 3x: {'met' if gain >= 3 else 'NOT met'}), "
              f"{scale:.2f}x that of one client at a time (none: {(n['16']['n']/n['16']['wall'])/(n['one']['n']/n['one']['wall']):.2f}x); "
              f"errors {len(s['16']['errors'])}; memory {mem:+.1f}% (goal < 10%); one client p95 {one[0]*1000:.0f} ms "
              f"against {one[1]*1000:.0f} ms ({'met' if one[0] <= one[1]*1.05 else 'NOT met'})")
    d = res[modes[-1]].get('direct')
    if d:
        print(f"\ndirect calls (issue 23), batching {modes[-1]}: {d['n']} concurrent POSTs of a 5,000-character text to "
              f"/gradio_api/run/classify: answers {d['codes']}; threads {d['threads'][0]} -> {d['threads'][1]}, memory "
              f"{d['rss'][0]:.0f} -> {d['rss'][1]:.0f} MB ({100*(d['rss'][1]/d['rss'][0] - 1):+.1f}%); a short classify "
              f"through the queue meanwhile took {d['short']*1000:.0f} ms")

if __name__ == '__main__': main()
