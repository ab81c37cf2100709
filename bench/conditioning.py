"""Style by label (issue 29): a headlines model conditioned on the outlet against an unconditioned one, side by side.

Both start from the pretrained English model and train for the same minutes on the train and valid parts of
bench/classify.py's split (80/10/10 by row, seed 0) of the bundled headlines; the test part is held out.
 (a) held-out bits per character: the conditioned model reading each test headline under its own outlet, against
     the unconditioned model (what conditioning costs, or gains);
 (b) conditioning accuracy: `--per-outlet` samples for each outlet (T 0.8, top-p 0.9, 4 to 15 words), judged by the
     shipped outlet classifier (trained on the same train and valid parts): the share it assigns to the outlet asked
     for. Chance is 1/16; the unconditioned model's samples, each given an outlet at random, show the judge's own
     chance level. Goal: at least 3x chance.
    python bench/conditioning.py [--minutes 8] [--per-outlet 30] [--threads 1]
"""
import argparse, math, os, platform, random, sys, time
from pathlib import Path
import pandas as pd
REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO/'bench')]

def bpc(learn, texts, cats=None):
    "Bits per character over `texts` (each read under its category), the end of each text counted as a character"
    if cats is None: scores = learn.score(list(texts))
    else:
        scores = []
        for c in sorted(set(cats)):
            scores += learn.score([t for t, k in zip(texts, cats) if k == c], category=c)
    return -sum(s.logprob for s in scores)/math.log(2)/sum(len(s.text) + 1 for s in scores)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    from _args import count, minutes
    p.add_argument('--minutes', type=minutes, default=8, help='training minutes of each model (default: %(default)s)')
    p.add_argument('--per-outlet', type=count, default=30, help='samples per outlet (default: %(default)s)')
    p.add_argument('--threads', type=count, default=1, help='torch threads (default: %(default)s)')
    a = p.parse_args()
    os.environ.setdefault('OMP_NUM_THREADS', str(a.threads))
    import torch
    torch.set_num_threads(a.threads)
    from toolkit.all import train_lm, load_model, predict_texts
    from classify import split
    df = split('headlines', seed=0).rename(columns={'y': 'source'})
    fit = df[df.part != 'test'].assign(is_valid=lambda d: d.part == 'valid').drop(columns='part')
    test = df[df.part == 'test']
    judge = load_model('outlet')
    outlets = sorted(fit.source.unique())
    print(f"\n{platform.node()} | {a.threads} thread(s) | torch {torch.__version__} | headlines: {len(fit):,} to train on "
          f"(valid included), {len(test):,} held out; {len(outlets)} outlets; {a.minutes:g} minutes each\n", flush=True)
    rows, rnd = {}, random.Random(0)
    gen = dict(n=a.per_outlet, temperature=0.8, top_p=0.9, min_words=4, max_words=15, max_tokens=80)
    for name, cat in (('unconditioned', None), ('conditioned on the outlet', 'source')):
        t0 = time.time()
        learn = train_lm(fit, 'text', preset='small', minutes=a.minutes, category_col=cat, show_progress=False, seed=0)
        took = (time.time() - t0)/60
        b = bpc(learn, test.text.tolist(), test.source.tolist() if cat else None)
        if cat:
            samples = [(o, s) for i, o in enumerate(outlets) for s in learn.generate(category=o, seed=i, **gen)]
        else:
            texts = learn.generate(seed=0, **{**gen, 'n': a.per_outlet*len(outlets)})
            samples = [(rnd.choice(outlets), s) for s in texts] # an outlet at random: the judge's chance level
        said = predict_texts(judge, [s for _, s in samples]).label.tolist()
        hit = sum(o == j for (o, _), j in zip(samples, said))/len(samples)
        rows[name] = (took, b, hit)
        print(f"{name}: {took:.1f} min, test BPC {b:.3f}, judged the outlet asked for {hit:.1%}", flush=True)
        if cat: print('  e.g. ' + '; '.join(f'{o}: {s!r}' for o, s in samples[::a.per_outlet][:4]), flush=True)
    chance = 1/len(outlets)
    print(f"\n| model | minutes | test BPC | judged the outlet asked for | x chance (1/{len(outlets)}) |\n|---|---|---|---|---|")
    for name, (took, b, hit) in rows.items():
        print(f"| {name} | {took:.1f} | {b:.3f} | {hit:.1%} | {hit/chance:.1f}x |")
    (u, c) = rows.values()
    print(f"\nconditioning costs {c[1] - u[1]:+.3f} BPC ({c[1]/u[1]:.3f}x) and lifts the judge's agreement "
          f"{c[2]/max(u[2], 1e-9):.1f}x over the unconditioned model's")

if __name__ == '__main__': main()
