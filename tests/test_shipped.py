"""The default models ship inside the package (issue 26): within the size budget, each with its card; found by name;
served with no training from an empty models directory; overridden by a model of the same name; and usable right
after `pip install` of the wheel, with the repository out of sight."""
import json, shutil, sys
from pathlib import Path
import pytest
import torch
from toolkit.all import DEFAULT_MODELS, SHIPPED_MB, shipped_models, load_model, disk_mb
from toolkit.app import app_models
from test_readme import serve_and_check, free_port

@pytest.fixture(scope='module')
def shipped(): return shipped_models()

def test_every_default_ships(shipped):
    assert set(DEFAULT_MODELS) <= set(shipped), sorted(shipped)
    total = sum(disk_mb(p) for p in shipped.values())
    assert total <= SHIPPED_MB, f"the shipped models take {total:.1f} MB, over {SHIPPED_MB} MB"
    for kind in DEFAULT_MODELS:
        card = json.loads((shipped[kind]/'card.json').read_text())
        assert card['shipped'] and card['rebuild'] == f'python scripts/build_models.py --models {kind}', card['rebuild']
        assert card['preset'] == 'small' and 'data' in card and card['test_metrics']['n_test'] > 0, card
        weights = [torch.load(f, weights_only=True) for f in shipped[kind].rglob('weights.pt')]
        assert weights and all(t.dtype == torch.float16 for w in weights for t in w['model'].values()
                               if t.is_floating_point()), kind

def test_load_by_name(shipped, tmp_path, monkeypatch):
    "`load_model('names')` finds the shipped model; a directory of that name in the working directory wins"
    monkeypatch.chdir(tmp_path)
    names = load_model('names').generate(category='Russian', prompt='K', n=5, seed=0)
    assert len(names) == 5 and all(n.startswith('K') for n in names), names
    heads = load_model('headlines').generate(n=3, seed=0, min_words=4, max_words=15)
    assert len(heads) == 3 and all(4 <= len(h.split()) <= 15 for h in heads), heads
    shutil.copytree(shipped['origin'], tmp_path/'names') # a classifier where `names` is asked for: the path wins
    assert load_model('names').awd.card['title'] == 'Name origin'

def test_models_dir_overrides(app_models_dir, tmp_path):
    "A model of a default's name in the models directory is served instead of the shipped one; the rest are shipped"
    shutil.copytree(app_models_dir/'headlines', tmp_path/'headlines')
    served = app_models(tmp_path, train_missing=False)
    assert list(served) == list(DEFAULT_MODELS)
    assert served['headlines'].awd.card['preset'] == 'tiny' and served['names'].awd.card['preset'] == 'small'
    assert list(app_models(tmp_path, train_missing=False, shipped=False)) == ['headlines']

@pytest.mark.slow
def test_serve_no_train_empty_dir(awd, tmp_path):
    "`awd serve --no-train` with an empty models directory serves every shipped model, and each endpoint answers"
    (tmp_path/'models').mkdir()
    port = free_port()
    out = serve_and_check([awd, 'serve', '--no-train', '--models-dir', str(tmp_path/'models'), '--port', str(port)],
                          tmp_path, f'http://127.0.0.1:{port}/', linger=0, models=list(DEFAULT_MODELS))
    assert 'training' not in out, out

@pytest.mark.slow
def test_wheel_generates(installed_wheel):
    "Right after `pip install` of the wheel, from a directory outside the repository: the README's two first commands"
    r = installed_wheel.run('awd', 'generate', 'headlines', '-n', '5', '--seed', '0')
    assert r.returncode == 0, r.stderr[-3000:]
    assert len(r.stdout.strip().splitlines()) == 5, r.stdout
    code = ("import toolkit; from toolkit.all import *; print(toolkit.__file__); "
            "print(load_model('names').generate(category='Russian', prompt='K', n=5))")
    r = installed_wheel.run('python', '-c', code)
    assert r.returncode == 0, r.stderr[-3000:]
    where, names = r.stdout.strip().splitlines()[-2:]
    assert Path(where).resolve().is_relative_to(installed_wheel.env_dir.resolve()), where
    assert names.startswith("['K") and names.count("'K") == 5, names

