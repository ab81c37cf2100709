"""The pretrained English model shipped in the package (issue 25): found from an installed wheel in a fresh process,
better than from scratch after a few batches, never opened with `pretrained=False`, and used without any network."""
import contextlib, io, json, os, shutil, socket, subprocess, sys, sysconfig
from pathlib import Path
import pytest
import toolkit.lm
from toolkit.all import load_corpus, train_lm, lm_dls, lm_learner, export_learner, load_model, finetune_lm
from toolkit.lm import has_pretrained, load_pretrained, pretrained_dir
from toolkit.cli import main

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
SMALL = dict(bs=16, seq_len=32, show_progress=False) # a few hundred headlines fill a few batches

@pytest.fixture(scope='module')
def few():
    "A few hundred headlines"
    return load_corpus('headlines').sample(300, random_state=0)

def test_shipped_in_the_package():
    path = pretrained_dir()
    assert path.parent.parent == Path(toolkit.__file__).parent, path
    assert has_pretrained(), f"{path}: the pretrained model is not in the package"
    pre = load_pretrained()
    assert pre['info']['name'] == 'english' and pre['info']['chunks'] >= 1

def test_card_names_the_shipped_chunk():
    "The card's `pretraining.shipped` is the chunk whose weights ship: what `info` reports and models trained on it record"
    pre = load_pretrained(weights=False)
    run = pre['card']['pretraining']
    assert run.get('shipped'), "the card lost which chunk ships (scripts/pretrain.py carries it over a chunk that did no better)"
    k = run['shipped']['chunks']
    assert run['history'][k-1].get('shipped', True) and not any(h.get('shipped') for h in run['history'][k:]), run['history']
    assert pre['card']['metrics']['bpc'] == pytest.approx(run['history'][k-1]['bpc'], abs=1e-3) # the weights' own figure
    assert pre['info']['chunks'] == k and pre['info']['tokens_seen'] == run['shipped']['tokens_seen']

def test_pretrain_keeps_the_shipped_record():
    "A chunk that did no better keeps the record of the shipped one; a card that lost it gets it back from its history"
    sys.path.insert(0, str(REPO/'scripts'))
    from pretrain import shipped_record
    hist = [dict(tokens=10, cpu_hours=1.0, shipped=True), dict(tokens=20, cpu_hours=2.0, shipped=True),
            dict(tokens=30, cpu_hours=3.0, shipped=False)]
    lost = dict(chunks=3, tokens_seen=60, cpu_hours=6.0, history=hist, shipped=None)
    assert shipped_record(lost) == dict(chunks=2, tokens_seen=30, cpu_hours=3.0)
    kept = {**lost, 'shipped': dict(chunks=2, tokens_seen=30, cpu_hours=3.0)}
    assert shipped_record(kept) is kept['shipped']
    assert shipped_record(dict(chunks=1, tokens_seen=5, cpu_hours=1.0, history=[dict(tokens=5, cpu_hours=1.0, shipped=False)])) is None

def test_widen_keeps_the_function():
    "pretrain.py --widen-from: the wider model computes what the narrower one did, and its new units can learn"
    import torch
    sys.path.insert(0, str(REPO/'scripts'))
    from pretrain import widen
    from fastai.text.models.core import get_language_model
    from fastai.text.models.awdlstm import AWD_LSTM, awd_lstm_lm_config
    old = {**awd_lstm_lm_config, 'emb_sz': 8, 'n_hid': 16, 'n_layers': 3}
    new = {**old, 'emb_sz': 12, 'n_hid': 24}
    torch.manual_seed(0)
    a = get_language_model(AWD_LSTM, 50, config=old).eval()
    b = get_language_model(AWD_LSTM, 50, config=new)
    b.load_state_dict(widen(a.state_dict(), old, new))
    b.eval()
    x = torch.randint(0, 50, (3, 20))
    with torch.no_grad():
        a.reset(); b.reset()
        assert torch.allclose(a(x)[0], b(x)[0], atol=1e-5)
    b.train(); b.reset()
    b(x)[0].logsumexp(-1).mean().backward()
    assert b[0].encoder.weight.grad[:, 8:].abs().sum() > 0 # the new embedding columns learn
    assert b[0].rnns[1].module.weight_ih_l0.grad[:, 16:].abs().sum() > 0 # the next layer learns to read the new units
    with pytest.raises(ValueError, match='widen grows'):
        widen(a.state_dict(), old, {**old, 'n_layers': 2})

