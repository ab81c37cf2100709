"""Generation speed: the toolkit's engine vs stock fastai `LMLearner.predict`, side by side in one run.

On the shipped headlines model (`--model`: any saved language model):
 (a) 20 headlines of 4 to 15 words: one batched `learn.generate(n=20)` vs 20 calls of fastai's `predict` with
     n_words matched (each call makes as many tokens as the engine did for that headline);
 (b) ms per token at 20, 100 and 400 tokens, batch of one: engine vs fastai's `predict`;
 (c) engine tokens/s at batch 1, 8, 32, 128;
 (d) peak resident memory of this process after the engine's runs and after fastai's;
 (e) the engine's step against the model's bare forward pass (issue 27): the same weights stepped with
     `torch.lstm_cell` per layer and the decoder on fixed ids (no masks, no sampling), against
     `generate(n=B, max_tokens=100, stop_at_eos=False)`, and the app's settings (T 0.8, top-p 0.9), at batch 1, 20 and
     128, one torch thread and then the machine's (best of 5). Goal: at most 1.3x at every batch.
 (f) the novelty filter (issue 29): 20 headlines at the app's settings (T 0.8, top-p 0.9, 4 to 15 words), with and
     without `novel=True`, the same 30 seeds interleaved: median time, the ratio (goal: at most 1.3x), the share of
     samples redrawn, and the share of unfiltered samples that copy a training headline. Then the same with a stop
     string and a bad word, whose watch runs at every step.
 (g) `learn.score`: one long text, a few and many texts, the LSTM over whole rows a layer at a time (ours) against a
     piece at a time (`awd_step`, as before and still for many short rows), best of 3.
    python bench/generate_speed.py [--model headlines] [--only e,f,g]
"""
import argparse, platform, resource, statistics, sys, time
from pathlib import Path
import torch
from toolkit.all import load_model
from toolkit.generate import fastai_predict

def peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024

def timed(f):
    t = time.perf_counter(); r = f(); return r, time.perf_counter() - t

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', default='headlines', help='a saved language model (default: the shipped headlines model)')
    p.add_argument('--only', help='comma-separated parts to run: a-d (one part), e, f, g (default: all)')
    a = p.parse_args()
    parts = {'a-d', 'e', 'f', 'g'}
    only = set((a.only or 'a-d,e,f,g').split(','))
    if only - parts: p.error(f"--only: unknown parts {', '.join(sorted(only - parts))} (a-d, e, f, g)")
    learn = load_model(a.model)
    learn.generate(n=4, max_tokens=20, seed=0)  # warm up
    mem0 = peak_mb()
    print(f"\n{platform.node()} | {platform.machine()} | {torch.get_num_threads()} threads | torch {torch.__version__} | "
          f"model {a.model}: {learn.awd.card.get('preset')} preset, {learn.awd.card['n_params']/1e6:.1f}M parameters\n")
    if 'a-d' in only: speed_tables(learn, mem0)
    if 'e' in only: step_table(learn)
    if 'f' in only: novelty_table(learn)
    if 'g' in only: score_table(learn)

def speed_tables(learn, mem0):

    # the engine first, so the peak memory after its runs excludes fastai's
    gen20 = lambda: learn.generate(n=20, temperature=0.8, min_words=4, max_words=15, max_tokens=60, seed=0, return_logprobs=True)
    runs = [timed(gen20) for _ in range(5)] # the same seeded call five times: the median time
    samples, t_eng = runs[0][0], statistics.median(t for _,t in runs)
    n_toks = [max(s.n_tokens, 1) for s in samples]
    eng = {L: 1000*timed(lambda: learn.generate(n=1, max_tokens=L, stop_at_eos=False, seed=0))[1]/L for L in (20, 100, 400)}
    tps = {bs: bs*100/timed(lambda: learn.generate(n=bs, max_tokens=100, stop_at_eos=False, seed=0))[1] for bs in (1, 8, 32, 128)}
    mem_eng = peak_mb()
    _, t_fa = timed(lambda: [fastai_predict(learn, '', n_words=k, temperature=0.8, no_bar=True) for k in n_toks])
    fa = {L: 1000*timed(lambda: fastai_predict(learn, '', n_words=L, no_bar=True))[1]/L for L in (20, 100, 400)}
    mem_fa = peak_mb()

    print(f"(a) 20 headlines ({sum(n_toks)} new tokens in all)\n")
    print('| method | seconds | speed-up |\n|---|---|---|')
    print(f'| stock fastai predict, 20 calls, n_words matched | {t_fa:.2f} | 1x |')
    print(f'| engine, one generate(n=20) call (median of 5) | {t_eng:.3f} | {t_fa/t_eng:.0f}x |\n')
    print('(b) ms per token, one sequence\n\n| tokens | engine | stock fastai predict | ratio |\n|---|---|---|---|')
    for L in eng: print(f'| {L} | {eng[L]:.2f} | {fa[L]:.1f} | {fa[L]/eng[L]:.0f}x |')
    print(f'\nper-token cost at 400 vs 20 tokens: engine {eng[400]/eng[20]:.2f}x, stock fastai {fa[400]/fa[20]:.2f}x\n')
    print('(c) engine throughput, 100 new tokens per row\n\n| batch | tokens/s |\n|---|---|')
    for bs,v in tps.items(): print(f'| {bs} | {v:,.0f} |')
    print(f'\n(d) peak resident memory of the process: {mem0:.0f} MB after loading the model, {mem_eng:.0f} MB after '
          f'all engine runs (batch up to 128), {mem_fa:.0f} MB after the stock fastai runs')

