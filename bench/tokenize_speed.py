"""How long tokenizing a big file takes before training starts, side by side in one run: fastai's `tokenize_df` as the
toolkit called it (rules and a post-rule row by row, in the main process), fastai's default (the same in worker
processes, one per core), and `tokenize_frame` (each rule over all texts, one SentencePiece call). Each row trains a
fresh subword tokenizer on the texts and tokenizes them all, as `lm_dls` does; the rows' pieces are checked equal.
Run with the machine otherwise idle:
    python bench/tokenize_speed.py [--rows 200000] [--repeats 2]
"""
import argparse, os, platform, time
import pandas as pd
from fastai.text.core import tokenize_df, defaults
from toolkit.data import load_corpus
from toolkit.tokenize import RULES, make_tokenizer, tokenize_frame

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--rows', type=int, default=200_000, help="texts: the bundled headlines repeated to this many")
    p.add_argument('--repeats', type=int, default=2)
    a = p.parse_args()
    heads = load_corpus('headlines')[['text']]
    df = pd.concat([heads] * (a.rows // len(heads) + 1)).iloc[:a.rows].reset_index(drop=True)
    rows = {
        "fastai tokenize_df, main process (the toolkit before)": lambda t: tokenize_df(df, 'text', n_workers=0, rules=RULES, tok=t),
        f"fastai tokenize_df, {defaults.cpus} worker processes (fastai's default)":
            lambda t: tokenize_df(df, 'text', n_workers=defaults.cpus, rules=RULES, tok=t),
        "tokenize_frame (ours)": lambda t: tokenize_frame(df, 'text', t),
    }
    env = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    mb = df.text.str.len().sum() / 1e6
    print(f"tokenizing {len(df):,} headlines ({mb:.1f}M characters), a fresh subword tokenizer each time, best of "
          f"{a.repeats} ({env})\n")
    times, pieces = {}, {}
    for what, f in rows.items():
        ts = []
        for _ in range(a.repeats):
            t = time.perf_counter(); res, _ = f(make_tokenizer('subword')); ts.append(time.perf_counter() - t)
        times[what], pieces[what] = min(ts), res.text.tolist()
    first = next(iter(pieces.values()))
    assert all(p == first for p in pieces.values()), "the rows' pieces differ"
    base = times["tokenize_frame (ours)"]
    print("| tokenizing | best s | / ours |\n|---|---|---|")
    for what, t in times.items(): print(f"| {what} | {t:.1f} | {t / base:.2f}x |")
    print("\nthe pieces of every row are the same")

if __name__ == '__main__': main()
