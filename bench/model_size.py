"""Would a larger pretrained model help, and what may it cost? Two measurements for issue 25's next model.

 (a) Does the shipped pretrained model fit its corpus or overfit it? Per source, bits per character on its held-out
     texts (the valid slice `scripts/pretrain.py` scores) against as many tokens of its training texts (each seen
     several times), seeded, with the same stream scoring (`stream_bpc`). A small gap means the model has room to
     learn more but no capacity to spare: more passes over the same data will not make it overfit, and a larger model
     is what can learn more per pass.
 (b) What the app's batched 20-headline call costs per architecture: random weights on the pretrained vocabulary
     (the cost per piece does not depend on the weights), 20 samples of 24 new pieces each without stopping, best and
     median of `--repeats`, one torch thread; parameters and fp16 size. Issue 25's limits: at most 2x today's call,
     at most 25 MB in the package.
(a) needs the pretraining corpus (`python scripts/build_pretrain_corpus.py`; without it, (a) says so and is skipped).
    python bench/model_size.py [--only a,b] [--repeats 7]
"""
import argparse, datetime, json, os, platform, random, statistics, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO/'scripts')); sys.path.insert(0, str(REPO))
from _args import count, some_of
DEFAULT_CORPUS = REPO/'build'/'pretrain'
CORPUS_FILES = ('train.txt', 'valid.txt', 'sources.json') # as scripts/build_pretrain_corpus.py writes them
CANDIDATES = {'small (the shipped architecture)': dict(emb_sz=256, n_hid=512, n_layers=2),
              'emb 320, hid 768, 2 layers': dict(emb_sz=320, n_hid=768, n_layers=2),
              'emb 256, hid 768, 3 layers': dict(emb_sz=256, n_hid=768, n_layers=3),
              'emb 400, hid 1024, 2 layers': dict(emb_sz=400, n_hid=1024, n_layers=2),
              "emb 400, hid 1152, 3 layers (fastai's AWD_LSTM)": dict(emb_sz=400, n_hid=1152, n_layers=3)}

def fit(a):
    corpus = Path(a.corpus)
    if not (corpus/'train.txt').is_file(): # `make bench` runs every bench: (b) needs no corpus (`main` checked the rest)
        return print(f'(a) skipped: {corpus}/train.txt is missing (build it with scripts/build_pretrain_corpus.py)')
    from pretrain import stream_bpc, read_lines
    from fastai.text.models.core import get_language_model
    from fastai.text.models.awdlstm import AWD_LSTM
    from toolkit.all import load_pretrained, get_preset
    pre = load_pretrained()
    tok, vocab = pre['tokenizer'], pre['vocab']
    index = {p: i for i, p in enumerate(vocab)}
    unk = index['xxunk']
    model = get_language_model(AWD_LSTM, len(vocab), config=dict(get_preset('small')['config']))
    model.load_state_dict(pre['weights']); model.float()
    def ids_chars(texts, n):
        "The first `n` tokens of `texts`, whole texts only, and their characters (each text's end counts once)"
        ids, chars = [], 0
        for t in texts:
            p = tok.encode(t)
            if len(ids) + len(p) > n: break
            ids += [index.get(x, unk) for x in p]; chars += len(t) + 1
        return ids, chars
    train, valid = read_lines(corpus/'train.txt'), read_lines(corpus/'valid.txt')
    sources = json.loads((corpus/'sources.json').read_text())['sources'] # in the order the texts are written
    rows, streams, rng, i, j = [], {'train': ([], 0), 'valid': ([], 0)}, random.Random(1), 0, 0
    for name, src in sources.items():
        tr, va = train[i:i + src['train']['texts']], valid[j:j + src['valid']['texts']]
        i, j = i + len(tr), j + len(va)
        v_ids, v_chars = ids_chars(va, 10**9)
        t_ids, t_chars = ids_chars(rng.sample(tr, len(tr)), len(v_ids)) # as many training tokens, sampled
        rows.append((name, len(v_ids), stream_bpc(model, t_ids, t_chars), stream_bpc(model, v_ids, v_chars)))
        for k, (ids, chars) in (('train', (t_ids, t_chars)), ('valid', (v_ids, v_chars))):
            streams[k] = (streams[k][0] + ids, streams[k][1] + chars)
    assert i == len(train) and j == len(valid), 'sources.json does not describe these train.txt / valid.txt'
    run = pre['info']
    passes = run['tokens_seen']/pre['card']['corpus_tokens']['train']
    print(f"(a) the shipped pretrained model (chunk {run['chunks']}: {run['tokens_seen']/1e6:.1f}M tokens seen, about "
          f"{passes:.1f} passes over the corpus; {run['cpu_hours']} CPU hours): each source's held-out texts, and as many "
          "tokens of its training texts, seeded\n")
    print('| source | tokens | BPC on training texts | BPC held out | held out - training |\n|---|---|---|---|---|')
    for name, n, t, v in rows: print(f'| {name} | {n:,} | {t:.3f} | {v:.3f} | {v - t:+.3f} |')
    t, v = (stream_bpc(model, *streams[k]) for k in ('train', 'valid'))
    print(f"| **all** | {len(streams['valid'][0]):,} | **{t:.4f}** | **{v:.4f}** | {v - t:+.4f} |", flush=True)

