"Shared fixtures: a tiny headlines model trained once per session, and the venv's `awd` command."
import os, shutil, sys
from pathlib import Path
import pytest

os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
# Two OpenMP threads on a 2-core machine that is also running other jobs (benchmarks, CI) make torch's LSTM 50-500x
# slower (the threads spin waiting for each other); one thread gives the same numbers. Set before torch is imported,
# so it holds for this process and for every subprocess a test starts (`awd train`, the fresh-process round trip).
os.environ.setdefault('OMP_NUM_THREADS', '1')

@pytest.fixture(scope='session')
def awd():
    "The `awd` console script installed beside this Python"
    exe = Path(sys.executable).parent/'awd'
    return str(exe) if exe.exists() else shutil.which('awd')

@pytest.fixture(scope='session')
def tiny_lm_path(tmp_path_factory):
    "A tiny headlines language model, exported once for the whole test session"
    from toolkit.all import load_corpus, train_lm, export_learner
    df = load_corpus('headlines').sample(4000, random_state=0)
    learn = train_lm(df, preset='tiny', epochs=1, vocab_sz=300, show_progress=False)
    return export_learner(learn, tmp_path_factory.mktemp('models')/'tiny.pkl', corpus='headlines')

@pytest.fixture(scope='session')
def tiny_lm(tiny_lm_path):
    from toolkit.export import load_model
    return load_model(tiny_lm_path)
