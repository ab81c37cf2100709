"""Text classifiers (issue 5): ours with and without ULMFiT against classic baselines, side by side in one run.

Two tasks on bundled data, each on a fixed, seeded 80/10/10 train/valid/test split:
  - reviews: fresh vs rotten, split by movie (no film on two sides);
  - headlines: which outlet's account posted the headline (16 classes).
Rows, scored on test (accuracy and macro-F1): majority class; TF-IDF word 1-2-grams + logistic regression (C chosen
on valid); a BiLSTM like the classic "RNN for classification" notebook (embedding 100, BiLSTM 128, final hidden and
cell states -> linear, Adam, early stopping on valid); ours from scratch (no language model); ours with the ULMFiT
recipe (`train_classifier`'s defaults: a language model on the training texts, then gradual unfreezing); ours,
forward + backward (`bidirectional=True`: the same recipe reading the texts both ways, the two classifiers averaged);
and ours, several classifiers on one language model (`members=N`: seeds 42, 43, ..., their probabilities averaged).
Budgets: ours from scratch gets the forward ULMFiT row's total time (language model included); the BiLSTM gets the
forward + backward row's (it stops earlier when valid accuracy stops improving).
Run with the machine otherwise idle:
    python bench/classify.py [--tasks reviews headlines] [--max-rows N] [--epochs E] [--lm-epochs E] [--members N]
"""
import argparse, platform, re, time
from collections import Counter
import numpy as np, pandas as pd
import torch, torch.nn as nn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from toolkit.all import load_corpus, train_classifier, predict_texts, Ensemble
from _args import count, epochs, seed, whole

TASKS = {'reviews': dict(label='label', group='movie'), 'headlines': dict(label='source', group=None)}

def split(task, max_rows=None, seed=0):
    "80/10/10 by row, or by group (every row of a movie on one side)"
    spec, df = TASKS[task], load_corpus(task)
    df = df.rename(columns={spec['label']: 'y'})
    if max_rows: df = df.sample(min(max_rows, len(df)), random_state=seed)
    keys = df[spec['group']].to_numpy() if spec['group'] else np.arange(len(df))
    uniq = np.random.default_rng(seed).permutation(np.unique(keys))
    n = len(uniq)
    part = dict(zip(uniq, ['train']*int(n*.8) + ['valid']*(int(n*.9) - int(n*.8)) + ['test']*(n - int(n*.9))))
    return df.assign(part=[part[k] for k in keys]).reset_index(drop=True)

def scores(y, pred): return accuracy_score(y, pred), f1_score(y, pred, average='macro')

def tfidf_lr(tr, va, te):
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    Xtr, Xva, Xte = vec.fit_transform(tr.text), vec.transform(va.text), vec.transform(te.text)
    best = max(((accuracy_score(va.y, m.predict(Xva)), C, m) for C in (0.3, 1, 3, 10, 30)
                for m in [LogisticRegression(C=C, max_iter=3000).fit(Xtr, tr.y)]), key=lambda r: r[0])
    return best[2].predict(Xte), best[1]

def words(t): return re.findall(r"[\w']+|[^\w\s]", t.lower())

class BiLSTM(nn.Module):
    "Embedding 100, one BiLSTM layer of 128, the final hidden and cell states of both directions -> linear"
    def __init__(self, n_vocab, n_out):
        super().__init__()
        self.emb = nn.Embedding(n_vocab, 100, padding_idx=0)
        self.lstm = nn.LSTM(100, 128, batch_first=True, bidirectional=True)
        self.out = nn.Linear(4*128, n_out)
    def forward(self, x, lens):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), lens, batch_first=True, enforce_sorted=False)
        _, (h, c) = self.lstm(packed)
        return self.out(torch.cat([h[0], h[1], c[0], c[1]], 1))

def bilstm(tr, va, te, seconds, seed=0, bs=64, patience=2):
    "Train with Adam until the budget runs out or valid accuracy stops improving; predict test with the best epoch"
    torch.manual_seed(seed)
    cnt = Counter(w for t in tr.text for w in words(t))
    w2i = {w: i+2 for i,(w,c) in enumerate(cnt.most_common(30000)) if c >= 2} # 0 pad, 1 unknown
    classes = sorted(tr.y.unique()); c2i = {c:i for i,c in enumerate(classes)}
    def enc(texts):
        ids = [[w2i.get(w, 1) for w in words(t)][:200] or [1] for t in texts]
        return ids
    def batches(ids, ys=None, shuffle=False):
        order = np.random.permutation(len(ids)) if shuffle else np.arange(len(ids))
        for i in range(0, len(ids), bs):
            b = order[i:i+bs]
            lens = torch.tensor([len(ids[j]) for j in b])
            x = torch.zeros(len(b), int(lens.max()), dtype=torch.long)
            for k,j in enumerate(b): x[k, :lens[k]] = torch.tensor(ids[j])
            yield x, lens, (torch.tensor([ys[j] for j in b]) if ys is not None else None)
    Xtr, ytr = enc(tr.text), [c2i[y] for y in tr.y]
    Xva, Xte = enc(va.text), enc(te.text)
    model = BiLSTM(len(w2i) + 2, len(classes))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    def predict(X):
        model.eval()
        with torch.no_grad(): return [classes[i] for x,l,_ in batches(X) for i in model(x, l).argmax(1).tolist()]
    t0, best, bad, epochs = time.time(), (-1, None), 0, 0
    while time.time() - t0 < seconds and bad < patience:
        model.train()
        for x, l, y in batches(Xtr, ytr, shuffle=True):
            loss = nn.functional.cross_entropy(model(x, l), y)
            opt.zero_grad(); loss.backward(); opt.step()
            if time.time() - t0 > seconds: break
        epochs += 1
        acc = accuracy_score(va.y, predict(Xva))
        if acc > best[0]: best, bad = (acc, {k: v.clone() for k,v in model.state_dict().items()}), 0
        else: bad += 1
    model.load_state_dict(best[1])
    return predict(Xte), epochs, time.time() - t0

