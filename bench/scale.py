"""Training throughput on 1 vs 2 processes (issue 8): PyTorch DDP through fastai's DistributedTrainer and Accelerate,
gloo on this CPU machine; the same script measures GPUs with nccl.

Each configuration trains the `small` preset for one epoch on the same sample of the headlines corpus with the same
effective batch (64 rows: 1 process x 64, or 2 processes x 32 each taking its rows of every batch) and reports
training tokens per second of the fit alone (tokenizing excluded), the validation loss, and the ratio to 1 process.
On a 2-core machine the processes share the cores that one process already uses (1 x 2 threads against 2 x 1
thread), so expect no speed-up here: the point is that the multi-process path runs and matches quality.
    python bench/scale.py [--rows 8000] [--preset small]
On a machine with N GPUs (nccl):
    python bench/scale.py --procs 1 N --device cuda
"""
import argparse, json, os, platform, socket, subprocess, sys, time
from toolkit.recipes import PRESETS # (neither imports torch: the parent process stays light)
from _args import count

def worker(a):
    import torch
    from toolkit.all import load_corpus
    from toolkit.lm import lm_dls, lm_learner, get_preset, distributed_ctx, world_size, quiet, check_device
    from fastai.torch_core import set_seed
    n, p = world_size(), get_preset(a.preset)
    set_seed(0)
    df = load_corpus('headlines').sample(a.rows, random_state=0)
    dls = lm_dls(df, bs=64, seq_len=p['seq_len'], vocab_sz=p['vocab_sz'], seed=0) # 64 rows a batch; each process trains on 64/n
    dls.to(check_device(a.device))
    learn = lm_learner(dls, a.preset)
    tokens = len(dls.train)*64*p['seq_len']
    t = time.perf_counter()
    with quiet(learn), distributed_ctx(learn, n > 1): learn.fit_one_cycle(1, p['lr'])
    secs = time.perf_counter() - t
    if int(os.environ.get('RANK', 0)) == 0:
        print(json.dumps(dict(procs=n, tokens=tokens, secs=secs, valid_loss=float(learn.recorder.values[-1][1]))), flush=True)

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--rows', type=count, default=8000, help='headlines sampled (default: %(default)s)')
    p.add_argument('--preset', default='small', choices=list(PRESETS)) # (checked here: a worker's traceback came through)
    p.add_argument('--procs', type=count, nargs='+', default=[1, 2]) # (0: a ZeroDivisionError)
    p.add_argument('--device', default='cpu')
    p.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.worker: return worker(a)
    from toolkit.data import load_corpus
    if a.rows > (n := len(load_corpus('headlines'))): p.error(f"--rows {a.rows}: the headlines corpus has {n:,}")
    cores, rows = os.cpu_count(), []
    for n in a.procs:
        env = {**os.environ, 'OMP_NUM_THREADS': str(max(1, cores//n))} # the same cores in all: split between the processes
        args = [__file__, '--worker', '--rows', str(a.rows), '--preset', a.preset, '--device', a.device]
        cmd = [sys.executable, *args] if n == 1 else [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', str(n),
                                                      '--master_port', str(free_port()), *args]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode: sys.exit(r.stderr[-3000:])
        rows.append(json.loads([l for l in r.stdout.splitlines() if l.startswith('{')][-1]) | {'threads': env['OMP_NUM_THREADS']})
    import torch
    print(f"\n{platform.node()} | {platform.machine()} | {cores} cores | {a.device} | torch {torch.__version__} | "
          f"{a.preset} preset, headlines sample of {a.rows:,}, one epoch, effective batch 64\n")
    print('| processes | threads each | backend | tokens/s | ratio to 1 process | valid loss |\n|---|---|---|---|---|---|')
    base = rows[0]['tokens']/rows[0]['secs']
    for r in rows:
        tps = r['tokens']/r['secs']
        print(f"| {r['procs']} | {r['threads']} | {'-' if r['procs'] == 1 else 'nccl' if a.device.startswith('cuda') else 'gloo'} | "
              f"{tps:,.0f} | {tps/base:.2f}x | {r['valid_loss']:.3f} |")

if __name__ == '__main__': main()
