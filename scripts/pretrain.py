"""Pretrain the English AWD-LSTM that ships inside the package (`toolkit/models/english/`), in chunks that add up.

    python scripts/build_pretrain_corpus.py            # once per machine: build/pretrain/{train,valid}.txt
    python scripts/pretrain.py --minutes 30 --commit   # one chunk; run it again to go on

Each chunk continues from the last saved model: the full-precision weights and optimizer state of this machine's
previous chunk (`build/pretrain-state/`, never committed), else the committed fp16 model in `toolkit/models/english/`
(a fresh machine, a later session). A chunk is one one-cycle schedule fitted to `--minutes` (fastai's
`fit_one_cycle` with the toolkit's `TimeBudget`), over the token stream from where the last chunk stopped. It ends by
measuring held-out bits per character (the corpus's valid slice and each bundled corpus's validation split) and
writing the model atomically, in the portable format with fp16 weights and a card that adds up tokens seen and CPU
hours over all chunks (CPU time the process used, not the wall clock). A chunk that ends no better than the committed
model on the held-out slice (a short chunk on a busy machine restarts its one cycle at the peak learning rate and may
not come back down) is kept for the next chunk to continue from, but not shipped: the card counts it, the committed
weights stay the best chunk's (`pretraining.shipped` says which). A chunk killed half way leaves the saved model as
it was; a chunk that diverged (a nan or infinite loss or weight) is thrown away: nothing is saved, and the next chunk
starts again from the committed weights.

The tokenizer (SentencePiece unigram on a sample of the corpus, with the toolkit's rules) and the vocabulary (fastai's
`make_vocab` over the whole tokenized corpus) are made by the first chunk and kept with the model from then on; the
corpus's ids are kept in `--state` while the corpus's text, the tokenizer and the vocabulary stay the same (by content).

A candidate architecture trains beside the shipped model in its own directories, and can start from the shipped
weights grown to its size so that none of their CPU hours are lost (`widen`: the wider model computes the same
function at the start):

    python scripts/pretrain.py --minutes 30 --lr 1e-3 --config '{"emb_sz": 320, "n_hid": 768}' \
        --widen-from toolkit/models/english --out build/english-320-768 --state build/pretrain-state-320-768
"""
import argparse, json, math, os, shutil, subprocess, sys, time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