def ours(tr, va, te, **kw):
    df = pd.concat([tr, va]).assign(is_valid=lambda d: d.part == 'valid')
    t = time.time()
    learn = train_classifier(df, 'text', 'y', show_progress=False, **kw)
    secs = time.time() - t
    return predict_texts(learn, te.text.tolist()).label.tolist(), secs, learn

def run_task(task, a):
    df = split(task, a.max_rows, a.seed)
    tr, va, te = (df[df.part == k] for k in ('train', 'valid', 'test'))
    rows = []
    maj = tr.y.value_counts().index[0]
    rows.append(('majority class', *scores(te.y, [maj]*len(te)), 0, f'always {maj!r}'))
    t = time.time(); pred, C = tfidf_lr(tr, va, te)
    rows.append(('TF-IDF word 1-2-grams + logistic regression', *scores(te.y, pred), time.time() - t, f'C={C}'))
    kw = {k: v for k, v in dict(epochs=a.epochs, lm_epochs=a.lm_epochs).items() if v is not None} # default: train_classifier's
    pred, secs, learn = ours(tr, va, te, **kw)
    with learn.awd.lm.no_bar(): lm_bpc = learn.awd.lm.validate()[3]
    n_ep, n_lm = kw.get('epochs', 6), kw.get('lm_epochs', 3)
    ulm = ('ours: ULMFiT (LM on the texts, then gradual unfreezing)', *scores(te.y, pred), secs,
           f'LM {n_lm} epochs, bpc {lm_bpc:.2f}; classifier {n_ep} epochs')
    bpred, bsecs, bwd = ours(tr, va, te, backwards=True, **kw)
    both_secs = secs + bsecs
    both = ('ours: ULMFiT, forward + backward (two classifiers, averaged)', *scores(te.y, predict_texts(Ensemble([learn, bwd]), te.text.tolist()).label),
            both_secs, f'backward alone {scores(te.y, bpred)[0]:.3f}')
    # the same budget for the other neural rows: from scratch gets the LM's time as extra classifier epochs
    t = time.time(); pred_s, secs_s, _ = ours(tr, va, te, epochs=1, pretrain=False); epoch_secs = secs_s
    extra = max(0, round((secs - epoch_secs)/max(epoch_secs, 1)))
    pred_s, secs_s, _ = ours(tr, va, te, epochs=1 + extra, pretrain=False)
    pred_b, ep_b, secs_b = bilstm(tr, va, te, both_secs, a.seed)
    rows.append(('BiLSTM (emb 100, BiLSTM 128, h+c -> linear, Adam, early stopping)', *scores(te.y, pred_b), secs_b,
                 f'{ep_b} epochs'))
    rows.append(('ours: from scratch (no language model)', *scores(te.y, pred_s), secs_s, f'{1 + extra} epochs'))
    mpred, msecs, mens = ours(tr, va, te, members=a.members, **kw)
    alone = ', '.join(f'{scores(te.y, predict_texts(m, te.text.tolist()).label)[0]:.3f}' for m in getattr(mens, 'learners', [mens]))
    many = (f'ours: ULMFiT, {a.members} classifiers on one language model, averaged', *scores(te.y, mpred), msecs, f'members alone {alone}')
    rows += [ulm, both, many]
    print(f"\n### {task}: {len(tr):,} train / {len(va):,} valid / {len(te):,} test, {tr.y.nunique()} classes"
          + (f", split by {TASKS[task]['group']}" if TASKS[task]['group'] else '') + "\n", flush=True)
    print('| model | test accuracy | test macro-F1 | train time | notes |\n|---|---|---|---|---|')
    for name, acc, f1, s, note in rows: print(f'| {name} | {acc:.3f} | {f1:.3f} | {s/60:.1f} min | {note} |')
    others = rows[:-3]
    for r in (ulm, both, many):
        print(f"\n{r[0]} vs the best other row: accuracy {r[1] - max(o[1] for o in others):+.3f}, "
              f"macro-F1 {r[2] - max(o[2] for o in others):+.3f}", flush=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--tasks', nargs='+', default=list(TASKS), choices=list(TASKS))
    p.add_argument('--max-rows', type=count, help='a random sample of each corpus (default: all of it)')
    p.add_argument('--epochs', type=epochs, help="ULMFiT classifier epochs (default: train_classifier's)")
    p.add_argument('--lm-epochs', type=epochs, help="language-model epochs, 1 or more (default: train_classifier's)")
    p.add_argument('--members', type=whole(1, 20), default=3, help='classifiers on one language model in the last row, '
                   '1 to 20 (default: 3)')
    p.add_argument('--seed', type=seed, default=0)
    a = p.parse_args()
    print(f"{platform.node()} | {platform.machine()} | {torch.get_num_threads()} threads | torch {torch.__version__}")
    for task in a.tasks: run_task(task, a)

if __name__ == '__main__': main()
