"""Issue 25's row (e) over seeds and recipe changes: what lifts `train_classifier(pretrained=True)` on 3,000 labelled texts?

Row (e) of `bench/pretrained.py` (3,000 review snippets, a seeded sample of (c)'s training split, split 90/10 by
movie as train_classifier does by default, scored on (c)'s 1,303 test texts), run once per seed and recipe change,
each run in its own process with one torch thread, `--jobs` at a time. A recipe change is JSON: arguments of
`train_classifier` (`{"lm_epochs": 8}`, `{"stages": 3}`), or `clf_drop_mult` / `pretrained_drop_mult` (the `small`
preset's classifier and fine-tuning dropout), or `pretrained_dir`: a candidate pretrained model's directory (as
`scripts/pretrain.py --out` writes it) read instead of the shipped one, to compare pretrained models. Prints one line per run as it ends, then the mean (sd) of validation
accuracy and of test accuracy and macro-F1 per recipe, beside TF-IDF + logistic regression on the same 2,700 texts
(deterministic). Choose on the validation column: the test columns are what the issue reads.
    python bench/small_labelled.py --seeds 0,1,2,3 --jobs 2 '{}' '{"lm_epochs": 8}' '{"stages": 3}' '{"clf_drop_mult": 0.5}'
    python bench/small_labelled.py --seeds 0,1 --jobs 1 '{}' '{"pretrained_dir": "build/english-candidate"}'
    python bench/small_labelled.py --quick          # 400 texts, one epoch each, two recipes: a smoke test
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE)) # the sibling benches (classify.py's split and scores)
PRESET_KEYS = ('clf_drop_mult', 'pretrained_drop_mult')
from _args import count, whole_list
from toolkit.core import MAX_SEED

def data(n_texts:int, max_rows:int|None):
    "(e)'s labelled texts (with `is_valid`) and (c)'s test texts"
    from classify import split
    from toolkit.all import split_df
    df = split('reviews', max_rows, 0)
    tr, te = df[df.part == 'train'], df[df.part == 'test']
    small = split_df(tr.sample(min(n_texts, len(tr)), random_state=0), valid_pct=0.1, seed=42, group_col='movie')
    return small, te

def worker(seed:int, recipe:str, n_texts:int, max_rows:int|None, quick:bool=False):
    "One run: prints a JSON line of validation and test scores (`quick`: one epoch of each stage)"
    import torch
    torch.set_num_threads(1)
    from classify import scores
    from toolkit.all import train_classifier, predict_texts, PRESETS
    kw = {**(dict(epochs=1, lm_epochs=1) if quick else {}), **json.loads(recipe)}
    PRESETS['small'].update({k: kw.pop(k) for k in PRESET_KEYS if k in kw})
    if 'pretrained_dir' in kw: # a candidate pretrained model, where the package's would be
        import toolkit.lm
        cand = Path(kw.pop('pretrained_dir')).resolve()
        toolkit.lm.pretrained_dir = lambda name='english': cand
    small, te = data(n_texts, max_rows)
    t = time.time()
    learn = train_classifier(small, 'text', 'y', show_progress=False, pretrained=True, seed=seed, **kw)
    secs = time.time() - t
    va = small[small.is_valid]
    got = {k: scores(d.y, predict_texts(learn, d.text.tolist()).label.tolist()) for k, d in (('valid', va), ('test', te))}
    print(json.dumps(dict(seed=seed, recipe=recipe, minutes=round(secs/60, 2), **got)), flush=True)

def run(seed:int, recipe:str, a)->dict:
    cmd = [sys.executable, __file__, '--worker', str(seed), recipe, '--texts', str(a.texts)]
    if a.max_rows: cmd += ['--max-rows', str(a.max_rows)]
    if a.quick: cmd += ['--quick']
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode: sys.exit(f'run seed {seed} {recipe} failed:\n{out.stderr[-2000:]}')
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  seed {seed} {recipe}: valid acc {res['valid'][0]:.3f}, test acc {res['test'][0]:.3f}, "
          f"macro-F1 {res['test'][1]:.3f}, {res['minutes']:.1f} min", file=sys.stderr, flush=True)
    return res

def ms(xs): return f"{statistics.mean(xs):.3f} ({statistics.stdev(xs):.3f})" if len(xs) > 1 else f"{xs[0]:.3f}"

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('recipes', nargs='*', default=['{}'], help="recipe changes, JSON each (default: '{}', the defaults)")
    p.add_argument('--seeds', type=whole_list(0, MAX_SEED), default='0,1,2,3', help='comma-separated training seeds (the '
                   'split stays fixed)')
    p.add_argument('--jobs', type=count, default=2, help='runs at a time, one thread each')
    p.add_argument('--texts', type=count, default=3000, help="labelled texts sampled from (c)'s training split")
    p.add_argument('--max-rows', type=count, help='sample the corpus first (--quick: 1,500)')
    p.add_argument('--quick', action='store_true', help='400 texts, one epoch of each stage, seeds 0,1: a smoke test')
    p.add_argument('--worker', nargs=2, metavar=('SEED', 'RECIPE'), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.quick: a.texts, a.max_rows = 400, a.max_rows or 1500
    if a.worker:
        return worker(int(a.worker[0]), a.worker[1], a.texts, a.max_rows, a.quick)
    seeds = a.seeds if not a.quick else [0, 1]
    if not seeds: p.error("--seeds: give one seed at least")
    try: recipes = [json.dumps(json.loads(r)) for r in (a.recipes if not a.quick else ['{}', '{"stages": 3}'])]
    except ValueError as e: p.error(f"a recipe must be a JSON object such as '{{\"stages\": 3}}': {e}")
    import torch, fastai
    print(f"{datetime.date.today()} | {platform.node()} | {os.cpu_count()} CPUs | {a.jobs} runs at a time, one torch "
          f"thread each | torch {torch.__version__} | fastai {fastai.__version__}\n")
    from classify import tfidf_lr, scores
    small, te = data(a.texts, a.max_rows)
    tr, va = small[~small.is_valid], small[small.is_valid]
    pred, C = tfidf_lr(tr, va, te)
    base = scores(te.y, pred)
    t0 = time.time()
    with ThreadPoolExecutor(a.jobs) as ex: # each run is its own process; threads only wait for them
        res = list(ex.map(lambda sr: run(*sr, a), [(s, r) for r in recipes for s in seeds]))
    print(f"(e) {len(tr):,} train / {len(va):,} valid review snippets, {len(te):,} test; seeds {','.join(map(str, seeds))}; "
          f"{(time.time() - t0)/60:.1f} min in all\n")
    print('| recipe change | runs | valid accuracy | test accuracy | test macro-F1 | minutes per run |')
    print('|---|---|---|---|---|---|')
    for r in recipes:
        got = [x for x in res if x['recipe'] == r]
        print(f"| {'(the defaults)' if r == '{}' else f'`{r}`'} | {len(got)} | {ms([x['valid'][0] for x in got])} | "
              f"{ms([x['test'][0] for x in got])} | {ms([x['test'][1] for x in got])} | "
              f"{statistics.mean(x['minutes'] for x in got):.1f} |")
    print(f"| TF-IDF + LR (C={C}, chosen on valid) | 1 | | {base[0]:.3f} | {base[1]:.3f} | |")

if __name__ == '__main__': main()
