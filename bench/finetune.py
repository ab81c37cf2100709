"""Fine-tuning recipes for the pretrained model on a small data set, side by side in one run (issue 25, row (b)).

Row (b)'s data (bench/pretrained.py): 2,000 headlines of lm_quality's training split (`sample(random_state=0)`), held-out
BPC on 2,000 headlines of its held-out split not in the sample. Each variant builds `lm_dls` and `lm_learner` as
`train_lm` does and fits one cycle to `--minutes` with `TimeBudget`; its changes are keyword arguments:
    pre=True|False     from the pretrained model or from scratch
    drop_mult=X        dropout multiplier (default: what `lm_learner` picks)
    lr=X               peak learning rate (default 5e-3)
    best=True          keep the best epoch (`KeepBest`, as a `train_lm` time budget does)
    freeze=N           N epochs with the body frozen first (ULMFiT's first step)
    seed=N             the seed (default 42)

    python bench/finetune.py "pre=False" "pre=True,drop_mult=0.1" "pre=True,drop_mult=0.3,best=True" [--minutes 3]
"""
import argparse, ast, sys, time
from pathlib import Path
import pandas as pd
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from lm_quality import valid_bpc, fastai_step
from pretrained import lm_frame, FULL
from toolkit.all import lm_dls, lm_learner, get_tokenizer, set_seed
from toolkit.lm import TimeBudget, KeepBest, quiet
from toolkit.core import MAX_EPOCHS, MAX_SEED
from _args import count, minutes

def _is_num(x): return isinstance(x, (int, float)) and not isinstance(x, bool)
VARIANT_KEYS = { # what a variant may set (`run`'s keyword arguments): a check of the value, and what it takes
    'pre': (lambda x: isinstance(x, bool), 'True or False'),
    'drop_mult': (lambda x: x is None or _is_num(x) and x >= 0, 'a number >= 0, or None'),
    'lr': (lambda x: _is_num(x) and x > 0, 'a number > 0'),
    'best': (lambda x: isinstance(x, bool), 'True or False'),
    'freeze': (lambda x: isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= MAX_EPOCHS, 'a whole number >= 0'),
    'seed': (lambda x: isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= MAX_SEED, f'a whole number from 0 to {MAX_SEED}'),
}

def parse_variant(v:str)->dict:
    "A variant ('pre=True,drop_mult=0.3') as `run`'s keyword arguments, else a `ValueError` saying what it takes"
    keys = ', '.join(VARIANT_KEYS)
    try:
        call = ast.parse(f'dict({v})', mode='eval').body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == 'dict' and not call.args
                and all(k.arg for k in call.keywords)): raise ValueError
        kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        if len(kw) < len(call.keywords): raise ValueError
    except (SyntaxError, ValueError, TypeError):
        raise ValueError(f"variant {v!r}: give key=value pairs (plain values: True, 0.3, None), comma-separated, each key "
                         f"once, of {keys}") from None
    if bad := [k for k in kw if k not in VARIANT_KEYS]:
        raise ValueError(f"variant {v!r}: unknown {', '.join(bad)}: the keys are {keys}")
    for k, x in kw.items():
        if not VARIANT_KEYS[k][0](x): raise ValueError(f"variant {v!r}: {k} must be {VARIANT_KEYS[k][1]}, got {x!r}")
    return kw

def data(seed=42):
    df, _, _ = lm_frame(dict(FULL), seed)
    user = df[~df.is_valid].sample(2000, random_state=0)[['text']].reset_index(drop=True)
    seen = set(user.text.str.strip().str.lower())
    held = df[df.is_valid & ~df.text.str.strip().str.lower().isin(seen)].sample(2000, random_state=0).text.tolist()
    ev = pd.DataFrame({'text': user.text.tolist() + held, 'is_valid': [False]*len(user) + [True]*len(held)})
    return user, ev

def run(user, ev, minutes, pre=True, lr=5e-3, drop_mult=None, freeze=0, best=False, seed=42):
    set_seed(seed)
    t = time.perf_counter()
    dls = lm_dls(user, 'text', tokenizer='pretrained' if pre else 'subword', vocab_sz=None if pre else 4000, bs=64,
                 seq_len=64, seed=seed)
    learn = lm_learner(dls, 'small', drop_mult=drop_mult, pretrained=pre)
    keep = KeepBest() if best else None
    with quiet(learn):
        if freeze:
            learn.freeze(); learn.fit_one_cycle(freeze, lr*2); learn.unfreeze()
        left = minutes - (time.perf_counter() - t)/60
        learn.fit_one_cycle(10_000, lr, cbs=[TimeBudget(left)] + ([keep] if keep else []))
        if keep: keep.restore(learn)
    wall = time.perf_counter() - t
    held = lm_dls(ev, 'text', tokenizer=get_tokenizer(learn), vocab=list(learn.dls.vocab), bs=64, seq_len=64)
    return dict(epochs=learn.n_epoch, wall=wall, own=valid_bpc(learn.dls, fastai_step(learn.model)),
                held=valid_bpc(held, fastai_step(learn.model)))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('variants', nargs='*', default=['pre=False', 'pre=True'],
                   help='e.g. "pre=True,drop_mult=0.3,best=True" (default: from scratch, then from the pretrained model)')
    p.add_argument('--minutes', type=minutes, default=3.)
    p.add_argument('--threads', type=count, default=1)
    a = p.parse_args()
    try: variants = {v: parse_variant(v) for v in a.variants} # (an unknown key was run's TypeError after the data)
    except ValueError as e: p.error(str(e))
    torch.set_num_threads(a.threads)
    user, ev = data()
    print(f"| variant | epochs | own valid BPC | held-out BPC |\n|---|---|---|---|")
    for v, kw in variants.items():
        r = run(user, ev, a.minutes, **kw)
        print(f"| {v} | {r['epochs']:.1f} | {r['own']:.3f} | {r['held']:.3f} |", flush=True)

if __name__ == '__main__': main()
