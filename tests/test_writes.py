"""Where a command writes (`--out`): the format its name says, never the file being read, and a place that cannot be
written is one `awd: error:` line naming the path given and why (never a temporary file beside it), before any work."""
import gzip, json, os, re
from pathlib import Path
import pandas as pd
import pytest
from conftest import awd_here
from toolkit.data import read_table, write_table
from toolkit.export import export_learner, load_model

LINUX = Path('/proc/self').is_dir() # /proc takes no new files, even from root

def refused(argv, msg):
    r = awd_here(*argv)
    assert r.returncode == 2 and r.stderr.startswith('awd: error: ') and msg in r.stderr, r.stderr
    assert r.stderr.count('\n') == 1 and '.tmp' not in r.stderr and 'Errno' not in r.stderr, r.stderr
    return r

@pytest.fixture
def ok_csv(tmp_path, monkeypatch):
    "A small CSV of texts in the current directory (relative paths are the user's)"
    monkeypatch.chdir(tmp_path)
    Path('ok.csv').write_text('text,id\nNew study finds cats rule,1\nMarkets fall again,2\n')
    return Path('ok.csv')

@pytest.mark.parametrize('name', ['t.csv', 't.tsv', 't.jsonl', 't.ndjson', 't.csv.gz', 't.tsv.gz', 't.jsonl.gz'])
def test_write_table_format_of_name(tmp_path, name):
    "The copy is in the format its name says (gzipped for .gz), and reads back as it was"
    quote = '' if '.tsv' in name else '"' # (a TSV has no quoting: the reader takes quotes as they are)
    df = pd.DataFrame({'text': [f'Ça va, {quote}hi{quote}', 'two, commas'], 'score': [0.5, 1.25]})
    out = write_table(df, tmp_path/name)
    raw = out.read_bytes()
    if name.endswith('.gz'): raw = gzip.decompress(raw)
    if '.jsonl' in name or '.ndjson' in name:
        assert [json.loads(l) for l in raw.decode().splitlines()] == df.to_dict('records')
    back, _ = read_table(out)
    assert back.text.tolist() == df.text.tolist() and back.score.astype(float).tolist() == [0.5, 1.25]
    assert [p.name for p in tmp_path.iterdir()] == [name]

def test_score_out_jsonl(tiny_lm_path, ok_csv):
    "`awd score --csv ok.csv --out out.jsonl` writes JSON lines, not CSV text"
    r = awd_here('score', tiny_lm_path, '--csv', ok_csv, '--out', 'out.jsonl')
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in Path('out.jsonl').read_text().splitlines()]
    assert [r['text'] for r in rows] == ['New study finds cats rule', 'Markets fall again']
    assert all(isinstance(r['bpc'], float) for r in rows) and [r['id'] for r in rows] == ['1', '2']

@pytest.mark.parametrize('cmd', ['score', 'classify', 'tag'])
def test_out_is_the_input_refused(ok_csv, cmd):
    "--out the file being read (by another name, or the default copy's name) is refused before the model loads"
    before = ok_csv.read_text()
    os.link('ok.csv', 'hard.csv')
    for out in ['ok.csv', './ok.csv', str(ok_csv.absolute()), 'hard.csv']:
        refused([cmd, 'no-such-model', '--csv', 'ok.csv', '--out', out], f'cannot write {out}: it is the file being read')
    suffix = {'score': '.scored.csv', 'classify': '.pred.csv', 'tag': '.tags.csv'}[cmd]
    Path(f'ok{suffix}').write_text(before) # no --out: the copy's default name (ok.pred.pred.csv) is never the input's
    refused([cmd, 'no-such-model', '--csv', f'ok{suffix}'], 'no-such-model: no such model file or directory')
    assert ok_csv.read_text() == before and sorted(os.listdir()) == sorted(['ok.csv', 'hard.csv', f'ok{suffix}'])