FRESH = r"""
import sys
from pathlib import Path
import torch
torch.set_num_threads(1)
import toolkit
venv = Path(sys.argv[1]).resolve()
assert Path(toolkit.__file__).resolve().is_relative_to(venv), f'toolkit imported from {toolkit.__file__}, not from {venv}'
from toolkit.lm import pretrained_dir, lm_dls, lm_learner
from toolkit.data import load_corpus
assert pretrained_dir().resolve().is_relative_to(venv), pretrained_dir()
dls = lm_dls(load_corpus('headlines').sample(300, random_state=0), tokenizer='pretrained', bs=16, seq_len=32)
learn = lm_learner(dls, 'small', pretrained=True)
with learn.no_bar(), learn.no_logging():
    learn.fit(1, 1e-3)
    bpc = learn.validate()[3]
print('ok', learn.awd.pretrained['name'], round(bpc, 3))
"""

def test_loads_from_an_installed_wheel(installed_wheel):
    "A wheel installed (not editable) in a fresh venv carries the model, and a fresh process outside the repo loads it"
    r = installed_wheel.run('python', '-c', FRESH, installed_wheel.env_dir)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.splitlines()[-1].startswith('ok english '), r.stdout

def _bpc(learn)->float:
    return learn.validate()[3]

def test_pretrained_beats_scratch(few):
    "The same few batches, seed and data: the pretrained start reaches a lower validation BPC"
    pre = train_lm(few, pretrained=True, **SMALL)
    scratch = train_lm(few, pretrained=False, **SMALL)
    assert pre.awd.pretrained['name'] == 'english' and scratch.awd.pretrained is None
    assert list(pre.dls.vocab) == load_pretrained(weights=False)['vocab']
    assert _bpc(pre) < _bpc(scratch) - 0.3, (_bpc(pre), _bpc(scratch))

def _missing(monkeypatch, tmp_path):
    "The package's model directory points at nothing"
    monkeypatch.setattr(toolkit.lm, 'pretrained_dir', lambda name='english': tmp_path/'no-model')

def test_pretrained_false_never_opens_the_model(few, monkeypatch, tmp_path):
    _missing(monkeypatch, tmp_path)
    opened = []
    real = toolkit.lm._read_pretrained_config
    monkeypatch.setattr(toolkit.lm, '_read_pretrained_config', lambda path: opened.append(path) or real(path))
    learn = train_lm(few, pretrained=False, vocab_sz=300, **SMALL)
    assert learn.recorder.values and not opened
    with pytest.raises(FileNotFoundError, match=r'not in the package .*scripts/pretrain\.py --minutes 30'):
        train_lm(few, pretrained=True, **SMALL)
    assert train_lm(few, **SMALL).awd.pretrained is None # None: the model is missing, so from scratch

def test_damaged_model(few, monkeypatch, tmp_path):
    bad = tmp_path/'english'
    shutil.copytree(pretrained_dir(), bad)
    monkeypatch.setattr(toolkit.lm, 'pretrained_dir', lambda name='english': bad)
    (bad/'weights.pt').write_bytes(b'not a model')
    with pytest.raises(ValueError, match=r'is damaged \(weights\.pt.*reinstall awd-toolkit, or rebuild'):
        train_lm(few, **SMALL)
    (bad/'config.json').write_text('{"vocab": ')
    with pytest.raises(ValueError, match=r'is damaged \(JSONDecodeError'):
        lm_dls(few, tokenizer='pretrained')

