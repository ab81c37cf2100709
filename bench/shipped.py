"""The shipped default models against the first-start models they replace, side by side in one run (issue 26).

Every model is scored on the test part of its benchmark's split, which neither side trained on: the shipped models
were built by scripts/build_models.py on the train and valid parts, and the first-start models are trained here on
the same parts with `DEFAULT_MODELS`' recipes (what `awd serve --retrain` trains; a first start trains on the whole
corpus), at the `small` preset, with `--threads` threads.
Rows:
  headlines: test BPC; 500 samples at T 0.8 (max 60 pieces): share 4-15 words, share novel, and the real-vs-generated
             judge of bench/lm_quality.py against 500 test headlines (goal: at most 62%), with a markovify row (a word-pair
             chain on the same training texts; 57.5% on lm_quality's split) and the held-out real texts (the ceiling);
  names:     test BPC; 100 samples per origin at T 0.8: conditioning accuracy (the share bench/names.py's TF-IDF classifier
             assigns to the requested origin), its chance level, novelty;
  origin, sentiment, outlet: test accuracy and macro-F1, with TF-IDF + logistic regression on the same split (goals: the
             shipped origin model above TF-IDF's 0.692, sentiment above 0.775).
    python bench/shipped.py [--threads 2] [--first-start DIR]   # DIR keeps the first-start models between runs
    python bench/shipped.py --models headlines --candidate DIR  # a rebuilt model (DIR/headlines) against the shipped
                                                                # one, before it replaces it (no first-start training)
"""
import argparse, datetime, platform, random, sys, time
from pathlib import Path
import numpy as np, pandas as pd
import torch
REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO/'bench'), str(REPO/'scripts')]
from sklearn.metrics import accuracy_score, f1_score
from toolkit.all import (DEFAULT_MODELS, CORPORA, shipped_models, load_model, train_default, predict_texts, disk_mb)
from build_models import parts, test_figures
from lm_quality import sample_stats, lm_samples
import classify, names as names_bench
from pretrained import markov_samples
from _args import count, seed, some_of

ORDER = ['names', 'origin', 'sentiment', 'headlines', 'outlet'] # a classifier after its LM; the time-budgeted headlines
                                                                # model late, when other jobs have ended
def log(*a): print(*a, file=sys.stderr, flush=True)

def first_start(kind, d:Path, fit, models):
    "The first-start model `kind` trained on `fit` into `d` (kept: a later run reuses it), loaded"
    path = d/kind
    if not (path/'config.json').is_file():
        spec = DEFAULT_MODELS[kind]
        log(f"training the first-start {kind} model on {len(fit):,} texts")
        lm = models.get(spec.get('lm'))
        train_default(kind, path, fit, preset='small', lm=lm, show_progress=False)
    return load_model(path)

def headline_rows(m, fit, test, n, seed):
    real = test.text.tolist()
    rng = random.Random(0); pick = rng.sample(range(len(real)), min(len(real), 2*n))
    real_a, real_b = [real[i] for i in pick[:n]], [real[i] for i in pick[n:]]
    seen = set(fit.text.str.strip().str.lower())
    res = {}
    for side, learn in m.items():
        texts = lm_samples(learn, [None]*n, 0.8, 60, seed)
        res[side] = sample_stats(texts, real_a, seen, False)
        res[side]['first'] = ' / '.join(texts[:3])
    texts = markov_samples(fit.text.tolist(), n, seed)
    res['markovify'] = {**sample_stats(texts, real_a, seen, False), 'first': ' / '.join(texts[:3])}
    res['real'] = sample_stats(real_b, real_a, seen, False)
    return res

def names_rows(m, fit, test, n, seed):
    tr, va = fit[~fit.is_valid], fit[fit.is_valid]
    vec, lr, _ = names_bench.tfidf_lr(tr, va)
    seen = set(fit.name.str.lower())
    res = {}
    for side, learn in m.items():
        req, pred, novel = [], [], []
        for i, origin in enumerate(learn.awd.categories):
            s = [x for x in learn.generate(category=origin, n=n, temperature=0.8, seed=seed + i) if x.strip()] or ['?']
            req += [origin]*len(s); pred += list(lr.predict(vec.transform(s))); novel += [x.lower() not in seen for x in s]
        req, pred = np.array(req), np.array(pred)
        rng = np.random.default_rng(seed)
        chance = np.mean([np.mean(rng.permutation(req) == pred) for _ in range(20)])
        res[side] = dict(conditioning=np.mean(req == pred), chance=chance, novel=np.mean(novel))
    return res