@pytest.mark.parametrize('cmd', ['score', 'classify', 'tag'])
def test_unwritable_out_before_the_model(ok_csv, cmd):
    "An --out that cannot be written is refused before the model loads, naming the path given and why"
    refused([cmd, 'no-such-model', '--csv', 'ok.csv', '--out', 'ok.csv/x.csv'],
            'cannot write ok.csv/x.csv: ok.csv is not a directory')
    if LINUX:
        refused([cmd, 'no-such-model', '--csv', 'ok.csv', '--out', '/proc/x.csv'],
                'cannot write /proc/x.csv: /proc does not take new files')
    assert os.listdir() == ['ok.csv']

def test_unwritable_errors_name_the_path(tiny_lm, ok_csv):
    "The atomic writers say which path could not be written and why, whoever calls them"
    df = pd.DataFrame({'text': ['a']})
    with pytest.raises(OSError, match='^cannot write ok.csv/x.csv: ok.csv is not a directory$'):
        write_table(df, 'ok.csv/x.csv')
    here = Path.cwd() # (export_learner names the absolute path)
    with pytest.raises(OSError, match=re.escape(f'cannot write {here}/ok.csv/m: {here}/ok.csv is not a directory')):
        export_learner(tiny_lm, 'ok.csv/m')
    with pytest.raises(OSError, match='ok.csv is not a directory'): export_learner(tiny_lm, 'ok.csv/m.pkl')
    if LINUX:
        with pytest.raises(OSError, match='^cannot write /proc/x.csv: /proc does not take new files$'):
            write_table(df, '/proc/x.csv')
        with pytest.raises(OSError, match='^cannot write /proc/xx: /proc does not take new files$'):
            export_learner(tiny_lm, '/proc/xx')
    assert os.listdir() == ['ok.csv']

def test_train_checks_out_before_training(ok_csv, monkeypatch, tmp_path):
    "`awd train` (and train-classifier, train-tagger) refuse an --out they could not save to before training, not after"
    import toolkit.train
    def no(*a, **kw): raise AssertionError('training started')
    for f in ('_fit_lm', 'train_classifier', 'train_tagger'): monkeypatch.setattr(toolkit.train, f, no)
    texts = pd.DataFrame({'text': ['the cat sat on the mat'] * 50})
    texts.to_csv('small.csv', index=False)
    outs = [('ok.csv/m', 'cannot write ok.csv/m: ok.csv is not a directory'),
            ('ok.csv', 'ok.csv exists and is not a portable model: not overwriting it')]
    if LINUX: outs.append(('/proc/t3', 'cannot write /proc/t3: /proc does not take new files'))
    for out, msg in outs:
        refused(['train', 'small.csv', '--preset', 'tiny', '--epochs', '1', '--quiet', '--out', out], msg)
        refused(['train-classifier', 'reviews', '--preset', 'tiny', '--max-rows', '100', '--quiet', '--out', out], msg)
        refused(['train-tagger', 'pos', '--preset', 'tiny', '--max-rows', '100', '--quiet', '--out', out], msg)
    refused(['train-tagger', 'pos', '--max-rows', '100', '--quiet', '--out', 'm.pkl'], 'a tagger saves as a portable')
    refused(['train-classifier', 'reviews', '--bidirectional', '--max-rows', '100', '--quiet', '--out', 'm.pkl'],
            'an ensemble saves as a portable directory')
    # a model of another kind at --out was replaced without a word (a week's classifier lost to a typo)
    for d, task in (('lm', 'generate'), ('clf', 'classify'), ('tg', 'tag')):
        os.mkdir(d); Path(d, 'config.json').write_text(json.dumps({'format': 'awd-toolkit-portable', 'task': task}))
    refused(['train', 'small.csv', '--preset', 'tiny', '--quiet', '--out', 'clf'],
            'clf holds a classifier: not replacing it with a language model; remove it first or save somewhere else')
    refused(['train-classifier', 'reviews', '--max-rows', '100', '--quiet', '--out', 'tg'],
            'tg holds a tagger: not replacing it with a classifier')
    refused(['train-tagger', 'pos', '--max-rows', '100', '--quiet', '--out', 'lm'],
            'lm holds a language model: not replacing it with a tagger')
    assert sorted(os.listdir()) == ['clf', 'lm', 'ok.csv', 'small.csv', 'tg']
    assert all(os.listdir(d) == ['config.json'] for d in ('lm', 'clf', 'tg'))

