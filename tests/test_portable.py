"""The portable model format and damaged models (issue 7): identical generations and probabilities after a
pickle-free round trip in a fresh process; a clear error naming the file for every kind of damage, from the API,
the CLI and the app; pickles only when trusted."""
import json, shutil, subprocess, sys
from pathlib import Path
import pytest
import torch
from toolkit.all import load_corpus, train_lm, train_classifier, predict_texts
from toolkit.export import export_learner, save_portable, load_model, shipped_models, PORTABLE_FILES, PORTABLE_VERSION
from conftest import awd_here, awd_fresh

ROOT = Path(__file__).parent.parent

def run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, cwd=ROOT)

@pytest.fixture(scope='module')
def lm_and_dir(tmp_path_factory):
    df = load_corpus('headlines').sample(1500, random_state=3)
    learn = train_lm(df, preset='tiny', vocab_sz=300, show_progress=False)
    return learn, save_portable(learn, tmp_path_factory.mktemp('portable')/'lm', corpus='headlines')

@pytest.fixture(scope='module')
def clf_and_dir(tmp_path_factory):
    df = load_corpus('reviews').sample(1500, random_state=3)
    learn = train_classifier(df, 'text', 'label', pretrain=False, preset='tiny', vocab_sz=300, epochs=1,
                             group_col='movie',
                             show_progress=False)
    return learn, save_portable(learn, tmp_path_factory.mktemp('portable')/'clf', corpus='reviews')