def get_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--minutes', type=float, default=30, help='training time of this chunk (default: 30)')
    p.add_argument('--corpus', default=str(REPO/'build'/'pretrain'), help='train.txt and valid.txt (build_pretrain_corpus.py)')
    p.add_argument('--state', default=str(REPO/'build'/'pretrain-state'), help="this machine's tokenized corpus and full state")
    p.add_argument('--out', default=str(REPO/'toolkit'/'models'/'english'), help='the shipped model directory')
    p.add_argument('--vocab-sz', type=int, default=8000, help='SentencePiece vocabulary size, first chunk only (default: 8000)')
    p.add_argument('--preset', default='small', help="the toolkit preset whose architecture the model has (default: small)")
    p.add_argument('--lr', type=float, default=5e-3, help="peak learning rate of each chunk's one cycle (default: 5e-3)")
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--seq-len', type=int, default=64)
    p.add_argument('--drop-mult', type=float, default=0.1)
    p.add_argument('--threads', type=int, default=1, help='torch threads (default 1: leave a core for other work)')
    p.add_argument('--valid-tokens', type=int, default=250_000, help='held-out tokens scored after each chunk')
    p.add_argument('--eval-texts', type=int, default=2000, help="texts of each bundled corpus's validation split scored")
    p.add_argument('--commit', action='store_true', help='git-commit the model directory after the chunk')
    p.add_argument('--config', type=json.loads, default={}, help='changes to the preset\'s architecture, JSON '
                   '(e.g. \'{"emb_sz": 320, "n_hid": 768}\'): a candidate model, written to its own --out and --state')
    p.add_argument('--widen-from', help="the first chunk of a candidate with a wider --config starts from this model "
                   "directory's weights, widened so that it computes the same function (and takes its tokenizer and vocabulary)")
    a = p.parse_args(argv)
    checks = [('--minutes', 0 < a.minutes < math.inf, 'above 0 and finite'), # (inf: a chunk that never ends, helper 83)
              ('--lr', 0 < a.lr <= 1, 'in (0, 1]'), ('--bs', a.bs >= 1, '1 or more'),
              ('--seq-len', a.seq_len >= 2, '2 or more'), ('--drop-mult', 0 <= a.drop_mult < 1, 'in [0, 1)'),
              ('--threads', a.threads >= 1, '1 or more'), ('--valid-tokens', a.valid_tokens >= 1000, '1000 or more'),
              ('--eval-texts', a.eval_texts >= 1, '1 or more'), ('--vocab-sz', a.vocab_sz >= 100, '100 or more')]
    for flag, ok, what in checks:
        if not ok: p.error(f"{flag} must be {what}, got {getattr(a, flag[2:].replace('-', '_'))}")
    if not isinstance(a.config, dict): p.error(f"--config must be a JSON object such as '{{\"emb_sz\": 320}}', got {a.config!r}")
    from toolkit.recipes import get_preset
    try: preset = get_preset(a.preset) # (a traceback: helper 83)
    except ValueError as e: p.error(f"--preset: {e}")
    if (bad := sorted(set(a.config) - set(preset['config']))): # before the corpus is tokenized
        p.error(f"--config: unknown keys {bad}: expected keys of fastai's awd_lstm_lm_config")
    if a.widen_from and not (Path(a.widen_from)/'config.json').is_file():
        p.error(f"--widen-from {a.widen_from}: not a model directory (no config.json)")
    from toolkit.export import check_export_path
    try: check_export_path(Path(a.out).expanduser()) # a file, or a directory that is not a model: never replaced
    except (ValueError, OSError) as e: p.error(str(e))
    if a.commit and Path(a.out).expanduser().resolve() != (REPO/'toolkit'/'models'/'english').resolve(): # (git failed
        p.error("--commit commits the shipped model, the default --out: leave it out for a candidate's --out") # after the chunk)
    return a

def read_lines(path:Path)->list[str]:
    return [l for l in path.read_text(encoding='utf-8').split('\n') if l.strip()]

def tokenizer(args, state:Path, out:Path):
    "The corpus's SentencePiece tokenizer: this machine's, the shipped model's, or trained now on a sample"
    from toolkit.tokenize import SPTokenizer, make_tokenizer
    for d in (state, out):
        if (d/'tokenizer.model').is_file():
            return SPTokenizer.from_proto((d/'tokenizer.model').read_bytes())
    import random
    texts = read_lines(Path(args.corpus)/'train.txt')
    random.Random(0).shuffle(texts)
    tok = make_tokenizer('subword', vocab_sz=args.vocab_sz)
    t0 = time.time()
    tok.setup(texts[:300_000])
    state.mkdir(parents=True, exist_ok=True)
    (state/'tokenizer.model').write_bytes(tok.tok.serialized_model_proto())
    print(f'trained the tokenizer ({args.vocab_sz:,} pieces) on {min(len(texts), 300_000):,} texts in {time.time()-t0:.0f} s', flush=True)
    return tok

def ids_key(corpus:Path, tok, shipped:Path)->str:
    """What the cached ids were made from: the corpus's text, the tokenizer and the vocabulary's source, by content
    (file times lie: a corpus copied with its times kept, or rebuilt from a cache, looked older than stale ids)"""
    import hashlib
    h = hashlib.sha256()
    for f in (corpus/'train.txt', corpus/'valid.txt'):
        with open(f, 'rb') as fh:
            while b := fh.read(1 << 24): h.update(b)
        h.update(b'\0')
    h.update(tok.tok.serialized_model_proto())
    h.update(json.dumps(json.loads(shipped.read_text())['vocab']).encode() if shipped.is_file() else b'own vocab')
    return h.hexdigest()

def finite(model, bpc)->bool:
    "A chunk that did not diverge: a held-out bits per character, a finite one, and finite weights"
    import torch
    return bpc is not None and math.isfinite(bpc) and all(bool(torch.isfinite(p).all()) for p in model.parameters())