@pytest.mark.parametrize('name', ['x.tsv', 'x.tsv.gz'])
def test_tsv_reads_back(tmp_path, name):
    "A TSV copy reads back as it was written: quotes as they are (the reader takes them literally), a tab or line break in a field a space"
    df = pd.DataFrame({'text': ['a "quoted" text', "it's", 'tab\there', 'two\nlines'], 'n': [1, 2, 3, 4]})
    back, fmt = read_table(write_table(df, tmp_path/name))
    assert fmt == 'tsv' and back.text.tolist() == ['a "quoted" text', "it's", 'tab here', 'two lines'], back


# A user comes back to their models (helper 49): saving again over a model folder they added files to, a model they
# write-protected, another kind of model, a model inside a model, and Ctrl-C between the two renames of a save.

def test_saving_again_keeps_a_users_files(tiny_lm, tmp_path):
    "Re-saving a model into its folder deleted the README and samples a user had put there, without a word"
    m = export_learner(tiny_lm, tmp_path/'m')
    (m/'README.md').write_text('notes'); (m/'samples').mkdir(); (m/'samples'/'a.txt').write_text('s')
    (m/'.DS_Store').write_bytes(b'') # a file browser's: not the user's
    with pytest.raises(FileExistsError, match=r"holds files besides its model \(README.md, samples/\): not replacing"):
        export_learner(tiny_lm, m)
    r = refused(['train', 'headlines', '--preset', 'tiny', '--out', m], 'holds files besides its model (README.md, samples/)')
    assert (m/'README.md').read_text() == 'notes' and (m/'samples'/'a.txt').exists() and 'epoch' not in r.stdout # before training
    (m/'config.json').write_text((m/'config.json').read_text()[:100]) # a damaged config.json: the notes still kept
    with pytest.raises(FileExistsError, match=r"holds files besides its model \(README.md, samples/\)"): # (were deleted,
        export_learner(tiny_lm, m) # helper 77)
    assert (m/'README.md').read_text() == 'notes' and (m/'samples'/'a.txt').exists()
    (m/'README.md').unlink(); import shutil; shutil.rmtree(m/'samples')
    assert export_learner(tiny_lm, m) == m and sorted(p.name for p in tmp_path.iterdir()) == ['m'] # a model alone: replaced
    (m/'config.json').write_text('{') # a damaged model alone: replaced
    assert export_learner(tiny_lm, m) == m and load_model(m)

def test_a_write_protected_model_is_kept(tiny_lm, tmp_path):
    "A model the user made read-only (chmod -R a-w) was replaced anyway, its old copy left hidden beside it"
    m = export_learner(tiny_lm, tmp_path/'m')
    before = {p.name: p.stat().st_mtime_ns for p in m.iterdir()}
    m.chmod(0o555)
    try:
        with pytest.raises(FileExistsError, match=r"is write-protected \(no write permission\): not replacing it"):
            export_learner(tiny_lm, m)
        assert {p.name: p.stat().st_mtime_ns for p in m.iterdir()} == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ['m']
    finally: m.chmod(0o755)

def test_the_api_keeps_another_kind_of_model(tiny_lm, tmp_path):
    "`export_learner` replaced a language model with a classifier, and saved inside another model: `awd` refused both"
    from toolkit.export import load_model
    m = export_learner(tiny_lm, tmp_path/'m')
    clas = load_model('sentiment')
    with pytest.raises(FileExistsError, match="holds a language model: not replacing it with a classifier"):
        export_learner(clas, m)
    with pytest.raises(ValueError, match=f"it is inside the model {m}; save it beside that model instead"):
        export_learner(clas, m/'inner')
    assert load_model(m).dls.vocab == tiny_lm.dls.vocab and not (m/'inner').exists()

