"""Training on a small file of one's own: how many steps each start needs before it writes text (one run, one machine).

`train_lm(epochs=None)` (and `awd train` without --epochs) sizes the run to the data: about `FIT_STEPS` steps (60), at
most `FIT_MAX_EPOCHS` epochs, the best epoch kept. That was measured for a start from the shipped pretrained model,
which already writes English. A start from zero (`--no-pretrained`, a character tokenizer, names by origin) has
everything to learn. This script trains each start on the same seeded small files at several step budgets and reads
what a user sees:
  - held-out bits per character (the file's own 10% validation split, seeded);
  - the real-vs-generated judge (`bench/lm_quality.py`'s: logistic regression on word 1-2-grams and char 1-4-grams,
    repeated 5-fold cross-validation, 200 samples at temperature 0.8 against 200 real texts the model never saw;
    50% = the judge cannot tell them apart, 100% = every sample gives itself away);
  - % known words: the share of the samples' words (letters only, lowercased) found anywhere in the whole bundled
    corpus (names: the share of names whose every letter trigram occurs in some bundled name);
  - % novel: the share of samples that are not a training text (names: not a training name);
  - training time (one thread).
Starts: (A) 2,000 headlines, subword, from the shipped pretrained model (today's default for subword text);
(B) the same, from scratch (`--no-pretrained`); (C) the same, character tokenizer (from scratch, as characters
always are); (D) 1,000 names with their origins, character level, conditioned on the origin (`awd train names.csv
--category-col origin`; the names recipe's fixed epochs were the default there).
Each start's first row is its default (`train_lm(epochs=None)`, `names_lm()`), then one row per step budget.
    python bench/small_data.py [--steps 60,250,500,1000] [--arms D,B,C,A]
"""
import argparse, math, platform, re, sys, time
import numpy as np, pandas as pd, torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline, make_union
import toolkit.lm as tlm
from toolkit.all import load_corpus, train_lm, names_lm
from _args import seed, some_of, whole_list

def log(*a): print(*a, file=sys.stderr, flush=True)

def judge(real, gen, char_level, seed=0):
    "Real-vs-generated cross-validated accuracy (5-fold, 4 repeats)"
    chars = TfidfVectorizer(analyzer='char_wb', ngram_range=(1, 4), lowercase=False, sublinear_tf=True)
    vec = chars if char_level else make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), chars)
    X, y = list(real) + list(gen), [0]*len(real) + [1]*len(gen)
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=4, random_state=seed)
    return cross_val_score(make_pipeline(vec, LogisticRegression(max_iter=2000)), X, y, cv=cv).mean()

def words(t): return re.findall(r"[a-z]+", t.lower())

def trigrams(name):
    s = f"^{name.lower()}$"
    return {s[i:i+3] for i in range(len(s)-2)}

def bpc_of(learn):
    "Held-out bits per character of the model as it ends (the best epoch, when sized)"
    names = [m.name for m in learn.metrics]
    with learn.no_bar(): return float(learn.validate()[1 + names.index('bpc')])

DEFAULTS = {k: getattr(tlm, k) for k in ('FIT_STEPS', 'FIT_MAX_EPOCHS', 'SCRATCH_STEPS', 'SCRATCH_MAX_EPOCHS')}

def run_text(arm, tr, real, vocab, steps, seed):
    "(A)-(C): `train_lm(epochs=None)`: the default sizing (`steps` None), or sized to `steps` (no epoch cap)"
    pre, tok = {'A': (True, 'subword'), 'B': (False, 'subword'), 'C': (None, 'char')}[arm]
    for k, v in DEFAULTS.items(): setattr(tlm, k, v if steps is None else steps if 'STEPS' in k else 10_000)
    t = time.time()
    learn = train_lm(tr, epochs=None, tokenizer=tok, pretrained=pre, seed=seed, show_progress=False)
    secs = time.time() - t
    n_ep = learn.n_epoch
    gen = learn.generate(n=200, temperature=0.8, seed=seed)
    w = [x for g in gen for x in words(g)]
    seen = {t.strip().lower() for t in tr.text}
    return dict(epochs=n_ep, batches=len(learn.dls.train), secs=secs, bpc=bpc_of(learn),
                judge=judge(real, gen, char_level=tok == 'char'), known=np.mean([x in vocab for x in w]) if w else 0.,
                novel=np.mean([g.strip().lower() not in seen for g in gen]), sample=gen[0])

