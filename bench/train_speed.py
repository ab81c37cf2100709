"""Training speed and export size of the presets vs fastai's default AWD-LSTM, side by side in one run.

Same data (headlines, the same SentencePiece vocabulary), same batch size and sequence length for every row;
each model trains `--batches` batches after `--warmup` untimed ones. Run with the machine otherwise idle:
    python bench/train_speed.py [--batches 40] [--bs 64] [--seq-len 64]
"""
import argparse, os, platform, tempfile, time
from pathlib import Path
import torch
from fastai.text.all import language_model_learner, AWD_LSTM
from toolkit.all import load_corpus, lm_dls, lm_learner, PRESETS
from toolkit.tokenize import MIN_VOCAB_SZ
from _args import whole

def time_batches(learn, warmup, batches):
    "Seconds to train `batches` batches (after `warmup` untimed ones) with the learner's own loop"
    it = iter(learn.dls.train)
    learn.model.train(); learn.create_opt()
    def step():
        xb, yb = next(it)
        learn.opt.zero_grad()
        out = learn.model(xb)[0]
        loss = learn.loss_func(out, yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(learn.model.parameters(), 0.25)
        learn.opt.step()
    learn.model.reset()
    for _ in range(warmup): step()
    t = time.perf_counter()
    for _ in range(batches): step()
    return time.perf_counter() - t

def export_mb(learn):
    with tempfile.TemporaryDirectory() as d:
        learn.export(Path(d)/'m.pkl')
        return os.path.getsize(Path(d)/'m.pkl')/2**20

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--batches', type=int, default=40)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--seq-len', type=int, default=64)
    p.add_argument('--vocab-sz', type=whole(MIN_VOCAB_SZ, 1_000_000), default=PRESETS['small']['vocab_sz'])
    a = p.parse_args()
    for flag in ('batches', 'bs', 'seq_len'): # (--batches 0 timed nothing, on and on: helper 83)
        if getattr(a, flag) < 1: p.error(f"--{flag.replace('_', '-')} must be 1 or more, got {getattr(a, flag)}")
    if a.warmup < 0: p.error(f"--warmup must be 0 or more, got {a.warmup}")
    torch.manual_seed(0)
    dls = lm_dls(load_corpus('headlines'), vocab_sz=a.vocab_sz, bs=a.bs, seq_len=a.seq_len)
    rows = []
    learners = {f'ours: {n}': lambda n=n: lm_learner(dls, n) for n in ('tiny', 'small')}
    learners['stock fastai AWD_LSTM (default config)'] = lambda: language_model_learner(dls, AWD_LSTM, pretrained=False)
    for name, make in learners.items():
        learn = make()
        secs = time_batches(learn, a.warmup, a.batches)
        toks = a.batches*a.bs*a.seq_len
        rows.append((name, sum(q.numel() for q in learn.model.parameters())/1e6, toks/secs, export_mb(learn)))
    base = rows[-1][2]
    print(f"\n{platform.node()} | {platform.processor() or platform.machine()} | {torch.get_num_threads()} threads | "
          f"torch {torch.__version__} | headlines, vocab {len(dls.vocab)}, bs {a.bs}, seq_len {a.seq_len}, {a.batches} batches\n")
    print('| model | parameters | train tokens/s | vs stock fastai | export size |')
    print('|---|---|---|---|---|')
    for name, params, tps, mb in rows:
        print(f'| {name} | {params:.1f}M | {tps:,.0f} | {tps/base:.2f}x | {mb:.1f} MB |')

if __name__ == '__main__': main()
