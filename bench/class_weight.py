"""Weighting rare classes in a classifier's loss (`class_weight`): ours with 0, 0.5 and 1, and TF-IDF + logistic
regression with scikit-learn's `class_weight=None` and `'balanced'`, side by side on the same split.

Two imbalanced tasks a user meets:
  origin:  the bundled names by origin, bench/names.py's split (seed 0): 17 origins, from 2,439 training names
           (Japanese) down to 62 (Vietnamese). Ours is the app's `origin` model as scripts/build_models.py builds it
           (`ORIGIN_RECIPE` on the shipped names model, which votes: `lm_vote=True`), trained on the train part,
           validated on the valid part; the shipped names model never saw the test part.
  reviews: review sentiment 9 to 1: bench/classify.py's split by movie (seed 0), every part cut to 9 'fresh'
           snippets to each 'rotten' one. Ours: the pretrained English model fine-tuned once on the training texts
           (`--lm-epochs`), then `CLASSIFIER_RECIPE`'s classifier on it with each weighting.
Columns: test accuracy, macro-F1, and the recall of the rarest classes (what weighting is for). Run with the
machine otherwise idle:
    python bench/class_weight.py [--tasks origin,reviews] [--weights 0,0.5,1] [--threads 1]
"""
import argparse, platform, time
from pathlib import Path
import numpy as np
import pandas as pd
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, recall_score

TASKS = ('origin', 'reviews')

def get_args(argv=None):
    from _args import count, epochs, number_list, some_of # (beside this file: on sys.path when run)
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--tasks', type=some_of(TASKS), default=','.join(TASKS), help=f"comma-separated, of {', '.join(TASKS)}")
    p.add_argument('--weights', type=number_list(0, 1), default='0,0.5,1', help='class_weight values for ours, comma-separated, '
                   'each from 0 to 1')
    p.add_argument('--threads', type=count, default=1)
    p.add_argument('--lm-epochs', type=epochs, default=2, help='reviews: epochs fine-tuning the pretrained model')
    p.add_argument('--max-rows', type=count, help='a smoke test: this many training rows')
    return p.parse_args(argv)

def origin_task(a):
    "The names split, its language model (the shipped names model), and how ours trains on it"
    from names import split
    from toolkit.all import load_model
    from toolkit.recipes import ORIGIN_RECIPE
    df = split(0).rename(columns={'name': 'text', 'origin': 'label'})
    lm = load_model(Path(__file__).resolve().parent.parent/'toolkit'/'models'/'names')
    return df, dict(lm=lm, lm_vote=True, lm_epochs=0, **{k: ORIGIN_RECIPE[k] for k in ('epochs', 'lr', 'stages')}), 'char_wb', (1, 4)

