"""A small request amid big ones: how long ten headlines wait when thirty requests of a hundred fill the batcher.

The batcher steps at most `max_rows` (512) rows together. It used to admit waiting requests strictly in order, so ten
headlines submitted after thirty requests of a hundred waited for all of them (helper 28 measured 10.6 s through the
app, 0.18 s alone). Now a request that fits may pass one that does not yet, for `PASS_FOR` seconds (then order holds,
so a big request is not starved). Side by side in one run, in this process (no web server), the shipped headlines model,
one thread: PASS_FOR as shipped against 0 (strict order, as before).
    python bench/batch_fairness.py [--big 30] [--n 100] [--runs 3]
"""
import argparse, inspect, platform, statistics, time
import torch
import toolkit.batch as B
from toolkit.export import load_model
from toolkit.core import MAX_N
from _args import count, whole

def one(lm, pass_for:float, big:int, n:int, seed:int)->tuple[float, float]:
    "Seconds the small request took, and seconds until the big ones were all done (from the small one's submission)"
    B.PASS_FOR = pass_for
    b = B.Batcher(lm)
    try:
        kw = dict(temperature=1.0, min_words=4, max_words=15, max_tokens=80, novel=True, distinct=True)
        jobs = [b.submit(n=n, seed=seed*1000 + i, **kw) for i in range(big)]
        time.sleep(0.5) # the batch is full and the rest wait
        t = time.monotonic()
        b.submit(prompt='New study', n=10, **{**kw, 'temperature': 0.8}, top_p=0.9, seed=seed).result()
        small = time.monotonic() - t
        for j in jobs: j.result()
        return small, time.monotonic() - t
    finally: b.close()

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    most = inspect.signature(B.Batcher).parameters['max_waiting'].default - 1 # and the small one: more would be `Busy`
    p.add_argument('--big', type=whole(1, most), default=30, help=f'big requests submitted first (1 to {most})')
    p.add_argument('--n', type=whole(1, MAX_N), default=100, help=f'headlines each big request asks for (1 to {MAX_N:,})')
    p.add_argument('--runs', type=count, default=3, help='runs of each setting (medians reported)')
    a = p.parse_args()
    torch.set_num_threads(1)
    lm, shipped = load_model('headlines'), B.PASS_FOR
    alone = []
    for s in range(a.runs):
        b = B.Batcher(lm)
        t = time.monotonic()
        b.submit(prompt='New study', n=10, temperature=0.8, top_p=0.9, min_words=4, max_words=15, max_tokens=80,
                 novel=True, distinct=True, seed=s).result()
        alone.append(time.monotonic() - t); b.close()
    rows = {pf: [one(lm, pf, a.big, a.n, s) for s in range(a.runs)] for pf in (shipped, 0.0)}
    med = lambda xs: statistics.median(xs)
    print(f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} thread; ten headlines alone: "
          f"{med(alone):.2f} s (median of {a.runs})")
    print(f"| admission | ten headlines amid {a.big} x {a.n} | all {a.big} done after | ten headlines vs strict order |")
    print("|---|---|---|---|")
    strict = med([r[0] for r in rows[0.0]])
    for pf, rs in rows.items():
        name = f"a smaller request may pass for {pf:g} s (shipped)" if pf else "strict order (before)"
        print(f"| {name} | {med([r[0] for r in rs]):.2f} s | {med([r[1] for r in rs]):.1f} s | "
              f"{med([r[0] for r in rs])/strict:.2f}x |")

if __name__ == '__main__': main()