def run_names(tr, real, grams, steps, nb, seed):
    "(D): `names_lm` for as many epochs as `steps` take (`steps` None: its default)"
    epochs = None if steps is None else max(1, math.ceil(steps/nb))
    t = time.time()
    learn = names_lm(tr, epochs=epochs, seed=seed, show_progress=False)
    secs = time.time() - t
    cats = learn.awd.categories
    gen = [g for c in cats for g in learn.generate(n=max(1, 200//len(cats)), temperature=0.8, seed=seed, category=c)]
    seen = {t.strip().lower() for t in tr.name}
    return dict(epochs=learn.n_epoch, batches=len(learn.dls.train), secs=secs, bpc=bpc_of(learn),
                judge=judge(real, gen, char_level=True), known=np.mean([trigrams(g) <= grams for g in gen]),
                novel=np.mean([g.strip().lower() not in seen for g in gen]), sample=', '.join(gen[:4]))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--steps', type=whole_list(1), default='60,250,500,1000', help='comma-separated step budgets, each 1 '
                   'or more, one row each per start (default: %(default)s)')
    p.add_argument('--arms', type=some_of('ABCD', fold_case=True), default='D,B,C,A', help='the starts to run, in this '
                   'order, comma-separated (either case): A pretrained subword, B subword from scratch, C characters, D '
                   'names by origin (default: %(default)s)')
    p.add_argument('--seed', type=seed, default=0, help='seed of the samples and splits (default: %(default)s)')
    a = p.parse_args()
    torch.set_num_threads(1)
    steps = a.steps
    hl = load_corpus('headlines').sample(frac=1, random_state=a.seed).reset_index(drop=True)
    tr_h, real_h = hl.iloc[:2000][['text']], hl.text.iloc[2000:2200].tolist()
    vocab = {w for t in hl.text for w in words(t)}
    nm = load_corpus('names').sample(frac=1, random_state=a.seed).reset_index(drop=True)
    tr_n, real_n = nm.iloc[:1000], nm.name.iloc[1000:1200].tolist()
    grams = set().union(*map(trigrams, nm.name))
    print(f"{time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, {torch.get_num_threads()} thread, "
          f"torch {torch.__version__}; seed {a.seed}; headlines: 2,000 training texts; names: 1,000 with origins\n")
    print("| start | steps asked | epochs x batches | time | held-out BPC | judge (50% best) | % known words / names | % novel | a sample |")
    print("|---|---|---|---|---|---|---|---|---|")
    label = {'A': '(A) 2,000 headlines, subword, pretrained', 'B': '(B) 2,000 headlines, subword, from scratch',
             'C': '(C) 2,000 headlines, char', 'D': '(D) 1,000 names by origin, char'}
    for arm in a.arms:
        budgets = [None] + steps
        nb = None
        for s in budgets:
            log(f"{arm} {s}")
            if arm == 'D':
                r = run_names(tr_n, real_n, grams, s, nb, a.seed)
                nb = r['batches']
            else: r = run_text(arm, tr_h, real_h, vocab, s, a.seed)
            asked = 'default' if s is None else s
            sample = r['sample'].replace('|', '/')[:70]
            print(f"| {label[arm]} | {asked} | {r['epochs']:g} x {r['batches']} | {r['secs']:.0f} s | {r['bpc']:.3f} | "
                  f"{r['judge']:.1%} | {r['known']:.1%} | {r['novel']:.0%} | {sample} |", flush=True)

if __name__ == '__main__': main()
