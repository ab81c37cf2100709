"""The shipped pretrained English model against from scratch, side by side in one run (issue 25).

The same seeded splits, the same recipe and the same budget for both starts.

Rows, as issue 25 lists them:
  (a) headlines, `--minutes` (10) of `train_lm(preset='small', minutes=M)` from the pretrained model and from scratch,
      on `bench/lm_quality.py`'s seeded 90/10 split: held-out BPC (lm_quality's `valid_bpc`) and its real-vs-generated
      judge on `--samples` (500) samples at T 0.8 (lm_quality's `lm_samples` and `sample_stats`), with a markovify
      row (a word-pair chain, `markovify.NewlineText(state_size=2)`, on the same training texts; it stitches real
      word pairs together) and the held-out real texts (the ceiling). Goals: BPC <= 1.80, judge <= 62%.
      `--also "T=1.0;T=1.0,top_p=0.95"` samples the same two trained models again at other settings (the same seed and
      count) and judges each: a second table, to see what the sampling setting does to the judge.
  (b) a small user data set: 2,000 headlines sampled from (a)'s training split (`random_state=0`), 3 minutes of
      `train_lm` each (its own 10% split of the 2,000 for validation); held-out BPC on 2,000 headlines of (a)'s held-out
      split and the share of samples 4-15 words long. Goals: BPC >= 15% lower than from scratch, >= 90% of samples.
  (c) review sentiment on `bench/classify.py`'s split (80/10/10 by movie, seed 0): `train_classifier` with its
      defaults (ULMFiT: a language model fine-tuned on the task's texts, then gradual unfreezing) with its language model
      starting from the pretrained model and from scratch, against TF-IDF + logistic regression (classify.py's
      `tfidf_lr`, C chosen on valid). Goal: the pretrained recipe above TF-IDF on test accuracy and macro-F1.
  (d) headline outlet (label `source`) on classify.py's headlines split: the same three rows. Goal: still ahead of TF-IDF.
  (e) 3,000 review snippets, a seeded sample of (c)'s training split, all the labelled data a user has: train_classifier
      splits them as it does by default (10% by movie for validation); TF-IDF + LR on the same 2,700 / 300; the test set
      is (c)'s. Goal: the pretrained recipe beats TF-IDF.
Every row prints its table as soon as it is done; a summary of the goals ends the run. The classifier rows train by
epochs (train_classifier's defaults), so both starts get the same epochs; their minutes are reported.
Run with the machine otherwise idle (about 1 h 45 min on 2 cores, most of it (d)):
    python bench/pretrained.py [--rows a,b,c,d,e] [--minutes 10] [--samples 500]
    python bench/pretrained.py --quick     # tiny budgets and data, every row: a smoke test of a few minutes
"""
import argparse, datetime, gc, os, platform, random, sys, time
from pathlib import Path
import pandas as pd
import torch, fastai
sys.path.insert(0, str(Path(__file__).resolve().parent)) # the sibling benches, also when run as `python -m bench.pretrained`
from lm_quality import corpus, judge_sets, lm_samples, sample_stats, valid_bpc, fastai_step, MAX_TOKENS
from classify import split, tfidf_lr, scores, ours as classify_ours
from toolkit.all import (train_lm, lm_dls, get_tokenizer, has_pretrained, load_pretrained, pretrained_dir, REBUILD,
                          CLASSIFIER_RECIPE, split_df) # the public API, wherever the redesign puts it
from _args import count, minutes, number, seed

FULL = dict(a_minutes=10., samples=500, b_texts=2000, b_minutes=3., b_held=2000, e_texts=3000,
            a_rows=None, clf_rows=None, clf_kw={})
QUICK = dict(a_minutes=0.25, samples=60, b_texts=600, b_minutes=0.15, b_held=300, e_texts=400,
             a_rows=(3000, 600), clf_rows=1500, clf_kw=dict(epochs=1, lm_epochs=1)) # a_rows: training, held-out texts
STARTS = (('pretrained', True), ('scratch', False))
GOALS = dict(a_bpc=1.80, a_judge=0.62, b_gain=0.15, b_words=0.90)

def log(*a): print(*a, file=sys.stderr, flush=True)
def mins(s): return f'{s/60:.1f} min'

