"""The bench scripts' options: a bad value is argparse's one-line error naming the option (exit status 2), before any
corpus or model is loaded, not a traceback; and two decisions of the scripts, on made-up figures: tagging.py's goal
"its largest lead on unseen words" and lm_quality.py's last recorded bpc of a run that finished no epoch."""
import importlib.util, os, subprocess, sys
from pathlib import Path
from types import SimpleNamespace
import pytest

REPO = Path(__file__).parent.parent
BENCH = REPO/'bench'

# (script, its arguments, what the error must name). Each case starts a fresh Python; a script that imports torch or
# fastai at the top pays their ~4 s and refuses right after: a case that loaded a corpus or model would take far longer.
# One case for each kind of check (a count, a choice, a file, JSON, a variant, a preset); the types shared by every
# script (bench/_args.py) are tested without a process in `test_arg_types` (24 processes took 2 CPU minutes of make test)
CORPUS = '<a folder of train.txt and valid.txt>' # made by the test
CASES = [
    ('classify.py', ['--max-rows', '-5'], '--max-rows'),
    ('class_weight.py', ['--tasks', 'bogus'], '--tasks'),
    ('small_data.py', ['--arms', 'Z'], '--arms'),
    ('lm_quality.py', ['--rejudge', '/nonexistent.json'], '--rejudge'),
    ('lm_quality.py', ['--ours-config', '{bad'], '--ours-config'),
    ('shipped.py', ['--threads', '0'], '--threads'),
    ('data_loading.py', ['--rows', '200'], '--rows'),
    ('scale.py', ['--procs', '1', '--preset', 'bogus'], '--preset'),
    ('finetune.py', ['bogus=1'], 'bogus'),
    ('model_size.py', ['--only', 'a', '--corpus', CORPUS], 'sources.json'),
]

@pytest.mark.slow
@pytest.mark.parametrize('script,args,names', CASES, ids=[f"{s} {' '.join(a)}" for s, a, _ in CASES])
def test_bad_argument_refused(script, args, names, tmp_path):
    if CORPUS in args: # a pretraining corpus without its sources.json
        (tmp_path/'train.txt').write_text('a text\n'); (tmp_path/'valid.txt').write_text('another\n')
    argv = [str(tmp_path) if a == CORPUS else a for a in args]
    r = subprocess.run([sys.executable, f'bench/{script}', *argv], cwd=REPO, capture_output=True, text=True, timeout=120,
                       env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert 'Traceback' not in r.stderr, r.stderr
    assert r.stdout == '', r.stdout # refused before the run printed anything
    lines = r.stderr.strip().splitlines()
    errors = [l for l in lines if ': error: ' in l]
    assert len(errors) == 1 and errors[0] == lines[-1] and errors[0].startswith(f'{script}: error: '), r.stderr # usage, then one line
    assert names in errors[0], errors[0]

def load_bench(name:str, monkeypatch):
    "bench/NAME.py as a module (not run), its sibling `_args` importable as the scripts import it"
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f'bench_{name}', BENCH/f'{name}.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def test_arg_types(monkeypatch):
    "bench/_args.py's types: what they accept and return, and argparse's error naming the option for the rest"
    monkeypatch.syspath_prepend(str(BENCH))
    import argparse, _args
    p = argparse.ArgumentParser(prog='x', exit_on_error=False)
    p.add_argument('--arms', type=_args.some_of('ABCD', fold_case=True)); p.add_argument('--steps', type=_args.whole_list(1))
    p.add_argument('--rows', type=_args.whole(500, also=(0,))); p.add_argument('--minutes', type=_args.minutes)
    p.add_argument('--weights', type=_args.number_list(0, 1))
    a = p.parse_args(['--arms', 'd, B,d', '--steps', '60, 250,', '--rows', '0', '--minutes', '0.5', '--weights', '0,.5, 1'])
    assert (a.arms, a.steps, a.rows, a.minutes, a.weights) == (['D', 'B'], [60, 250], 0, 0.5, [0., .5, 1.])
    assert p.parse_args(['--rows', '500']).rows == 500
    for argv in (['--arms', 'Z'], ['--arms', ','], ['--steps', '-5'], ['--steps', 'x'], ['--rows', '200'], ['--rows', '-1'],
                 ['--minutes', '0'], ['--minutes', 'nan'], ['--minutes', '1e9'], ['--weights', 'abc'], ['--weights', '2']):
        with pytest.raises(argparse.ArgumentError, match=argv[0]): p.parse_args(argv)

def test_tagging_unseen_lead_goal(monkeypatch):
    "The goal holds only when ours leads on unseen words (above 0) by at least its other leads, in both tagsets"
    t = load_bench('tagging', monkeypatch)
    def leads(unseen, acc, f1): return {(ts, m): v for ts in t.TAGSETS for m, v in (('acc', acc), ('unseen', unseen), ('f1', f1))}
    assert t.unseen_lead_largest(leads(0.05, 0.01, 0.02))
    assert t.unseen_lead_largest(leads(0.02, 0.02, 0.01)) # a tie counts: "its lead there >= its other leads"
    assert not t.unseen_lead_largest(leads(-0.01, -0.05, -0.03)) # trails every row: the least negative is no lead (the bug)
    assert not t.unseen_lead_largest(leads(0., -0.05, -0.03)) # level on unseen words: no lead
    assert not t.unseen_lead_largest(leads(0.01, 0.02, 0.))
    assert not t.unseen_lead_largest({**leads(0.05, 0.01, 0.02), ('Brown', 'unseen'): -0.01}) # both tagsets, not one

def test_lm_quality_recorded_bpc(monkeypatch):
    "A time budget that ends inside the first epoch records no epoch: said, not an IndexError (after the table)"
    q = load_bench('lm_quality', monkeypatch)
    learn = lambda values: SimpleNamespace(recorder=SimpleNamespace(values=values))
    assert q.recorded_bpc(learn([])).startswith('none (no finished epoch')
    assert q.recorded_bpc(learn([[4.1, 3.9, 1.234, 7.0], [3.0, 2.9, 1.1116, 6.0]])) == '1.112' # the last epoch's, next to last column