def tfidf(kind, fit, test):
    spec = DEFAULT_MODELS[kind]
    text_col, label = CORPORA[spec['corpus']]['text_col'], spec['label_col']
    if kind == 'origin':
        vec, model, C = names_bench.tfidf_lr(fit[~fit.is_valid], fit[fit.is_valid])
        pred = model.predict(vec.transform(test.name))
    else:
        f = lambda d: d.rename(columns={label: 'y'})
        pred, C = classify.tfidf_lr(f(fit[~fit.is_valid]), f(fit[fit.is_valid]), f(test))
    y = test[label]
    return accuracy_score(y, pred), f1_score(y, pred, average='macro'), C

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--threads', type=count, default=2)
    p.add_argument('--first-start', default=str(REPO/'build'/'first-start'), help='where the first-start models are '
                   'trained and kept (default: build/first-start)')
    p.add_argument('--samples', type=count, default=500, help='headline samples per model (default 500)')
    p.add_argument('--name-samples', type=count, default=100, help='name samples per origin (default 100)')
    p.add_argument('--seed', type=seed, default=42)
    p.add_argument('--models', type=some_of(ORDER), default=','.join(ORDER), help=f"comma-separated, some of {', '.join(ORDER)} "
                   "(default: all)")
    p.add_argument('--candidate', help='compare the shipped models with the ones in this directory (e.g. scripts/'
                   'build_models.py --out DIR) instead of first-start models')
    a = p.parse_args()
    kinds = a.models
    if a.candidate and (gone := [k for k in kinds if not (Path(a.candidate)/k/'config.json').is_file()]): # (a traceback)
        p.error(f"--candidate {a.candidate}: no {', '.join(gone)} model there (scripts/build_models.py --out DIR makes them)")
    torch.set_num_threads(a.threads)
    shipped, d = shipped_models(), Path(a.first_start)
    missing = [k for k in DEFAULT_MODELS if k not in shipped]
    if missing: sys.exit(f"not shipped yet: {', '.join(missing)} (python scripts/build_models.py)")
    t0 = time.perf_counter()
    print(f"# bench/shipped.py, {datetime.date.today()}\n\n```\n{platform.node()} | {platform.machine()} | "
          f"{a.threads} threads | torch {torch.__version__}\n```")
    lms, rows = {}, []
    other = 'candidate' if a.candidate else 'first start'
    if a.candidate: d = Path(a.candidate)
    for kind in [k for k in ORDER if k in kinds]:
        spec = DEFAULT_MODELS[kind]
        df = parts(spec['corpus'])
        fit = df[df.part != 'test'].assign(is_valid=lambda x: x.part == 'valid').drop(columns='part')
        test = df[df.part == 'test']
        m = {'shipped': load_model(shipped[kind]),
             other: load_model(d/kind) if a.candidate else first_start(kind, d, fit, lms)}
        if 'label_col' not in spec: lms[kind] = m[other]
        cards = {s: l.awd.card for s, l in m.items()}
        fig = {s: test_figures(l, kind, test, spec) for s, l in m.items()}
        log(f"{kind}: {fig}")
        budget = {s: f"{c.get('train_minutes', 0):.1f} min, {c.get('threads', a.threads)} thread(s)" for s,c in cards.items()}
        size = {'shipped': f'{disk_mb(shipped[kind]):.1f} MB', other: f'{disk_mb(d/kind):.1f} MB'}
        if kind == 'headlines':
            g = headline_rows(m, fit, test, a.samples, a.seed)
            for s in m: rows.append([kind, s, budget[s], size[s], f"BPC {fig[s]['bpc']:.3f}",
                                     f"judge {g[s]['real_vs_gen']:.1%}, 4-15 words {g[s]['words']:.0%}, novel {g[s]['novel']:.0%}",
                                     g[s]['first']])
            rows.append([kind, 'markovify (state size 2)', '', '', '', f"judge {g['markovify']['real_vs_gen']:.1%}, "
                         f"4-15 words {g['markovify']['words']:.0%}, novel {g['markovify']['novel']:.0%}", g['markovify']['first']])
            rows.append([kind, 'held-out real headlines (the ceiling)', '', '', '', f"judge {g['real']['real_vs_gen']:.1%}", ''])
        elif kind == 'names':
            g = names_rows(m, fit, test, a.name_samples, a.seed)
            for s in m: rows.append([kind, s, budget[s], size[s], f"BPC {fig[s]['bpc']:.3f}",
                                     f"conditioning {g[s]['conditioning']:.0%} ({g[s]['conditioning']/g[s]['chance']:.1f}x "
                                     f"chance {g[s]['chance']:.1%}), novel {g[s]['novel']:.0%}", ''])
        else:
            for s in m: rows.append([kind, s, budget[s], size[s], f"accuracy {fig[s]['accuracy']:.3f}",
                                     f"macro-F1 {fig[s]['f1_score']:.3f}", ''])
            acc, f1, C = tfidf(kind, fit, test)
            rows.append([kind, f'TF-IDF + logistic regression (C={C})', '', '', f'accuracy {acc:.3f}', f'macro-F1 {f1:.3f}', ''])
        print(f"\n{kind}: {len(fit):,} training texts, {len(test):,} test texts", flush=True)
    print(f"\n| model | which | budget | size | test | more | first samples |\n|---|---|---|---|---|---|---|")
    for r in rows: print('| ' + ' | '.join(map(str, r)) + ' |')
    total = sum(disk_mb(p) for p in shipped.values())
    print(f"\nthe package's models ({', '.join(shipped)}): {total:.1f} MB; this run took {(time.perf_counter()-t0)/60:.1f} min")

if __name__ == '__main__': main()