def machine_line():
    threads = torch.get_num_threads()
    omp = os.environ.get('OMP_NUM_THREADS')
    return (f"{datetime.date.today()} | {platform.node()} | {platform.machine()} | {os.cpu_count()} CPUs | "
            f"{threads} torch thread{'s'*(threads != 1)}{f' (OMP_NUM_THREADS={omp})' if omp else ''} | "
            f"torch {torch.__version__} | fastai {fastai.__version__}")

def card_lines():
    "The pretrained model's card, as the package finds it: what it is, how long it trained, on what"
    pre = load_pretrained(weights=False)
    card, run = pre['card'], pre['card'].get('pretraining') or {}
    src = (card.get('sources') or {}).get('sources') or {}
    words = {k: v['train']['words'] for k, v in src.items()}
    regs = pd.Series([v.get('registry') for v in src.values()]).value_counts()
    ship = run.get('shipped') or run # the chunk whose weights ship (later chunks that did no better are not in them)
    seen, ran = ship.get('tokens_seen'), (f" (of {run.get('chunks')} run)" if ship is not run else '')
    lines = [f"pretrained model: {pre['path']} | {card.get('preset')} preset, {card.get('n_params', 0)/1e6:.1f}M parameters, "
             f"vocabulary {len(pre['vocab']):,} pieces | {ship.get('chunks')} chunks{ran}, "
             f"{seen/1e6:.2f}M tokens seen | {ship.get('cpu_hours')} CPU hours | "
             f"held-out BPC on its corpus {card.get('metrics', {}).get('bpc')} | card of {card.get('created', '?')[:16]}",
             f"its corpus: {len(src)} sources ({', '.join(f'{n} {r}' for r, n in regs.items())}), "
             f"{(card.get('corpus_tokens') or {}).get('train', 0)/1e6:.1f}M training tokens, {sum(words.values())/1e6:.1f}M words: "
             + ', '.join(f'{k} {w/1e6:.2f}M' for k, w in sorted(words.items(), key=lambda kv: -kv[1]))]
    leak = sorted(set(src) & {'headlines', 'reviews'})
    if leak: lines.append(f"WARNING: the pretraining corpus holds {', '.join(leak)}: (c)-(e) use classify.py's seed-0 splits, "
                          "whose test texts the corpus's guard (seed-42 validation splits) does not exclude")
    return lines

def table(title, head, rows):
    print(f"\n### {title}\n\n| {' | '.join(head)} |\n|{'---|'*len(head)}")
    for r in rows: print(f"| {' | '.join(str(c) for c in r)} |")
    sys.stdout.flush()

def check_start(learn, pre, what):
    "The run started where it should: `learn.awd.pretrained` is the record of the shipped model, or None from scratch"
    got = learn.awd.pretrained is not None
    if got != pre: raise RuntimeError(f"{what}: asked for pretrained={pre}, the model's record says {learn.awd.pretrained!r}")

def markov_samples(train_texts, n, seed, tries=100):
    "`n` sentences of a markovify word-pair chain (state size 2, its defaults) on `train_texts`, one text a line"
    import markovify
    model = markovify.NewlineText('\n'.join(' '.join(t.split()) for t in train_texts), state_size=2)
    random.seed(seed) # markovify draws from the `random` module
    out, calls = [], 0
    while len(out) < n and calls < 100*n:
        s = model.make_sentence(tries=tries); calls += 1
        if s: out.append(s)
    return out

def lm_frame(cfg, seed):
    "lm_quality's headlines split (quick: a seeded part of each side), its held-out texts and training set"
    df, real_valid, train_set, _ = corpus('headlines', seed)
    if cfg['a_rows']:
        n_tr, n_va = cfg['a_rows']
        df = pd.concat([df[~df.is_valid].sample(n_tr, random_state=0), df[df.is_valid].sample(n_va, random_state=0)])
        real_valid = df.text[df.is_valid].tolist()
        train_set = set(df.text[~df.is_valid].str.strip().str.lower())
    return df.reset_index(drop=True), real_valid, train_set