def token_ids(args, tok, state:Path, out:Path):
    "The vocabulary and the corpus as one stream of ids per split, tokenized once per machine and kept in `state`"
    import numpy as np
    from fastai.text.data import make_vocab
    corpus = Path(args.corpus)
    cached = [state/f for f in ('train.npy', 'valid.npy', 'vocab.json')]
    shipped = out/'config.json'
    key = ids_key(corpus, tok, shipped)
    if all(f.is_file() for f in cached) and (state/'ids.key').is_file() and (state/'ids.key').read_text() == key:
        return json.loads((state/'vocab.json').read_text()), np.load(state/'train.npy'), np.load(state/'valid.npy')
    t0 = time.time() # no ids yet, or the corpus, tokenizer or vocabulary changed since: tokenize it (again)
    pieces = {s: [tok.encode(t) for t in read_lines(corpus/f'{s}.txt')] for s in ('train', 'valid')}
    if shipped.is_file(): vocab = json.loads(shipped.read_text())['vocab'] # the committed model's, so its weights fit
    else: vocab = make_vocab(Counter(p for t in pieces['train'] for p in t), min_freq=1, max_vocab=60_000)
    index = {p: i for i,p in enumerate(vocab)}
    unk = index['xxunk']
    ids = {s: np.array([index.get(p, unk) for t in ps for p in t], dtype=np.int32) for s,ps in pieces.items()}
    state.mkdir(parents=True, exist_ok=True)
    for s, a in ids.items(): np.save(state/f'{s}.npy', a)
    (state/'vocab.json').write_text(json.dumps(vocab))
    (state/'ids.key').write_text(key) # last: ids without their key are made again
    print(f"tokenized the corpus in {time.time()-t0:.0f} s: {len(ids['train']):,} train and {len(ids['valid']):,} valid "
          f"tokens, {len(vocab):,} in the vocabulary", flush=True)
    return vocab, ids['train'], ids['valid']

class TokenStream(list):
    "The corpus as one tensor of ids, carrying the tokenizer as fastai's text datasets do (`get_tokenizer` finds it)"
    def __init__(self, ids, tok):
        super().__init__([ids])
        self.tokenizer = SimpleNamespace(tok=tok)

def dataloaders(train, valid, vocab, tok, args, offset:int):
    "Language-model DataLoaders over the streams, the training one starting at `offset` (where the last chunk stopped)"
    import torch
    from fastai.data.core import DataLoaders
    from fastai.text.data import LMDataLoader
    train = torch.from_numpy(train.astype('int64'))
    train = torch.cat([train[offset:], train[:offset]])
    valid = torch.from_numpy(valid[:args.valid_tokens].astype('int64'))
    dls = DataLoaders(*[LMDataLoader(TokenStream(s, tok), lens=[len(s)], bs=args.bs, seq_len=args.seq_len, shuffle=False)
                        for s in (train, valid)])
    dls.vocab = vocab
    return dls

def valid_stats(tok, args, corpus:Path)->dict:
    "Tokens, characters and words of the scored valid slice (as `lm_dls` counts them: each text's end counts once)"
    texts, n, chars, words = read_lines(corpus/'valid.txt'), 0, 0, 0
    for t in texts:
        k = len(tok.encode(t))
        if n + k > args.valid_tokens: break
        n, chars, words = n + k, chars + len(t) + 1, words + len(t.split()) + 1
    return dict(tokens=n, chars=chars, words=words)

def stream_bpc(model, ids, chars:int, bs:int=32, seq_len:int=128)->float:
    "Bits per character of the id stream `ids` (a list of ints) under `model`, carrying the state across batches"
    import torch
    import torch.nn.functional as F
    x = torch.tensor(ids, dtype=torch.long)
    if len(x) < 2: return float('nan') # nothing to predict
    bs = min(bs, len(x) - 1) # a few texts (--eval-texts 2): fewer rows, not none (a division by zero after the chunk)
    n = (len(x) - 1)//bs
    inp, tgt = x[:n*bs].view(bs, n), x[1:n*bs+1].view(bs, n)
    model.eval(); model.reset()
    nll = 0.
    with torch.inference_mode():
        for i in range(0, n, seq_len):
            out = model(inp[:, i:i+seq_len])[0]
            nll += F.cross_entropy(out.float().reshape(-1, out.shape[-1]), tgt[:, i:i+seq_len].reshape(-1), reduction='sum').item()
    model.reset()
    return nll/math.log(2)/chars*(len(x) - 1)/(n*bs) # rescaled to every token of the stream

