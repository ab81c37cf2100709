"""Prompts in the app's Headlines box: the prompt's last word as the samples write it, read as typed against healed
(token healing, `generate`'s way), side by side in one run on the shipped headlines model.

For each prompt, `--n` samples at the Headlines tab's settings (temperature 0.8, top-p 0.9, 4-15 words, seed 0), twice:
  typed:  the prompt's pieces as the tokenizer cuts them, continued (fastai's `predict` reads a prompt so);
  healed: `generate` as shipped: a last word the model finds likely to go on (`word_goes_on` >= `HEAL_AT`) is read
          without its pieces, and the samples' first pieces spell it again (the tokenizer's own pieces, or one that
          spells the rest of it whole).
Reported: the share of samples whose word at the prompt's end (the prompt's last word and what the sample glued to it,
up to a space) is a word of the headlines corpus's texts (case and trailing punctuation aside), and the most frequent
such words. Whole words ('Why', 'Kids') should stay themselves; words cut short ('How to ma') should become words.
    python bench/healing.py [--n 100]
"""
import argparse, collections, platform, re, time
import toolkit.generate as G
from toolkit.export import load_model
from toolkit.data import load_corpus

PROMPTS = ['Why', 'I', 'A', 'Kids', 'Obama', 'H1N1', 'UK', 'New study', 'The best', 'Flu', # whole words
           'How to ma', 'New stud', 'Scientists disc', 'Breakthr', 'Obam', 'Vacc', 'Diab', 'Scien', 'Cance'] # cut short

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--n', type=int, default=100)
    a = ap.parse_args()
    words = {w.lower() for t in load_corpus('headlines').text for w in re.findall(r"[\w'’-]+", t)}
    lm, heal, ends = load_model('headlines'), G._heal_split, G._ends_word
    app = dict(temperature=0.8, top_p=0.9, min_words=4, max_words=15, seed=0)
    def run(prompt, typed):
        if typed: # the pieces as cut, continued freely: no healing, and the last word not taken as finished either
            G._heal_split, G._ends_word = (lambda learn, p, pieces: (pieces, None)), (lambda *args: False)
        try: outs = lm.generate(prompt, n=a.n, **app)
        finally: G._heal_split, G._ends_word = heal, ends
        start = len(prompt) - len(prompt.split()[-1])
        got = [re.sub(r"[^\w'’-]+$", '', o[start:].split(' ')[0]) for o in outs] # the prompt's word, as written
        ok = sum(g.lower().rstrip("'’") in words or g.lower() in words for g in got)
        return ok/len(got), collections.Counter(got).most_common(3)
    t = time.time()
    print(f"# {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, {a.n} samples a prompt\n")
    print('| prompt | goes on | typed: a word | healed: a word | typed: its words | healed: its words |')
    print('|---|---|---|---|---|---|')
    for p in PROMPTS:
        goes = G.word_goes_on(lm, G.prompt_pieces(lm, p))
        (rt, ct), (rh, ch) = run(p, True), run(p, False)
        fmt = lambda c: ', '.join(f'{w} {k}' for w, k in c)
        print(f"| {p} | {goes:.2f} | {rt:.0%} | {rh:.0%} | {fmt(ct)} | {fmt(ch)} |")
    print(f"\n{time.time() - t:.0f} s")

if __name__ == '__main__': main()