def test_where_it_cannot_apply(few):
    for kw, msg in ((dict(preset='tiny'), "preset is 'tiny'"), (dict(tokenizer='char'), "tokenizer is 'char'"),
                    (dict(vocab_sz=500), 'vocab_sz is 500'), (dict(backwards=True), 'backwards=True'),
                    (dict(config=dict(n_hid=64)), 'config changes n_hid')):
        with pytest.raises(ValueError, match=f'pretrained=True cannot apply: .*{msg}'):
            train_lm(few, pretrained=True, **kw)
    own = lm_dls(few, vocab_sz=300, bs=16, seq_len=32)
    with pytest.raises(ValueError, match=r"lm_dls\(df, tokenizer='pretrained'\)"):
        lm_learner(own, pretrained=True)
    assert lm_learner(own, 'tiny').awd.pretrained is None # the other presets are unaffected

def test_checkpoint_meta(few, tmp_path):
    ck = tmp_path/'ck'
    train_lm(few, checkpoint=ck, **SMALL)
    assert json.loads((ck/'checkpoint.json').read_text())['meta']['pretrained'] is True
    with pytest.raises(ValueError, match='pretrained: True there, None now'):
        train_lm(few, checkpoint=ck, resume=True, pretrained=False, **SMALL)
    again = train_lm(few, checkpoint=ck, resume=True, **SMALL) # nothing left to do
    assert again.awd.pretrained['name'] == 'english'

@pytest.fixture
def no_network(monkeypatch):
    "Every connection to a network address (IPv4, IPv6) and every name lookup fails the test; local sockets are allowed"
    tried = []
    def connect(self, address, _real=socket.socket.connect):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            tried.append(address)
            raise OSError(f'network blocked by the test: {address}')
        return _real(self, address)
    def lookup(host, *args, **kwargs):
        tried.append(host)
        raise socket.gaierror(f'name lookup blocked by the test: {host}')
    monkeypatch.setattr(socket.socket, 'connect', connect)
    monkeypatch.setattr(socket.socket, 'connect_ex', lambda self, a: connect(self, a) or 0)
    monkeypatch.setattr(socket, 'getaddrinfo', lookup)
    yield tried
    assert not tried, f'the network was used: {tried}'

def test_no_network(few, tmp_path, no_network):
    "Load, train, export, load, generate and fine-tune a pretrained-started model with the network blocked"
    learn = train_lm(few, **SMALL)
    assert learn.awd.pretrained['name'] == 'english'
    loaded = load_model(export_learner(learn, tmp_path/'m', corpus='headlines'))
    assert loaded.awd.pretrained == learn.awd.pretrained and len(loaded.dls.vocab) == len(learn.dls.vocab)
    assert len(loaded.generate(n=3, seed=0, max_tokens=20)) == 3
    tuned = finetune_lm(loaded, few, epochs=1, bs=16, seq_len=32, show_progress=False)
    assert tuned.awd.pretrained == learn.awd.pretrained

def _first_line(argv)->str:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        main(argv)
    return out.getvalue().splitlines()[0]

def test_cli_says_how_it_starts(tmp_path):
    base = ['--max-rows', '300', '--bs', '16', '--quiet']
    line = _first_line(['train', 'headlines', *base, '--seq-len', '32', '--epochs', '1', '--out', str(tmp_path/'lm')])
    assert 'on cpu, from the pretrained English model (' in line, line
    assert load_model(tmp_path/'lm').awd.pretrained['name'] == 'english'
    line = _first_line(['train', 'headlines', *base, '--seq-len', '32', '--epochs', '1', '--no-pretrained', '--vocab-sz', '300',
                        '--out', str(tmp_path/'scratch')])
    assert line.endswith(', from scratch'), line
    line = _first_line(['train-classifier', 'reviews', *base, '--epochs', '1', '--lm-epochs', '1', '--out', str(tmp_path/'clf')])
    assert 'after a small language model on the texts, from the pretrained English model (' in line, line
    assert load_model(tmp_path/'clf').awd.pretrained['name'] == 'english'
    line = _first_line(['train-classifier', 'reviews', *base, '--epochs', '1', '--lm-epochs', '1', '--preset', 'tiny',
                        '--out', str(tmp_path/'clf-tiny')])
    assert line.endswith('on the texts, from scratch') or ', from scratch, split by' in line, line

