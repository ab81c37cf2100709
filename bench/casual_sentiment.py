"""The shipped review classifier on casual sentences, beside TF-IDF + logistic regression trained on the same texts.

The shipped `sentiment` model learnt from Rotten Tomatoes critics' snippets ("A dark, dull thriller with a parting shot
that misfires."). A visitor to the app types what a filmgoer says ("I loved this movie"). This probe sets 30 such
sentences, 15 fresh and 15 rotten, written for it (not from any corpus), before both classifiers: the shipped model,
and TF-IDF word 1-2-grams + logistic regression trained on the shipped model's own training texts (bench/classify.py's
split, train and valid parts; C chosen on valid as there). Thirty sentences are a probe, not a test set: it says how
the two fail out of their domain, not which is better in it (bench/classify.py and bench/shipped.py do that).
    python bench/casual_sentiment.py
"""
import argparse, platform, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

FRESH = ["I loved this movie", "Loved it!", "What a great film.", "I really enjoyed it", "The best movie I have seen in years",
         "A masterpiece.", "Brilliant, funny and moving.", "I was smiling all the way through", "Go see it, you won't regret it",
         "The acting was superb", "One of the best films of the year.", "I laughed so hard", "Beautiful and touching",
         "This film is a delight.", "I would watch it again tomorrow"]
ROTTEN = ["This movie was terrible", "I hated it.", "What a waste of time.", "Worst movie ever", "Boring and too long.",
          "The acting was awful", "I fell asleep halfway through", "Don't bother.", "A dull, lifeless mess.",
          "I wanted my money back", "The plot made no sense", "Not funny at all", "I walked out after an hour",
          "Painfully bad", "Nothing happens for two hours"]

def main():
    argparse.ArgumentParser(description=__doc__.split('\n\n')[0]).parse_args()
    from classify import split
    from toolkit.all import load_model, predict_texts
    t0 = time.time()
    texts, y = FRESH + ROTTEN, np.array(['fresh']*len(FRESH) + ['rotten']*len(ROTTEN))
    learn = load_model('sentiment')
    ours = predict_texts(learn, texts)
    df = split('reviews')
    tr, va = df[df.part == 'train'], df[df.part == 'valid']
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    Xtr, Xva = vec.fit_transform(tr.text), vec.transform(va.text)
    C = max((0.3, 1, 3, 10, 30), key=lambda C: accuracy_score(va.y, LogisticRegression(C=C, max_iter=3000).fit(Xtr, tr.y).predict(Xva)))
    lr = LogisticRegression(C=C, max_iter=3000).fit(Xtr, tr.y)
    p = lr.predict_proba(vec.transform(texts))
    base = lr.classes_[p.argmax(1)]
    rows = [('shipped `sentiment` (ULMFiT)', ours.label.to_numpy(), ours.prob.to_numpy()),
            (f'TF-IDF + LR (C={C:g}), same training texts', base, p.max(1))]
    print(f"# {len(texts)} casual sentences ({len(FRESH)} fresh, {len(ROTTEN)} rotten); {platform.node()}, "
          f"{time.strftime('%Y-%m-%d')}, {time.time() - t0:.0f} s\n")
    print('| classifier | right | fresh right | rotten right | mean confidence when wrong |\n|---|---|---|---|---|')
    for name, pred, conf in rows:
        ok = pred == y
        wrong = f'{conf[~ok].mean():.0%}' if (~ok).any() else ''
        print(f'| {name} | {ok.sum()}/{len(y)} | {ok[:len(FRESH)].sum()}/{len(FRESH)} | {ok[len(FRESH):].sum()}/{len(ROTTEN)} | {wrong} |')
    print('\nWrong (the sentence, its label, what each said):')
    for i, t in enumerate(texts):
        if rows[0][1][i] != y[i] or rows[1][1][i] != y[i]:
            print(f"- {t!r} ({y[i]}): ours {rows[0][1][i]} {rows[0][2][i]:.0%}, TF-IDF {rows[1][1][i]} {rows[1][2][i]:.0%}")

if __name__ == '__main__': main()
