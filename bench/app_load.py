"""The app under load: 16 concurrent clients, 500 requests, errors, latency percentiles and the server's memory.

Starts `awd serve --no-train` on a free port as a user would (a new process), warms each endpoint up, then 16 client
threads (each its own gradio_client) share 500 requests in a fixed mix: 10 headlines, 10 names of an origin (with the
origin classifier's table), and classifying a text. Resident memory (VmRSS) of the server is read after a warm-up
(3 requests of each kind one at a time, then a concurrent round of 3 x clients requests, which brings up the server's
worker threads), every 100 requests, and at the end. Goals (issue 7): 0 errors, memory growth under 10%. A last round (issue 23) sends 160 direct calls to
/gradio_api/run/classify, which the app refuses (every route goes through the queue). Needs the cached `make app` models.
    python bench/app_load.py [--models-dir models] [--clients 16] [--requests 500]
"""
import argparse, os, platform, random, socket, statistics, subprocess, sys, threading, time, urllib.request
from pathlib import Path

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def pct(xs, q): return sorted(xs)[min(len(xs)-1, int(round(q*(len(xs)-1))))]

def rss_mb(pid):
    "Resident memory of `pid` and its children (the server is one process), from /proc"
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

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--models-dir', default='models')
    p.add_argument('--clients', type=int, default=16)
    p.add_argument('--requests', type=int, default=500)
    a = p.parse_args()
    for k in ('headlines', 'names', 'origin'):
        if not (Path(a.models_dir)/k/'config.json').exists(): sys.exit(f"{a.models_dir}/{k} is missing: run `make app` once first")
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent/'awd'), 'serve', '--no-train', '--models-dir', a.models_dir,
                             '--port', str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, 'GRADIO_ANALYTICS_ENABLED': 'False'})
    url = f'http://127.0.0.1:{port}/'
    try:
        while True:
            try: urllib.request.urlopen(url, timeout=1); break
            except OSError:
                if proc.poll() is not None: sys.exit('the server exited during start-up')
                time.sleep(0.1)
        from gradio_client import Client
        warm = Client(url, verbose=False)
        for kind in ('headlines', 'names', 'classify'):
            for i in range(3): request(warm, kind, i)
        rss_seq = rss_mb(proc.pid)
        def run_round(n, seed):
            kinds = [('headlines', 'names', 'classify')[i % 3] for i in range(n)]
            random.Random(seed).shuffle(kinds)
            todo, lock = list(enumerate(kinds)), threading.Lock()
            lat, errors, done, trace = {k: [] for k in ('headlines', 'names', 'classify')}, [], [0], []
            def client():
                c = Client(url, verbose=False)
                while True:
                    with lock:
                        if not todo: return
                        i, kind = todo.pop()
                    t = time.perf_counter()
                    try: request(c, kind, i)
                    except Exception as e: errors.append(f'{kind}: {type(e).__name__}: {e}'); continue
                    lat[kind].append(time.perf_counter() - t)
                    with lock:
                        done[0] += 1
                        if done[0] % 100 == 0: trace.append(rss_mb(proc.pid))
            t0 = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(a.clients)]
            for t in threads: t.start()
            for t in threads: t.join()
            return lat, errors, trace, time.perf_counter() - t0
        run_round(3*a.clients, 1) # concurrent warm-up: the server's worker threads and their allocator arenas come up once
        rss0 = rss_mb(proc.pid)
        lat, errors, trace, wall = run_round(a.requests, 0)
        rss1 = rss_mb(proc.pid)
        direct = direct_round(url, proc.pid, warm)
    finally:
        proc.terminate(); proc.wait(10)
    every = sum(lat.values(), [])
    print(f"\n{platform.node()} | {platform.machine()} | {os.cpu_count()} cores | models from {a.models_dir} | "
          f"{a.clients} concurrent clients, {a.requests} requests in {wall:.0f} s ({a.requests/wall:.1f} requests/s)\n")
    print('| request | n | p50 | p95 | max |\n|---|---|---|---|---|')
    for k, xs in list(lat.items()) + [('all', every)]:
        if xs: print(f'| {k} | {len(xs)} | {statistics.median(xs)*1000:.0f} ms | {pct(xs, .95)*1000:.0f} ms | {max(xs)*1000:.0f} ms |')
    print(f"\nerrors: {len(errors)}" + ''.join(f'\n  {e}' for e in errors[:5]))
    print(f"server resident memory: {rss_seq:.0f} MB after one request at a time, {rss0:.0f} MB after a concurrent warm-up "
          f"({3*a.clients} requests), {rss1:.0f} MB after the run: {100*(rss1/rss0 - 1):+.1f}% over the run (goal < 10%), "
          f"{100*(rss1/rss_seq - 1):+.1f}% in all; every 100 requests: {', '.join(f'{x:.0f}' for x in trace)} MB")
    print(f"\ndirect calls (issue 23): {direct['n']} concurrent POSTs of a 5,000-character text to /gradio_api/run/classify: "
          f"answers {direct['codes']}; threads {direct['threads'][0]} -> {direct['threads'][1]}, memory {direct['rss'][0]:.0f} -> "
          f"{direct['rss'][1]:.0f} MB ({100*(direct['rss'][1]/direct['rss'][0] - 1):+.1f}%); a short classify through the "
          f"queue meanwhile took {direct['short']*1000:.0f} ms")

if __name__ == '__main__': main()
