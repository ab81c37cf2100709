"""Fine-tuning recipes for the pretrained model on a small data set, side by side in one run (issue 25, row (b)).

Row (b)'s data (bench/pretrained.py): 2,000 headlines of lm_quality's training split (`sample(random_state=0)`), held-out
BPC on 2,000 headlines of its held-out split not in the sample. Each variant builds `lm_dls` and `lm_learner` as
`train_lm` does and fits one cycle to `--minutes` with `TimeBudget`; its changes are keyword arguments:
    pre=True|False     from the pretrained model or from scratch
    drop_mult=X        dropout multiplier (default: what `lm_learner` picks)
    lr=X               peak learning rate (default 5e-3)
    best=True          keep the best epoch (`KeepBest`, as a `train_lm` time budget does)
    freeze=N           N epochs with the body frozen first (ULMFiT's first step)

    python bench/finetune.py "pre=False" "pre=True,drop_mult=0.1" "pre=True,drop_mult=0.3,best=True" [--minutes 3]
"""
import argparse, sys, time
from pathlib import Path
import pandas as pd
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from lm_quality import valid_bpc, fastai_step
from pretrained import lm_frame, FULL
from toolkit.all import lm_dls, lm_learner, get_tokenizer, set_seed
from toolkit.lm import TimeBudget, KeepBest, quiet

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
    p.add_argument('--minutes', type=float, default=3.)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    user, ev = data()
    print(f"| variant | epochs | own valid BPC | held-out BPC |\n|---|---|---|---|")
    for v in a.variants:
        r = run(user, ev, a.minutes, **eval(f'dict({v})'))
        print(f"| {v} | {r['epochs']:.1f} | {r['own']:.3f} | {r['held']:.3f} |", flush=True)

if __name__ == '__main__': main()
