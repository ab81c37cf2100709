"""Shared fixtures: a tiny headlines model trained once per session, the app's tiny models trained once per version
of the code (shared with the app notebook), and the venv's `awd` command."""
import os, shutil, socket, sys
from pathlib import Path
import pytest

REPO = Path(__file__).parent.parent

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
    return export_learner(learn, tmp_path_factory.mktemp('models')/'tiny', corpus='headlines')

@pytest.fixture(scope='session')
def tiny_lm(tiny_lm_path):
    from toolkit.export import load_model
    return load_model(tiny_lm_path)

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture(scope='session')
def app_models_dir():
    """Tiny default models (headlines, names, origin, sentiment, outlet), shared with the app notebook and across the
    workers: trained once per version of the toolkit's code into build/test-models. Tests only read them (copy first)"""
    from toolkit.app import tiny_models
    return tiny_models(REPO/'build'/'test-models')

@pytest.fixture(scope='session')
def app_models(app_models_dir):
    from toolkit.app import ensure_models, load_models, DEFAULT_MODELS
    return load_models(ensure_models(app_models_dir, kinds=list(DEFAULT_MODELS)))

@pytest.fixture(scope='session')
def app_url(app_models):
    "The app, served on 127.0.0.1 at a free port for the whole test session"
    from toolkit.app import build_app, launch
    demo = build_app(app_models)
    port = free_port()
    launch(demo, '127.0.0.1', port, block=False) # as `awd serve` launches it (queue, upload cap)
    yield f'http://127.0.0.1:{port}/'
    demo.close()


# The longest tests first: with two workers, a four-minute test collected last (the README's commands come late
# in alphabetical order) runs alone at the end while the other worker idles. Started first, it overlaps the rest.
FIRST = ['test_readme.py::test_use_it_commands', 'test_readme.py::test_notebook_examples',
         'test_resume.py::test_killed_then_resumed', 'test_classify.py::test_ensemble_cli_fresh_process',
         'test_classify.py::test_cli_classifier', 'test_scale.py::test_two_processes_gloo']

def pytest_collection_modifyitems(items):
    "Run the tests of `FIRST` before the others, in that order (the rest keep theirs)"
    rank = {name: i for i, name in enumerate(FIRST)}
    def key(item): return rank.get(item.nodeid.split('/')[-1].split('[')[0], len(FIRST))
    items.sort(key=key)
