"""Language-model quality within a CPU time budget (issue 9): a plain PyTorch LSTM vs stock fastai AWD-LSTM vs ours,
side by side in one run, each trained for the same wall-clock minutes.

One corpus, one seeded 90/10 split, one tokenizer and vocabulary for every row (SentencePiece subwords, 4k, for
`headlines` and `reviews`; characters and origin tokens, as `names_lm` uses, for `names`):
  plain: the classic tutorials' model: embedding 256, 2 x LSTM 512, dropout 0.3, Adam 2e-3 at a constant rate,
         gradient clipping 0.25, BPTT 64, batch 64; trains until the budget is spent;
  stock: fastai's `language_model_learner(dls, AWD_LSTM, pretrained=False)`, default size, dropouts and learning
         rate; its one-cycle schedule is fitted to the budget with our `TimeBudget` (generous: stock fastai would be
         cut off mid-schedule);
  ours:  the user-facing recipe, `train_lm(df, preset='small', minutes=M)` (`names_lm(minutes=M)` for names), the
         same call as `awd train --minutes M`; its per-epoch validation counts against its budget.
Reported: bits per character on the held-out split (every model evaluated by the same code, on the same batches),
training tokens/s, epochs seen, and for `--samples` samples at temperature 0.8 (no top-k/top-p, the end-of-text
token ends a sample): % of 4-15 words, % real-like length (within the middle 90% of held-out lengths), % novel (not
a training text), distinct-2 (distinct word bigrams / all; character bigrams for names), and the 5-fold accuracy of a
TF-IDF logistic regression telling them from as many held-out texts, averaged over 20 reshufflings of the folds
(50% = it cannot tell; word 1-2-grams and character 1-4-grams, so it sees spelling, case and punctuation too;
characters alone for names). The `held-out real texts` row scores other held-out texts the same way: the ceiling.
The plain LSTM samples from its own mean start-of-text state, as ours does.
Run with the machine otherwise idle:
    python bench/lm_quality.py [--corpus headlines|reviews|names] [--minutes 10] [--rows plain,stock,ours]
                               [--save-samples S.json]; later: --rejudge S.json (the sample columns again)
"""
import argparse, json, math, platform, random, time
from pathlib import Path
import numpy as np
import pandas as pd
import torch
from torch import nn
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline, make_union
import fastai.learner
from fastai.callback.core import Callback
from fastai.text.all import language_model_learner, AWD_LSTM
from fastai.torch_core import set_seed
from toolkit.all import load_corpus, split_df, lm_dls, train_lm, names_lm, get_tokenizer, TimeBudget, quiet
from toolkit.generate import vocab_info, prompt_pieces
from toolkit.tokenize import detokenize
from toolkit.core import ModelInfo, check_writable
from toolkit.names import category_texts, names_frame
from _args import count, minutes, number, seed, some_of

RECIPE_KEYS = ('drop_mult', 'lr', 'bs', 'seq_len') # what --ours-config may set besides the architecture
MAX_TOKENS = dict(headlines=60, reviews=120, names=30) # new pieces per sample at most

def corpus(name, seed=42):
    "Texts with a seeded 90/10 `is_valid` split, the plain held-out and training texts, and the categories (names)"
    if name == 'names':
        n = names_frame(None, 'name', 'origin', 0.1, seed)
        df = pd.DataFrame({'text': category_texts(n.name, n.origin), 'is_valid': n.is_valid})
        return df, n.name[n.is_valid].tolist(), set(n.name[~n.is_valid].str.lower()), n.origin[n.is_valid].tolist()
    df = split_df(load_corpus(name)[['text']].dropna(), valid_pct=0.1, seed=seed)
    return df, df.text[df.is_valid].tolist(), set(df.text[~df.is_valid].str.strip().str.lower()), None

class TrainTimer(Callback):
    "Seconds spent in training batches and the tokens they held (validation excluded)"
    order = -20
    def __init__(self): self.secs, self.tokens = 0., 0 # not reset in `before_fit`: `validate()` calls that too
    def before_batch(self):
        if self.training: self.t = time.perf_counter()
    def after_batch(self):
        if self.training: self.secs += time.perf_counter() - self.t; self.tokens += self.xb[0].numel()