def novelty_table(learn, seeds=range(30)):
    "(f): the novelty filter's cost and how often it redraws; a stop string's and a bad word's cost"
    fp = learn.awd.fingerprint
    if fp is None: return print('(f) skipped: the model has no fingerprint of its training texts')
    app = dict(n=20, temperature=0.8, top_p=0.9, min_words=4, max_words=15, max_tokens=80, return_logprobs=True)
    kinds = {'plain': {}, 'novel=True': dict(novel=True), "stop=':', bad_words=['health']": dict(stop=':', bad_words=['health']),
             'all three': dict(novel=True, stop=':', bad_words=['health'])}
    times, res = {k: [] for k in kinds}, {k: [] for k in kinds}
    for seed in seeds: # interleaved: the machine's drift hits every kind alike
        for k, kw in kinds.items():
            out, t = timed(lambda: learn.generate(seed=seed, **app, **kw))
            times[k].append(t); res[k] += out
    base = statistics.median(times['plain'])
    copies = sum(fp.copies(s.text) is not None for s in res['plain'])
    print(f"\n(f) 20 headlines at the app's settings, {len(seeds)} seeds, median seconds a call; {fp}\n")
    print('| generate(...) | seconds | ratio | samples redrawn | samples that copy a training headline |\n|---|---|---|---|---|')
    for k in kinds:
        t, rs = statistics.median(times[k]), res[k]
        redrawn = sum(s.redraws for s in rs)
        copy = copies if k == 'plain' else sum(fp.copies(s.text) is not None for s in rs)
        print(f'| {k} | {t:.3f} | {t/base:.2f}x | {redrawn} of {len(rs)} ({redrawn/len(rs):.1%}) | '
              f'{copy} ({copy/len(rs):.1%}) |')

@torch.inference_mode()
def bare(learn, B, steps=100):
    "The model's own arithmetic for `steps` steps of B rows: embedding, `torch.lstm_cell` per layer, decoder"
    enc, dec = learn.model[0], learn.model[1]
    ws = [(r.module.weight_ih_l0, r.module.weight_hh_l0, r.module.bias_ih_l0, r.module.bias_hh_l0) for r in enc.rnns]
    hid = [(torch.zeros(B, r.module.hidden_size),)*2 for r in enc.rnns]
    ids = torch.randint(0, len(learn.dls.vocab), (steps, B), generator=torch.Generator().manual_seed(0))
    for t in range(steps):
        x = enc.encoder(ids[t])
        for i, w in enumerate(ws): hid[i] = torch.lstm_cell(x, hid[i], *w); x = hid[i][0]
        dec.decoder(x)

def score_table(learn):
    "(g) scoring texts: whole rows through the LSTM (ours) against a piece at a time, on the model's own kind of text"
    import toolkit.generate as g
    from toolkit.data import load_corpus
    heads = load_corpus('headlines').text.tolist()
    cases = {'one text of 20,000 characters': [' '.join(heads[:2000])[:20000]],
             '4 texts of 2,000 characters': [' '.join(heads[i*40:(i+1)*40])[:2000] for i in range(4)],
             '16 texts of 2,000 characters': [' '.join(heads[i*40:(i+1)*40])[:2000] for i in range(16)],
             '64 texts of 500 characters': [' '.join(heads[i*10:(i+1)*10])[:500] for i in range(64)],
             '500 headlines': heads[:500]}
    print("\n(g) learn.score, best of 3 (seconds)\n\n| texts | a piece at a time | whole rows (ours) | ratio | largest difference in logprob |\n|---|---|---|---|---|")
    short = g._SHORT_PROMPT
    for what, texts in cases.items():
        res, times = {}, {}
        for key, sp in (('cell', 10**9), ('ours', short)):
            g._SHORT_PROMPT = sp
            try: times[key] = min(timed(lambda: res.__setitem__(key, learn.score(texts)))[1] for _ in range(3))
            finally: g._SHORT_PROMPT = short
        diff = max(abs(a.logprob - b.logprob) for a, b in zip(res['cell'], res['ours']))
        print(f"| {what} | {times['cell']:.2f} | {times['ours']:.2f} | {times['cell']/times['ours']:.1f}x | {diff:.1e} |")

def best(f, k=5): return min(timed(f)[1] for _ in range(k))

def step_table(learn):
    learn.model.eval(); learn.model.reset()
    print('\n(e) the engine step against the bare forward pass, 100 steps, ms per step (best of 5)\n')
    print('| torch threads | batch | bare forward | engine, plain sampling | ratio | engine, T 0.8 top-p 0.9 | ratio |\n'
          '|---|---|---|---|---|---|---|')
    n0 = torch.get_num_threads()
    for threads in sorted({1, n0}):
        torch.set_num_threads(threads)
        for B in (1, 20, 128):
            b = best(lambda: bare(learn, B))
            g = best(lambda: learn.generate(n=B, max_tokens=100, stop_at_eos=False, seed=0))
            p = best(lambda: learn.generate(n=B, max_tokens=100, stop_at_eos=False, seed=0, temperature=0.8, top_p=0.9))
            print(f'| {threads} | {B} | {b*10:.2f} | {g*10:.2f} | {g/b:.2f}x | {p*10:.2f} | {p/b:.2f}x |')
    torch.set_num_threads(n0)

if __name__ == '__main__': main()