def corpus_bpcs(learn, tok, vocab, n_texts:int)->dict:
    "Held-out BPC on the validation split of each bundled corpus (`split_df(seed=42)`, reviews by movie)"
    from toolkit.data import CORPORA, load_corpus, split_df
    index, res = {p: i for i,p in enumerate(vocab)}, {}
    unk = index['xxunk']
    for name, c in CORPORA.items():
        if 'words_col' in c: continue # the tagging corpus (pos): Brown, whose held-out files are the tagger's test
        df = load_corpus(name)
        valid = split_df(df, valid_pct=0.1, seed=42, group_col=c.get('group_col'))
        texts = valid[valid.is_valid][c['text_col']].astype(str).head(n_texts).tolist()
        ids = [index.get(p, unk) for t in texts for p in tok.encode(t)]
        res[name] = round(stream_bpc(learn.model, ids, sum(len(t) + 1 for t in texts)), 4)
    return res

def ChunkBudget(minutes:float):
    "`TimeBudget`, planning again every 100 batches: a chunk is one long epoch, and the machine's load changes within it"
    from toolkit.lm import TimeBudget
    class _ChunkBudget(TimeBudget):
        def after_batch(self):
            super().after_batch()
            if self.training and self.total is not None and self.train_iter % 100 == 0:
                self.plan((time.perf_counter() - self.t0)/(self.train_iter - self.skip))
    return _ChunkBudget(minutes)

def save(learn, out:Path, card:dict):
    "The model as a portable directory with fp16 weights, written next to `out` and moved into place"
    from toolkit.export import save_portable
    from toolkit.core import replace_dir
    tmp = out.with_name(f'.{out.name}.{os.getpid()}.new')
    shutil.rmtree(tmp, ignore_errors=True)
    save_portable(learn, tmp, half=True, **card)
    replace_dir(tmp, out)

REBUILD_LINE = ('python scripts/build_pretrain_corpus.py && python scripts/pretrain.py --minutes M --lr LR --out build/english '
                '--state build/english-state, once for each chunk of pretraining.history with its minutes and lr (the '
                'card counts the chunks, tokens and CPU hours that made this model); the default --out, the shipped '
                'model, continues it instead')

def rebuild_line(args)->str:
    "`REBUILD_LINE` with this run's settings that shape the model where they are not the defaults (a candidate's --config...)"
    import shlex
    d, keys = get_args([]), ('preset', 'config', 'widen_from', 'vocab_sz', 'bs', 'seq_len', 'drop_mult')
    more = [f"--{k.replace('_', '-')} {shlex.quote(json.dumps(v) if k == 'config' else str(v))}" for k in keys
            if (v := getattr(args, k)) != getattr(d, k)] # (the line left them out: it rebuilt another model, helper 83)
    return REBUILD_LINE.replace('--minutes M', ' '.join([*more, '--minutes M']))

def keep_weights(out:Path, card:dict):
    "Update only the card of the committed model: its pretraining record and how to rebuild it, not its weights or their figures"
    from toolkit.core import atomic_file
    from toolkit.export import to_json
    old = json.loads((out/'card.json').read_text())
    new = {**old, 'pretraining': card['pretraining'], 'rebuild': card['rebuild']}
    with atomic_file(out/'card.json') as tmp: Path(tmp).write_text(to_json(new, indent=2))