class PlainLSTM(nn.Module):
    "The classic tutorials' word-level LSTM language model"
    def __init__(self, vocab_sz, emb=256, hid=512, layers=2, drop=0.3):
        super().__init__()
        self.emb, self.drop = nn.Embedding(vocab_sz, emb), nn.Dropout(drop)
        self.rnn = nn.LSTM(emb, hid, layers, dropout=drop, batch_first=True)
        self.out = nn.Linear(hid, vocab_sz)
    def forward(self, x, h=None):
        y, h = self.rnn(self.drop(self.emb(x)), h)
        return self.out(self.drop(y)), h

def _plain(x): return x.as_subclass(torch.Tensor) # fastai's tensor subclass costs per operation

def train_plain(dls, minutes, seed):
    "The plain LSTM, Adam 2e-3, clip 0.25, trained on `dls.train` (stateful BPTT) until `minutes` of training are spent"
    torch.manual_seed(seed)
    model = PlainLSTM(len(dls.vocab))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    secs, tokens, h = 0., 0, None
    while secs < minutes*60:
        for xb, yb in dls.train:
            t = time.perf_counter()
            xb, yb = _plain(xb), _plain(yb)
            if h is not None and h[0].shape[1] != len(xb): h = None
            model.train()
            out, h = model(xb, h)
            h = tuple(s.detach() for s in h)
            loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), yb.reshape(-1))
            opt.zero_grad(); loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.25); opt.step()
            secs += time.perf_counter() - t; tokens += xb.numel()
            if secs >= minutes*60: break
    return model.eval(), secs, tokens

@torch.no_grad()
def valid_bpc(dls, step):
    "Bits per character of the held-out split: mean cross-entropy over `dls.valid`'s tokens, as `BitsPerChar` counts it"
    total, count, state = 0., 0, None
    for xb, yb in dls.valid:
        xb, yb = _plain(xb), _plain(yb)
        out, state = step(xb, state)
        total += F.cross_entropy(out.reshape(-1, out.shape[-1]).float(), yb.reshape(-1), reduction='sum').item()
        count += yb.numel()
    s = dls.awd.valid_stats
    return total/count*s['tokens']/math.log(2)/s['chars']

def fastai_step(model):
    model.eval(); model.reset()
    def step(xb, state):
        if model[0].bs != len(xb): model.reset()
        return model(xb)[0], None
    return step

def plain_step(model):
    def step(xb, h):
        if h is not None and h[0].shape[1] != len(xb): h = None
        return model(xb, h)
    return step

@torch.no_grad()
def plain_samples(model, dls, info, prompts, temperature, max_tokens, gen):
    "Samples from the plain LSTM, one per prompt (a list of pieces), from the mean start-of-text state, as ours uses"
    ends = info.end.nonzero().flatten()
    h0 = None # mean (h, c) where a start-of-text token is the next input, over two held-out batches, after a 16-step warm-up
    sums, n, h = 0, 0, None
    for i, (xb, _) in enumerate(dls.valid):
        if i == 2: break
        xb = _plain(xb)
        for t in range(xb.shape[1]):
            at = torch.isin(xb[:, t], ends)
            if at.any() and (i or t >= 16):
                sums = sums + torch.stack([h[0][:, at].sum(1), h[1][:, at].sum(1)]); n += int(at.sum())
            _, h = model(xb[:, t:t+1], h)
    if n: h0 = (sums/n)
    texts = []
    for pieces in prompts:
        ids = torch.tensor([info.ids(pieces)])
        h = None if h0 is None else (h0[0][:, None].contiguous(), h0[1][:, None].contiguous()) # the state just before it
        out, h = model(ids, h); out = out[0, -1]
        new = []
        for _ in range(max_tokens):
            logits = out/temperature
            logits[info.never | info.unk] = -float('inf')
            if not new: logits[info.end] = -float('inf') # no empty samples
            nxt = int(torch.multinomial(F.softmax(logits, -1), 1, generator=gen))
            if info.end[nxt]: break
            new.append(nxt)
            out, h = model(torch.tensor([[nxt]]), h); out = out[0, -1]
        texts.append(detokenize([info.vocab[i] for i in new]))
    return texts