def timed_lm(what, df, minutes, pre, seed):
    "`train_lm(preset='small', minutes=minutes)` from the pretrained model (`pre`) or from scratch, checked; and its seconds"
    t = time.perf_counter()
    learn = train_lm(df, 'text', preset='small', minutes=minutes, show_progress=False, seed=seed, pretrained=pre)
    wall = time.perf_counter() - t
    check_start(learn, pre, what)
    return learn, wall

def row_a(cfg, a, summary):
    df, real_valid, train_set = lm_frame(cfg, a.seed)
    real_a, real_b, cats = judge_sets(real_valid, None, cfg['samples'])
    rows, got, also = [], {}, []
    for name, pre in STARTS:
        log(f"(a) {name}: train_lm(minutes={cfg['a_minutes']:g}) on {(~df.is_valid).sum():,} headlines")
        learn, wall = timed_lm('(a)', df, cfg['a_minutes'], pre, a.seed)
        bpc = valid_bpc(learn.dls, fastai_step(learn.model)) # the split's held-out texts, as lm_quality scores every row
        texts = lm_samples(learn, cats, a.temperature, MAX_TOKENS['headlines'], a.seed)
        s = sample_stats(texts, real_a, train_set, False)
        got[name] = (bpc, s)
        rows.append([f"ours from {name}: train_lm(preset='small', minutes={cfg['a_minutes']:g}, pretrained={pre})",
                     f'{len(learn.dls.vocab):,}', f'{learn.n_epoch:.2f}', mins(wall), f'{bpc:.3f}', *fmt_samples(s)])
        log(f"    BPC {bpc:.3f}, judge {s['real_vs_gen']:.1%}, {mins(wall)}; first samples: {' / '.join(texts[:3])}")
        for kw in a.also: # the same model, other sampling settings
            texts = learn.generate(n=len(cats), max_tokens=MAX_TOKENS['headlines'], seed=a.seed, **kw)
            s = sample_stats(texts, real_a, train_set, False)
            also.append([f"ours from {name}", setting_str(kw), *fmt_samples(s)])
            log(f"    {setting_str(kw)}: judge {s['real_vs_gen']:.1%}; first samples: {' / '.join(texts[:3])}")
        del learn; gc.collect()
    try:
        t = time.perf_counter()
        texts = markov_samples(df.text[~df.is_valid].tolist(), cfg['samples'], a.seed)
        s = sample_stats(texts, real_a, train_set, False)
        got['markovify'] = (None, s)
        rows.append(['markovify word-pair chain (state size 2, `make_sentence(tries=100)`)', '', '',
                     mins(time.perf_counter() - t), '', *fmt_samples(s)])
        log(f"    markovify: judge {s['real_vs_gen']:.1%}; first samples: {' / '.join(texts[:3])}")
    except ImportError: rows.append(['markovify: not installed (pip install markovify)', '', '', '', '', '', '', '', '', ''])
    real = sample_stats(real_b, real_a, train_set, False)
    rows.append(['held-out real texts (the ceiling)', '', '', '', '', *fmt_samples(real)])
    if also:
        table(f"(a), the same two models at other sampling settings ({cfg['samples']} samples each, seed {a.seed}, the same "
              f"judge and real set)", ['model', 'sampling', '% 4-15 words', '% real-like length', '% novel', 'distinct-2',
              'real-vs-generated acc'], also)
    (pb, ps), (sb, ss) = got['pretrained'], got['scratch']
    table(f"(a) headlines: {(~df.is_valid).sum():,} training texts, {df.is_valid.sum():,} held out (lm_quality's split, seed "
          f"{a.seed}) | {cfg['a_minutes']:g} minutes per model | {cfg['samples']} samples at T {a.temperature:g}",
          ['model', 'vocab', 'epochs', 'wall-clock', 'held-out BPC', '% 4-15 words', '% real-like length', '% novel',
           'distinct-2', 'real-vs-generated acc'], rows)
    print(f"\npretrained vs scratch: BPC {pb/sb - 1:+.1%} ({pb:.3f} / {sb:.3f}); "
          f"judge {ps['real_vs_gen']:.1%} / {ss['real_vs_gen']:.1%}")
    mk = got.get('markovify', (None, None))[1]
    summary += [('(a)', 'held-out BPC', f'{pb:.3f}', f'{sb:.3f}', '', f"<= {GOALS['a_bpc']:.2f}", pb <= GOALS['a_bpc']),
                ('(a)', 'real-vs-generated acc', f"{ps['real_vs_gen']:.1%}", f"{ss['real_vs_gen']:.1%}",
                 f"markovify {mk['real_vs_gen']:.1%}" if mk else '', f"<= {GOALS['a_judge']:.0%}",
                 ps['real_vs_gen'] <= GOALS['a_judge'])]

