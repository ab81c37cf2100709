"""The app on this machine: start-up time with cached models, and p50/p95 latency of "10 headlines" and "10 names".

Starts `awd serve --no-train` on a free port as a user would (a new process), waits until the page answers, then
sends `--requests` requests of each kind, one at a time, through gradio_client: the models of `--models-dir` (a
directory with headlines/ and names/), by default the shipped ones. Goals (issue 6): start-up under 15 s, p95 under 1 s.
    python bench/app_latency.py [--models-dir DIR] [--requests 50]
"""
import argparse, os, platform, socket, statistics, subprocess, sys, time, urllib.request
from pathlib import Path
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False') # this process's gradio_client too: it reports each Client

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def pct(xs, q): return sorted(xs)[min(len(xs)-1, int(round(q*(len(xs)-1))))]

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--models-dir', default=None, help='a directory with headlines/ and names/ (default: the shipped models)')
    p.add_argument('--requests', type=int, default=50)
    a = p.parse_args()
    if a.models_dir is None: # the shipped models (`make app` no longer caches them in models/)
        from toolkit.export import shipped_models
        a.models_dir = str(shipped_models()['headlines'].parent)
    if a.requests < 1: p.error('--requests must be 1 or more')
    for k in ('headlines', 'names'):
        if not (Path(a.models_dir)/k/'config.json').exists(): sys.exit(f"{a.models_dir}/{k} is missing: --models-dir takes a directory with headlines/ and names/ models (`scripts/build_models.py --out DIR` makes one)")
    port, url = free_port(), None
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).parent/'awd'), 'serve', '--no-train', '--models-dir', a.models_dir,
                             '--port', str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, 'GRADIO_ANALYTICS_ENABLED': 'False'})
    try:
        url = f'http://127.0.0.1:{port}/'
        while True:
            try: urllib.request.urlopen(url, timeout=1); break
            except OSError:
                if proc.poll() is not None: sys.exit('the server exited during start-up')
                time.sleep(0.1)
        startup = time.perf_counter() - t0
        from gradio_client import Client
        c = Client(url, verbose=False)
        calls = {'10 headlines': lambda i: c.predict('', 10, 0.8, 0.9, 4, 15, i, api_name='/headlines'),
                 '10 names': lambda i: c.predict('', 10, 0.8, i, 'Russian', api_name='/names')}
        rows = []
        for name, f in calls.items():
            f(0)
            lat = []
            for i in range(a.requests):
                t = time.perf_counter(); out = f(i); lat.append(time.perf_counter() - t)
                out = out[0] if isinstance(out, (tuple, list)) else out # /names also returns the origin table
                assert len(out.splitlines()) == 10, out
            rows.append((name, statistics.median(lat), pct(lat, 0.95), max(lat)))
    finally:
        proc.terminate(); proc.wait(10)
    print(f"\n{platform.node()} | {platform.machine()} | {os.cpu_count()} cores | models from {a.models_dir} | "
          f"{a.requests} requests of each kind, one at a time\n")
    print(f"start-up with cached models (process start to the page answering): {startup:.1f} s\n")
    print('| request | p50 | p95 | max |\n|---|---|---|---|')
    for name, p50, p95, mx in rows: print(f'| {name} | {p50*1000:.0f} ms | {p95*1000:.0f} ms | {mx*1000:.0f} ms |')

if __name__ == '__main__': main()