def judge_sets(real_valid, valid_cats, n):
    "Two seeded sets of `n` held-out texts (the judge's real side; the ceiling row's samples), the first one's categories"
    rng = random.Random(0)
    pick = rng.sample(range(len(real_valid)), min(len(real_valid), 2*n))
    real_a, real_b = [real_valid[i] for i in pick[:n]], [real_valid[i] for i in pick[n:]]
    cats = [valid_cats[i] for i in pick[:n]] if valid_cats else [None]*n # names: held-out origins
    return real_a, real_b, cats

def lm_samples(learn, cats, temperature, max_tokens, seed):
    "A sample per entry of `cats` (a category, or None) from a toolkit language model: how ours and stock draw theirs"
    out = []
    for j, c in enumerate(dict.fromkeys(cats)): # one call per category, in a fixed order
        k = cats.count(c) # a seed of its own per call: with one seed, the i-th sample of every origin drew the same numbers
        out += learn.generate(n=k, temperature=temperature, max_tokens=max_tokens, seed=seed + j, category=c)
    return out

def sample_stats(texts, real, train_set, char_level, seed=0):
    "% 4-15 words, % real-like length, % novel, distinct-2, real-vs-generated accuracy of `texts` against `real`"
    words = [t.split() for t in texts]
    lens = [len(t) if char_level else len(w) for t,w in zip(texts, words)]
    rl = [len(t) if char_level else len(t.split()) for t in real]
    lo, hi = np.percentile(rl, 5), np.percentile(rl, 95)
    grams = [g for t,w in zip(texts, words) for g in (zip(t, t[1:]) if char_level else zip(w, w[1:]))]
    chars = TfidfVectorizer(analyzer='char_wb', ngram_range=(1, 4), lowercase=False, sublinear_tf=True) # spelling, case, punctuation
    vec = chars if char_level else make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), chars)
    X, y = list(real) + list(texts), [0]*len(real) + [1]*len(texts)
    acc = cross_val_score(make_pipeline(vec, LogisticRegression(max_iter=2000)), X, y,
                          cv=RepeatedStratifiedKFold(n_splits=5, n_repeats=20, random_state=seed)).mean() # one 5-fold split alone moves it by +-4 points
    return dict(words=np.mean([4 <= len(w) <= 15 for w in words]), length=np.mean([lo <= n <= hi for n in lens]),
                novel=np.mean([t.strip().lower() not in train_set for t in texts]), distinct2=len(set(grams))/max(1, len(grams)),
                real_vs_gen=acc)

def rejudge(d:dict, corpus_name):
    "The sample columns of the table again, from samples saved by `--save-samples` (`d`: the file's JSON)"
    _, _, train_set, _ = corpus(corpus_name)
    print('| samples | % 4-15 words | % real-like length | % novel | distinct-2 | real-vs-generated acc |\n|---|---|---|---|---|---|')
    for k in [k for k in d if k != 'real']:
        s = sample_stats(d[k], d['real'], train_set, corpus_name == 'names')
        print(f"| {k} | {s['words']:.0%} | {s['length']:.0%} | {s['novel']:.0%} | {s['distinct2']:.2f} | {s['real_vs_gen']:.1%} |")

