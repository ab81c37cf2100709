"""Names by origin (issue 4): origin classification and conditional generation, side by side in one run.

One fixed, seeded train/valid/test split of the bundled `names` corpus (80/10/10). Classification rows, on test:
  (a) the classic tutorial's model: a vanilla char RNN (nn.RNN, hidden 128, one-hot letters, SGD lr 0.005, one name
      per step), trained for the same wall-clock time as ours;
  (b) char n-gram (1-4) TF-IDF + logistic regression (scikit-learn; C chosen on valid);
  (c) ours: `names_lm` (conditioned on origin) then `names_classifier` on its encoder (the head alone for one epoch
      at 1e-2, then the whole network for eight);
  (c') ours, (c) with its names model voting: the classifier's probabilities averaged with the names model's own
      p(origin | name) (`category_posterior`, Bayes' rule over p(origin, name)); the app's `origin` model; no more
      training than (c);
  (d) ours, forward + backward: (c), plus the same recipe on a names model that reads each name from its last letter,
      the two classifiers' probabilities averaged (`names_classifier(..., bidirectional=True)`, ULMFiT's ensemble);
  (e) ours, (d) with the two names models voting too: each one's own p(origin | name) (`category_posterior`: Bayes'
      rule over the forward model's p(origin, name), the backward model's prediction of the origin token), averaged
      with the classifiers (`names_classifier(..., bidirectional=True, lm_vote=True)`); no more training than (d).
The tutorial's RNN trains for (d)'s wall-clock time; its test accuracy is also taken when it has trained for (c)'s.
Generation, from the same run: for each origin, 100 samples of ours at temperature 0.8: share novel (not a training
name), share unique, and conditioning accuracy: the share that classifier (b) assigns to the requested origin, against
the same classifier's agreement with shuffled origins (its chance level).
For the accuracy gaps to TF-IDF, the paired counts (test names one gets right and the other wrong) and McNemar's exact
test. Run with the machine otherwise idle (`--lm-epochs 20` trains the names models the way `names_lm` does for long
runs, with more dropout):
    python bench/names.py [--lm-epochs N] [--clf-epochs N] [--samples 100]
"""
import argparse, platform, random, time
import numpy as np
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from scipy.stats import binomtest
from toolkit.all import load_corpus, names_lm, names_classifier, predict_texts, Ensemble
from _args import seed

def split(seed=0):
    "80/10/10 train/valid/test, seeded"
    df = load_corpus('names').sample(frac=1, random_state=seed).reset_index(drop=True)
    n = len(df)
    part = np.array(['train']*n, dtype=object)
    part[int(n*.8):int(n*.9)], part[int(n*.9):] = 'valid', 'test'
    return df.assign(part=part)

def scores(y, pred): return accuracy_score(y, pred), f1_score(y, pred, average='macro')

def tfidf_lr(tr, va):
    "Char 1-4-gram TF-IDF + logistic regression, C chosen on valid; returns the fitted (vectorizer, model)"
    vec = TfidfVectorizer(analyzer='char_wb', ngram_range=(1, 4), lowercase=True, sublinear_tf=True)
    Xtr, Xva = vec.fit_transform(tr.name), vec.transform(va.name)
    best = None
    for C in (1, 3, 10, 30):
        m = LogisticRegression(C=C, max_iter=2000).fit(Xtr, tr.origin)
        acc = accuracy_score(va.origin, m.predict(Xva))
        if best is None or acc > best[0]: best = (acc, C, m)
    return vec, best[2], best[1]

class CharRNN(torch.nn.Module):
    "The tutorial's classifier: nn.RNN over one-hot letters, hidden 128, the last hidden state -> origins"
    def __init__(self, n_letters, n_hidden, n_out):
        super().__init__()
        self.rnn, self.out = torch.nn.RNN(n_letters, n_hidden), torch.nn.Linear(n_hidden, n_out)
    def forward(self, x): # x: (len, 1, n_letters)
        _, h = self.rnn(x)
        return self.out(h[0]).log_softmax(-1)

