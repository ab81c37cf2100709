"""Devices and more than one process (issue 8): every entry point takes device='cpu'; CUDA-only paths are skipped,
visibly, where there is no GPU; two processes with gloo train one model within noise of one process with the same
effective batch."""
import json, os, socket, subprocess, sys
import pytest
import torch
from toolkit.all import load_corpus, train_lm, train_classifier, names_lm, names_classifier, load_model, predict_texts
from toolkit.export import export_learner
from conftest import awd_here, awd_fresh

pytestmark = pytest.mark.slow # subprocesses, servers, or training for a while

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason='CUDA-only path: this machine has no CUDA GPU')
NO_CUDA = pytest.mark.skipif(torch.cuda.is_available(), reason='checks the error on a machine without a GPU')
TRAIN = ['train', 'headlines', '--preset', 'tiny', '--max-rows', '3000', '--vocab-sz', '300', '--epochs', '2',
         '--quiet']

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def on(learn): return next(learn.model.parameters()).device.type

@pytest.fixture(scope='module')
def heads(): return load_corpus('headlines').sample(1500, random_state=5)

def test_device_cpu_everywhere(heads, tmp_path, awd):
    "train_lm, train_classifier, names_lm, names_classifier, load_model and the CLI all take device='cpu'"
    lm = train_lm(heads, preset='tiny', vocab_sz=300, device='cpu', show_progress=False)
    assert on(lm) == 'cpu' and lm.generate(n=2, seed=0)
    reviews = load_corpus('reviews').sample(1200, random_state=5)
    clf = train_classifier(reviews, 'text', 'label', pretrain=False, preset='tiny', vocab_sz=300, epochs=1,
                           device='cpu', group_col='movie', show_progress=False)
    assert on(clf) == 'cpu' and len(predict_texts(clf, ['Fine.'])) == 1
    names = load_corpus('names').sample(1500, random_state=5)
    nlm = names_lm(names, preset='tiny', epochs=1, device='cpu', show_progress=False)
    nclf = names_classifier(names, nlm, epochs=1, device='cpu', show_progress=False)
    assert on(nlm) == on(nclf) == 'cpu'
    d = export_learner(lm, tmp_path/'lm')
    assert on(load_model(d, device='cpu')) == 'cpu'
    r = awd_fresh('generate', d, '--device', 'cpu', '-n', '2')
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2, r.stderr

def test_precision_needs_cuda(heads):
    "Mixed precision is refused on the CPU, with a message that says why"
    with pytest.raises(ValueError, match=r'mixed precision \(fp16\) is for CUDA GPUs'):
        train_lm(heads, preset='tiny', device='cpu', precision='fp16')
    r = awd_here(*TRAIN, '--device', 'cpu', '--precision', 'bf16')
    assert r.returncode == 2 and 'mixed precision (bf16) is for CUDA GPUs' in r.stderr

@NO_CUDA
def test_cuda_refused_without_gpu(heads, tiny_lm_path):
    "Asking for CUDA on a machine without a GPU is a clear error, not a crash"
    with pytest.raises(ValueError, match='this machine has no CUDA GPU'): train_lm(heads, preset='tiny', device='cuda')
    with pytest.raises(ValueError, match='this machine has no CUDA GPU'): load_model(tiny_lm_path, device='cuda')
    r = awd_here('generate', tiny_lm_path, '--device', 'cuda')
    assert r.returncode == 2 and 'no CUDA GPU' in r.stderr

@CUDA
def test_cuda_fp16_train_then_cpu_generate(heads, tmp_path):
    "On a GPU: train in fp16, save, load on the CPU, and generate the same texts as on the GPU"
    lm = train_lm(heads, preset='tiny', vocab_sz=300, device='cuda', precision='fp16', show_progress=False)
    assert on(lm) == 'cuda'
    d = export_learner(lm, tmp_path/'lm')
    cpu = load_model(d, device='cpu')
    assert on(cpu) == 'cpu' and len(cpu.generate(n=3, seed=0)) == 3
    assert on(load_model(d, device='cuda')) == 'cuda'

def test_distributed_needs_launcher(tmp_path):
    "--distributed in a process no launcher started says how to launch it"
    r = awd_here(*TRAIN, '--distributed', '--out', tmp_path/'m')
    assert r.returncode == 2 and 'torchrun --nproc_per_node N' in r.stderr and not (tmp_path/'m').exists()

def test_two_processes_gloo(tmp_path, awd):
    "2 processes (gloo, CPU) x batch 16: one model and card, written by the first process, within noise of 1 x batch 32"
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
                        '--master_port', str(free_port()), '-m', 'toolkit.cli', *TRAIN, '--bs', '16', '--distributed',
                        '--out', str(tmp_path/'ddp')], capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'distributed over 2 processes (gloo): batch 16 per process, effective batch 32' in r.stdout
    assert r.stdout.count('saved ') == 1 # one process reports and writes
    one = awd_fresh(*TRAIN, '--bs', '32', '--out', tmp_path/'one', env=env, timeout=900)
    assert one.returncode == 0, one.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ddp', 'one'] # no checkpoints or temporary files left
    ddp, single = (json.loads((tmp_path/k/'card.json').read_text()) for k in ('ddp', 'one'))
    assert ddp['processes'] == 2 and ddp['epochs'] == 2
    assert ddp['metrics']['valid_loss'] == pytest.approx(single['metrics']['valid_loss'], rel=0.02)