def widen(sd:dict, old:dict, new:dict, seed:int=0)->dict:
    """AWD-LSTM weights `sd` of architecture `old` (emb_sz, n_hid, n_layers; tied) grown to the wider `new`, computing
    the same function: new embedding columns are zero; each new unit's incoming weights and bias are small and random,
    and its outgoing weights (to the units that were there, the next layer and the decoder) are zero, so the old units
    see nothing of it until training grows those weights. Layer 0's weights from the new (zero) embedding dimensions are
    small and random, so that the embedding's new columns get a gradient."""
    import torch
    if old['n_layers'] != new['n_layers'] or new['emb_sz'] < old['emb_sz'] or new['n_hid'] < old['n_hid']:
        raise ValueError(f"widen grows emb_sz and n_hid with the same n_layers: {old} -> {new}")
    g = torch.Generator().manual_seed(seed)
    def rand(*shape, k): return (torch.rand(*shape, generator=g)*2 - 1)*k
    res, n = dict(sd), old['n_layers']
    E0, E1 = old['emb_sz'], new['emb_sz']
    for key in ('0.encoder.weight', '0.encoder_dp.emb.weight', '1.decoder.weight'):
        w = sd[key].float()
        res[key] = torch.cat([w, torch.zeros(w.shape[0], E1 - E0)], 1)
    for l in range(n):
        i0, i1 = (E0, E1) if l == 0 else (old['n_hid'], new['n_hid'])
        o0, o1 = (old['n_hid'], new['n_hid']) if l < n - 1 else (E0, E1)
        k = 1/o1**0.5 # PyTorch's LSTM initialisation scale, for the new weights
        pre = f'0.rnns.{l}.'
        ih, hh = sd[pre + 'module.weight_ih_l0'].float().view(4, o0, i0), sd[pre + 'weight_hh_l0_raw'].float().view(4, o0, o0)
        new_ih = rand(4, o1, i1, k=k)
        new_ih[:, :o0, :i0] = ih
        if l > 0: new_ih[:, :o0, i0:] = 0 # the units that were there do not read the layer below's new units
        new_hh = rand(4, o1, o1, k=k)
        new_hh[:, :o0, :o0] = hh
        new_hh[:, :o0, o0:] = 0 # nor this layer's new units
        res[pre + 'module.weight_ih_l0'], res[pre + 'weight_hh_l0_raw'] = new_ih.view(4*o1, i1), new_hh.view(4*o1, o1)
        for b in ('bias_ih_l0', 'bias_hh_l0'):
            new_b = rand(4, o1, k=k)
            new_b[:, :o0] = sd[pre + 'module.' + b].float().view(4, o0)
            res[pre + 'module.' + b] = new_b.view(4*o1)
    return res

def shipped_record(progress:dict)->dict|None:
    "Chunks, tokens seen and CPU hours of the chunk whose weights are committed, from the card's `pretraining`"
    if progress.get('shipped'): return progress['shipped']
    # cards written before this was carried over lost it after a chunk that did not improve: rebuild it from the history
    hist, last = progress.get('history', []), None
    for i, h in enumerate(hist):
        if h.get('shipped', True): last = i # chunks from before the flag existed all shipped
    if last is None: return None
    later = hist[last+1:] # the totals, less what the chunks after it added
    return dict(chunks=progress['chunks'] - len(later),
                tokens_seen=progress['tokens_seen'] - sum(h.get('tokens') or 0 for h in later),
                cpu_hours=round(progress['cpu_hours'] - sum(h.get('cpu_hours') or 0 for h in later), 3))

def state_weights(state:Path, progress:dict)->dict|None:
    "This machine's full-precision weights of the last chunk, if they are the committed card's (and can be read)"
    import torch
    try:
        if json.loads((state/'progress.json').read_text())['chunks'] != progress['chunks']: return None
        return torch.load(state/'model.pt', weights_only=True)
    except FileNotFoundError: return None
    except Exception as e: # a stop while it was written (before it was written whole and put in place)
        from toolkit.core import load_error
        print(f"{state}: this machine's last chunk cannot be read ({load_error(e)}): starting from the committed model",
              flush=True)
        return None

