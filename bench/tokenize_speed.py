"""How long tokenizing a big file takes before training starts, side by side in one run: fastai's `tokenize_df` as the
toolkit called it (rules and a post-rule row by row, in the main process), fastai's default (the same in worker
processes, one per core), and `tokenize_frame` (each rule over all texts, one SentencePiece call). Each row trains a
fresh subword tokenizer on the texts and tokenizes them all, as `lm_dls` does; the rows' pieces are checked equal.
A second table times one text a call (a prompt, a text to score, `round_trip_share`): SentencePiece given a list of one
text (the toolkit before: it starts a thread pool for each list) against the text itself, and the whole `tok.encode`.
Run with the machine otherwise idle:
    python bench/tokenize_speed.py [--rows 200000] [--repeats 2] [--texts 5000]
"""
import argparse, os, platform, time
import pandas as pd
from fastai.text.core import tokenize_df, defaults
from toolkit.data import load_corpus
from toolkit.tokenize import RULES, make_tokenizer, tokenize_frame
from _args import count, whole

MIN_ROWS = 100 # with margin: 30 headlines failed (the subword vocabulary sized to them cannot hold their characters), 50 did not

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--rows', type=whole(MIN_ROWS), default=200_000, help="texts: the bundled headlines repeated to this many "
                   f"(at least {MIN_ROWS}: fewer are too little text to train a subword tokenizer on)")
    p.add_argument('--repeats', type=count, default=2)
    p.add_argument('--texts', type=count, default=5000, help="texts encoded one a call in the second table")
    a = p.parse_args()
    one_by_one(a.texts, a.repeats)
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

def one_by_one(n:int, repeats:int):
    "Encoding `n` texts one a call: the SentencePiece call alone (a list of one, or the text) and the toolkit's `encode`"
    corpora = {'names (char)': (load_corpus('names').name.tolist(), 'char'),
               'headlines (subword)': (load_corpus('headlines').text.tolist(), 'subword')}
    print(f"encoding {n:,} texts one a call, best of {repeats} (microseconds a text)\n")
    print("| texts | SentencePiece, a list of one (before) | SentencePiece, the text (ours) | / ours "
          "| `tok.encode` before | `tok.encode` ours | / ours |\n|---|---|---|---|---|---|---|")
    for what, (texts, kind) in corpora.items():
        tok = make_tokenizer(kind); tok.setup(texts[:20000], RULES)
        sample = texts[:n]
        best = lambda f: min(_timed(f, sample) for _ in range(repeats)) / len(sample) * 1e6
        as_list = best(lambda t: tok.tok.encode([t], out_type=str))
        as_text = best(lambda t: tok.tok.encode(t, out_type=str))
        ours = best(tok.encode)
        sp, tok.tok = tok.tok, _ListOfOne(tok.tok) # the same rules and checks around the SentencePiece call of before
        try: before = best(tok.encode)
        finally: tok.tok = sp
        print(f"| {what} | {as_list:.0f} | {as_text:.0f} | {as_list / as_text:.1f}x | {before:.0f} | {ours:.0f} "
              f"| {before / ours:.1f}x |")
    print()

class _ListOfOne:
    "A SentencePiece model that encodes a text as the toolkit did before: given as a list of one"
    def __init__(self, sp): self.sp = sp
    def __getattr__(self, k): return getattr(self.sp, k)
    def encode(self, x, **kw): return self.sp.encode([x], **kw)[0] if isinstance(x, str) else self.sp.encode(x, **kw)

def _timed(f, texts)->float:
    t = time.perf_counter()
    for x in texts: f(x)
    return time.perf_counter() - t

if __name__ == '__main__': main()