def test_shipped_models_record_their_checksums():
    "The README says config.json records the SHA-256 of weights.pt and tokenizer.model: the shipped models had none"
    import json, hashlib
    from pathlib import Path
    import toolkit
    root = Path(toolkit.__file__).parent/'models'
    dirs = [c.parent for c in root.rglob('config.json') if (c.parent/'weights.pt').is_file()]
    assert len(dirs) >= 8
    for d in dirs:
        sums = json.loads((d/'config.json').read_text()).get('sha256')
        assert sums and set(sums) == {'weights.pt', 'tokenizer.model'}, d
        assert all(hashlib.sha256((d/f).read_bytes()).hexdigest() == h for f, h in sums.items()), d

@pytest.mark.slow # builds a wheel and an sdist
def test_wheel_and_sdist_as_a_pip_user_gets_them(installed_wheel, tmp_path):
    """The wheel said Python >= 3.10 while its pins need 3.11, held no licence text, nor the pretrained model's list of
    sources; the sdist lacked settings.ini, so `python -m build` or a pip install of it failed (helper 52)"""
    import subprocess, sys, tarfile, zipfile
    from conftest import _sources
    with zipfile.ZipFile(installed_wheel.wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith('.dist-info/METADATA'))).decode()
    assert 'Requires-Python: >=3.11' in meta and 'Programming Language :: Python :: 3.10' not in meta
    import configparser
    status = configparser.ConfigParser(); status.read(Path(__file__).parent.parent/'settings.ini')
    status = status['DEFAULT']['status'] # (settings.ini's 3 gave 'Development Status :: 4 - Beta', helper 90)
    assert f'Classifier: Development Status :: {status} - ' in meta
    assert any(n.endswith('.dist-info/licenses/LICENSE') for n in names) and 'toolkit/data/pretrain_corpus.md' in names
    src = _sources(tmp_path/'src') if (tmp_path/'src').mkdir() is None else None
    r = subprocess.run([sys.executable, 'setup.py', '-q', 'sdist', '-d', str(tmp_path/'sdist')], cwd=src,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    sdist, = (tmp_path/'sdist').glob('awd_toolkit-*.tar.gz')
    with tarfile.open(sdist) as t:
        held = {Path(n).relative_to(Path(n).parts[0]).as_posix() for n in t.getnames() if len(Path(n).parts) > 1}
        t.extractall(tmp_path/'unpacked', filter='data')
    assert {'settings.ini', 'LICENSE', 'setup.py', 'toolkit/models/english/weights.pt'} <= held
    unpacked, = (tmp_path/'unpacked').iterdir() # a wheel built from the sdist, elsewhere: what pip does with it
    r = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-w', str(tmp_path/'w'),
                        str(unpacked)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert len(list((tmp_path/'w').glob('awd_toolkit-*.whl'))) == 1
    assert 'would be ignored' not in r.stdout + r.stderr # (setuptools on each data and model folder, helper 90)

def test_pretrained_start_of_each_card_is_in_the_history(shipped):
    """A model fine-tuned from the pretrained English model names the chunk it started from and the commit that holds
    it (the README: `git checkout COMMIT -- toolkit/models/english` gives a rebuild the same start; helper 63: the
    cards said chunk 5, and build_models.py starts from today's)"""
    import subprocess
    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo/'scripts'))
    from pretrain import shipped_record
    git = lambda *a: subprocess.run(['git', *a], cwd=repo, capture_output=True, text=True)
    if git('rev-parse', '--is-shallow-repository').stdout.strip() != 'false': pytest.skip('no full git history here')
    starts = {k: c['pretrained'] for k in DEFAULT_MODELS
              if (c := json.loads((shipped[k]/'card.json').read_text())).get('pretrained')}
    assert {'headlines', 'sentiment', 'tagger'} <= set(starts), starts
    for kind, pre in starts.items():
        then = git('show', f"{pre['commit']}:toolkit/models/english/card.json")
        assert then.returncode == 0, (kind, then.stderr)
        assert shipped_record(json.loads(then.stdout)['pretraining'])['chunks'] == pre['chunks'], (kind, pre)