def cost(a):
    from toolkit.all import load_corpus, lm_dls, lm_learner
    dls = lm_dls(load_corpus('headlines').head(400), 'text', tokenizer='pretrained', bs=16, seq_len=32)
    print(f"\n(b) 20 headlines of 24 new pieces in one batched `generate` call, random weights, one torch thread, "
          f"best of {a.repeats}\n")
    print('| architecture | parameters | fp16 size | best | median | best / today |\n|---|---|---|---|---|---|')
    base = None
    for name, cfg in CANDIDATES.items():
        learn = lm_learner(dls, 'small', config=cfg, pretrained=False)
        n = sum(p.numel() for p in learn.model.parameters())
        learn.generate(n=20, max_tokens=24, stop_at_eos=False, seed=0) # warm up
        ts = []
        for i in range(a.repeats):
            t = time.perf_counter(); learn.generate(n=20, max_tokens=24, stop_at_eos=False, seed=i)
            ts.append(time.perf_counter() - t)
        base = base or min(ts)
        print(f"| {name} | {n/1e6:.1f}M | {n*2/2**20:.1f} MB | {min(ts)*1000:.0f} ms | {statistics.median(ts)*1000:.0f} ms "
              f"| {min(ts)/base:.2f}x |", flush=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--only', type=some_of('ab', fold_case=True), default='a,b', help='comma-separated, of a, b')
    p.add_argument('--corpus', help=f"(a): the pretraining corpus, a folder of {', '.join(CORPUS_FILES)} (the sources, in the "
                   "order of the texts), as scripts/build_pretrain_corpus.py writes it (default: build/pretrain; (a) is "
                   "skipped when it is not built)")
    p.add_argument('--repeats', type=count, default=7, help='(b): timed calls per architecture')
    a = p.parse_args()
    if 'a' in a.only: # (a missing sources.json was a FileNotFoundError once train.txt was scored)
        corpus = Path(a.corpus or DEFAULT_CORPUS)
        missing = [f for f in CORPUS_FILES if not (corpus/f).is_file()]
        if missing and (a.corpus or 'train.txt' not in missing):
            p.error(f"--corpus {corpus}: no {', '.join(missing)} there (scripts/build_pretrain_corpus.py --out DIR writes "
                    f"{', '.join(CORPUS_FILES)})")
    a.corpus = a.corpus or str(DEFAULT_CORPUS)
    import torch, fastai
    torch.set_num_threads(1)
    print(f"{datetime.date.today()} | {platform.node()} | {os.cpu_count()} CPUs | one torch thread | "
          f"torch {torch.__version__} | fastai {fastai.__version__}\n")
    if 'a' in a.only: fit(a)
    if 'b' in a.only: cost(a)

if __name__ == '__main__': main()