def parse_setting(text):
    "'T=1.0,top_p=0.95' -> dict(temperature=1.0, top_p=0.95): generate's keyword arguments, T short for temperature"
    kw = {}
    for part in filter(None, (x.strip() for x in text.split(','))):
        k, _, v = part.partition('=')
        kw[{'T': 'temperature'}.get(k.strip(), k.strip())] = float(v) if '.' in v else int(v)
    return kw

def setting_str(kw): return ', '.join(f"{'T' if k == 'temperature' else k} {v:g}" for k,v in kw.items())

def fmt_samples(s):
    return [f"{s['words']:.0%}", f"{s['length']:.0%}", f"{s['novel']:.0%}", f"{s['distinct2']:.2f}", f"{s['real_vs_gen']:.1%}"]

def row_b(cfg, a, summary):
    df, real_valid, _ = lm_frame(cfg, a.seed)
    user = df[~df.is_valid].sample(cfg['b_texts'], random_state=0)[['text']].reset_index(drop=True)
    seen = set(user.text.str.strip().str.lower())
    held = df[df.is_valid & ~df.text.str.strip().str.lower().isin(seen)]
    held = held.sample(min(cfg['b_held'], len(held)), random_state=0).text.tolist()
    real_a, real_b, cats = judge_sets(real_valid, None, cfg['samples'])
    ev = pd.DataFrame({'text': user.text.tolist() + held, 'is_valid': [False]*len(user) + [True]*len(held)})
    rows, got = [], {}
    for name, pre in STARTS:
        log(f"(b) {name}: train_lm(minutes={cfg['b_minutes']:g}) on {len(user):,} headlines")
        learn, wall = timed_lm('(b)', user, cfg['b_minutes'], pre, a.seed)
        dls = lm_dls(ev, 'text', tokenizer=get_tokenizer(learn), vocab=list(learn.dls.vocab), bs=64, seq_len=64)
        bpc, own = valid_bpc(dls, fastai_step(learn.model)), valid_bpc(learn.dls, fastai_step(learn.model))
        texts = lm_samples(learn, cats, a.temperature, MAX_TOKENS['headlines'], a.seed)
        s = sample_stats(texts, real_a, seen, False)
        got[name] = (bpc, s)
        rows.append([f"from {name}: train_lm(preset='small', minutes={cfg['b_minutes']:g}, pretrained={pre})",
                     f'{len(learn.dls.vocab):,}', f'{learn.n_epoch:.2f}', mins(wall), f'{own:.3f}', f'{bpc:.3f}',
                     *fmt_samples(s)])
        log(f"    held-out BPC {bpc:.3f}, 4-15 words {s['words']:.0%}; first samples: {' / '.join(texts[:3])}")
        del learn; gc.collect()
    # the real texts' own share of 4-15 words: what a model that learned the data's lengths would score
    mine = sample_stats(user.text.sample(min(len(user), cfg['samples']), random_state=0).tolist(), real_a, seen, False)
    rows.append([f'the {len(user):,} training headlines themselves (what the models learn from)', '', '', '', '', '',
                 *fmt_samples(mine)])
    real = sample_stats(real_b, real_a, seen, False)
    rows.append(['held-out real texts (the ceiling)', '', '', '', '', '', *fmt_samples(real)])
    (pb, ps), (sb, ss) = got['pretrained'], got['scratch']
    table(f"(b) a small user data set: {len(user):,} headlines of (a)'s training split (`sample(random_state=0)`; "
          f"train_lm holds out 10% of them) | {cfg['b_minutes']:g} minutes per model | held-out BPC on {len(held):,} headlines "
          f"of (a)'s held-out split | {cfg['samples']} samples at T {a.temperature:g}, judged against (a)'s real set",
          ['model', 'vocab', 'epochs', 'wall-clock', 'own valid BPC', 'held-out BPC', '% 4-15 words', '% real-like length',
           '% novel', 'distinct-2', 'real-vs-generated acc'], rows)
    gain = 1 - pb/sb
    print(f"\npretrained vs scratch: held-out BPC {-gain:+.1%} ({pb:.3f} / {sb:.3f}; goal: at least {GOALS['b_gain']:.0%} lower)")
    summary += [('(b)', 'held-out BPC', f'{pb:.3f}', f'{sb:.3f}', f'{-gain:+.1%} vs scratch', f">= {GOALS['b_gain']:.0%} lower",
                 gain >= GOALS['b_gain']),
                ('(b)', '% samples 4-15 words', f"{ps['words']:.0%}", f"{ss['words']:.0%}",
                 f"training texts {mine['words']:.0%}", f">= {GOALS['b_words']:.0%}",
                 ps['words'] >= GOALS['b_words'])]