def test_replace_dir_puts_the_old_copy_back(tmp_path, monkeypatch):
    "Ctrl-C between a save's two renames left no model at its path, the one whole copy hidden as .m.PID.old"
    import toolkit.core as core
    new, path = tmp_path/'new', tmp_path/'m'
    new.mkdir(); path.mkdir(); (path/'f').write_text('old'); (new/'f').write_text('new')
    real, calls = os.replace, []
    def interrupted(a, b):
        calls.append(b)
        if len(calls) == 2: raise KeyboardInterrupt
        real(a, b)
    monkeypatch.setattr(core.os, 'replace', interrupted)
    with pytest.raises(KeyboardInterrupt): core.replace_dir(new, path)
    monkeypatch.setattr(core.os, 'replace', real)
    assert (path/'f').read_text() == 'old' and sorted(p.name for p in tmp_path.iterdir()) == ['m', 'new']
    monkeypatch.setattr(core.shutil, 'rmtree', lambda p, ignore_errors=False: None) # an old copy that cannot go
    with pytest.warns(UserWarning, match=r"replaced .*m, but its old copy could not be removed: .*\.m\.\d+\.old"):
        core.replace_dir(new, path)
    assert (path/'f').read_text() == 'new'

def test_a_folder_with_its_own_config_json(tiny_lm, tmp_path):
    """Any folder above --out with a config.json (a project's settings, a Hugging Face model) refused every save under
    it as 'inside the model' (helper 48); a folder holding another program's config.json is still not replaced"""
    (tmp_path/'config.json').write_text('{"theme": "dark"}')
    m = export_learner(tiny_lm, tmp_path/'m')
    assert (m/'weights.pt').exists()
    (tmp_path/'hf').mkdir(); (tmp_path/'hf'/'config.json').write_text('{"model_type": "bert"}')
    with pytest.raises(FileExistsError, match=r"hf exists and is not a portable model \(its config.json is not a toolkit"):
        export_learner(tiny_lm, tmp_path/'hf')
    assert sorted(p.name for p in (tmp_path/'hf').iterdir()) == ['config.json']