def reviews_task(a):
    "The reviews split cut to 9 fresh to 1 rotten in every part, and the pretrained model fine-tuned on its texts"
    from classify import split
    from toolkit.all import train_lm
    df = split('reviews', seed=0).rename(columns={'y': 'label'})
    parts = []
    for part, d in df.groupby('part'):
        fresh, rotten = d[d.label == 'fresh'], d[d.label == 'rotten']
        parts += [fresh, rotten.sample(min(len(rotten), len(fresh)//9), random_state=0)]
    df = pd.concat(parts).reset_index(drop=True)
    tr = df[df.part != 'test'].assign(is_valid=lambda d: d.part == 'valid')
    lm = train_lm(tr[['text', 'is_valid']], epochs=a.lm_epochs, pretrained=True, show_progress=False)
    from toolkit.recipes import CLASSIFIER_RECIPE
    return df, dict(lm=lm, lm_epochs=0, **{k: CLASSIFIER_RECIPE[k] for k in ('epochs', 'lr', 'stages')}), 'word', (1, 2)

def rare(tr:pd.DataFrame, k:int=3)->list:
    "The `k` classes with fewest training texts"
    return list(tr.label.value_counts().index[::-1][:k])

def row(name, y, pred, classes, minutes=None):
    rec = recall_score(y, pred, labels=classes, average=None, zero_division=0)
    return dict(model=name, accuracy=accuracy_score(y, pred), macro_f1=f1_score(y, pred, average='macro'),
                **{f'recall {c}': r for c, r in zip(classes, rec)}, minutes=minutes)

def tfidf(tr, va, te, analyzer, ngrams, weight):
    "TF-IDF + logistic regression, C chosen on valid (by macro-F1: what weighting is for)"
    vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, lowercase=True, sublinear_tf=True,
                          min_df=2 if analyzer == 'word' else 1)
    Xtr, Xva, Xte = vec.fit_transform(tr.text), vec.transform(va.text), vec.transform(te.text)
    best = max(((f1_score(va.label, m.predict(Xva), average='macro'), C, m) for C in (1, 3, 10, 30)
                for m in [LogisticRegression(C=C, max_iter=3000, class_weight=weight).fit(Xtr, tr.label)]),
               key=lambda r: r[0])
    return best[2].predict(Xte), best[1]

def run(task, a):
    from toolkit.all import train_classifier, predict_texts
    t0 = time.time()
    df, how, analyzer, ngrams = {'origin': origin_task, 'reviews': reviews_task}[task](a)
    prep = (time.time() - t0)/60
    tr, va, te = (df[df.part == p] for p in ('train', 'valid', 'test'))
    if a.max_rows: tr = tr.sample(min(a.max_rows, len(tr)), random_state=0)
    classes = rare(tr)
    rows = []
    for w in (None, 'balanced'):
        t = time.time()
        pred, C = tfidf(tr, va, te, analyzer, ngrams, w)
        rows.append(row(f"TF-IDF + logistic regression (C={C}), class_weight={w}", te.label, pred, classes,
                        (time.time() - t)/60))
    train = pd.concat([tr, va]).assign(is_valid=lambda d: d.part == 'valid')[['text', 'label', 'is_valid']]
    for w in a.weights:
        t = time.time()
        learn = train_classifier(train, 'text', 'label', class_weight=w, show_progress=False, **how)
        pred = predict_texts(learn, te.text.tolist()).label
        rows.append(row(f"ours, class_weight={w:g}", te.label, pred.to_numpy(), classes, (time.time() - t)/60))
    counts = tr.label.value_counts()
    head = (f"{task}: {len(tr):,} train / {len(va):,} valid / {len(te):,} test, {len(counts)} classes, training "
            f"texts per class {counts.max():,} to {counts.min():,} (rarest: " +
            ', '.join(f'{c} {counts[c]}' for c in classes) + f"); preparing the language model {prep:.1f} min")
    return head, pd.DataFrame(rows)

def table(res:pd.DataFrame)->str:
    cols = list(res.columns)
    out = ['| ' + ' | '.join(cols) + ' |', '|' + '---|'*len(cols)]
    for _, r in res.iterrows():
        out.append('| ' + ' | '.join(str(r[c]) if isinstance(r[c], str) else '' if pd.isna(r[c]) else
                                     f'{r[c]:.1f}' if c == 'minutes' else f'{r[c]:.3f}' for c in cols) + ' |')
    return '\n'.join(out)

def main(argv=None):
    a = get_args(argv)
    torch.set_num_threads(a.threads)
    print(f"{platform.node() or 'machine'} | {platform.machine()} | {a.threads} thread(s) | torch {torch.__version__}")
    for task in a.tasks:
        head, res = run(task, a)
        print(f"\n{head}\n\n{table(res)}", flush=True)
        base = res[res.model == 'ours, class_weight=0']
        if not len(base): continue
        base = base.iloc[0]
        for _, r in res[res.model.str.startswith('ours') & ~res.model.str.endswith('=0')].iterrows():
            print(f"{r.model} - class_weight=0: accuracy {100*(r.accuracy - base.accuracy):+.1f} points, macro-F1 "
                  f"{100*(r.macro_f1 - base.macro_f1):+.1f} points")

if __name__ == '__main__':
    import sys, os
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [os.path.dirname(here), here]
    main()