def tutorial_rnn(tr, te, marks, seed=0):
    "Train the tutorial's char RNN one random name at a time with SGD; test predictions and steps taken after each of `marks` seconds of training"
    torch.manual_seed(seed); rng = random.Random(seed)
    letters = sorted(set(''.join(tr.name)))
    l2i, cats = {c:i for i,c in enumerate(letters)}, sorted(tr.origin.unique())
    c2i = {c:i for i,c in enumerate(cats)}
    def onehot(name):
        x = torch.zeros(len(name), 1, len(letters))
        for i,ch in enumerate(name):
            if ch in l2i: x[i, 0, l2i[ch]] = 1
        return x
    model = CharRNN(len(letters), 128, len(cats))
    opt = torch.optim.SGD(model.parameters(), lr=0.005)
    data = list(zip(tr.name, tr.origin))
    trained, steps, res = 0., 0, []
    for mark in sorted(marks):
        t0 = time.time() - trained # the clock runs while training, not while scoring
        while time.time() - t0 < mark:
            name, origin = rng.choice(data)
            loss = torch.nn.functional.nll_loss(model(onehot(name)), torch.tensor([c2i[origin]]))
            opt.zero_grad(); loss.backward(); opt.step(); steps += 1
        trained = time.time() - t0
        with torch.no_grad(): res.append(([cats[int(model(onehot(n)).argmax())] for n in te.name], steps))
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--lm-epochs', type=int, default=None, help="names LM epochs (default: names_lm's)")
    p.add_argument('--clf-epochs', type=int, default=None, help="classifier epochs (default: names_classifier's)")
    p.add_argument('--samples', type=int, default=100, help='samples per origin')
    p.add_argument('--seed', type=seed, default=0)
    a = p.parse_args()
    for flag in ('lm_epochs', 'clf_epochs', 'samples'): # (--lm-epochs -1 ran on with the default, helper 83)
        if (v := getattr(a, flag)) is not None and v < 1: p.error(f"--{flag.replace('_', '-')} must be 1 or more, got {v}")
    df = split(a.seed)
    tr, va, te = (df[df.part == k] for k in ('train', 'valid', 'test'))
    rows = []
    # (b) TF-IDF + LR
    t = time.time(); vec, lr_model, C = tfidf_lr(tr, va); t_lr = time.time() - t
    tfidf_pred = lr_model.predict(vec.transform(te.name))
    rows.append((f'(b) char 1-4-gram TF-IDF + logistic regression (C={C})', *scores(te.origin, tfidf_pred), t_lr, ''))
    # (c) ours: LM on train (+ valid held out), classifier on its encoder; the same split for both
    ours_df = df[df.part != 'test'].assign(is_valid=lambda d: d.part == 'valid')[['name', 'origin', 'is_valid']]
    t = time.time()
    lm = names_lm(ours_df, **({'epochs': a.lm_epochs} if a.lm_epochs else {}), show_progress=False)
    t_lm = time.time() - t
    clf = names_classifier(ours_df, lm, **({'epochs': a.clf_epochs} if a.clf_epochs else {}), show_progress=False)
    t_ours = time.time() - t
    ours_pred = predict_texts(clf, te.name.tolist()).label
    with lm.no_bar(): lm_bpc = lm.validate()[3]
    ours = ('(c) ours: names LM -> ULMFiT origin classifier', *scores(te.origin, ours_pred), t_ours,
            f'LM {t_lm/60:.1f} min, bpc {lm_bpc:.3f}')
    # (d) the backward twin, averaged with (c)
    t = time.time()
    blm = names_lm(ours_df, **({'epochs': a.lm_epochs} if a.lm_epochs else {}), show_progress=False, backwards=True)
    bclf = names_classifier(ours_df, blm, **({'epochs': a.clf_epochs} if a.clf_epochs else {}), show_progress=False)
    t_both = t_ours + time.time() - t
    back_acc = scores(te.origin, predict_texts(bclf, te.name.tolist()).label)[0]
    with blm.no_bar(): blm_bpc = blm.validate()[3]
    both = ('(d) ours, forward + backward (two classifiers, averaged)', *scores(te.origin, predict_texts(Ensemble([clf, bclf]), te.name.tolist()).label),
            t_both, f'backward alone {back_acc:.3f}, its LM bpc {blm_bpc:.3f}')
    # (e) (d) with the names models voting: the same four models, no more training
    lm_alone = [scores(te.origin, predict_texts(m, te.name.tolist()).label)[0] for m in (lm, blm)]
    fwd_vote_pred = predict_texts(Ensemble([clf, lm]), te.name.tolist()).label # (c) with its own names model voting: the app's origin model
    fwd_vote = ("(c') ours, (c) + its names model voting (`lm_vote=True`; the app's `origin` model)", *scores(te.origin, fwd_vote_pred), t_ours,
                'no more training than (c)')
    t = time.time()
    vote_pred = predict_texts(Ensemble([clf, bclf, lm, blm]), te.name.tolist()).label
    vote = scores(te.origin, vote_pred)
    t_vote = time.time() - t
    vote = ('(e) ours, (d) + both names models voting (`lm_vote=True`)', *vote, t_both,
            f'names models alone: forward {lm_alone[0]:.3f}, backward {lm_alone[1]:.3f}; '
            f'{len(te):,} test names classified in {t_vote:.1f} s')
    # (a) the tutorial's RNN, the same wall-clock as (d), and as (c) on the way
    (pred_c, steps_c), (pred_d, steps_d) = tutorial_rnn(tr, te, [t_ours, t_both], a.seed)
    rows.insert(0, ("(a) tutorial char RNN (hidden 128, SGD), (c)'s wall-clock", *scores(te.origin, pred_c), t_ours, f'{steps_c:,} SGD steps'))
    rows.insert(1, ("(a) tutorial char RNN (hidden 128, SGD), (d)'s wall-clock", *scores(te.origin, pred_d), t_both, f'{steps_d:,} SGD steps'))
    rows += [ours, fwd_vote, both, vote]
    majority = tr.origin.value_counts().index[0]
    print(f"\n{platform.node()} | {platform.machine()} | {torch.get_num_threads()} threads | torch {torch.__version__} | "
          f"names: {len(tr):,} train / {len(va):,} valid / {len(te):,} test, {df.origin.nunique()} origins "
          f"(majority class {majority}: test accuracy {(te.origin == majority).mean():.3f})\n")
    print('| model | test accuracy | test macro-F1 | train time | notes |\n|---|---|---|---|---|')
    for name, acc, f1, secs, note in rows: print(f'| {name} | {acc:.3f} | {f1:.3f} | {secs/60:.1f} min | {note} |')
    print()
    for label, row, at in (('(c)', ours, 0), ('(d)', both, 1), ("(c')", fwd_vote, 0), ('(e)', vote, 1)): # at: the tutorial's row at the same time
        print(f"{label} - tutorial RNN at {('(c)', '(d)')[at]}'s time: {100*(row[1] - rows[at][1]):+.1f} points of accuracy; "
              f"{label} - TF-IDF: {100*(row[1] - rows[2][1]):+.1f}")
    # paired: the names one classifier gets right and the other wrong (McNemar's exact test), so a small gap can be read
    y = te.origin.to_numpy()
    for label, pred in (("(c')", fwd_vote_pred), ('(e)', vote_pred)):
        ok_ours, ok_lr = np.asarray(pred) == y, tfidf_pred == y
        b, c = int((ok_ours & ~ok_lr).sum()), int((~ok_ours & ok_lr).sum())
        print(f"{label} vs TF-IDF, paired: {b} test names only {label} gets right, {c} only TF-IDF; "
              f"McNemar exact p = {binomtest(b, b + c).pvalue:.3f}")
    # generation
    train_names = set(tr.name.str.lower()) | set(va.name.str.lower())
    gen_rows, all_req, all_pred = [], [], []
    for i, origin in enumerate(lm.awd.categories):
        s = lm.generate(category=origin, n=a.samples, temperature=0.8, seed=a.seed + i)
        s = [x for x in s if x.strip()] or ['?']
        pred = lr_model.predict(vec.transform(s))
        all_req += [origin]*len(s); all_pred += list(pred)
        gen_rows.append((origin, np.mean([x.lower() not in train_names for x in s]), len(set(s))/len(s), np.mean(pred == origin),
                         ', '.join(s[:4])))
    all_req, all_pred = np.array(all_req), np.array(all_pred)
    rng = np.random.default_rng(a.seed)
    chance = np.mean([np.mean(rng.permutation(all_req) == all_pred) for _ in range(20)])
    cond = np.mean(all_req == all_pred)
    print(f"\nGeneration: {a.samples} samples per origin at temperature 0.8; conditioning accuracy = the share that "
          "classifier (b) assigns to the requested origin\n")
    print('| origin | novel | unique | conditioning accuracy | first samples |\n|---|---|---|---|---|')
    for o, nov, uni, acc, ex in gen_rows: print(f'| {o} | {nov:.0%} | {uni:.0%} | {acc:.0%} | {ex} |')
    print(f"| **all** | **{np.mean([r[1] for r in gen_rows]):.0%}** | **{np.mean([r[2] for r in gen_rows]):.0%}** | "
          f"**{cond:.0%}** | |")
    print(f"\nchance level of the same classifier on shuffled origins: {chance:.1%}; conditioning accuracy is "
          f"{cond/chance:.1f}x chance (goal >= 3x); novelty {np.mean([r[1] for r in gen_rows]):.0%} (goal >= 80%)")

if __name__ == '__main__': main()