FRESH = '''
import json, sys
from toolkit.all import load_model, predict_texts
learn = load_model(sys.argv[1])
if sys.argv[2] == 'generate': print(json.dumps(learn.generate(n=8, seed=0, temperature=0.8, max_words=12)))
else: print(json.dumps(predict_texts(learn, json.loads(sys.argv[3])).iloc[:, 2:].to_numpy().tolist()))
'''

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_portable_generations_identical_fresh_process(lm_and_dir):
    "A portable language model loaded in a fresh Python generates exactly what the trained model did, same seed"
    learn, d = lm_and_dir
    r = subprocess.run([sys.executable, '-c', FRESH, str(d), 'generate'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    fresh = json.loads(r.stdout.strip().splitlines()[-1])
    assert fresh == learn.generate(n=8, seed=0, temperature=0.8, max_words=12) and len(set(fresh)) > 1

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_portable_probabilities_identical_fresh_process(clf_and_dir):
    "A portable classifier loaded in a fresh Python gives the trained classifier's probabilities"
    learn, d = clf_and_dir
    texts = ['A joy from start to finish.', 'Dull, long and pointless.', 'Fine.']
    r = subprocess.run([sys.executable, '-c', FRESH, str(d), 'classify', json.dumps(texts)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    fresh = json.loads(r.stdout.strip().splitlines()[-1])
    here = predict_texts(learn, texts).iloc[:, 2:].to_numpy().tolist()
    assert sum(fresh, []) == pytest.approx(sum(here, []), abs=1e-6)
    assert load_model(d).awd.card['classes'] == ['fresh', 'rotten']

def test_portable_holds_no_pickle(lm_and_dir):
    "Every file of a portable model is JSON, a SentencePiece model, or tensors that load with weights_only=True"
    _, d = lm_and_dir
    assert sorted(p.name for p in d.iterdir()) == sorted(PORTABLE_FILES)
    json.loads((d/'config.json').read_text()); json.loads((d/'card.json').read_text())
    w = torch.load(d/'weights.pt', weights_only=True)
    assert set(w) == {'model', 'start_state', 'fingerprint'} and all(isinstance(v, torch.Tensor) for v in w['model'].values())
    assert isinstance(w['fingerprint']['bits'], torch.Tensor) # the novelty fingerprint of the training texts

def test_portable_loaded_model_saves_again(lm_and_dir, tmp_path):
    "A loaded portable model saves again (portable or pickle) with the same card fields and the same generations"
    learn, d = lm_and_dir
    again = load_model(export_learner(load_model(d), tmp_path/'again'))
    assert again.awd.card['corpus'] == 'headlines' and again.awd.card['metrics'] == load_model(d).awd.card['metrics']
    assert again.generate(n=3, seed=1) == learn.generate(n=3, seed=1)

# ---------------------------------------------------------------- damaged models

def _rewrite_config(**changes):
    def f(d):
        c = json.loads((d/'config.json').read_text()); c.update(changes); (d/'config.json').write_text(json.dumps(c))
    return f

DAMAGE = {
    'missing weights': (lambda d: (d/'weights.pt').unlink(), 'missing weights.pt'),
    'missing tokenizer': (lambda d: (d/'tokenizer.model').unlink(), 'missing tokenizer.model'),
    'missing config': (lambda d: (d/'config.json').unlink(), 'missing config.json'),
    'truncated weights': (lambda d: (d/'weights.pt').write_bytes((d/'weights.pt').read_bytes()[:4000]),
                          'weights.pt is damaged'),
    'weights not tensors': (lambda d: torch.save({'model': 'x'}, d/'weights.pt'), 'weights.pt holds no model weights'),
    'truncated config': (lambda d: (d/'config.json').write_text((d/'config.json').read_text()[:50]),
                         'config.json is damaged'),
    'foreign config': (lambda d: (d/'config.json').write_text('{"model_type": "bert"}'),
                       'not an awd-toolkit portable model config'),
    'junk tokenizer': (lambda d: (d/'tokenizer.model').write_bytes(b'\x00junk'), 'not a SentencePiece model'),
    'newer version': (_rewrite_config(version=PORTABLE_VERSION + 1, toolkit='9.0.0'), 'upgrade awd-toolkit'),
    # a newer format with files of its own: said to lack weights.pt, not to be newer (helper 89); another program's too
    'newer version, other files': (lambda d: (_rewrite_config(version=PORTABLE_VERSION + 1)(d),
                                              (d/'weights.pt').rename(d/'weights.safetensors')), 'upgrade awd-toolkit'),
    "another program's files": (lambda d: ((d/'config.json').write_text('{"model_type": "bert"}'), (d/'weights.pt').unlink(),
                                           (d/'card.json').unlink()), 'config.json is not an awd-toolkit portable model config'),
    'version 0': (_rewrite_config(version=0), '0 is not a portable format version'), # it was served (helper 47)
    'version as text': (_rewrite_config(version='1'), "'1' is not a portable format version"),
    'vocab does not fit': (lambda d: _rewrite_config(vocab=json.loads((d/'config.json').read_text())['vocab'][:50])(d),
                           'the weights do not fit the architecture and vocabulary'),
    'architecture does not fit': (lambda d: _rewrite_config(arch={**json.loads((d/'config.json').read_text())['arch'],
                                                                  'n_hid': 99})(d),
                                  'the weights do not fit the architecture'),
    # bytes changed inside the weights: torch loads them (it checks no checksum) and the model wrote garbage
    'bytes changed in weights': (lambda d: _scramble(d/'weights.pt'), 'weights.pt is damaged or was replaced'),
    "another model's tokenizer": (lambda d: shutil.copy(shipped_models()['names']/'tokenizer.model', d),
                                  'tokenizer.model is damaged or was replaced'),
    'empty tokenizer': (lambda d: (d/'tokenizer.model').write_bytes(b''), 'tokenizer.model holds no pieces'),
    'NaN weights, no checksums': (lambda d: _nan_weights(d), 'holds weights that are not finite numbers'),
    'card not an object': (lambda d: (d/'card.json').write_text('[]'), 'card.json is damaged: not a JSON object'),
    'card metrics null': (lambda d: (d/'card.json').write_text('{"metrics": null}'), 'its metrics are not a set'),
}

def _scramble(f:Path):
    "64 bytes in the middle of `f` changed, as a bad disk or copy changes them"
    import random
    b = bytearray(f.read_bytes()); r = random.Random(0)
    for i in range(len(b)//2, len(b)//2 + 64): b[i] = r.randrange(256)
    f.write_bytes(bytes(b))

def _nan_weights(d:Path):
    "A model saved before checksums were recorded, whose weights hold a NaN (a diverged training, or damage)"
    w = torch.load(d/'weights.pt', weights_only=True)
    next(v for v in w['model'].values() if v.is_floating_point())[0] = float('nan')
    torch.save(w, d/'weights.pt')
    c = json.loads((d/'config.json').read_text()); del c['sha256']; (d/'config.json').write_text(json.dumps(c))

@pytest.fixture
def damaged(lm_and_dir, tmp_path):
    def make(kind):
        d = tmp_path/'models'/'headlines'
        shutil.copytree(lm_and_dir[1], d)
        DAMAGE[kind][0](d)
        return d
    return make

@pytest.mark.parametrize('kind', list(DAMAGE))
def test_damaged_model_api(damaged, kind):
    "load_model: a ValueError naming the model and what is wrong"
    d = damaged(kind)
    with pytest.raises(ValueError, match=DAMAGE[kind][1]) as e: load_model(d)
    assert str(d) in str(e.value)

@pytest.mark.parametrize('kind', ['missing weights', 'truncated weights', 'junk tokenizer', 'newer version',
                                  'vocab does not fit', 'bytes changed in weights', 'card not an object'])
def test_damaged_model_cli(damaged, kind):
    "awd generate: one line naming the model and what is wrong, exit status 2, no traceback"
    d = damaged(kind)
    r = awd_here('generate', d, '-n', '1')
    assert r.returncode == 2 and DAMAGE[kind][1] in r.stderr and str(d) in r.stderr and 'Traceback' not in r.stderr

@pytest.mark.parametrize('kind', ['missing tokenizer', 'truncated config', 'architecture does not fit'])
def test_damaged_model_app(damaged, kind):
    "The app refuses to start over a damaged model, naming it (`awd serve` prints it as its one-line error)"
    from toolkit.app import app_models
    d = damaged(kind)
    with pytest.raises(ValueError, match=DAMAGE[kind][1]) as e: app_models(d.parent, train_missing=False)
    assert str(d) in str(e.value)

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_wrong_kind_of_model(lm_and_dir, clf_and_dir, tmp_path, capsys):
    "A classifier where a language model is expected, and the reverse: the CLI and the app say which is which"
    r = awd_here('generate', clf_and_dir[1])
    assert r.returncode == 2 and 'not a language model' in r.stderr
    r = awd_here('classify', lm_and_dir[1], 'text')
    assert r.returncode == 2 and 'holds a language model, not a classifier' in r.stderr
    from toolkit.app import app_models
    shutil.copytree(clf_and_dir[1], tmp_path/'m'/'headlines')
    with pytest.raises(ValueError, match="holds a classifier, but the app serves 'headlines' as a language model"):
        app_models(tmp_path/'m', train_missing=False, shipped=False)
    shutil.rmtree(tmp_path/'m'/'headlines'); shutil.copytree(lm_and_dir[1], tmp_path/'m'/'sentiment')
    with pytest.raises(ValueError, match="holds a language model, but the app serves 'sentiment' as a classifier"):
        app_models(tmp_path/'m', train_missing=False, shipped=False)
    shutil.rmtree(tmp_path/'m'/'sentiment'); shutil.copytree(lm_and_dir[1], tmp_path/'m'/'headlines')
    c = json.loads((tmp_path/'m'/'headlines'/'config.json').read_text()); c['backwards'] = True # a backward model
    (tmp_path/'m'/'headlines'/'config.json').write_text(json.dumps(c)) # (it stopped the app with "cannot continue a
    with pytest.raises(ValueError, match=r"headlines holds a language model that reads texts backwards, but the app " # prompt",
                       r"serves 'headlines' as a model that writes them forwards: move it"): # naming no file, helper 97)
        app_models(tmp_path/'m', train_missing=False, shipped=False)
    with pytest.raises(ValueError, match='reads texts backwards'): app_models(tmp_path/'m', train_missing=False)
    said = capsys.readouterr().out # beside the shipped models: it was said to be served before it was refused (helper 101)
    assert f"from {tmp_path/'m'}" not in said, said

# ---------------------------------------------------------------- pickles only when trusted

class Evil:
    "A pickle payload: unpickling it writes a file (any code could run there)"
    def __init__(self, target): self.target = str(target)
    def __reduce__(self): return (Path.write_text, (Path(self.target), 'pwned'))

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_pickle_refused_without_trust(tmp_path, awd):
    "A pickle that runs code when loaded is refused by the API, the CLI and the app unless trusted; its code never runs"
    evil, mark = tmp_path/'evil.pkl', tmp_path/'pwned'
    torch.save({'payload': Evil(mark)}, evil)
    with pytest.raises(ValueError, match='is a pickle .* can run any code'): load_model(evil)
    r = awd_here('classify', evil, 'x')
    assert r.returncode == 2 and '--trust-pickle' in r.stderr and 'awd convert' in r.stderr
    from toolkit.app import app_models
    with pytest.raises(FileNotFoundError, match='no models'): app_models(tmp_path, train_missing=False, shipped=False)
    assert not mark.exists() # refused before unpickling
    with pytest.raises(ValueError, match="trust_pickle must be True or False, got 'no'"): load_model(evil, trust_pickle='no')
    assert not mark.exists() # ('no' is true: it unpickled, helper 89)
    with pytest.raises(ValueError, match='holds a dict'): load_model(evil, trust_pickle=True)
    assert mark.read_text() == 'pwned' # trusted, the payload ran: the refusal above is what protected the user

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_convert_cli(lm_and_dir, awd, tmp_path):
    "awd convert: needs --trust-pickle; the portable copy generates what the pickle did"
    learn, _ = lm_and_dir
    pkl = export_learner(learn, tmp_path/'lm.pkl', corpus='headlines')
    r = awd_here('convert', pkl)
    assert r.returncode == 2 and 'pass --trust-pickle' in r.stderr and not (tmp_path/'lm').exists()
    r = awd_fresh('convert', pkl, '--trust-pickle', cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'lm'/'config.json').exists() and load_model(tmp_path/'lm').awd.card['corpus'] == 'headlines'
    m = load_model(pkl, trust_pickle=True) # converted, not trained: its card keeps when it was made (it said today, helper 89)
    m.awd.card['created'] = '2020-01-02T03:04:05+00:00'
    export_learner(m, tmp_path/'lm2')
    assert load_model(tmp_path/'lm2').awd.card['created'] == '2020-01-02T03:04:05+00:00'
    a = awd_fresh('generate', tmp_path/'lm', '-n', '3', '--seed', '0').stdout
    b = awd_fresh('generate', pkl, '-n', '3', '--seed', '0', '--trust-pickle').stdout
    assert a == b and len(a.splitlines()) == 3

def test_shipped_pretrained_model_loads():
    "The pretrained model in the package loads and generates (its tokenizer makes one piece of the placeholder text)"
    import toolkit
    from toolkit.export import load_model
    learn = load_model(Path(toolkit.__file__).parent/'models'/'english')
    assert len(learn.generate('The', n=2, seed=0, max_words=6)) == 2


def test_save_through_a_symlink(lm_and_dir, tmp_path):
    "Saving over a model directory that is a symbolic link writes where it points, and the link stays: it was moved "
    "aside as a hidden '.NAME.PID.old' link that `awd serve` then served as a model of its own"
    learn, d = lm_and_dir
    store, models = tmp_path/'store', tmp_path/'models'
    shutil.copytree(d, store); models.mkdir(); (models/'mine').symlink_to(store)
    export_learner(learn, models/'mine', corpus='again')
    assert (models/'mine').is_symlink() and sorted(p.name for p in models.iterdir()) == ['mine']
    assert sorted(p.name for p in tmp_path.iterdir()) == ['models', 'store'] # nothing left beside the target either
    assert load_model(models/'mine').awd.card['corpus'] == 'again'
    (tmp_path/'loop').symlink_to(tmp_path/'loop') # a link to itself: a RuntimeError traceback (helper 89)
    with pytest.raises(ValueError, match="loop is a symbolic link that points to itself"): export_learner(learn, tmp_path/'loop')

def test_damaged_ensemble_config_named(tmp_path):
    "An ensemble whose config.json does not parse: that is the error, not files an ensemble never has"
    d = tmp_path/'origin'
    shutil.copytree(shipped_models()['origin'], d)
    (d/'config.json').write_text((d/'config.json').read_text()[:60])
    with pytest.raises(ValueError, match='config.json is damaged'): load_model(d)

def test_unreadable_model_files_said_so(lm_and_dir, tmp_path, monkeypatch):
    "A file or directory this process may not read was 'damaged (PermissionError...)' or Python's '[Errno 13]' (helper 89)"
    import os
    import toolkit.export as ex
    d = tmp_path/'m'
    shutil.copytree(lm_and_dir[1], d)
    for locked, msg in ((d/'weights.pt', f'cannot read {d}/weights.pt: permission denied'), (d, f'cannot read {d}: permission denied')):
        monkeypatch.setattr(ex.os, 'access', lambda p, mode, locked=locked: Path(p) != locked) # (root reads anything: chmod cannot show it)
        with pytest.raises(PermissionError, match=msg): load_model(d)
    monkeypatch.undo()
    (d/'weights.pt').unlink(); (d/'weights.pt').mkdir()
    with pytest.raises(ValueError, match=f"{d}/weights.pt is a directory, not a file"): load_model(d)

def test_a_backwards_flag_of_one_loads(lm_and_dir, tmp_path):
    "A model saved by `train_lm(backwards=1)` wrote backwards 1, which the config's new check refused (helper 92)"
    d = tmp_path/'m'
    shutil.copytree(lm_and_dir[1], d)
    _rewrite_config(backwards=1)(d)
    assert load_model(d).awd.backwards

def test_ensemble_member_that_is_not_one_named(tmp_path):
    "A member of another kind or with other classes: the error named neither it nor the file (`awd` said '--members must')"
    from conftest import awd_here
    for swap, other, msg in (('1-forward-lm', 'headlines', '{d}/1-forward-lm is a language model without categories, not a classifier'),
                             ('0-forward', 'sentiment', '{d}/1-forward-lm has other classes than {d}/0-forward')):
        d = tmp_path/swap
        shutil.copytree(shipped_models()['origin'], d)
        shutil.rmtree(d/swap); shutil.copytree(shipped_models()[other], d/swap)
        msg = msg.format(d=d)
        with pytest.raises(ValueError, match=f"{msg}.*the ensemble at {d} is damaged"): load_model(d)
        r = awd_here('classify', d, 'Nakamura')
        assert r.returncode == 2 and msg in r.stderr and '--members' not in r.stderr, r.stderr

@pytest.mark.parametrize('change, msg', [
    (dict(vocab=[1, 2, 3]), 'the vocabulary is not a list of pieces'),
    (dict(task='classify', classes=None), "a classifier's config needs its list of classes"),
    (dict(task='tag', tags=[]), "a tagger's config needs its list of tags"),
    (dict(categories=5), 'its categories are not a list of names'), # (a TypeError traceback, helper 89)
    (dict(categories=[1]), 'its categories are not a list of names'), # (loaded, then failed in generate)
    (dict(preset=[1]), 'its preset is not a name'), # (unhashable type: 'list')
    (dict(backwards='x'), 'its backwards is not true or false'), # (read the model backwards)
])
def test_hand_edited_config(lm_and_dir, tmp_path, change, msg):
    "A config.json edited by hand: a clear error, not an AttributeError, AssertionError or IndexError from deep inside"
    d = tmp_path/'m'
    shutil.copytree(lm_and_dir[1], d)
    _rewrite_config(**change)(d)
    with pytest.raises(ValueError, match=msg): load_model(d)

def test_no_model_inside_a_model(lm_and_dir, tmp_path):
    "--out inside another model's directory: saving over that model, or deleting it, would take the new one with it"
    from toolkit.export import check_export_path
    shutil.copytree(lm_and_dir[1], tmp_path/'m')
    with pytest.raises(ValueError, match=r"it is inside the model .*m; save it beside that model"):
        check_export_path(tmp_path/'m'/'sub')
    check_export_path(tmp_path/'other') # beside it: fine

def test_app_skips_a_model_it_cannot_load(lm_and_dir, tmp_path, capsys):
    "Another program's directory with a config.json (a Hugging Face model) beside yours stopped the whole app"
    from toolkit.app import app_models
    (tmp_path/'bert').mkdir(); (tmp_path/'bert'/'config.json').write_text('{"model_type": "bert"}')
    models = app_models(tmp_path, train_missing=False)
    assert 'bert' not in models and 'headlines' in models # the shipped ones
    assert f"not serving {tmp_path/'bert'}: " in capsys.readouterr().out

def test_loaded_model_refuses_to_train_on_placeholders(lm_and_dir, capsys):
    "fit_one_cycle on a loaded model trained on its two placeholder texts and wrecked it ('a a a a ...'), silently"
    from toolkit.all import load_corpus, lm_dls, get_tokenizer
    learn, d = lm_and_dir
    m = load_model(d)
    before = m.generate(n=2, seed=3)
    for call in (lambda: m.fit_one_cycle(1, 1e-2), lambda: m.lr_find(), lambda: m.validate(),
                 lambda: m.show_results(), lambda: m.show_results(dl=m.dls.valid), # (it showed a placeholder row, helper 81)
                 lambda: m.dls.show_batch(), lambda: m.dls.valid.show_batch()): # ('xxbos a a a' as its data, helper 91)
        with pytest.raises(ValueError, match='^this model was loaded without its training texts'): call()
    assert 'train_loss' not in capsys.readouterr().out # (fit printed its table's head first, helper 107)
    assert m.generate(n=2, seed=3) == before # untouched
    m.dls.test_dl(['New study finds coffee helps'] * 40).show_batch(max_n=1) # a batch of texts of one's own shows
    m.dls = lm_dls(load_corpus('headlines').sample(300, random_state=0), tokenizer=get_tokenizer(m), vocab=m.dls.vocab,
                   bs=8, seq_len=16)
    with m.no_bar(), m.no_logging(): m.fit(1, 1e-4) # given texts: it trains

def test_loaded_models_keep_their_loss_weights_and_batch_size(tmp_path):
    """A loaded classifier or tagger lost the class (tag) weights of its loss: `validate` gave another loss than the
    model before saving, and training further weighed the classes as equals (helper 62); `learn.dls.test_dl(texts)`
    of a loaded model read one text a batch (get_preds 6.7 s for 400 reviews, 0.8 s at 64)"""
    import numpy as np
    from toolkit.all import train_tagger
    from toolkit.export import loss_weight, STUB_BS
    df = load_corpus('headlines').sample(300, random_state=0).reset_index(drop=True)
    df['is_valid'] = np.arange(len(df)) % 5 == 0
    label = next(c for c in df.columns if c not in ('text', 'is_valid'))
    learn = train_classifier(df, 'text', label, pretrain=False, pretrained=False, preset='tiny', epochs=1,
                             class_weight=1, show_progress=False)
    m = load_model(save_portable(learn, tmp_path/'clf'))
    assert torch.equal(loss_weight(m), torch.tensor(loss_weight(learn).tolist())) and len(set(loss_weight(m).tolist())) > 1
    valid = df[df.is_valid].rename(columns={label: 'label'})
    dl = lambda l: l.dls.test_dl(valid, with_labels=True, bs=learn.dls.bs)
    assert m.validate(dl=dl(m))[0] == pytest.approx(learn.validate(dl=dl(learn))[0], rel=1e-5) # the same weighted loss
    assert m.dls.test_dl(valid.text.tolist()).bs == STUB_BS == 64
    pos = load_corpus('pos').head(200).copy()
    t = train_tagger(pos, 'words', 'upos', pretrained=False, preset='tiny', epochs=1, tag_weight=1, show_progress=False)
    mt = load_model(save_portable(t, tmp_path/'tagger'))
    assert torch.equal(loss_weight(mt), loss_weight(t).cpu()) and mt.dls.test_dl(['The old man the boat.']).bs == 64
    plain = load_model(save_portable(train_tagger(pos, 'words', 'upos', pretrained=False, preset='tiny', epochs=1,
                                                  tag_weight=0, show_progress=False), tmp_path/'plain'))
    assert loss_weight(plain) is None
    w = torch.load(tmp_path/'clf'/'weights.pt', weights_only=True)
    w['loss_weight'] = w['loss_weight'][:2]; torch.save(w, tmp_path/'clf'/'weights.pt')
    c = json.loads((tmp_path/'clf'/'config.json').read_text()); del c['sha256']
    (tmp_path/'clf'/'config.json').write_text(json.dumps(c))
    with pytest.raises(ValueError, match="weights.pt: its loss weights do not fit the model's"): load_model(tmp_path/'clf')

def test_a_loaded_language_models_test_dl_reads_full_batches(lm_and_dir):
    """`learn.dls.test_dl(texts)` of a loaded language model read batches of 1 x 2 tokens (its placeholder loader's): validating
    200 headlines took 22 s, not 0.9 s; now the batches of a trained model's loaders, and too few tokens for one said so
    (fastai's validate gave Nones)"""
    from toolkit.export import STUB_BS, STUB_SEQ_LEN
    learn, d = lm_and_dir
    m = load_model(d)
    texts = load_corpus('headlines').text.head(200).tolist()
    dl = m.dls.test_dl(texts)
    assert (dl.bs, dl.seq_len) == (STUB_BS, STUB_SEQ_LEN) == (64, 64) and len(dl) >= 1
    assert m.validate(dl=dl)[0] == pytest.approx(learn.validate(dl=learn.dls.test_dl(texts, bs=64, seq_len=64))[0], rel=1e-4)
    for call in (lambda: m.validate(dl=m.dls.test_dl(['Flu'])), lambda: m.get_preds(dl=m.dls.test_dl(['Flu']))):
        with pytest.raises(ValueError, match=r'^these texts make no batch of 64 rows .*dls.test_dl\(texts, bs=1\)'): call()
    assert len(m.validate(dl=m.dls.test_dl(['Flu'], bs=1))) == len(learn.validate()) # one row: read

def test_a_loaded_language_model_keeps_its_dropout(tmp_path):
    """A loaded model was rebuilt with the preset's dropout (x0.1), whatever it was trained with (x0.3 from the pretrained
    model, x0.6 for the shipped names model), and `finetune_lm` trained it further so (helper 68)"""
    from toolkit.all import finetune_lm
    from toolkit.lm import drop_mult_of
    from toolkit.recipes import PRESETS, NAMES_RECIPE
    df = load_corpus('headlines').sample(300, random_state=0)
    m = load_model(save_portable(train_lm(df, preset='tiny', epochs=1, drop_mult=0.5, show_progress=False), tmp_path/'m'))
    assert drop_mult_of(m) == 0.5 and json.loads((tmp_path/'m'/'config.json').read_text())['arch']['drop_mult'] == 0.5
    assert drop_mult_of(finetune_lm(m, df, epochs=1, show_progress=False)) == 0.5 # as it was trained
    assert drop_mult_of(finetune_lm(m, df, epochs=1, drop_mult=0.2, show_progress=False)) == 0.2
    with pytest.raises(ValueError, match=r'drop_mult must be a number in \(0, 10\]'): finetune_lm(m, df, drop_mult=0)
    # models saved before config.json recorded it: the shipped ones, as they were trained
    assert drop_mult_of(load_model('headlines')) == PRESETS['small']['pretrained_drop_mult'] # from the pretrained model
    assert drop_mult_of(load_model('names')) == NAMES_RECIPE['small']['long_drop_mult'] # its 20 epochs' recipe
    assert 'drop_mult' not in json.loads((shipped_models()['headlines']/'config.json').read_text())['arch']

def test_a_loaded_pickle_refuses_to_train(tmp_path):
    """A trusted pickle's fit and validate said fastai's "IndexError: tuple index out of range" (its DataLoaders are
    empty); `awd train DATA --lm X.pkl` told to pass --trust-pickle, which `awd train` did not take (helper 68)"""
    from toolkit.lm import drop_mult_of
    df = load_corpus('headlines').sample(300, random_state=0)
    export_learner(train_lm(df, preset='tiny', epochs=1, show_progress=False), tmp_path/'m.pkl')
    m = load_model(tmp_path/'m.pkl', trust_pickle=True)
    for call in (lambda: m.fit_one_cycle(1), lambda: m.validate()):
        with pytest.raises(ValueError, match="^this model was loaded without its training texts .its DataLoaders are empty"):
            call()
    assert len(m.generate(n=2, seed=0)) == 2 # it still generates
    from fastai.learner import load_learner # fastai's own loading, given texts, trains (its bars had lost their learner)
    from toolkit.all import lm_dls, get_tokenizer
    f = load_learner(tmp_path/'m.pkl')
    f.dls = lm_dls(df, tokenizer=get_tokenizer(m), vocab=m.dls.vocab, bs=8, seq_len=16)
    with f.no_logging(): f.fit(1, 1e-4)
    r = awd_here('train', 'headlines', '--max-rows', '200', '--lm', tmp_path/'m.pkl', '--epochs', '1',
                 '--quiet', '--out', tmp_path/'m2')
    assert r.returncode == 2 and '--trust-pickle' in r.stderr, r.stderr
    r = awd_here('train', 'headlines', '--max-rows', '200', '--lm', tmp_path/'m.pkl', '--trust-pickle',
                 '--epochs', '1', '--drop-mult', '0.2', '--quiet', '--out', tmp_path/'m2')
    assert r.returncode == 0, r.stderr
    assert drop_mult_of(load_model(tmp_path/'m2')) == 0.2

def test_a_model_trained_further_says_so_in_its_card(tmp_path):
    """A loaded model trained further in Python was saved with the earlier run's epochs and minutes beside the new
    corpus; finetune_lm's copy had no history at all; an ensemble kept its earlier scores (helper 68)"""
    import warnings
    from toolkit.all import finetune_lm, lm_dls, get_tokenizer, classifier_dls
    h = load_corpus('headlines')
    card = lambda d: json.loads((d/'card.json').read_text())
    export_learner(train_lm(h.iloc[:300], preset='tiny', epochs=1, show_progress=False), tmp_path/'a', corpus='h1', epochs=1,
                   valid_pct=0.2, max_rows=300) # (as the CLI records them)
    m = load_model(tmp_path/'a')
    m.dls = lm_dls(h.iloc[600:900], tokenizer=get_tokenizer(m), vocab=list(m.dls.vocab), bs=16, seq_len=32)
    with m.no_bar(), m.no_logging(): m.fit_one_cycle(2, 1e-3)
    c = card(export_learner(m, tmp_path/'b', corpus='h3'))
    assert (c['corpus'], c['n_texts'], c['epochs']) == ('h3', 300, 2) and c['train_minutes'] >= 0
    assert 'valid_pct' not in c and 'max_rows' not in c # the earlier run's split and sample (helper 69)
    assert [{k: e[k] for k in ('corpus', 'epochs')} for e in c['continued_from']] == [{'corpus': 'h1', 'epochs': 1}]
    again = card(export_learner(load_model(tmp_path/'b'), tmp_path/'b2')) # saved again, not trained: the same history
    assert {k: again[k] for k in ('corpus', 'epochs', 'continued_from')} == {k: c[k] for k in ('corpus', 'epochs', 'continued_from')}
    f = card(export_learner(finetune_lm(load_model(tmp_path/'b'), h.iloc[900:1100], epochs=1, show_progress=False), tmp_path/'f'))
    assert (f['n_texts'], f['epochs'], [e.get('corpus') for e in f['continued_from']]) == (200, 1, ['h3', 'h1'])
    d = h[h.source.isin(['bbchealth', 'nprhealth'])].groupby('source').head(150).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ens = train_classifier(d, 'text', 'source', members=2, pretrain=False, pretrained=False, preset='tiny', epochs=1,
                               show_progress=False)
        import toolkit.export as X
        scores, X._valid_scores = X._valid_scores, None # a fresh ensemble is scored once, by train_classifier (helper 69)
        try: e1 = card(export_learner(ens, tmp_path/'e1', corpus='outlets'))
        finally: X._valid_scores = scores
        e = load_model(tmp_path/'e1')
        e.awd.card['created'] = '2000-01-01T00:00:00+00:00' # (its card kept its first save's date, helper 69)
        for l in e.learners:
            l.dls = classifier_dls(d, 'text', 'source', tokenizer=get_tokenizer(l), vocab=list(l.dls.vocab[0]),
                                   classes=list(l.dls.vocab[1]), bs=16)
            with l.no_bar(), l.no_logging(): l.fit(1, 1e-4)
        e2 = card(export_learner(e, tmp_path/'e2'))
    assert e1['corpus'] == 'outlets' and 'corpus' not in e2 and e2['continued_from'][0]['corpus'] == 'outlets'
    from toolkit.classify import _valid_scores
    assert e2['metrics'] == _valid_scores(e) # its scores now, not the earlier ensemble's
    assert e2['created'] == card(tmp_path/'e2'/'0-forward')['created'] != '2000-01-01T00:00:00+00:00' # saved now
    assert card(export_learner(load_model(tmp_path/'e1'), tmp_path/'e3'))['metrics'] == e1['metrics'] # (not trained)

def test_novel_knows_the_texts_a_loaded_model_trained_on(tmp_path):
    """A loaded model given new DataLoaders and trained on them (the route its refusal gives) was saved with the old
    fingerprint: generate(novel=True) took its new training texts for novel ones (helper 68)"""
    from toolkit.all import lm_dls, get_tokenizer, finetune_lm
    h = load_corpus('headlines')
    old, new = h.text.iloc[:300], h.text.iloc[600:900]
    m = load_model(save_portable(train_lm(h.iloc[:300], preset='tiny', epochs=1, show_progress=False), tmp_path/'a'))
    assert not m.awd.fingerprint.is_novel(old.iloc[0]) and all(m.awd.fingerprint.is_novel(t) for t in new.iloc[:50])
    m.dls = lm_dls(h.iloc[600:900], tokenizer=get_tokenizer(m), vocab=list(m.dls.vocab), bs=16, seq_len=32)
    with m.no_bar(), m.no_logging(): m.fit(1, 1e-4)
    fp = load_model(save_portable(m, tmp_path/'b')).awd.fingerprint
    assert not any(fp.is_novel(t) for t in new.iloc[:50]) and not fp.is_novel(old.iloc[0])
    n = fp.n_texts
    with m.no_bar(), m.no_logging(): m.fit(1, 1e-4) # the same texts again: counted once
    assert m.awd.fingerprint.n_texts == n == 600
    f = finetune_lm(m, h.iloc[900:1000], epochs=1, show_progress=False) # (its copy's own fingerprint, counted once)
    assert f.awd.fingerprint.n_texts == 700 and not f.awd.fingerprint.is_novel(h.text.iloc[950])

def test_a_loaded_classifier_still_shows_its_batches(tmp_path):
    """The placeholder DataLoaders read 64 texts a batch in every loader: the training one, dropping its last part batch,
    had none, and a loaded classifier's summary, show_batch and one_batch failed (helper 69); only test_dl's copies of
    the validation loader read 64"""
    from fastai.callback.hook import summary # noqa: F401 (fastai's Learner.summary)
    m = load_model('sentiment')
    assert m.dls.one_batch()[0].shape[0] == 1 and m.dls.test_dl(['A joy.', 'A bore.']).bs == 64
    m.summary()

def test_older_models_and_pickles_load_as_they_were_trained(tmp_path):
    """A names model of a --minutes run (fractional epochs in its card) was rebuilt with the short recipe's dropout, not
    the long one names_lm gave it; a pickle saved before its progress bars kept their learner failed fit with fastai's
    IndexError even with DataLoaders (helper 69)"""
    from toolkit.export import _older_drop_mult
    from toolkit.recipes import NAMES_RECIPE
    names = {'categories': ['a', 'b'], 'tokenizer': {'model_type': 'char'}}
    r = NAMES_RECIPE['small']
    assert _older_drop_mult('small', names, {'epochs': 33.75}) == r['long_drop_mult'] # a --minutes run
    assert _older_drop_mult('small', names, {'epochs': 6}) == r['drop_mult'] and _older_drop_mult('small', {}, {}) is None
    from toolkit.all import lm_dls, get_tokenizer
    h = load_corpus('headlines').sample(300, random_state=0)
    export_learner(train_lm(h, preset='tiny', epochs=1, show_progress=False), tmp_path/'m.pkl')
    old = torch.load(tmp_path/'m.pkl', weights_only=False)
    for cb in old.cbs: # as a pickle of the code before: its bars without their learner
        if type(cb).__name__ == 'ProgressCallback': cb.learn = None
    torch.save(old, tmp_path/'m.pkl')
    m = load_model(tmp_path/'m.pkl', trust_pickle=True)
    m.dls = lm_dls(h, tokenizer=get_tokenizer(m), vocab=m.dls.vocab, bs=8, seq_len=16)
    with m.no_logging(): m.fit(1, 1e-4)