@pytest.mark.parametrize('how,written', [(['--epochs', '2'], 'm.checkpoint'), (['--minutes', '0.05'], 'm')])
def test_a_full_disk_is_one_line(tmp_path, monkeypatch, how, written):
    """A full disk during `awd train` ended in torch's C++ traceback from the epoch's checkpoint ('unexpected pos 359168
    vs 359120'), or, at the export of a --minutes run, in '[Errno 28] No space left on device' naming nothing (helper
    49): one line naming what could not be written, and nothing left half-written"""
    import shutil, torch
    import toolkit.core as core
    from toolkit.data import load_corpus
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({'text': load_corpus('headlines').text[:300]}).to_csv('t.csv', index=False)
    def full(obj, f): # what torch does on a full disk: a file cut short, and its C++ writer's error
        Path(f).write_bytes(b'PK'); raise RuntimeError('[enforce fail at inline_container.cc:672] . unexpected pos 359168 vs 359120')
    monkeypatch.setattr(torch, 'save', full)
    monkeypatch.setattr(core.shutil, 'disk_usage', lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 4096, 4096))
    r = refused(['train', 't.csv', '--preset', 'tiny', '--quiet', *how, '--out', 'm'],
                f"cannot write {tmp_path/written}: no space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ['t.csv'], r.stderr

def test_out_paths_as_the_shell_takes_them(tiny_lm, tmp_path, monkeypatch):
    """From inside a model's folder, `--out ../m2` was refused as inside it ('..' kept in the path); `--out .` in an
    empty folder replaced the shell's own folder, then failed ('No such file or directory'); `--out -` wrote a file
    named '-' (helper 57)"""
    m1 = export_learner(tiny_lm, tmp_path/'m1')
    monkeypatch.chdir(m1)
    assert export_learner(tiny_lm, '../m2') == tmp_path/'m2' and (tmp_path/'m2'/'config.json').is_file()
    (tmp_path/'empty').mkdir()
    monkeypatch.chdir(tmp_path/'empty')
    for out in ['.', '..']:
        with pytest.raises(ValueError, match='it is the current directory'):
            export_learner(tiny_lm, out)
    with pytest.raises(ValueError, match="'' is an empty path: give the name"): export_learner(tiny_lm, '')
    refused(['train', 'headlines', '--preset', 'tiny', '--out', '.'], 'cannot write .: it is the current directory')
    refused(['train', 'headlines', '--preset', 'tiny', '--out', ' '], "' ' is an empty path: give the name of the file or folder to write")
    assert os.listdir() == [] and Path.cwd() == tmp_path/'empty'
    Path('ok.csv').write_text('text\nNew study finds cats rule\n')
    refused(['score', 'no-such-model', '--csv', 'ok.csv', '--out', '-'], "cannot write '-': the copy goes to a file")
    assert os.listdir() == ['ok.csv']

def test_a_dangling_link_is_written_where_it_points(tiny_lm, tmp_path):
    "A model saved over a symbolic link goes where it points: a link to a folder not made yet was refused as existing (helper 57)"
    (tmp_path/'dang').symlink_to(tmp_path/'nowhere')
    export_learner(tiny_lm, tmp_path/'dang')
    assert (tmp_path/'dang').is_symlink() and (tmp_path/'nowhere'/'config.json').is_file()

def test_a_failed_save_leaves_no_new_folders(tiny_lm, tmp_path, monkeypatch):
    """A save into folders it made that then failed left them behind, empty (helper 89); the folders that were there stay,
    and a file beside the new ones keeps its folder"""
    import toolkit.export as ex
    from toolkit.data import write_table
    def broken(*a, **k): raise OSError(5, 'disk went away')
    monkeypatch.setattr(ex, 'save_tensors', broken); monkeypatch.setattr(type(tiny_lm), 'export', broken)
    for out in (tmp_path/'new'/'sub'/'m', tmp_path/'new'/'m.pkl'):
        with pytest.raises(OSError): export_learner(tiny_lm, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    (tmp_path/'kept').mkdir(); (tmp_path/'kept'/'notes.txt').write_text('mine')
    with pytest.raises(OSError): export_learner(tiny_lm, tmp_path/'kept'/'a'/'m')
    assert sorted(p.name for p in (tmp_path/'kept').iterdir()) == ['notes.txt']
    monkeypatch.setattr(pd.DataFrame, 'to_csv', broken) # a table's copy too
    with pytest.raises(OSError): write_table(pd.DataFrame({'a': [1]}), tmp_path/'x'/'y'/'t.csv')
    assert not (tmp_path/'x').exists()

def test_a_copy_keeps_the_users_values(tmp_path):
    """helper 94: a .jsonl copy cut the user's numbers to 10 decimals (1.5e-12 became 0.0); a JSON column of whole
    numbers with a null came back as 120.0 in a CSV copy; a blank header came back as pandas' 'Unnamed: 0'; the user's
    own prob_ or pred_ columns, or another model's scores, were replaced without a word"""
    from toolkit.classify import predict_csv
    from toolkit.generate import score_csv
    from toolkit.tagger import tag_csv
    sentiment = load_model('sentiment')
    (tmp_path/'p.jsonl').write_text('{"id": 1, "text": "A fine film", "votes": 120, "lat": 48.856613456789, "eps": 1.5e-12}\n'
                                    '{"id": 2, "text": "A dull film", "votes": null, "lat": 2.35, "eps": 2e-9}\n')
    rows = [json.loads(l) for l in predict_csv(sentiment, tmp_path/'p.jsonl', tmp_path/'p.out.jsonl').read_text().splitlines()]
    assert [(r['votes'], r['lat'], r['eps']) for r in rows] == [(120, 48.856613456789, 1.5e-12), (None, 2.35, 2e-9)]
    assert 0 < rows[0]['prob_rotten'] < 0.01, rows
    lines = predict_csv(sentiment, tmp_path/'p.jsonl', tmp_path/'p.csv').read_text().splitlines()
    assert lines[1].startswith('1,A fine film,120,48.856613456789,1.5e-12,') and lines[2].startswith('2,A dull film,,2.35,2e-09,')
    (tmp_path/'ix.csv').write_text(',text,\n0,A fine film,\n1,A dull film,\n') # pandas' index, and a trailing comma
    for out in ('ix.out.csv', 'ix.out.tsv'):
        head = predict_csv(sentiment, tmp_path/'ix.csv', tmp_path/out).read_text().splitlines()[0]
        assert head.split('\t' if out.endswith('.tsv') else ',')[:4] == ['', 'text', '', 'pred_label'], head
    (tmp_path/'own.csv').write_text('text,prob_fresh,pred_prob,bpc\nA fine film,mine,mine,7\n')
    with pytest.warns(UserWarning, match=r"own.csv: its columns prob_fresh, pred_prob are replaced by this model's predictions"):
        predict_csv(sentiment, tmp_path/'own.csv', tmp_path/'own.pred.csv')
    with pytest.warns(UserWarning, match=r"own.csv: its column bpc is replaced by this model's scores"):
        score_csv(load_model('headlines'), tmp_path/'own.csv', tmp_path/'own.scored.csv')
    tag_csv(load_model('tagger'), tmp_path/'own.csv', tmp_path/'own.tags.csv')
    with pytest.warns(UserWarning, match=r"own.tags.csv: its columns pred_words, pred_tags, pred_min_prob are replaced by this tagger's"):
        tag_csv(load_model('tagger'), tmp_path/'own.tags.csv', tmp_path/'again.csv')

def test_a_copy_onto_a_loop_of_links(tmp_path, monkeypatch):
    "An annotated copy's --out in a loop of symbolic links was a RuntimeError traceback (helper 92)"
    monkeypatch.chdir(tmp_path)
    Path('in.csv').write_text('text\nA fine film\n')
    Path('loop1.csv').symlink_to('loop2.csv'); Path('loop2.csv').symlink_to('loop1.csv')
    r = awd_here('classify', 'sentiment', '--csv', 'in.csv', '--out', 'loop1.csv')
    assert r.returncode == 2 and 'cannot write loop1.csv: it is a symbolic link in a loop of links' in r.stderr, r.stderr

def test_a_dead_writes_leftovers_are_swept(tmp_path):
    "A write killed mid-way (`kill -9`) left its hidden temporary beside the model or file, a copy of the work, and no later "
    "run removed it (helper 113): the next write to the same place does, unless its process lives or it is recent"
    import os, time
    from toolkit.core import atomic_dir, atomic_file, STALE_AFTER
    dead = 2**22 + 12345 # above Linux's largest process id: no process
    old = time.time() - STALE_AFTER - 60
    def leftover(name, pid, when, is_dir=True):
        t = tmp_path/f'.{name}.{pid}.tmp'
        if is_dir: t.mkdir(); (t/'weights.pt').write_bytes(b'x'*100)
        else: t.write_bytes(b'half a copy')
        os.utime(t, (when, when))
        return t
    gone = [leftover('m', dead, old), leftover('m.checkpoint', dead, old), leftover('out.csv', dead, old, is_dir=False)]
    kept = [leftover('m', dead + 1, time.time()), leftover('m', os.getppid(), old), leftover('other', dead, old)]
    with atomic_dir(tmp_path/'m') as d: (d/'config.json').write_text('{}')
    with atomic_dir(tmp_path/'m.checkpoint') as d: (d/'state').write_text('1')
    with atomic_file(tmp_path/'out.csv') as f: f.write_text('text\n')
    assert not any(t.exists() for t in gone), [t for t in gone if t.exists()]
    assert all(t.exists() for t in kept) # recent, its process alive, or of another path
    assert (tmp_path/'m'/'config.json').exists() and (tmp_path/'out.csv').read_text() == 'text\n'

def test_a_killed_tokenizer_trainings_copy_of_the_texts_is_swept(tmp_path, monkeypatch):
    "A tokenizer training killed with `kill -9` left its copy of the user's texts in the temporary folder for good "
    "(helper 113): the next training removes one untouched for an hour, and leaves a recent one (a training running)"
    import os, tempfile, time
    import pandas as pd
    from toolkit.tokenize import SPTokenizer
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    old, new = tmp_path/'awd-spm-old', tmp_path/'awd-spm-new'
    for d in (old, new): d.mkdir(); (d/'texts.out').write_text('my texts\n')
    os.utime(old, (time.time() - 7200,)*2)
    tok = SPTokenizer(vocab_sz=40, model_type='char')
    tok.setup(pd.Series(['a text of mine', 'another one']))
    assert not old.exists() and new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['awd-spm-new'] # its own folder removed after it