def recorded_bpc(learn)->str:
    "fastai's bpc metric of the last epoch `learn` finished, or why there is none (a budget that ends inside the first epoch)"
    vals = learn.recorder.values
    if not vals: return 'none (no finished epoch: the budget ended inside the first)'
    return f'{vals[-1][-2]:.3f}'

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--corpus', default='headlines', choices=['headlines', 'reviews', 'names'])
    p.add_argument('--minutes', type=minutes, default=10.)
    p.add_argument('--rows', type=some_of(('plain', 'stock', 'ours')), default='plain,stock,ours', help='comma-separated: plain, stock, ours')
    p.add_argument('--samples', type=count, default=100)
    p.add_argument('--temperature', type=number(0.), default=0.8)
    p.add_argument('--seed', type=seed, default=42)
    p.add_argument('--save-samples', help='write every sample (and the held-out texts they are judged against) to this JSON file')
    p.add_argument('--rejudge', help='score the samples saved by --save-samples again (no training)')
    p.add_argument('--ours-config', help='JSON: architecture changes for ours (e.g. \'{"emb_sz": 128, "n_hid": 512}\'), to try sizes, and any of '
                   f'{", ".join(RECIPE_KEYS)}; '
                   "default: the preset's (the names recipe's for names)")
    a = p.parse_args()
    if a.rejudge: # (a missing or foreign file: a traceback after loading the corpus)
        try: d = json.loads(Path(a.rejudge).read_text())
        except OSError as e: p.error(f"--rejudge {a.rejudge}: cannot read it ({e.strerror or e}): give a file --save-samples wrote")
        except ValueError as e: p.error(f"--rejudge {a.rejudge}: not JSON ({e}): give a file --save-samples wrote")
        if not (isinstance(d, dict) and isinstance(d.get('real'), list)
                and all(isinstance(v, list) and all(isinstance(t, str) for t in v) for v in d.values())):
            p.error(f"--rejudge {a.rejudge}: not a file of --save-samples (a JSON object of lists of texts, 'real' among them)")
        return rejudge(d, a.corpus)
    rows_wanted = a.rows
    if a.save_samples: # (else found when the samples are written, after the training)
        try:
            if Path(a.save_samples).is_dir(): raise IsADirectoryError(f'{a.save_samples} is a directory')
            check_writable(a.save_samples)
        except Exception as e: p.error(f"--save-samples {a.save_samples}: cannot write there ({e})")
    given = {}
    if a.ours_config: # (bad JSON was a traceback after the corpus was loaded)
        try: given = json.loads(a.ours_config)
        except ValueError as e: p.error(f"--ours-config: not JSON ({e}): give an object such as '{{\"emb_sz\": 128}}'")
        if not isinstance(given, dict): p.error(f"--ours-config: a JSON object such as '{{\"emb_sz\": 128}}', got {a.ours_config!r}")
    char_level = a.corpus == 'names'
    df, real_valid, train_set, valid_cats = corpus(a.corpus, a.seed)
    real_a, real_b, cats = judge_sets(real_valid, valid_cats, a.samples)

    ours_config, ours_kw = None, {}
    if a.ours_config:
        from toolkit.names import NAMES_RECIPE
        ours_kw = {k: given.pop(k) for k in RECIPE_KEYS if k in given} # training settings, not architecture
        if given: ours_config = {**(NAMES_RECIPE['small']['config'] if char_level else {}), **given}
    # ours first: the user-facing recipe trains the tokenizer, which every other row then shares
    set_seed(a.seed)
    t = time.perf_counter()
    saved = fastai.learner.defaults.callbacks
    fastai.learner.defaults.callbacks = list(saved) + [TrainTimer] # time ours' batches too: `train_lm` takes no callbacks
    try:
        if char_level: ours = names_lm(minutes=a.minutes, show_progress=False, seed=a.seed, df=None, config=ours_config, **ours_kw)
        else: ours = train_lm(df, 'text', preset='small', minutes=a.minutes, show_progress=False, seed=a.seed, config=ours_config, **ours_kw)
    finally: fastai.learner.defaults.callbacks = saved
    ours_wall = time.perf_counter() - t
    timer = ours.train_timer
    tok = get_tokenizer(ours)
    dls = lm_dls(df, 'text', tokenizer=tok, vocab=list(ours.dls.vocab), bs=64, seq_len=64) # shared by plain, stock, evaluation
    assert list(dls.vocab) == list(ours.dls.vocab)
    info = vocab_info(ours)
    epoch_tokens = sum(dls.train.lens.coll)
    prompts = [prompt_pieces(ours, '', c) for c in cats]

    results, samples = [], {}
    if 'plain' in rows_wanted:
        model, secs, tokens = train_plain(dls, a.minutes, a.seed)
        gen = torch.Generator().manual_seed(a.seed)
        texts = plain_samples(model, dls, info, prompts, a.temperature, MAX_TOKENS[a.corpus], gen)
        results.append(('plain PyTorch LSTM (emb 256, 2x512, Adam 2e-3)', sum(q.numel() for q in model.parameters()),
                        tokens/secs, tokens/epoch_tokens, valid_bpc(dls, plain_step(model)), sample_stats(texts, real_a, train_set, char_level)))
        samples['plain'] = texts
    if 'stock' in rows_wanted:
        set_seed(a.seed)
        learn = language_model_learner(dls, AWD_LSTM, pretrained=False)
        learn.awd = ModelInfo(categories=ours.awd.categories) # our sampler on fastai's model (names: the same origin tokens)
        tt = TrainTimer()
        with quiet(learn): learn.fit_one_cycle(10_000, cbs=[TimeBudget(a.minutes), tt])
        texts = lm_samples(learn, cats, a.temperature, MAX_TOKENS[a.corpus], a.seed)
        results.append(('stock fastai AWD-LSTM (default size, lr, dropouts)', sum(q.numel() for q in learn.model.parameters()),
                        tt.tokens/tt.secs, tt.tokens/epoch_tokens, valid_bpc(dls, fastai_step(learn.model)),
                        sample_stats(texts, real_a, train_set, char_level)))
        samples['stock'] = texts
    if 'ours' in rows_wanted:
        texts = lm_samples(ours, cats, a.temperature, MAX_TOKENS[a.corpus], a.seed)
        results.append((f"ours: {'names_lm' if char_level else 'train_lm'}(preset='small', minutes={a.minutes:g}"
                        + (f", config={json.loads(a.ours_config)}" if a.ours_config else '') + ")",
                        sum(q.numel() for q in ours.model.parameters()), timer.tokens/timer.secs, timer.tokens/epoch_tokens,
                        valid_bpc(dls, fastai_step(ours.model)), sample_stats(texts, real_a, train_set, char_level)))
        samples['ours'] = texts
    if a.save_samples: # first: an error further on loses nothing
        Path(a.save_samples).parent.mkdir(parents=True, exist_ok=True)
        Path(a.save_samples).write_text(json.dumps(dict(real=real_a, real_b=real_b, **samples)))
    real_row = sample_stats(real_b, real_a, train_set, char_level)

    print(f"\n{platform.node()} | {platform.processor() or platform.machine()} | {torch.get_num_threads()} threads | torch {torch.__version__} | "
          f"{a.corpus}: {len(df) - len(real_valid):,} training texts ({epoch_tokens:,} tokens), {len(real_valid):,} held out | "
          f"vocab {len(dls.vocab):,} | {a.minutes:g} minutes per model | {a.samples} samples at T {a.temperature:g}\n")
    print('| model | parameters | train tokens/s | epochs | held-out BPC | % 4-15 words | % real-like length | % novel | distinct-2 | real-vs-generated acc |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    fmt = lambda s: f"{s['words']:.0%} | {s['length']:.0%} | {s['novel']:.0%} | {s['distinct2']:.2f} | {s['real_vs_gen']:.1%}"
    for name, params, tps, ep, bpc, s in results:
        print(f'| {name} | {params/1e6:.1f}M | {tps:,.0f} | {ep:.2f} | {bpc:.3f} | {fmt(s)} |')
    print(f'| held-out real texts (the ceiling) | | | | | {fmt(real_row)} |')
    if 'ours' in rows_wanted: print(f"\nours: {ours_wall/60:.1f} min wall-clock for training, validation included; "
                                    f"fastai's own bpc metric on its batches: {recorded_bpc(ours)}")
    for k, texts in samples.items():
        print(f'\n{k}, the first 8 samples:')
        for t in texts[:8]: print(f'  {t}')

if __name__ == '__main__': main()