def clf_rows(tag, tr, va, te, a, kw, note_split):
    "Majority class, TF-IDF + LR and train_classifier from both starts on one split: (rows, {name: (acc, f1)})"
    rows, got = [], {}
    n_lm, n_ep = kw.get('lm_epochs', CLASSIFIER_RECIPE['lm_epochs']), kw.get('epochs', CLASSIFIER_RECIPE['epochs'])
    maj = tr.y.value_counts().index[0]
    rows.append(['majority class', *[f'{v:.3f}' for v in scores(te.y, [maj]*len(te))], '0.0 min', f'always {maj!r}'])
    t = time.perf_counter(); pred, C = tfidf_lr(tr, va, te)
    got['tfidf'] = scores(te.y, pred)
    rows.append(['TF-IDF word 1-2-grams + logistic regression', *[f'{v:.3f}' for v in got['tfidf']],
                 mins(time.perf_counter() - t), f'C={C} (chosen on valid)'])
    for name, pre in STARTS:
        log(f"{tag} {name}: train_classifier({', '.join(f'{k}={v}' for k, v in kw.items())}) on {len(tr):,} + {len(va):,} texts")
        pred, secs, learn = classify_ours(tr, va, te, pretrained=pre, **kw)
        check_start(learn, pre, tag)
        with learn.awd.lm.no_bar(): lm_bpc = learn.awd.lm.validate()[3]
        got[name] = scores(te.y, pred)
        rows.append([f"ours, ULMFiT, language model from {name} (`train_classifier(pretrained={pre})`)",
                     *[f'{v:.3f}' for v in got[name]], mins(secs),
                     f"vocab {len(learn.awd.lm.dls.vocab):,}; LM {n_lm} epoch{'s'*(n_lm != 1)}, bpc {lm_bpc:.2f}; "
                     f"classifier {n_ep} epoch{'s'*(n_ep != 1)}"])
        log(f"    accuracy {got[name][0]:.3f}, macro-F1 {got[name][1]:.3f}, {mins(secs)}")
        del learn; gc.collect()
    table(f"{tag} {note_split}: {len(tr):,} train / {len(va):,} valid / {len(te):,} test, {tr.y.nunique()} classes",
          ['model', 'test accuracy', 'test macro-F1', 'train time', 'notes'], rows)
    p, s, b = got['pretrained'], got['scratch'], got['tfidf']
    print(f"\npretrained vs scratch: accuracy {p[0] - s[0]:+.3f}, macro-F1 {p[1] - s[1]:+.3f}; "
          f"pretrained vs TF-IDF: accuracy {p[0] - b[0]:+.3f}, macro-F1 {p[1] - b[1]:+.3f}")
    return got

def clf_summary(tag, got, goal, summary):
    p, s, b = got['pretrained'], got['scratch'], got['tfidf']
    for i, m in enumerate(('test accuracy', 'test macro-F1')):
        summary.append((tag, m, f'{p[i]:.3f}', f'{s[i]:.3f}', f'TF-IDF {b[i]:.3f}', goal, p[i] > b[i]))

def parts(df):
    return (df[df.part == k] for k in ('train', 'valid', 'test'))

