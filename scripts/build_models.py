"""Build the default models that ship inside the package (issue 26): `toolkit/models/<name>/`, fp16, each with its card.

    python scripts/build_models.py                         # every default model, one after the other
    python scripts/build_models.py --models names,origin   # some of them (a classifier starts from the model it
                                                           # needs: the one in --out, else the shipped one)
    python scripts/build_models.py --quick --out /tmp/m    # a smoke test: small data and budgets, written elsewhere
    python scripts/build_models.py --fingerprint-only      # add the fingerprint of the training texts (for
                                                           # generate(novel=True)) to the shipped language models

Each model is trained by `toolkit.train.train_default` with its recipe (`DEFAULT_MODELS`) and the bigger budgets of
`SHIPPED`, on the `small` preset, on one thread by default (pretraining can have the other core). It trains on the
train and valid parts of the split its benchmark uses (bench/classify.py's 80/10/10, by movie for reviews, for
headlines and reviews; bench/names.py's for names), so the benchmarks' test sets stay unseen; the card records the
figures measured on that test part, the recipe, the budget and the threads, the data, and the command that rebuilt
it. A model is staged (in build/shipped/, or beside an --out of another place) and moved into place once measured: a
stopped build leaves the shipped model as it was. A model fine-tuned from the pretrained English model records in
its card's `pretrained` the chunk it started from and the commit that holds those weights: `git checkout COMMIT --
toolkit/models/english` gives a rebuild the same start (today's gives other figures). The pretrained English model
(`english`) is built by scripts/pretrain.py, not here.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO/'bench')]

SPLITS = {'headlines': "bench/classify.py's split (80/10/10 by row, seed 0)",
          'reviews': "bench/classify.py's split (80/10/10 by movie, seed 0)",
          'names': "bench/names.py's split (80/10/10, seed 0)",
          'pos': "the corpus's own split (train: 450 Brown files; valid and test: 50 files held out of pretraining, by "
                 "sentence)"}

def get_args(argv=None):
    from toolkit.recipes import DEFAULT_MODELS
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--models', default=','.join(DEFAULT_MODELS), help=f"comma-separated (default: all of "
                   f"{', '.join(DEFAULT_MODELS)}, in that order)")
    p.add_argument('--out', default=str(REPO/'toolkit'/'models'), help='where the shipped models live')
    p.add_argument('--threads', type=int, default=1, help='torch threads (default 1: leave a core for other work)')
    p.add_argument('--quick', action='store_true', help='1,500 texts and tiny budgets: a smoke test, not a model to ship')
    p.add_argument('--commit', action='store_true', help='git-commit each model once it is in place')
    p.add_argument('--fingerprint-only', action='store_true', help="no training: add to each shipped language model "
                   "the novelty fingerprint of the texts it was trained on (what training now saves with it)")
    a = p.parse_args(argv)
    a.models = [m.strip() for m in a.models.split(',') if m.strip()]
    bad = [m for m in a.models if m not in DEFAULT_MODELS]
    if bad: p.error(f"unknown models {bad}: expected some of {', '.join(DEFAULT_MODELS)}")
    if not a.models: p.error(f"--models names none: give some of {', '.join(DEFAULT_MODELS)}")
    if a.threads < 1: p.error(f"--threads must be 1 or more, got {a.threads}")
    if a.quick and Path(a.out).expanduser().resolve() == (REPO/'toolkit'/'models').resolve():
        p.error("--quick builds smoke-test models, not ones to ship: give them an --out of their own")
    if a.commit and Path(a.out).expanduser().resolve() != (REPO/'toolkit'/'models').resolve(): # (git failed after training,
        p.error("--commit commits the shipped models, the default --out: leave it out with another --out") # helper 83)
    if a.fingerprint_only: # the models it adds to, before any work (a FileNotFoundError after the fingerprint, helper 83)
        from toolkit.recipes import DEFAULT_MODELS
        if gone := [m for m in a.models if 'label_col' not in DEFAULT_MODELS[m] and not (Path(a.out).expanduser()/m/'config.json').is_file()]:
            p.error(f"--fingerprint-only adds to models that are there: no {', '.join(gone)} model in {a.out}")
    from toolkit.export import check_export_path
    for m in a.models: # a file, or a directory that is not a model, where a model goes: refused before any training
        try: check_export_path(Path(a.out).expanduser()/m)
        except (ValueError, OSError) as e: p.error(str(e))
    return a

def parts(corpus:str):
    "The corpus with the `part` (train, valid, test) of its benchmark's split, under its own column names"
    if corpus == 'names':
        from names import split
        return split(0)
    if corpus == 'pos': # its own `part`, which bench/tagging.py uses too
        from toolkit.data import load_corpus
        return load_corpus('pos')
    from classify import split, TASKS
    return split(corpus, seed=0).rename(columns={'y': TASKS[corpus]['label']})

def test_figures(learn, kind:str, test, spec:dict)->dict:
    "The model's figures on the test part: bits per character for a language model, accuracy and macro-F1 else"
    from toolkit.all import CORPORA, predict_texts, lm_dls, get_tokenizer, category_texts
    text_col = CORPORA[spec['corpus']]['text_col']
    if 'tags_col' in spec: # token accuracy and macro-F1 over the tags of the test sentences
        from sklearn.metrics import f1_score
        from toolkit.all import predict_words
        words, gold = [s.split() for s in test[CORPORA[spec['corpus']]['words_col']]], [s.split() for s in test[spec['tags_col']]]
        pred = [t for s in predict_words(learn, words) for t in s]
        gold = [t for s in gold for t in s]
        acc = sum(p == g for p, g in zip(pred, gold))/len(gold)
        return dict(accuracy=round(acc, 4), f1_score=round(f1_score(gold, pred, labels=sorted(set(gold)), average='macro'), 4),
                    n_test=len(test), n_test_words=len(gold))
    if 'label_col' in spec:
        from sklearn.metrics import accuracy_score, f1_score
        pred = predict_texts(learn, test[text_col].tolist()).label
        y = test[spec['label_col']]
        return dict(accuracy=round(accuracy_score(y, pred), 4), f1_score=round(f1_score(y, pred, average='macro'), 4),
                    n_test=len(test))
    from lm_quality import valid_bpc, fastai_step
    texts = test[text_col] if not spec.get('category_col') else category_texts(test[text_col], test[spec['category_col']])
    texts = list(texts)
    filler = (texts*10)[:5000] # the training side only has to be long enough for lm_dls: it is not scored
    ev = pd.DataFrame({'text': filler + texts, 'is_valid': [False]*len(filler) + [True]*len(texts)})
    dls = lm_dls(ev, 'text', tokenizer=get_tokenizer(learn), vocab=list(learn.dls.vocab), bs=64, seq_len=64)
    return dict(bpc=round(valid_bpc(dls, fastai_step(learn.model)), 4), n_test=len(texts))

def quick_sample(df:pd.DataFrame, col:str|None, per_part:int=500)->pd.DataFrame:
    """500 texts of each part, and two of each class of `col` a part has that they miss (one only in the test part broke
    the names model: its category was never in the vocabulary)"""
    out = []
    for _, g in df.groupby('part'):
        s = g.sample(min(len(g), per_part), random_state=0)
        if col: s = pd.concat([s, g[~g[col].isin(set(s[col]))].groupby(col).head(2)])
        out.append(s)
    return pd.concat(out)

def english_commit(chunks:int)->str|None:
    """The commit that brought the pretrained English model after `chunks` chunks (a model fine-tuned from the
    shipped headlines model started from the chunk that one did); None when none holds it, or not a git checkout"""
    from pretrain import shipped_record # (its own card's record of the chunk whose weights it holds)
    git = lambda *a: subprocess.run(['git', *a], cwd=REPO, capture_output=True, text=True, check=True).stdout
    try: shas = git('log', '--reverse', '--format=%h', '--', 'toolkit/models/english/weights.pt').split()
    except (OSError, subprocess.CalledProcessError): return None
    for sha in shas:
        try: record = json.loads(git('show', f'{sha}:toolkit/models/english/card.json'))['pretraining']
        except (ValueError, KeyError, TypeError, subprocess.CalledProcessError): continue # (a card of another form)
        if (shipped_record(record) or {}).get('chunks') == chunks: return sha
    return None

def build(kind:str, a, staging:Path, out:Path):
    "Train `kind`, measure it on its test part, and move it into `out` with its card"
    from toolkit.all import DEFAULT_MODELS, SHIPPED, train_default, load_model, replace_dir, disk_mb, to_json
    spec = {**DEFAULT_MODELS[kind], **SHIPPED[kind]}
    df = parts(spec['corpus'])
    if a.quick: df = quick_sample(df, spec.get('category_col') or spec.get('label_col'))
    fit = df[df.part != 'test'].assign(is_valid=lambda d: d.part == 'valid').drop(columns='part')
    test = df[df.part == 'test']
    quick = {} if not a.quick else dict(minutes=0.3) if 'minutes' in spec else dict(epochs=1)
    if a.quick and spec.get('lm_epochs'): quick['lm_epochs'] = 1
    lm = None
    if spec.get('lm'): # the one built into --out (by this run or an earlier one), else the shipped one (helper 63: a
        own = out/spec['lm'] # new --out with --models outlet was "FileNotFoundError: .../headlines")
        where = own if (own/'config.json').is_file() else spec['lm']
        lm = load_model(where)
        print(f"{kind}: starts from the {spec['lm']} model " + (f"in {own}" if where is own else "that ships"), flush=True)
    rebuild = f"python scripts/build_models.py --models {kind}" + (f' --threads {a.threads}' if a.threads != 1 else '')
    if a.quick: rebuild += f" --quick --out {a.out}" # a smoke test's model, not the shipped one
    card = dict(shipped=not a.quick, threads=a.threads, rebuild=rebuild, recipe={**SHIPPED[kind], **quick},
                data=f"the train and valid parts of {SPLITS[spec['corpus']]} of the bundled `{spec['corpus']}` corpus "
                     f"({(~fit.is_valid).sum():,} + {fit.is_valid.sum():,} texts); "
                     f"its test part ({len(test):,}) is held out. Sources and licences: toolkit/data/README.md")
    print(f"{kind}: training on {len(fit):,} texts ({json.dumps({**SHIPPED[kind], **quick})})", flush=True)
    t0 = time.time()
    learn = train_default(kind, staging/kind, fit, preset='small', lm=lm, show_progress=False, half=True, card=card,
                          **{**SHIPPED[kind], **quick})
    figures = test_figures(learn, kind, test, spec)
    card_file = staging/kind/'card.json'
    saved = json.loads(card_file.read_text())
    if (pre := saved.get('pretrained')) and (sha := english_commit(pre.get('chunks'))): saved['pretrained'] = {**pre, 'commit': sha}
    card_file.write_text(to_json({**saved, 'test_metrics': figures}, indent=2))
    replace_dir(staging/kind, out/kind)
    print(f"{kind}: {(time.time() - t0)/60:.1f} min, test {figures}, {disk_mb(out/kind):.1f} MB -> {out/kind}",
          flush=True)

def add_fingerprint(kind:str, staging:Path, out:Path):
    "Add to the shipped language model `kind` the `Fingerprint` of its training texts; its weights stay as they are"
    import shutil, torch
    from toolkit.all import DEFAULT_MODELS, CORPORA, replace_dir, disk_mb
    from toolkit.novelty import Fingerprint
    spec = DEFAULT_MODELS[kind]
    if 'label_col' in spec: return print(f"{kind}: a classifier, no fingerprint")
    df = parts(spec['corpus'])
    texts = df[df.part != 'test'][CORPORA[spec['corpus']]['text_col']] # what `build` trains on
    fp = Fingerprint.build(texts)
    shutil.rmtree(staging/kind, ignore_errors=True)
    shutil.copytree(out/kind, staging/kind)
    w = torch.load(staging/kind/'weights.pt', weights_only=True)
    w['fingerprint'] = fp.state()
    torch.save(w, staging/kind/'weights.pt')
    replace_dir(staging/kind, out/kind)
    print(f"{kind}: {fp} -> {out/kind} ({disk_mb(out/kind):.1f} MB)", flush=True)

def main(argv=None):
    a = get_args(argv)
    os.environ.setdefault('OMP_NUM_THREADS', str(a.threads))
    import torch
    torch.set_num_threads(a.threads)
    import toolkit.all # every module loaded before training: edits to the tree meanwhile cannot break this run
    from toolkit.all import SHIPPED_MB, disk_mb
    out = Path(a.out).expanduser().absolute()
    out.mkdir(parents=True, exist_ok=True)
    shipped = out.resolve() == (REPO/'toolkit'/'models').resolve()
    # on out's file system, so a finished model moves into place at once; never in the checkout for an --out elsewhere
    staging = REPO/'build'/'shipped' if shipped else out.parent/f'.{out.name}.staging'
    for d in (staging, out): d.mkdir(parents=True, exist_ok=True)
    for kind in a.models:
        if a.fingerprint_only: add_fingerprint(kind, staging, out)
        else: build(kind, a, staging, out)
        if a.commit:
            subprocess.run(['git', 'add', '--', str(out/kind)], cwd=REPO, check=True)
            subprocess.run(['git', 'commit', '-q', '-m', f"toolkit/models/{kind}: rebuilt by scripts/build_models.py "
                            f"(see its card.json)", '--', str(out/kind)], cwd=REPO, check=True)
    if not shipped:
        import shutil
        shutil.rmtree(staging, ignore_errors=True) # (each model moved out of it into --out)
    total = sum(disk_mb(p) for p in out.iterdir() if p.is_dir())
    print(f"the models in {out}: {total:.1f} MB in all (at most {SHIPPED_MB} MB)")
    if total > SHIPPED_MB: sys.exit(f"the shipped models take {total:.1f} MB, over the {SHIPPED_MB} MB budget")

if __name__ == '__main__': main()
