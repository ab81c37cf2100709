"""Loading batches: the toolkit's loaders vs fastai's defaults, side by side in one run, on this machine's threads.

1. Language models: fastai's `LMDataLoader` vs the toolkit's `StreamLMDataLoader`. Both read the same tokenized
   texts with the same shuffle (the batches are checked equal on every row): seconds to make the loader and load
   one epoch (the stream loader numericalises every text when it is made, fastai's as each batch needs them), and
   seconds to make it and train a fresh model one epoch with it.
2. Classifiers: fastai's `SortedDL` vs the toolkit's `KeptSortedDL` (each text numericalised once and kept), the same
   batches (checked): seconds to make the loader and load two epochs, and to train a fresh model two epochs.
3. Classifiers: batches made by fastai's default worker processes (`num_workers` = the machine's cores) vs in the
   training process (`num_workers=0`, the toolkit's default): seconds for one training epoch (and its validation)
   of a fresh model. (The tagger's loader, a plain fastai `DataLoader`, never started workers: no row.)
4. Classifiers: fastai's `Pad_Chunk` (with `PadChunks`'s whole chunks) vs `PadChunks`, which makes a batch in one
   tensor: the same batches (checked), seconds of padding alone over two epochs, and two training epochs.

Run with the machine otherwise idle:
    python bench/data_loading.py [--rows 4000] [--only lm,kept,workers,pad]
"""
import argparse, platform, random, time
import torch
from fastai.data.core import DataLoaders
from fastai.text.all import LMDataLoader, SortedDL
import numpy as np
from fastai.torch_core import defaults
from fastai.text.data import Pad_Chunk
from toolkit.all import (load_corpus, lm_dls, lm_learner, StreamLMDataLoader, quiet, classifier_dls, classifier_learner,
                         KeptSortedDL, PadChunks)
from _args import some_of, whole

TABLES = ('lm', 'kept', 'workers', 'pad')
MIN_ROWS = 500 # the names table of `lm_rows`: 64 x 64 + 1 training characters (with a 10% held out) need about 440 names

def epoch_secs(make, seed=0):
    "Seconds to make a loader (`make()`) and load one shuffled epoch of its batches, and the batches"
    random.seed(seed)
    t = time.perf_counter(); bs = list(make())
    return time.perf_counter() - t, bs

def fit_secs(learn, epochs:int=1)->float:
    "Seconds for `epochs` of training (and validation) of `learn`"
    with quiet(learn):
        t = time.perf_counter(); learn.fit(epochs, 1e-3)
    return time.perf_counter() - t

def lm_rows(rows:int):
    print('| corpus | bs x seq_len | train tokens | making + loading an epoch: fastai | ours | speed-up | making + tiny '
          'epoch: fastai | ours | speed-up | making + small epoch: fastai | ours | speed-up |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for corpus, col, tok, bs, seq_len in (('headlines', 'text', 'subword', 16, 32), ('headlines', 'text', 'subword', 64, 64),
                                          ('names', 'name', 'char', 64, 64)):
        df = load_corpus(corpus)
        if rows: df = df.sample(min(rows, len(df)), random_state=0)
        dls = lm_dls(df, col, tokenizer=tok, vocab_sz=1000 if tok == 'subword' else None, bs=bs, seq_len=seq_len)
        kw = dict(bs=bs, seq_len=seq_len, shuffle=True, drop_last=True) # as `lm_dls` makes its training loader
        (t0, b0), (t1, b1) = (epoch_secs(lambda: cls(dls.train.dataset, **kw)) for cls in (LMDataLoader, StreamLMDataLoader))
        def fit_made(cls, preset):
            "Seconds to make the loader and train one epoch with it"
            t = time.perf_counter(); d = cls(dls.train.dataset, **kw); made = time.perf_counter() - t
            return made + fit_secs(lm_learner(DataLoaders(d, dls.valid), preset))
        assert len(b0) == len(b1) and all((x0 == x1).all() and (y0 == y1).all() for (x0, y0), (x1, y1) in zip(b0, b1))
        fits = [[fit_made(cls, p) for cls in (LMDataLoader, StreamLMDataLoader)] for p in ('tiny', 'small')]
        print(f"| {corpus} ({tok}) | {bs} x {seq_len} | {len(b0)*bs*seq_len:,} | {t0:.2f} s | {t1:.2f} s | {t0/t1:.1f}x | "
              + ' | '.join(f'{f0:.1f} s | {f1:.1f} s | {f0/f1:.2f}x' for f0, f1 in fits) + ' |')