def row_c(cfg, a, summary):
    tr, va, te = parts(split('reviews', cfg['clf_rows'], 0))
    got = clf_rows('(c)', tr, va, te, a, cfg['clf_kw'], "review sentiment (classify.py's split, by movie, seed 0)")
    clf_summary('(c)', got, 'above TF-IDF', summary)

def row_d(cfg, a, summary):
    tr, va, te = parts(split('headlines', cfg['clf_rows'], 0))
    got = clf_rows('(d)', tr, va, te, a, cfg['clf_kw'], "headline outlet (classify.py's split, seed 0)")
    clf_summary('(d)', got, 'still ahead of TF-IDF', summary)

def row_e(cfg, a, summary):
    tr, _, te = parts(split('reviews', cfg['clf_rows'], 0))
    # the split train_classifier makes by default (10% by movie), given to every row
    small = split_df(tr.sample(min(cfg['e_texts'], len(tr)), random_state=0), valid_pct=0.1, seed=42, group_col='movie')
    small = small.assign(part=small.is_valid.map({True: 'valid', False: 'train'})).drop(columns='is_valid')
    tr_s, va_s = small[small.part == 'train'], small[small.part == 'valid']
    got = clf_rows('(e)', tr_s, va_s, te, a, cfg['clf_kw'],
                   f"{len(small):,} review snippets, a seeded sample of (c)'s training split (`random_state=0`), split 90/10 "
                   "by movie as train_classifier does by default; (c)'s test set")
    clf_summary('(e)', got, 'pretrained beats TF-IDF', summary)

ROWS = dict(a=row_a, b=row_b, c=row_c, d=row_d, e=row_e)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--rows', default='a,b,c,d,e', help='comma-separated, of a, b, c, d, e')
    p.add_argument('--minutes', type=minutes, help=f"(a)'s training budget per model (default {FULL['a_minutes']:g}; --quick: "
                   f"{QUICK['a_minutes']:g})")
    p.add_argument('--samples', type=count, help=f"samples per model for the judge of (a) and (b) (default {FULL['samples']}; "
                   f"--quick: {QUICK['samples']})")
    p.add_argument('--temperature', type=number(0.), default=0.8)
    p.add_argument('--also', default='', help='row (a): more sampling settings for the same models, `;`-separated, '
                   'each `T=1.0,top_p=0.95` (generate\'s keyword arguments; T is temperature)')
    p.add_argument('--seed', type=seed, default=42, help="lm_quality's split and the training seed (the classifier rows use "
                   "classify.py's split, seed 0)")
    p.add_argument('--quick', action='store_true', help='tiny budgets and data, every row: a smoke test of a few minutes')
    a = p.parse_args()
    try: a.also = [parse_setting(x) for x in a.also.split(';') if x.strip()]
    except ValueError: p.error(f"--also {a.also!r}: settings such as 'T=1.0,top_p=0.95' (numbers), ';' between settings")
    rows = [r.strip() for r in a.rows.split(',') if r.strip()]
    bad = [r for r in rows if r not in ROWS]
    if bad: p.error(f"unknown rows {bad}: expected some of {', '.join(ROWS)}")
    if not has_pretrained(): sys.exit(f"no pretrained model in the package ({pretrained_dir()}): {REBUILD}")
    cfg = dict(QUICK if a.quick else FULL)
    if a.minutes is not None: cfg['a_minutes'] = a.minutes
    if a.samples is not None: cfg['samples'] = a.samples
    print(f"# bench/pretrained.py{' --quick (a smoke test: tiny budgets and data; not a measurement)' if a.quick else ''}, rows "
          f"{', '.join(rows)}\n\n```\n{machine_line()}")
    print('\n'.join(card_lines()) + '\n```')
    summary, t0 = [], time.perf_counter()
    for r in rows:
        t = time.perf_counter()
        ROWS[r](cfg, a, summary)
        print(f"\n({r}) took {mins(time.perf_counter() - t)}", flush=True)
    table(f"goals of issue 25 ({mins(time.perf_counter() - t0)} in all)",
          ['row', 'measure', 'pretrained', 'from scratch', 'baseline / ratio', 'goal', 'met'],
          [[*r[:-1], 'yes' if r[-1] else 'no'] for r in summary])

if __name__ == '__main__': main()
