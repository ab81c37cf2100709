"""Interrupted training (issue 7): a process killed mid-epoch leaves no model at the output path, and `awd train
--resume` finishes from the last finished epoch with a model within noise of an uninterrupted run."""
import json, signal, subprocess, time
from pathlib import Path
import pytest
from conftest import awd_here, awd_fresh

pytestmark = pytest.mark.slow # subprocesses, servers, or training for a while

ARGS = ['train', 'headlines', '--preset', 'tiny', '--max-rows', '2500', '--vocab-sz', '300', '--epochs', '4', '--quiet']

def card(path): return json.loads((Path(path)/'card.json').read_text())

def start(awd, out, *extra):
    return subprocess.Popen([awd, *ARGS, '--out', str(out), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)

def wait_for_epoch(proc, ck:Path, epoch:int, timeout=300):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            if json.loads((ck/'checkpoint.json').read_text())['epoch'] >= epoch: return
        except (FileNotFoundError, ValueError): pass
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise TimeoutError(f'no checkpoint of epoch {epoch} in {timeout} s')

def test_killed_then_resumed(awd, tmp_path):
    "SIGKILL in epoch 3 of 4: no model, a checkpoint of epoch 2; --resume finishes within noise of an uninterrupted run"
    full = awd_fresh(*ARGS, '--out', tmp_path/'full')
    assert full.returncode == 0, full.stderr
    assert not (tmp_path/'full.checkpoint').exists() # removed once the model is in place
    out, ck = tmp_path/'m', tmp_path/'m.checkpoint'
    p = start(awd, out)
    wait_for_epoch(p, ck, 2)
    time.sleep(1) # well into epoch 3
    p.kill(); p.wait()
    assert not out.exists() and json.loads((ck/'checkpoint.json').read_text())['epoch'] == 2
    assert not [f for f in tmp_path.iterdir() if f.name.startswith('.')] # no half-written temporary files left
    before = json.loads((ck/'checkpoint.json').read_text())['minutes'] # two epochs' training time, kept with them
    r = awd_fresh(*ARGS, '--out', out, '--resume')
    assert r.returncode == 0, r.stderr
    assert 'resuming from' in r.stdout and not ck.exists()
    a, b = card(out), card(tmp_path/'full')
    assert a['epochs'] == b['epochs'] == 4 and a['resumed'] is True
    assert 0 < before and a['train_minutes'] >= round(before, 2) # the card counted the resumed run alone (helper 49)
    assert a['metrics']['valid_loss'] == pytest.approx(b['metrics']['valid_loss'], rel=0.03)

def test_resume_refuses_other_run(awd, tmp_path):
    "--resume with other arguments, or with no checkpoint, says so and trains nothing"
    r = awd_here(*ARGS, '--out', tmp_path/'m', '--resume')
    assert r.returncode == 2 and 'no checkpoint to resume from' in r.stderr
    assert 'training a' not in r.stdout, r.stdout # said before the run's start line, as the other checks (helper 113)
    p = start(awd, tmp_path/'m')
    wait_for_epoch(p, tmp_path/'m.checkpoint', 1)
    p.kill(); p.wait()
    args = [a if a != '4' else '5' for a in ARGS]
    r = awd_here(*args, '--out', tmp_path/'m', '--resume')
    assert r.returncode == 2 and 'is a checkpoint of another run (epochs: 4 there, 5 now)' in r.stderr
    assert not (tmp_path/'m').exists()

def test_ctrl_c_says_how_to_resume(awd, tmp_path):
    "Ctrl-C after an epoch: exit status 130, nothing at the output path, and the message names the checkpoint"
    p = start(awd, tmp_path/'m')
    wait_for_epoch(p, tmp_path/'m.checkpoint', 1)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130 and '--resume continues from it' in err and 'm.checkpoint' in err
    assert not (tmp_path/'m').exists()

def test_sigterm_keeps_the_checkpoint(awd, tmp_path):
    """`timeout`, `docker stop` or a batch system's time limit send SIGTERM: the run was killed with no word and nothing
    kept (helper 57); it is handled as Ctrl-C: the checkpoint kept and named, exit status 143"""
    p = start(awd, tmp_path/'m')
    wait_for_epoch(p, tmp_path/'m.checkpoint', 1)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 143 and '--resume continues from it' in err and 'm.checkpoint' in err, err
    assert 'stopped (SIGTERM)' in err and not (tmp_path/'m').exists()

def test_a_model_that_cannot_be_saved_names_its_checkpoint(tmp_path, monkeypatch):
    """A full disk at the final save left OUT.checkpoint without a word (helper 57): the error names it, and the same
    command with --resume saves the model without training again"""
    import toolkit.train
    real = toolkit.train.export_learner
    def full(*a, **k): raise OSError(28, 'No space left on device')
    monkeypatch.setattr(toolkit.train, 'export_learner', full)
    args = ['train', 'headlines', '--preset', 'tiny', '--max-rows', '300', '--vocab-sz', '200', '--epochs', '2', '--quiet',
            '--out', tmp_path/'m']
    r = awd_here(*args)
    assert r.returncode == 2 and 'No space left on device' in r.stderr, r.stderr
    assert f"the last finished epoch is in {tmp_path/'m.checkpoint'}: the same command with --resume continues" in r.stderr
    monkeypatch.setattr(toolkit.train, 'export_learner', real)
    r = awd_here(*args, '--resume')
    assert r.returncode == 0 and (tmp_path/'m'/'config.json').is_file() and not (tmp_path/'m.checkpoint').exists(), r.stderr
    assert card(tmp_path/'m')['epochs'] == 2 and card(tmp_path/'m')['resumed']