def test_scripts_refuse_what_they_would_destroy(tmp_path, capsys):
    "pretrain.py --out DIR deleted a directory that was not a model (and hid a file as .NAME.PID.old); bad values were "
    "tracebacks after the chunk's training (--eval-texts 0) or trained on (--lr -1, --minutes 0)"
    sys.path.insert(0, str(REPO/'scripts'))
    import pretrain, build_models
    (tmp_path/'mine').mkdir(); (tmp_path/'mine'/'notes.txt').write_text('important')
    (tmp_path/'afile').write_text('x')
    for argv, msg in ((['--out', str(tmp_path/'mine')], 'mine exists and is not a portable model: not overwriting it'),
                      (['--out', str(tmp_path/'afile')], 'afile exists and is not a portable model'),
                      (['--minutes', '0'], '--minutes must be above 0'), (['--lr', '-1'], '--lr must be in (0, 1]'),
                      (['--eval-texts', '0'], '--eval-texts must be 1 or more'),
                      (['--widen-from', str(tmp_path/'nowhere')], 'nowhere: not a model directory'),
                      # helper 83: a traceback, a chunk that never ends, a git error after the chunk
                      (['--preset', 'huge'], "--preset: Unknown preset 'huge'"), (['--minutes', 'inf'], '--minutes must be above 0 and finite, got inf'),
                      (['--commit', '--out', str(tmp_path/'cand')], '--commit commits the shipped model')):
        with pytest.raises(SystemExit): pretrain.get_args(argv)
        assert msg in capsys.readouterr().err
    for argv, msg in ((['--models', ','], '--models names none'), (['--quick'], '--quick builds smoke-test models'),
                      (['--out', str(tmp_path/'afile'), '--models', 'names'], 'is not a directory'),
                      (['--threads', '0'], '--threads must be 1 or more'),
                      (['--quick', '--commit', '--out', str(tmp_path/'q')], '--commit commits the shipped models'), # (helper
                      (['--fingerprint-only', '--out', str(tmp_path/'fp'), '--models', 'names'], # 83: after the work)
                       f"--fingerprint-only adds to models that are there: no names model in {tmp_path/'fp'}")):
        with pytest.raises(SystemExit): build_models.get_args(argv)
        assert msg in capsys.readouterr().err
    assert (tmp_path/'mine'/'notes.txt').read_text() == 'important' and (tmp_path/'afile').read_text() == 'x'

def test_a_candidates_card_says_how_it_was_built(tmp_path):
    "pretrain.py's card gave the shipped model's rebuild line whatever the run's --preset, --config or --vocab-sz (helper 83)"
    sys.path.insert(0, str(REPO/'scripts'))
    import pretrain
    assert pretrain.rebuild_line(pretrain.get_args([])) == pretrain.REBUILD_LINE
    args = pretrain.get_args(['--preset', 'tiny', '--vocab-sz', '100', '--config', '{"n_hid": 96}', '--out', str(tmp_path/'c'),
                              '--state', str(tmp_path/'s')])
    assert "pretrain.py --preset tiny --config '{\"n_hid\": 96}' --vocab-sz 100 --minutes M --lr LR" in pretrain.rebuild_line(args)

def test_corpus_build_is_all_or_nothing(tmp_path, monkeypatch):
    "build_pretrain_corpus.py wrote train.txt in place: a source that failed left half a corpus (no sources.json) that pretrain.py trained on"
    sys.path.insert(0, str(REPO/'scripts'))
    import build_pretrain_corpus as bpc
    out = tmp_path/'corpus'
    bpc.build(out, tmp_path/'cache', ['shakespeare'])
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    assert sorted(before) == ['sources.json', 'train.txt', 'valid.txt'] and len(before['train.txt']) > 1_000_000
    def broken(cache): raise ValueError('a damaged package')
    monkeypatch.setattr(bpc.SOURCES['shakespeare'], 'build', broken)
    with pytest.raises(ValueError, match='a damaged package'): bpc.build(out, tmp_path/'cache', ['shakespeare'])
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before # as it was, and nothing half-written beside it