def review_tables(rows:int, first:str):
    "A classifier table's header (`first`: its first two columns) and, for `bs` 16 then 64, the reviews and their DataLoaders"
    print(f'\n| task | rows | bs | {first} | speed-up | tiny, 2 epochs: fastai | ours | speed-up | small, 2 epochs: fastai | '
          'ours | speed-up |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    reviews = load_corpus('reviews').sample(min(rows or 12752, 12752), random_state=0)
    for bs in (16, 64): yield reviews, bs, classifier_dls(reviews, vocab_sz=4000, bs=bs)

def review_row(reviews, bs:int, t0:float, t1:float, fits:list):
    "A classifier table's row: the first measure, fastai's and ours (`t0`, `t1`), then the training times `fits`"
    print(f"| classifier (reviews) | {len(reviews):,} | {bs} | {t0:.2f} s | {t1:.2f} s | {t0/t1:.1f}x | "
          + ' | '.join(f'{f0:.1f} s | {f1:.1f} s | {f0/f1:.2f}x' for f0, f1 in fits) + ' |')

def kept_rows(rows:int):
    for reviews, bs, dls in review_tables(rows, 'making + loading 2 epochs: fastai SortedDL | ours: KeptSortedDL'):
        kw = dict(bs=bs, shuffle=True, drop_last=True, before_batch=PadChunks(seq_len=72), num_workers=0) # as classifier_dls
        dl = lambda cls: cls(dls.train.dataset, **kw)
        def load(cls):
            np.random.seed(0)
            t = time.perf_counter(); d = dl(cls); b = [x for _ in range(2) for x in d]
            return time.perf_counter() - t, b
        (t0, b0), (t1, b1) = load(SortedDL), load(KeptSortedDL)
        assert len(b0) == len(b1) and all((x0 == x1).all() and (y0 == y1).all() for (x0, y0), (x1, y1) in zip(b0, b1))
        fits = [[fit_secs(classifier_learner(DataLoaders(dl(cls), dls.valid), preset=p), 2) for cls in (SortedDL, KeptSortedDL)]
                for p in ('tiny', 'small')]
        review_row(reviews, bs, t0, t1, fits)

def worker_rows(rows:int):
    cpus = defaults.cpus
    print(f'\n| task | rows | preset | epoch, fastai default ({cpus} workers) | num_workers=0 | speed-up |')
    print('|---|---|---|---|---|---|')
    reviews = load_corpus('reviews').sample(min(rows, 12752), random_state=0)
    for preset in ('tiny', 'small'):
        bs = 16 if preset == 'tiny' else 64
        mk = lambda nw: classifier_learner(
            classifier_dls(reviews, vocab_sz=300 if preset == 'tiny' else 4000, bs=bs, num_workers=nw), preset=preset)
        secs = [fit_secs(mk(nw)) for nw in (cpus, 0)]
        print(f'| classifier (reviews) | {rows:,} | {preset} | {secs[0]:.1f} s | {secs[1]:.1f} s | {secs[0]/secs[1]:.2f}x |')

class FastaiPad(PadChunks):
    "`PadChunks`'s whole chunks, padded as fastai's `Pad_Chunk` pads: three tensor operations a text"
    __call__ = Pad_Chunk.__call__

def timed(pad:type)->type:
    "`pad`'s class, timed: its instances keep their seconds in all and what they returned"
    class Timed(pad):
        def __call__(self, b, **kwargs):
            t = time.perf_counter(); res = super().__call__(b, **kwargs); self.secs += time.perf_counter() - t
            self.out.append(res); return res
    Timed.secs, Timed.out = 0., []
    return Timed

def pad_rows(rows:int):
    for reviews, bs, dls in review_tables(rows, 'padding, 2 epochs: fastai Pad_Chunk | ours: PadChunks'):
        dl = lambda pad: KeptSortedDL(dls.train.dataset, bs=bs, shuffle=True, drop_last=True, before_batch=pad(seq_len=72),
                                      num_workers=0) # as classifier_dls
        def padding(pad):
            "Seconds of `pad` alone over two epochs of batches, and its padded batches"
            d = dl(timed(pad))
            np.random.seed(0)
            for _ in range(2):
                for _ in d: pass
            return d.before_batch.fs[0].secs, d.before_batch.fs[0].out
        (t0, b0), (t1, b1) = padding(FastaiPad), padding(PadChunks)
        assert len(b0) == len(b1) and all(all((x0 == x1).all() and type(x0) is type(x1) and y0 == y1
                                              for (x0, y0), (x1, y1) in zip(s0, s1)) for s0, s1 in zip(b0, b1))
        fits = [[fit_secs(classifier_learner(DataLoaders(dl(pad), dls.valid), preset=p), 2) for pad in (FastaiPad, PadChunks)]
                for p in ('tiny', 'small')]
        review_row(reviews, bs, t0, t1, fits)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--rows', type=whole(MIN_ROWS, also=(0,)), default=4000, help='texts (or sentences) sampled from each '
                   f'corpus, at least {MIN_ROWS} (fewer names cannot fill a language-model batch of 64 x 64 characters; '
                   '0: all, for the LM rows)')
    p.add_argument('--only', type=some_of(TABLES), default=','.join(TABLES), help='which tables, comma-separated, of '
                   f"{', '.join(TABLES)}")
    a = p.parse_args()
    torch.manual_seed(0)
    print(f"\n{platform.node()} | {platform.processor() or platform.machine()} | {torch.get_num_threads()} threads | "
          f"torch {torch.__version__} | {a.rows or 'all'} rows of each corpus, one epoch per figure\n")
    only = a.only
    if 'lm' in only: lm_rows(a.rows)
    if 'kept' in only: kept_rows(a.rows)
    if 'workers' in only: worker_rows(a.rows or 4000)
    if 'pad' in only: pad_rows(a.rows)

if __name__ == '__main__': main()