def fits(learn, weights:dict, where:Path, out:Path, args)->dict:
    """`weights`, when they are the shapes of `learn`'s model; else exit naming the model's size and the options that
    make it (a chunk run with another --preset or --config than the model it goes on from was a torch traceback of 15
    'size mismatch' lines, helper 95)"""
    shapes = lambda sd: {k: tuple(v.shape) for k, v in sd.items()}
    if shapes(weights) == shapes(learn.model.state_dict()): return weights
    cfg = json.loads((out/'config.json').read_text()) if (out/'config.json').is_file() else {}
    arch = cfg.get('arch', {})
    size = '/'.join(str(arch.get(k, '?')) for k in ('emb_sz', 'n_hid', 'n_layers'))
    sys.exit(f"{where} holds a model of another size (preset {cfg.get('preset', '?')}, emb_sz/n_hid/n_layers {size}) than "
             f"--preset {args.preset}{' --config ' + json.dumps(args.config) if args.config else ''} makes: give the options "
             "it was pretrained with to go on with it, or another --out and --state to start a new model")

def main(argv=None):
    args = get_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    import toolkit.all # every toolkit module this run uses, loaded now: the code may change on disk while it trains
    from toolkit.lm import lm_learner, quiet
    state, out, corpus = Path(args.state), Path(args.out), Path(args.corpus)
    default = get_args([])
    if (args.config or args.widen_from) and (out.resolve() == Path(default.out).resolve() or
                                             state.resolve() == Path(default.state).resolve()):
        sys.exit('a candidate (--config, --widen-from) needs its own --out and --state: the defaults are the shipped model\'s')
    for name in ('train.txt', 'valid.txt'): # both, and not empty, before the tokenizer trains (helper 83: valid.txt
        if not (corpus/name).is_file() or not (corpus/name).stat().st_size: # was missed, an empty corpus was SentencePiece's
            what = 'is missing' if not (corpus/name).is_file() else 'is empty' # error, after the tokenizer's minutes)
            sys.exit(f'{corpus}/{name} {what}: build the corpus first with scripts/build_pretrain_corpus.py')
    src = Path(args.widen_from) if args.widen_from and not (out/'config.json').is_file() else out # tokenizer, vocabulary
    tok = tokenizer(args, state, src)
    vocab, train, valid = token_ids(args, tok, state, src)
    card = json.loads((out/'card.json').read_text()) if (out/'card.json').is_file() else {}
    progress = card.get('pretraining', dict(chunks=0, tokens_seen=0, cpu_hours=0.0, history=[]))
    offset = progress.get('stream_offset', progress['tokens_seen']) % len(train)
    dls = dataloaders(train, valid, vocab, tok, args, offset=offset)
    from toolkit.core import DataInfo
    dls.awd = DataInfo(valid_stats=valid_stats(tok, args, corpus))
    learn = lm_learner(dls, args.preset, drop_mult=args.drop_mult, config=args.config or None)
    if (mine := state_weights(state, progress)) is not None:
        learn.model.load_state_dict(fits(learn, mine, state, out, args)) # this machine's full precision
        how = 'this machine\'s last chunk'
    elif (out/'weights.pt').is_file():
        learn.model.load_state_dict(fits(learn, torch.load(out/'weights.pt', weights_only=True)['model'], out, out, args))
        how = f'the shipped model ({progress["chunks"]} chunks)'
    elif args.widen_from:
        from toolkit.recipes import get_preset
        old = json.loads((src/'config.json').read_text())['arch']
        new = {**get_preset(args.preset)['config'], **args.config}
        learn.model.load_state_dict(widen(torch.load(src/'weights.pt', weights_only=True)['model'], old, new))
        how = f'{src}, widened from {old["emb_sz"]}/{old["n_hid"]} to {new["emb_sz"]}/{new["n_hid"]}'
        # what the widened weights already learnt: the card keeps it, and counts this model's own chunks from zero
        progress['widened_from'] = dict(model=str(src), arch={k: old[k] for k in ('emb_sz', 'n_hid', 'n_layers')},
                                        **(shipped_record(json.loads((src/'card.json').read_text())['pretraining']) or {}))
    else: how = 'scratch'
    print(f'chunk {progress["chunks"]+1}: {args.minutes:g} minutes from {how}, at token {offset:,} of '
          f'{len(train):,}', flush=True)
    t0, cpu0 = time.time(), time.process_time()
    with quiet(learn):
        learn.fit_one_cycle(10_000, args.lr, cbs=ChunkBudget(args.minutes))
        minutes, seen = (time.time() - t0)/60, learn.train_iter*args.bs*args.seq_len # validate() resets train_iter
        cpu_hours = (time.process_time() - cpu0)/3600 # what this process used, all its threads: not the wall clock
        learn.validate()
    from toolkit.export import last_metrics
    mets = last_metrics(learn)
    if not finite(learn.model, mets.get('bpc')): # nan or inf: thrown away, not continued from (nor shipped)
        (state/'model.pt').unlink(missing_ok=True)
        sys.exit(f"chunk {progress['chunks']+1} diverged after {minutes:.1f} min (held-out bpc {mets.get('bpc')}): its "
                 f"weights are thrown away and nothing was saved; the next chunk starts again from "
                 f"{'the committed model' if (out/'weights.pt').is_file() else 'scratch'}. Try a lower --lr than {args.lr:g}")
    evals = corpus_bpcs(learn, tok, vocab, args.eval_texts)
    sources = json.loads((corpus/'sources.json').read_text()) if (corpus/'sources.json').is_file() else {}
    shipped_before = shipped_record(progress) # what made the committed weights, before this chunk
    progress = dict(chunks=progress['chunks'] + 1, tokens_seen=progress['tokens_seen'] + seen, stream_offset=offset + seen,
                    cpu_hours=round(progress['cpu_hours'] + cpu_hours, 3),
                    **{k: progress[k] for k in ('widened_from',) if k in progress},
                    history=progress['history'] + [dict(minutes=round(minutes, 1), tokens=seen, lr=args.lr,
                                                        cpu_hours=round(cpu_hours, 3), bpc=mets.get('bpc'),
                                                        corpus_bpc=evals)])
    shipped_bpc = card.get('metrics', {}).get('bpc') # the committed model's held-out BPC
    improved = shipped_bpc is None or mets.get('bpc') is not None and mets['bpc'] < shipped_bpc
    progress['history'][-1]['shipped'] = improved
    progress['shipped'] = ({k: progress[k] for k in ('chunks', 'tokens_seen', 'cpu_hours')} if improved else
                           shipped_before) # what made the committed weights
    card = dict(title='Pretrained English AWD-LSTM', corpus='pretrain (scripts/build_pretrain_corpus.py)',
                pretraining=progress, corpus_tokens=dict(train=int(len(train)), valid=int(len(valid))),
                corpus_bpc=evals, sources=sources,
                rebuild=rebuild_line(args),
                weights='fp16', train_minutes=round(progress['cpu_hours']*60/args.threads, 1))
    state.mkdir(parents=True, exist_ok=True) # the state as a pair, written whole and put in place after the model:
    torch.save(learn.model.state_dict(), state/'model.pt.tmp') # a stop half way leaves the last pair, or a pair
    (state/'progress.json.tmp').write_text(json.dumps(progress)) # that does not match the card (then: the model's)
    if improved: save(learn, out, card)
    else: keep_weights(out, card) # the committed weights stay the best chunk's; the card counts this chunk too
    os.replace(state/'model.pt.tmp', state/'model.pt'); os.replace(state/'progress.json.tmp', state/'progress.json')
    size = sum(f.stat().st_size for f in out.iterdir())/2**20
    what = f'saved {out} ({size:.1f} MB)' if improved else f'not shipped: no better than the committed {shipped_bpc}'
    print(f"chunk {progress['chunks']}: {minutes:.1f} min, {seen:,} tokens (in all {progress['tokens_seen']:,}, "
          f"{progress['cpu_hours']:.2f} CPU hours); held-out bpc {mets.get('bpc')}; bundled corpora {evals}; {what}",
          flush=True)
    if args.commit:
        msg = (f"Pretrained model, chunk {progress['chunks']}: {progress['tokens_seen']/1e6:.1f}M tokens seen, "
               f"{progress['cpu_hours']:.2f} CPU hours, held-out BPC {mets.get('bpc')}"
               + ('' if improved else f" (not shipped: the committed weights, BPC {shipped_bpc}, stay)"))
        subprocess.run(['git', 'add', str(out)], cwd=REPO, check=True)
        subprocess.run(['git', 'commit', '-q', '-m', msg, '--', str(out)], cwd=REPO, check=True)

if __name__ == '__main__': main()