def test_pretrain_ids_follow_the_corpus_not_its_file_times(tmp_path):
    """pretrain.py kept its tokenized corpus while it looked newer than train.txt: a corpus copied with its file times
    kept (or rebuilt from a cache) trained on the old ids without a word. The ids now follow the text's content"""
    sys.path.insert(0, str(REPO/'scripts'))
    import os, pretrain
    from toolkit.data import load_corpus
    corpus, state, out = tmp_path/'corpus', tmp_path/'state', tmp_path/'english'
    corpus.mkdir()
    texts = load_corpus('headlines').text.tolist()
    (corpus/'train.txt').write_text('\n'.join(texts[:1500])); (corpus/'valid.txt').write_text('\n'.join(texts[1500:1600]))
    args = pretrain.get_args(['--corpus', str(corpus), '--state', str(state), '--out', str(out), '--vocab-sz', '300'])
    tok = pretrain.tokenizer(args, state, out)
    _, train, _ = pretrain.token_ids(args, tok, state, out)
    assert len(pretrain.token_ids(args, tok, state, out)[1]) == len(train) # cached
    old = (corpus/'train.txt').stat().st_mtime - 3600
    (corpus/'train.txt').write_text('\n'.join(texts[:500])); os.utime(corpus/'train.txt', (old, old)) # older than the ids
    _, fewer, _ = pretrain.token_ids(args, tok, state, out)
    assert len(fewer) < len(train) / 2

def test_pretrain_throws_a_diverged_chunk_away():
    "A chunk whose loss went to nan was saved for the next chunk to continue from (and shipped, were it the first)"
    sys.path.insert(0, str(REPO/'scripts'))
    import pretrain, torch
    m = torch.nn.Linear(2, 2)
    assert pretrain.finite(m, 1.7)
    assert not pretrain.finite(m, float('nan')) and not pretrain.finite(m, None) and not pretrain.finite(m, float('inf'))
    with torch.no_grad(): m.weight[0, 0] = float('nan')
    assert not pretrain.finite(m, 1.7)

def test_a_chunk_not_shipped_updates_the_rebuild_line(tmp_path):
    """A chunk that does not improve keeps the committed weights and updated only `pretraining` in the card: the
    shipped card kept chunk 29's rebuild line (without --out, it trained on the shipped model), helper 63"""
    sys.path.insert(0, str(REPO/'scripts'))
    import pretrain
    (tmp_path/'card.json').write_text(json.dumps({'title': 'x', 'rebuild': 'an old line', 'pretraining': {'chunks': 1}}))
    (tmp_path/'weights.pt').write_bytes(b'the weights')
    pretrain.keep_weights(tmp_path, {'pretraining': {'chunks': 2}, 'rebuild': pretrain.REBUILD_LINE, 'title': 'y'})
    card = json.loads((tmp_path/'card.json').read_text())
    assert card == {'title': 'x', 'rebuild': pretrain.REBUILD_LINE, 'pretraining': {'chunks': 2}}
    assert (tmp_path/'weights.pt').read_bytes() == b'the weights' and '--out build/english' in card['rebuild']
    assert json.loads((REPO/'toolkit'/'models'/'english'/'card.json').read_text())['rebuild'] == pretrain.REBUILD_LINE

def test_a_chunk_of_another_size_is_refused_by_name(tmp_path):
    """A chunk run with another --preset or --config than the model it goes on from was a torch traceback of 15 'size
    mismatch' lines (helper 95): it names the model's size and what to give"""
    sys.path.insert(0, str(REPO/'scripts'))
    import json, pretrain
    from toolkit.data import load_corpus
    dls = lm_dls(load_corpus('headlines').head(300), vocab_sz=200, bs=8, seq_len=16)
    tiny, small = lm_learner(dls, 'tiny'), lm_learner(dls, 'small')
    (tmp_path/'config.json').write_text(json.dumps({'preset': 'tiny', 'arch': {'emb_sz': 32, 'n_hid': 64, 'n_layers': 2}}))
    w = tiny.model.state_dict()
    assert pretrain.fits(tiny, w, tmp_path, tmp_path, pretrain.get_args(['--preset', 'tiny'])) is w
    with pytest.raises(SystemExit, match=r"state holds a model of another size \(preset tiny, emb_sz/n_hid/n_layers "
                                         r"32/64/2\) than --preset small makes: give the options it was pretrained with"):
        pretrain.fits(small, w, tmp_path/'state', tmp_path, pretrain.get_args([]))
