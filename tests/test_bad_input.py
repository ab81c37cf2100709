"""Issue 23: every input a user can reach gets a clear answer, in the API and in `awd` alike; and a hypothesis fuzz of
the CLI, run in-process: each run ends with exit 0, or one `awd: error:` line and exit 2, and leaves no half-written
file."""
import json, re
from pathlib import Path
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from conftest import awd_here
from toolkit.core import MAX_SEED
from toolkit.lm import check_train_args, train_lm
from toolkit.export import load_model, export_learner
from toolkit.classify import predict_texts, train_classifier, classes_of
from toolkit.tokenize import make_tokenizer, detokenize, RULES

def awd(*argv):
    "Run `awd argv` in-process: (exit code, stdout, stderr)"
    r = awd_here(*argv)
    return r.returncode, r.stdout, r.stderr

def refused(argv, msg):
    code, out, err = awd(*argv)
    assert code == 2 and err.startswith('awd: error: ') and msg in err and err.count('\n') == 1, err
    return code, out, err

@pytest.fixture(scope='module')
def texts_csv(tmp_path_factory):
    "A small CSV of headlines, enough for the tiny preset"
    from toolkit.data import load_corpus
    f = tmp_path_factory.mktemp('data')/'my_titles.csv'
    load_corpus('headlines').sample(300, random_state=0)[['text']].to_csv(f, index=False)
    return f

def films()->pd.DataFrame:
    "80 distinct short labelled texts: enough to make DataLoaders, refused before any training"
    return pd.DataFrame({'text': [f'film {i} was {"fine" if i % 2 else "dull"}' for i in range(80)], 'label': ['bad', 'good'] * 40})

@pytest.fixture(scope='module')
def shipped_clf_tagger():
    "The shipped sentiment classifier and tagger, loaded once (tests only read them)"
    return load_model('sentiment'), load_model('tagger')

@pytest.fixture(scope='module')
def tiny_clf(tmp_path_factory):
    "A tiny classifier, trained from scratch on a few reviews"
    from toolkit.data import load_corpus
    df = load_corpus('reviews').sample(300, random_state=0)
    clf = train_classifier(df, pretrain=False, preset='tiny', vocab_sz=200, epochs=1, bs=16, show_progress=False)
    return export_learner(clf, tmp_path_factory.mktemp('clf')/'clf')

# row 1: text that is not UTF-8
def test_not_utf8(tiny_lm, tiny_lm_path, tiny_clf):
    for bad in ('\ud800', 'New \udcff study'):
        with pytest.raises(ValueError, match='prompt is not valid UTF-8 text'): tiny_lm.generate(bad)
        with pytest.raises(ValueError, match='text is not valid UTF-8 text'): tiny_lm.predict(bad)
        with pytest.raises(ValueError, match='text 0 is not valid UTF-8 text'):
            predict_texts(load_model(tiny_clf), [bad])
    refused(['generate', tiny_lm_path, '--prompt', 'New \udcff study'],
            "prompt is not valid UTF-8 text: character 5 is '\\udcff'")
    refused(['classify', tiny_clf, 'Nak\udcffamura'], 'the text is not valid UTF-8 text') # (was 'text 0', helper 77)
    refused(['tag', 'tagger', 'ok', 'Caf\udce9'], "text 2 of 2 is not valid UTF-8 text: character 4 is '\\udce9'")

def test_not_utf8_category_posterior(app_models_dir):
    from toolkit.all import category_posterior # where names live (toolkit.names), whichever module defines it
    names = load_model(app_models_dir/'names')
    with pytest.raises(ValueError, match='not valid UTF-8 text'): category_posterior(names, ['Nak\udcffamura'])

# row 2: one check of training arguments, and the minimum data
@pytest.mark.parametrize('kw,msg', [(dict(lr=float('nan')), 'lr must be a number in (0, 10]'),
    (dict(lr=0), 'lr must be'), (dict(lr=-1), 'lr must be'), (dict(lm_lr=0), 'lm_lr must be'),
    (dict(epochs=0), 'epochs must be an integer from 1'),
    (dict(bs=0), 'bs must be an integer >= 1'), (dict(seq_len=0), 'seq_len must be an integer >= 1'),
    (dict(seq_len=-1), 'seq_len must be'), (dict(vocab_sz=5), 'vocab_sz must be an integer from 12'),
    (dict(max_rows=0), 'max_rows must be an integer >= 1')])
def test_check_train_args(kw, msg):
    with pytest.raises(ValueError) as e: check_train_args(**kw)
    assert msg in str(e.value)

@pytest.mark.parametrize('nw', [-1, '2', 2.5, None])
def test_loaders_check_num_workers(nw):
    "A bad `num_workers` is named when the loaders are made (torch failed at the first batch, or for None fastai started its per-core workers)"
    from toolkit.classify import classifier_dls
    from toolkit.tagger import tagger_dls
    clf = pd.DataFrame({'text': ['a fine film', 'a dull film'] * 10, 'label': ['pos', 'neg'] * 10})
    pos = pd.DataFrame({'words': [['The', 'cat', 'sat']] * 20, 'tags': [['DET', 'NOUN', 'VERB']] * 20})
    for make in (lambda: classifier_dls(clf, tokenizer='char', num_workers=nw),
                 lambda: tagger_dls(pos, tokenizer='char', num_workers=nw)):
        with pytest.raises(ValueError, match=f"num_workers must be an integer >= 0, got {re.escape(repr(nw))}"): make()

def test_train_refuses_before_work(tmp_path):
    two = pd.DataFrame({'text': ['hi', 'yo'], 'label': ['a', 'b']})
    with pytest.raises(ValueError, match='needs at least 65 tokens of training text'): train_lm(two, preset='tiny')
    with pytest.raises(ValueError, match='lr must be'): train_lm(two, preset='tiny', lr=float('nan'))
    with pytest.raises(ValueError, match='too few labelled texts for a classifier with batch size 16'):
        train_classifier(two, pretrain=False, preset='tiny')
    with pytest.raises(ValueError, match='epochs must be'): train_classifier(two, preset='tiny', epochs=0)
    from toolkit.names import names_lm
    with pytest.raises(ValueError, match='epochs must be'): names_lm(preset='tiny', epochs=0)
    f = tmp_path/'two.csv'; two[['text']].to_csv(f, index=False)
    refused(['train', f, '--preset', 'tiny', '--epochs', '1', '--out', tmp_path/'m'], # no --bs: a batch of 2 is tried
            'needs at least 65 tokens of training text')
    refused(['train', f, '--preset', 'tiny', '--bs', '16', '--out', tmp_path/'m'], 'needs at least 513 tokens of training text')
    assert awd('train', f, '--preset', 'tiny', '--out', tmp_path/'m')[1] == '' # refused before the start line
    for args, msg in [(['--bs', '0'], '--bs must be'), (['--seq-len', '0'], '--seq-len must be'), # the flags' names
                      (['--seq-len', '-1'], '--seq-len must'), (['--vocab-sz', '5'], '--vocab-sz must be'),
                      (['--lr', '-1'], '--lr must be'), (['--lr', 'nan'], '--lr must be'), (['--lr', '0'], '--lr must be'),
                      (['--epochs', '0'], '--epochs must be'), (['--max-rows', '0'], '--max-rows must be')]:
        refused(['train', f, '--out', tmp_path/'m', *args], msg)
    assert [p.name for p in tmp_path.iterdir()] == ['two.csv']

def test_vocab_too_small_for_texts():
    with pytest.raises(ValueError, match='vocab_sz 20 is too small for these texts: SentencePiece needs at least 22'):
        make_tokenizer('subword', vocab_sz=20).setup(['hi there', 'yo man']*50, RULES)

# rows 3 and 4: --out a directory, an empty text
def test_classify_out_dir_and_empty(tiny_clf, tmp_path):
    f = tmp_path/'in.csv'; pd.DataFrame({'text': ['great', 'awful']}).to_csv(f, index=False)
    refused(['classify', tiny_clf, '--csv', f, '--out', tmp_path], 'is a directory: give the file to write')
    refused(['classify', tiny_clf, ''], 'the text is empty: nothing to classify')
    with pytest.raises(ValueError, match='empty'): predict_texts(load_model(tiny_clf), ['  '])

# row 5: cards are strict JSON
def test_card_strict_json(tiny_lm, tmp_path):
    old = tiny_lm.awd.card # the session's model: give it back as it was, whatever this test does to it
    tiny_lm.awd.card = dict(old, metrics={'valid_loss': float('nan'), 'bpc': float('inf')})
    try: path = export_learner(tiny_lm, tmp_path/'m', note=float('nan'))
    finally: tiny_lm.awd.card = old
    for f in ('card.json', 'config.json'):
        json.loads((path/f).read_text(), parse_constant=lambda c: pytest.fail(f'{f} holds {c}'))
    assert json.loads((path/'card.json').read_text())['note'] is None

# row 6: a file that is not a model
def test_not_a_model(tmp_path):
    f = tmp_path/'notes.txt'; f.write_text('my notes')
    with pytest.raises(ValueError, match='notes.txt is not a model: expected a model directory or a .pkl file'):
        load_model(f)
    refused(['generate', f], 'notes.txt is not a model: expected a model directory or a .pkl file')

# row 7: one seed range
def test_seed_range(tiny_lm, tiny_lm_path, tmp_path):
    assert MAX_SEED == 2**32 - 1
    tiny_lm.generate(n=1, seed=MAX_SEED, max_tokens=3)
    for seed in (2**32, -1, 2**64):
        with pytest.raises(ValueError, match=f'seed must be an integer from 0 to {MAX_SEED:,}'):
            tiny_lm.generate(seed=seed)
    refused(['generate', tiny_lm_path, '--seed', '18446744073709551616'],
            'seed must be an integer from 0 to 4,294,967,295')
    refused(['train', 'headlines', '--seed', '-1', '--out', tmp_path/'m'], 'seed must be an integer from 0')
    refused(['train-classifier', 'reviews', '--seed', str(2**32), '--out', tmp_path/'c'],
            'seed must be an integer from 0')

# row 8: special tokens in user text are plain text
def test_special_tokens_plain(tiny_lm, tiny_lm_path):
    odd = 'xxbos xxmaj xxunk xxpad xxcat_russian'
    tok = tiny_lm.dls.train_ds.tokenizer.tok
    assert detokenize(tok.encode(odd)) == odd and detokenize(tok.encode('XXBOS Xxmaj a')) == 'XXBOS Xxmaj a'
    for t in tiny_lm.generate(odd, n=5, seed=0, max_words=10):
        assert t.startswith(odd) and '\n' not in t and 'Xxcat_russian' not in t, t
    code, out, _ = awd('generate', tiny_lm_path, '--prompt', odd, '-n', '3', '--seed', '1')
    assert code == 0 and all(l.startswith(odd) for l in out.splitlines()) and len(out.splitlines()) == 3
    assert tiny_lm.generate('Breast cancer', n=2, seed=3) == tiny_lm.generate('Breast cancer', n=2, seed=3) # as before

# row 9: no local path in the card
def test_card_corpus_is_file_name(texts_csv, tmp_path):
    code, _, err = awd('train', texts_csv, '--preset', 'tiny', '--bs', '4', '--seq-len', '16', '--vocab-sz', '100',
                       '--quiet', '--out', tmp_path/'m')
    assert code == 0, err
    card = json.loads((tmp_path/'m'/'card.json').read_text())
    assert card['corpus'] == 'my_titles.csv' and str(texts_csv.parent) not in (tmp_path/'m'/'card.json').read_text()

# row 10: the CLI, fuzzed
nums = st.sampled_from(['0', '-1', '1', '2', 'nan', 'inf', '1e-3', '', '18446744073709551616', str(2**32), '\udcff',
                        '3.5'])
def opt(flag, values=nums): return st.tuples(st.just(flag), values)

@pytest.fixture(scope='module')
def fuzz_dir(tmp_path_factory, texts_csv):
    d = tmp_path_factory.mktemp('fuzz')
    (d/'notes.txt').write_text('not a model')
    (d/'sub').mkdir()
    return d

def _argv(draw, lm, clf, d, csv):
    files = st.sampled_from([str(lm), str(clf), str(d/'notes.txt'), str(d/'sub'), str(d/'missing'), '', '\udcff',
                             str(csv)])
    cmd = draw(st.sampled_from(['generate', 'classify', 'train', 'info']))
    if cmd == 'generate':
        opts = [opt('-n'), opt('--temperature'), opt('--top-k'), opt('--top-p'), opt('--max-words'),
                opt('--max-tokens'), opt('--seed'),
                opt('--prompt', st.sampled_from(['', 'New', 'xxbos Xxmaj', 'a\udcffb', '\ud800']))]
        argv = ['generate', draw(st.one_of(st.just(str(lm)), files))]
    elif cmd == 'classify':
        opts = [opt('--csv', st.sampled_from([str(csv), str(d/'missing.csv'), str(d/'sub')])),
                opt('--out', st.sampled_from([str(d/'sub'), str(d/'sub'/'o.csv'), str(d/'out.csv')]))]
        argv = ['classify', draw(st.one_of(st.just(str(clf)), files)),
                *draw(st.lists(st.sampled_from(['great film', '', 'Nak\udcffamura', 'xxbos']), max_size=2))]
    elif cmd == 'train':
        opts = [opt('--epochs', st.sampled_from(['0', '-1', 'nan', '18446744073709551616', '1'])), opt('--lr'),
                opt('--bs'), opt('--seq-len'), opt('--vocab-sz', st.sampled_from(['5', '0', '12', '100', 'x'])),
                opt('--max-rows'), opt('--seed')]
        data = [str(csv), str(d/'notes.txt'), str(d/'sub'), str(d/'missing.csv'), '\udcff']
        argv = ['train', draw(st.sampled_from(data)),
                '--preset', 'tiny', '--quiet', '--out', str(d/'sub'/'model')]
    else:
        opts = []
        argv = ['info', draw(files)]
    for i in draw(st.lists(st.integers(0, len(opts) - 1), max_size=3, unique=True)) if opts else []:
        argv += list(draw(opts[i]))
    if cmd == 'train' and '--epochs' not in argv:
        argv += ['--epochs', '1'] # a valid run stays short
    if cmd == 'train' and '--bs' not in argv:
        argv += ['--bs', '4', '--seq-len', '8']
    return argv

@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_fuzz(data, tiny_lm_path, tiny_clf, fuzz_dir, texts_csv):
    "Any argument vector: exit 0, or exit 2 with one `awd: error:` line; never a traceback, never a half-written file"
    argv = _argv(data.draw, tiny_lm_path, tiny_clf, fuzz_dir, texts_csv)
    code, out, err = awd(*argv)
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert err.startswith('awd: error: ') and err.count('\n') == 1 and 'Traceback' not in err, (argv, err)
    leftovers = [p.name for p in fuzz_dir.rglob('.*') if p.name.endswith(('.tmp', '.old'))]
    assert not leftovers, (argv, leftovers)
    model = fuzz_dir/'sub'/'model'
    assert not model.exists() or (model/'card.json').is_file(), argv # a model directory is whole, or not there

# the bug hunt of 2026-12-04: each of these reached the user as a library's error, or not at all
def test_minutes_zero_refused(texts_csv, tmp_path):
    "--minutes 0 was read as no budget and trained an epoch"
    refused(['train', texts_csv, '--preset', 'tiny', '--minutes', '0', '--out', tmp_path/'m'],
            'minutes must be a number in (0, 10080] (at most a week), got 0.0')
    assert not (tmp_path/'m').exists()

def test_damaged_weights_one_clear_line(tiny_lm_path, tmp_path):
    "A weights.pt torch will not load safely: no PyTorch advice to load it unsafely, one line naming the file"
    import argparse, pickle, shutil
    for name, data in [('objects', pickle.dumps(argparse.Namespace(model={}))),
                       ('truncated', (tiny_lm_path/'weights.pt').read_bytes()[:5000])]:
        m = shutil.copytree(tiny_lm_path, tmp_path/name)
        (m/'weights.pt').write_bytes(data)
        with pytest.raises(ValueError, match=r'weights.pt is damaged \(') as e: load_model(m)
        msg = str(e.value)
        assert '\n' not in msg and 'weights_only' not in msg and 'trust the source' not in msg, msg
        refused(['generate', m], 'weights.pt is damaged (')
        if name == 'objects': assert 'it holds something other than tensors and numbers, or it is damaged' in msg

def test_load_model_not_a_path():
    for bad in (None, 3):
        with pytest.raises(TypeError, match="path must be a model directory or file, or a shipped model's name"):
            load_model(bad)

def test_score_nothing(tiny_lm, tiny_lm_path):
    "An empty text has no characters to score per; None is not a list of texts"
    for bad in ('', '   '):
        with pytest.raises(ValueError, match='^the text is empty: there is nothing to score'): tiny_lm.score(bad) # (was 'text 0', helper 79)
    code, out, _ = refused(['score', tiny_lm_path, 'fine text', ''], 'text 2 of 2 is empty: nothing to score')
    assert out.startswith('bpc\t') and out.splitlines()[1].endswith('\tfine text') # the other text is scored
    with pytest.raises(TypeError, match='texts must be a text or a list of texts, got NoneType'): tiny_lm.score(None)

def test_classifier_text_checks(tiny_clf):
    "fastai's predict on None or '', and a string where a list is expected"
    clf = load_model(tiny_clf)
    with pytest.raises(ValueError, match='text must be a string, got NoneType'): clf.predict(None)
    with pytest.raises(ValueError, match='the text is empty: enter a text to classify'): clf.predict('  ')
    with pytest.raises(ValueError, match=r'texts must be a list of strings \(for one text: learn.predict'):
        predict_texts(clf, 'A joy')
    with pytest.raises(TypeError, match='texts must be a list of texts'): predict_texts(clf, None)
    assert clf.predict('A joy')[0] in classes_of(clf) # fastai's predict still answers

def test_min_words_out_of_reach(tiny_lm, tiny_lm_path):
    "min_words that max_tokens cannot reach was silently not met"
    with pytest.raises(ValueError, match=r'min_words \(100\) cannot be reached: the prompt has 0 words and max_tokens \(20\)'):
        tiny_lm.generate(n=1, min_words=100, max_tokens=20)
    refused(['generate', tiny_lm_path, '--min-words', '100', '--max-tokens', '20'], '--min-words (100) cannot be reached')
    with pytest.raises(ValueError, match=r'the prompt has 1 word and max_tokens'): # ('1 words', helper 105)
        tiny_lm.generate('Why', n=1, min_words=100, max_tokens=20)
    try: tiny_lm.generate('one two three', n=1, min_words=5, max_tokens=2, seed=0) # the prompt's words count: in reach
    except ValueError as e: assert 'reached max_tokens (2) with' in str(e), e # (a sample that fell short: said so)

def test_not_a_language_model_names_no_command(tiny_clf):
    refused(['generate', tiny_clf], 'holds a classifier, not a language model (one made by `awd train`)')
    refused(['score', tiny_clf, 'a text'], 'not a language model (one made by `awd train`)')

def test_empty_name_posterior(app_models_dir):
    from toolkit.all import category_posterior
    with pytest.raises(ValueError, match='text 1 is empty: enter a name to classify'):
        category_posterior(load_model(app_models_dir/'names'), ['Nakamura', ' '])

def test_no_stop_texts_apart(tiny_lm, tiny_lm_path):
    "Texts that go past their end span lines: the CLI puts a blank line between them, so each can be told apart"
    code, out, err = awd('generate', tiny_lm_path, '-n', '3', '--no-stop', '--max-tokens', '200', '--seed', '1')
    texts = tiny_lm.generate(n=3, temperature=0.8, stop_at_eos=False, max_tokens=200, seed=1) # the CLI's defaults
    assert code == 0 and any('\n' in t for t in texts), err
    assert out == ''.join(t + '\n\n' for t in texts)
    code, out, _ = awd('generate', tiny_lm_path, '-n', '3', '--seed', '1')
    assert out.count('\n') == 3 and '\n\n' not in out

def test_csv_copies_from_python(tiny_lm, tiny_clf, tmp_path):
    "score_csv and predict_csv, called from Python, never write over the file they read; a blank row keeps empty scores"
    from toolkit.generate import score_csv
    from toolkit.classify import predict_csv
    f = tmp_path/'in.csv'; f.write_text('id,text\n1,New study finds\n2,\n3,   \n4,Flu season\n')
    for call in (lambda: score_csv(tiny_lm, f, f), lambda: predict_csv(load_model(tiny_clf), f, f)):
        with pytest.raises(ValueError, match='it is the file being read'): call()
    assert f.read_text() == 'id,text\n1,New study finds\n2,\n3,   \n4,Flu season\n'
    got = pd.read_csv(score_csv(tiny_lm, f, tmp_path/'out.csv'), keep_default_na=False)
    assert len(got) == 4 and got.bpc.tolist()[1:3] == ['', ''] and all(float(got.bpc[i]) > 0 for i in (0, 3)), got

def test_invisible_rows_are_blank(tiny_lm, tiny_clf, tmp_path):
    """A row or a text of nothing but invisible or control characters (a zero-width space pasted, U+0001) is blank: a copy
    leaves it without results, as a blank row (`awd tag --csv` refused the whole file over one), and a text of it is
    refused as empty, where `awd classify` labelled it 'rotten 98%' (helper 104)"""
    from toolkit.generate import score_csv
    from toolkit.classify import predict_texts
    f = tmp_path/'in.csv'; f.write_text('id,text\n1,New study finds\n2,\u200b\n3,\x01\ufeff \n4,Flu season\n', encoding='utf-8')
    got = pd.read_csv(score_csv(tiny_lm, f, tmp_path/'out.csv'), keep_default_na=False)
    assert got.bpc.tolist()[1:3] == ['', ''] and float(got.bpc[3]) > 0, got
    code, out, err = awd('classify', tiny_clf, '\u200b', 'A fine film')
    assert code == 2 and 'text 1 of 2 is empty: nothing to classify' in err and 'A fine film' in out, (out, err)
    with pytest.raises(ValueError, match='is empty'): predict_texts(load_model(tiny_clf), ['\u00ad'])

def test_cli_errors_in_flags(tiny_lm_path, tmp_path):
    "The CLI passes the API's errors on in its own words: --greedy, --text-col, not greedy=True, text_col=..."
    refused(['generate', tiny_lm_path, '--temperature', '0'], '(or pass --greedy for greedy decoding)')
    refused(['generate', tiny_lm_path, '--category', 'x'], 'leave out --category')
    f = tmp_path/'two.csv'; f.write_text('a,b\nx,y\n')
    refused(['score', tiny_lm_path, '--csv', f], 'Pass --text-col')
    t = tmp_path/'t.txt'; t.write_text('one text\n')
    refused(['score', tiny_lm_path, '--csv', t], 'give the texts as arguments, or a CSV')

def test_config_task_and_shapes(tiny_lm_path, tmp_path):
    "A config.json naming a task the toolkit does not make, or sizes the weights do not have: one line saying so"
    import shutil
    m = shutil.copytree(tiny_lm_path, tmp_path/'wizard')
    cfg = json.loads((m/'config.json').read_text()); (m/'config.json').write_text(json.dumps({**cfg, 'task': 'wizard'}))
    refused(['generate', m], "config.json's task 'wizard' is not one this toolkit makes")
    m = shutil.copytree(tiny_lm_path, tmp_path/'wide')
    (m/'config.json').write_text(json.dumps({**cfg, 'arch': {**cfg['arch'], 'n_hid': cfg['arch']['n_hid'] + 1}}))
    refused(['generate', m], 'the weights do not fit the architecture and vocabulary in config.json (RuntimeError:')

def test_names_start_unknown_characters(app_models_dir):
    "A character the names model never saw was glued onto its names by the API and the CLI ('7Kunakiki-Ghanet')"
    names = app_models_dir/'names'
    with pytest.raises(ValueError, match=r"this model has never seen '7' in its training texts: start with the characters it knows \(abc"):
        load_model(names).generate('7K', n=2, category='Russian')
    refused(['generate', names, '--prompt', 'Кар', '--category', 'Russian'], 'this model has never seen')
    for start in ('7', 'Ñ'): # one way of saying it, naming the option (the first went without it, helper 108)
        refused(['generate', names, '--prompt', start, '--category', 'Russian'], f"awd: error: --prompt: this model has never seen {start!r}")
    assert load_model(names).generate('Ka', n=2, category='Russian', seed=0)[0].startswith('Ka') # known letters, any case
    with pytest.raises(ValueError, match=r"never seen '\\n'"): load_model(names).generate('A\nB', category='Russian')
    assert len(load_model(names).generate('\uff21b', n=2, category='Russian', seed=0)) == 2 # a full-width A reads as A
    # scoring such a text gave a figure for a text the model cannot read (its xxunk): refused the same way
    with pytest.raises(ValueError, match=r"text 1: this model has never seen '7' in its training texts: score texts of the characters it knows"):
        load_model(names).score(['Kovalev', 'Ko7alev'])
    assert load_model(names).score('Kovalev').bpc > 0
    refused(['score', names, 'Ko7alev'], "this model has never seen '7'")
    # without an origin a names model wrote junk ('m anstant', 'dain-Gorning'): every training name came after one
    with pytest.raises(ValueError, match=r'trained with a category before every text: choose category \(one of Arabic, '):
        load_model(names).generate('K', n=2)
    refused(['generate', names, '-n', '2'], 'choose --category (one of Arabic, ')

def test_distinct(tiny_lm, tiny_lm_path):
    "distinct: no two samples of a call the same; impossible with greedy decoding"
    res = tiny_lm.generate(n=40, temperature=0.3, max_tokens=4, seed=0, distinct=True)
    assert len({' '.join(t.split()).casefold() for t in res}) == 40
    refused(['generate', tiny_lm_path, '-n', '3', '--greedy', '--distinct'], '--distinct with --greedy: --greedy writes the same text every time; sample (no --greedy, --top-k above 1) or ask for one text (-n 1)')
    out = awd_here('generate', tiny_lm_path, '-n', '10', '--temperature', '0.3', '--max-tokens', '4', '--seed', '1', '--distinct')
    assert out.returncode == 0 and len(set(out.stdout.splitlines())) == 10, out

@pytest.mark.parametrize('flags, msg', [(['--epochs', '0'], 'epochs must be an integer from 1 to 10,000, got 0'),
                                        (['--minutes', '99999'], 'minutes must be a number in (0, 10080] (at most a week)')])
def test_train_tagger_refuses_before_work(flags, msg, tmp_path):
    "`awd train-tagger --epochs 0` trained the recipe's epochs (0 read as not given); bad values printed the start line first"
    code, out, err = awd('train-tagger', 'pos', '--preset', 'tiny', '--out', tmp_path/'t', *flags)
    assert code == 2 and out == '' and msg in err and err.count('\n') == 1, (out, err)
    assert not (tmp_path/'t').exists()

def test_impossible_distinct_fails_soon(tiny_lm, tiny_lm_path):
    "Each row spent its own 50 draws on repeats: 200 names at temperature 0.05 took 29 s and 9,639 redraws to fail; "
    "now the request fails once 50 samples in a row were thrown away"
    from toolkit.generate import gen_request, run_requests, vocab_info, row_output
    r = gen_request(tiny_lm, n=200, temperature=0.05, max_tokens=6, distinct=True, seed=0)
    run_requests(tiny_lm.model, vocab_info(tiny_lm), [r])
    assert any(x[0] is None for x in r.results) and sum(r.redraws) < r.n + 10*r.max_draws, sum(r.redraws)
    with pytest.raises(ValueError, match=r'no sample without a repeat of another sample in 50 draws: .*\(raise the '
                       r'temperature, or ask for fewer samples or turn distinct off\)'):
        row_output(r, next(i for i, x in enumerate(r.results) if x[0] is None))
    refused(['generate', tiny_lm_path, '-n', '200', '--temperature', '0.05', '--max-tokens', '6', '--distinct',
             '--top-k', '5'], '(raise --temperature or --top-k, or ask for fewer samples or leave out --distinct)')
    with pytest.raises(ValueError, match='distinct=True with top_k=1: top_k=1 writes the same text every time'):
        tiny_lm.generate(n=2, top_k=1, distinct=True)

@pytest.mark.parametrize('flags, msg', [
    (['--min-words', '5', '--max-words', '2'], '--min-words (5) must not exceed --max-words (2)'),
    (['--min-words', '50', '--max-tokens', '3'], 'raise --max-tokens or lower --min-words'),
    (['--stop', ''], '--stop must not be an empty or blank string'),
    (['--bad-word', 'a b'], "--bad-word 'a b' is not one word"),
    (['--top-p', '2'], '--top-p must be a number in (0, 1], got 2.0')])
def test_generate_errors_in_flag_words(tiny_lm_path, flags, msg):
    refused(['generate', tiny_lm_path, *flags], msg)

def test_serve_models_dir_that_cannot_be_one(tmp_path, tiny_lm_path):
    "awd serve --models-dir: a typo, a file, or one model instead of the directory holding it served the shipped "
    "models without a word"
    refused(['serve', '--models-dir', tmp_path/'typo', '--no-train'], f'{tmp_path/"typo"}: no such models directory')
    (tmp_path/'m.pkl').write_bytes(b'x')
    refused(['serve', '--models-dir', tmp_path/'m.pkl'], 'm.pkl is a file: the models directory holds models')
    refused(['serve', '--models-dir', tiny_lm_path], f'{tiny_lm_path} is a language model, and the app serves one as its '
            'headlines or names model: copy it to DIR/headlines (or DIR/names)') # (a classifier: 'is a model, not a directory')

def test_hidden_entries_are_not_served(tmp_path, tiny_lm_path):
    "A hidden directory in the models directory (a save's leftover '.NAME.PID.old', '.git', ...) is not a model to serve"
    import shutil
    from toolkit.app import _saved_models
    shutil.copytree(tiny_lm_path, tmp_path/'.mine.123.old'); shutil.copytree(tiny_lm_path, tmp_path/'mine')
    assert list(_saved_models(tmp_path)) == ['mine']

# ---------------------------------------------------------------- a user's own training files (a bug hunt's finds)

def test_pretrained_does_not_apply_to_texts_it_cannot_read():
    "Chinese, Arabic or Hebrew texts are runs of unknown pieces to the English model: it learned nothing from them and "
    "reported accuracy 1 (it predicted xxunk); from scratch instead, or an error when pretrained=True was asked for"
    from toolkit.lm import use_pretrained, unknown_reason, has_pretrained
    from toolkit.cli import _starts_from
    if not has_pretrained(): pytest.skip('no pretrained model in the package')
    cjk = ['新しい研究 コーヒー 健康', '睡眠 医者 癌のリスク'] * 50
    english = ['New study finds coffee may help 😀', 'Café owners say naïve résumé rules'] * 50
    assert use_pretrained(None, texts=english) and unknown_reason(english) is None
    assert not use_pretrained(None, texts=cjk)
    with pytest.raises(ValueError, match=r"pretrained=True cannot apply: 100% of the characters of these texts are "
                                         r"unknown to it \('"): use_pretrained(True, texts=cjk)
    assert _starts_from(False, cjk, refused=False).startswith('from scratch (not from the pretrained English model: 100%')
    assert _starts_from(False, cjk, refused=True) == 'from scratch' # --no-pretrained: the user's choice, no reason

def test_missing_texts_in_a_dataframe_are_dropped():
    "train_lm on a DataFrame with missing texts (NaN): a TypeError from the run's fingerprint; lm_dls drops them"
    from toolkit.data import load_corpus
    df = load_corpus('headlines').sample(400, random_state=0)[['text']].reset_index(drop=True)
    df.loc[::7, 'text'] = None
    learn = train_lm(df, preset='tiny', vocab_sz=200, epochs=1, show_progress=False)
    assert len(learn.dls.train_ds) + len(learn.dls.valid_ds) > 0

def test_time_budget_writes_no_checkpoint(tmp_path):
    "A --minutes run cannot resume, so it writes no checkpoint: Ctrl-C said '--resume continues from it', and a plain "
    "--resume then saved its mid-schedule weights as a finished run"
    from toolkit.data import load_corpus
    df = load_corpus('headlines').sample(300, random_state=0)
    train_lm(df, preset='tiny', vocab_sz=200, minutes=0.05, checkpoint=tmp_path/'ck', show_progress=False)
    assert not (tmp_path/'ck').exists()

def test_tagger_vocab_sz_checked():
    "train_tagger(vocab_sz=3) ended in SentencePiece's RuntimeError; `awd train-tagger --vocab-sz 3` printed a traceback"
    from toolkit.tagger import _check_tagger_args
    with pytest.raises(ValueError, match='vocab_sz must be'): _check_tagger_args(1, None, None, None, 42, 0, 0, vocab_sz=3)
    refused(['train-tagger', 'pos', '--no-pretrained', '--preset', 'tiny', '--vocab-sz', '3'], '--vocab-sz must be')

def test_tags_written_as_numbers():
    "Tags given as a list of numbers ([0, 3, 1], from JSON lines) were split as text: '[0,', '3,', '1]'"
    from toolkit.tagger import _as_list
    assert _as_list('[0, 3, 1]', 'tags', 0) == ['0', '3', '1'] and _as_list([0, 3], 'tags', 0) == ['0', '3']
    assert _as_list("['The', 'jury']", 'words', 0) == ['The', 'jury']
    assert _as_list('[ The jury ]', 'words', 0) == ['[', 'The', 'jury', ']'] # words between brackets stay words

def test_lines_break_only_at_line_breaks(tmp_path):
    "A U+2028 or form feed inside a JSON string or a line is text: JSON lines that Python reads were refused, and a "
    ".txt line was split in two (str.splitlines breaks at both)"
    from toolkit.data import read_table
    (tmp_path/'a.jsonl').write_text('{"text": "one\u2028two"}\n{"text": "three"}\r\n', encoding='utf-8')
    df, _ = read_table(tmp_path/'a.jsonl')
    assert df.text.tolist() == ['one\u2028two', 'three']
    (tmp_path/'a.txt').write_text('one\x0ctwo\nthree\r\nfour\n', encoding='utf-8')
    assert read_table(tmp_path/'a.txt')[0].text.tolist() == ['one\x0ctwo', 'three', 'four']

def test_semicolon_csv_read(tmp_path):
    """A CSV separated by ';' was read as one column 'text;label' (it trained on the labels too, without a word), then
    refused with 'save it with commas (in Excel: CSV UTF-8)': Excel's CSV UTF-8 in a French, German or Spanish locale
    writes semicolons (helper 48). A header with semicolons and no comma is read so; a bar (|) is still refused"""
    from toolkit.data import read_texts
    (tmp_path/'semi.csv').write_bytes('\ufefftitre;rubrique\n"Grève; manifestation";société\nLa Bourse, en hausse;économie\n'.encode())
    df = read_texts(tmp_path/'semi.csv', text_col='titre', label_col='rubrique')
    assert df.text.tolist() == ['Grève; manifestation', 'La Bourse, en hausse'] and df.label.tolist() == ['société', 'économie']
    # its annotated copy is written as it was (it came back with commas, which that Excel reads as one column, helper 88):
    # semicolons, decimal commas, the byte-order mark, and Excel's sep= line when it had one
    assert awd('classify', 'sentiment', '--csv', tmp_path/'semi.csv', '--text-col', 'titre')[0] == 0
    lines = (tmp_path/'semi.pred.csv').read_text(encoding='utf-8').splitlines()
    assert lines[0] == '\ufefftitre;rubrique;pred_label;pred_prob;prob_fresh;prob_rotten', lines
    assert lines[1].startswith('"Grève; manifestation";société;') and re.search(r';(fresh|rotten)(;[01],\d+){3}$', lines[1]), lines
    (tmp_path/'line.csv').write_text('sep=;\ntext;n\nA gripping film;1,5\n')
    assert awd('classify', 'sentiment', '--csv', tmp_path/'line.csv')[0] == 0
    lines = (tmp_path/'line.pred.csv').read_text().splitlines()
    assert lines[:2] == ['sep=;', 'text;n;pred_label;pred_prob;prob_fresh;prob_rotten'] and lines[2].startswith('A gripping film;1,5;fresh;0,')
    assert awd('classify', 'sentiment', '--csv', tmp_path/'line.csv', '--out', tmp_path/'line.tsv')[0] == 0 # a TSV: its own way
    assert (tmp_path/'line.tsv').read_text().splitlines()[1].startswith('A gripping film\t1,5\tfresh\t0.')
    (tmp_path/'dot.csv').write_text('text;score\nA gripping film;0.5\n') # semicolons, decimal points: its own mark kept (helper 92)
    assert awd('classify', 'sentiment', '--csv', tmp_path/'dot.csv')[0] == 0
    assert re.fullmatch(r'A gripping film;0\.5;fresh(;\d\.\d+(e-\d+)?){3}', (tmp_path/'dot.pred.csv').read_text().splitlines()[1])
    (tmp_path/'bars.csv').write_text('text|label\nGood film|pos\nBad film|neg\n')
    refused(['train', tmp_path/'bars.csv', '--preset', 'tiny'],
            "bars.csv: its first line 'text|label' is separated by bars (|), not commas as a .csv file is")

def test_category_col_named_in_errors(tmp_path, texts_csv):
    "Errors about --category-col named 'label', the column it was renamed to inside"
    df = pd.read_csv(texts_csv); df['outlet'] = ['a', None, 'b'] * (len(df)//3) + ['a'] * (len(df) % 3)
    df.to_csv(tmp_path/'cat.csv', index=False)
    code, _, err = awd('train', tmp_path/'cat.csv', '--category-col', 'outlet', '--preset', 'tiny', '--quiet')
    assert code == 2 and "'outlet'" in err and "'label'" not in err, err

def test_cli_says_flags():
    "The command line's errors name flags (--valid-pct), not the Python API's arguments (valid_pct)"
    from toolkit.cli import cli_words
    assert cli_words('valid_pct must be a number in (0, 1)') == '--valid-pct must be a number in (0, 1)'
    assert cli_words('vocab_sz 20 is too small for these texts; give vocab_sz >= 31') == \
        '--vocab-sz 20 is too small for these texts; give --vocab-sz >= 31'
    assert cli_words('pretrain=True needs lm_epochs >= 1 (or pass pretrain=False)') == \
        'the language-model stage needs --lm-epochs >= 1 (or pass --no-pretrain)'
    assert cli_words('trained for 3 epochs in 2 minutes') == 'trained for 3 epochs in 2 minutes'

def test_backward_model_says_what_it_cannot_do():
    "A backward model asked to score said it 'cannot continue a prompt; generate with a forward model'"
    from toolkit.data import load_corpus
    bwd = train_lm(load_corpus('headlines').sample(300, random_state=0), preset='tiny', vocab_sz=200, backwards=True,
                   show_progress=False)
    with pytest.raises(ValueError, match='cannot score texts as they are written; score with a forward model'):
        bwd.score('New study')
    with pytest.raises(ValueError, match='cannot continue a prompt; generate with a forward model'): bwd.generate('New')

def test_classifier_options_moot_with_lm(tiny_lm_path):
    "train-classifier --lm M --no-pretrained (or --tokenizer, --no-pretrain, --vocab-sz) ran as if they were not there"
    refused(['train-classifier', 'reviews', '--lm', tiny_lm_path, '--no-pretrained', '--tokenizer', 'char'],
            "--no-pretrained and --tokenizer with --lm: the classifier starts from --lm's language model")

def test_preset_and_lm_vote_where_they_do_nothing(tiny_lm_path, tmp_path):
    """--preset beside --lm trained --lm's size with no word (--vocab-sz was refused), `awd serve --preset tiny` served
    the small shipped models; --lm-vote without --lm printed the start line ('the language model voting too') before
    its refusal (helper 84)"""
    refused(['train', 'reviews', '--lm', tiny_lm_path, '--preset', 'base', '--out', tmp_path/'x'],
            '--lm trains that model further, with its own tokenizer, vocabulary and size: drop --preset')
    refused(['train-classifier', 'reviews', '--lm', tiny_lm_path, '--preset', 'small', '--out', tmp_path/'x'],
            "--preset with --lm: the classifier starts from --lm's language model (its tokenizer, vocabulary, size")
    refused(['train-tagger', 'pos', '--lm', tiny_lm_path, '--vocab-sz', '300', '--out', tmp_path/'x'],
            "--vocab-sz with --lm: the tagger starts from --lm's language model")
    refused(['serve', '--preset', 'tiny'], '--preset tiny goes with --retrain: it sizes the models --retrain trains')
    code, out, err = refused(['train-classifier', 'names', '--lm-vote', '--max-rows', '300', '--out', tmp_path/'x'],
                             '--lm-vote needs --lm: language models trained with the labels as categories')
    assert out == ''

def test_probs_with_a_csv_and_a_prompt_as_long_as_max_words(tmp_path):
    """`awd tag tagger --csv F --probs` ignored --probs; a prompt with as many words as --max-words gave the prompt back
    n times, and the CLI blamed the training texts ('the model ended every text right after the prompt') (helpers 86, 87)"""
    (tmp_path/'t.csv').write_text('id,text\n1,The old man the boat.\n')
    for cmd, model in (('tag', 'tagger'), ('classify', 'sentiment')):
        refused([cmd, model, '--csv', tmp_path/'t.csv', '--probs'], '--probs prints JSON lines for texts given as arguments')
    assert not [f for f in tmp_path.iterdir() if f.name != 't.csv']
    refused(['generate', 'headlines', '--prompt', 'New study', '--max-words', '2', '-n', '2'],
            'the prompt has 2 words, as many as --max-words (2): every text would be the prompt')
    with pytest.raises(ValueError, match=r'the prompt has 1 word and ends with a space'):
        load_model('names').generate('Kuz ', max_words=1, category='Russian')

def test_score_csv_names_the_files_row(tmp_path):
    "score_csv named an unreadable text 'text 3', its place among the non-blank texts, where tag --csv says the row (helper 87)"
    from toolkit.generate import score_csv
    from toolkit.generate import MAX_SCORE_CHARS
    long = 'news ' * (MAX_SCORE_CHARS // 5 + 1)
    (tmp_path/'odd.csv').write_text(f'id,title\n1,New study finds coffee\n2,\n3,"multi\nline"\n4,{long}\n')
    with pytest.raises(ValueError, match=f"^{re.escape(str(tmp_path/'odd.csv'))}: row 5 is {len(long):,} characters long"):
        score_csv(load_model('headlines'), tmp_path/'odd.csv', tmp_path/'out.csv', text_col='title')
    assert not (tmp_path/'out.csv').exists()
    # a row the model cannot read is left unscored, said in a warning, as classify and tag leave one (one row of emoji
    # stopped a file of thousands, helper 94)
    (tmp_path/'odd.csv').write_text('id,title\n1,New study finds coffee\n2,\n3,"multi\nline"\n4,日本語のテキスト\n')
    with pytest.warns(UserWarning, match=r"^1 row left unscored: this model cannot read it \(unknown pieces or characters; row 5\)"):
        score_csv(load_model('headlines'), tmp_path/'odd.csv', tmp_path/'out.csv', text_col='title')
    out = pd.read_csv(tmp_path/'out.csv', keep_default_na=False)
    assert out.bpc.tolist()[1] == out.bpc.tolist()[3] == '' and float(out.bpc[0]) > 0 and float(out.bpc[2]) > 0

def test_out_refused_before_the_start_line(tmp_path):
    "An --out that cannot be saved to was refused after the start line ('training a tagger ...'): now before it (helper 86)"
    (tmp_path/'notes').mkdir(); (tmp_path/'notes'/'a.txt').write_text('mine')
    for argv in (['train', 'headlines'], ['train-classifier', 'reviews'], ['train-tagger', 'pos']):
        code, out, err = refused([*argv, '--preset', 'tiny', '--max-rows', '100', '--out', tmp_path/'notes'],
                                 'exists and is not a portable model: not overwriting it')
        assert out == '', out
    code, out, err = refused(['train-tagger', 'pos', '--out', tmp_path/'m.pkl'], 'a tagger saves as a portable directory only')
    assert out == '' and (tmp_path/'notes'/'a.txt').read_text() == 'mine'

def test_one_string_where_a_list_is_expected(app_models_dir):
    "category_posterior(lm, 'Nakamura') read each letter as a name; a tagger's predict_texts('The dog') tagged letters"
    from toolkit.names import category_posterior
    with pytest.raises(ValueError, match=r'texts must be a list of names \(for one name: category_posterior\(lm, \[name\]\)\)'):
        category_posterior(load_model(app_models_dir/'names'), 'Nakamura')
    with pytest.raises(ValueError, match=r'texts must be a list of texts \(for one text: learn.predict\(text\)\)'):
        load_model('tagger').predict_texts('The dog')

def test_category_posterior_refuses_unreadable_names():
    "category_posterior(names, ['Жуков']) gave Dutch 11% for letters the model never saw, where `awd classify origin` refuses"
    from toolkit.names import category_posterior
    names = load_model('names')
    with pytest.raises(ValueError, match=r"text 1 'Жуков': this model reads 100% of it as unknown pieces"):
        category_posterior(names, ['Smith', 'Жуков'])
    p = category_posterior(names, ['Dvořák', 'Dvorak']) # an accent: romanised, as the classifier reads it
    assert (p[0] - p[1]).abs().max() < 1e-6
    for bs in (0, -1): # (taken, helper 85)
        with pytest.raises(ValueError, match=f'bs must be a whole number, 1 or more, got {bs}'): category_posterior(names, ['Li'], bs=bs)

def test_max_words_ends_the_text():
    "At max_words the model's wish to start another word glued pieces onto the last one ('food-shlinging-need-to-to-"
    "olds.'); now it ends the text. A prompt already over max_words is refused"
    lm = load_model('headlines')
    for mx in (4, 15):
        texts = lm.generate('New study', n=40, temperature=0.8, top_p=0.9, min_words=min(4, mx), max_words=mx, seed=0)
        assert all(len(t.split()) <= mx for t in texts)
        longest = [t.split()[-1] for t in texts if len(t.split()) == mx]
        assert max(map(len, longest)) < 20, longest # no glued tail
    with pytest.raises(ValueError, match=r'the prompt has 2 words, more than max_words \(1\)'): lm.generate('New study', max_words=1)

def test_stop_strings_wait_for_min_words():
    "A stop string cut a sample before min_words: generate('New study', min_words=8, stop='s') gave 'New study find'"
    lm = load_model('headlines')
    texts = lm.generate('New study', n=12, min_words=8, stop='s', seed=0, max_tokens=60)
    assert all(len(t.split()) >= 8 for t in texts), texts
    with pytest.raises(ValueError, match='stop must not hold an empty or blank string'): lm.generate(stop=' ')

def test_fastai_export_of_what_cannot_pickle(tmp_path):
    "learn.export on a tagger or an ensemble ended in an AttributeError; a numpy seed in a TypeError"
    import numpy as np
    for name, msg in (('tagger', 'a tagger saves as a portable directory only'), ('origin', 'an ensemble saves as a')):
        with pytest.raises(ValueError, match=msg): load_model(name).export(tmp_path/'x.pkl')
    assert not (tmp_path/'x.pkl').exists()
    lm = load_model('headlines')
    assert lm.generate('New', n=2, seed=np.int64(3)) == lm.generate('New', n=2, seed=3)

def test_cli_lines_of_texts_with_tabs_and_the_models_own_column(tmp_path, tiny_clf, tiny_lm_path):
    """A tab or line break in a text split `awd classify`'s `label<TAB>prob<TAB>text` line (and `awd score`'s) in two;
    `awd classify --csv` guessed the text column of a file like the one the model learnt from, whose column the card
    names (`--text-col review` at training), and asked for --text-col"""
    code, out, err = awd('classify', tiny_clf, 'a film\twith a tab', 'two\nlines')
    assert code == 0 and [l.split('\t')[2] for l in out.splitlines()] == ['a film with a tab', 'two lines'], (out, err)
    code, out, err = awd('classify', tiny_clf, 'two\nlines', '--probs') # JSON keeps the text as it was
    assert code == 0 and json.loads(out)['text'] == 'two\nlines'
    code, out, err = awd('score', tiny_lm_path, 'two\nlines')
    assert code == 0 and out.splitlines()[1].endswith('\ttwo lines') and len(out.splitlines()) == 2, out
    src = tmp_path/'new.csv'
    pd.DataFrame({'id': [1, 2], 'review': ['A joy.', 'Dull.'], 'note': ['x', 'y']}).to_csv(src, index=False)
    refused(['classify', tiny_clf, '--csv', src], 'which column holds the texts? Pass --text-col')
    for path, cmd, suffix in ((tiny_clf, 'classify', 'pred'), (tiny_lm_path, 'score', 'scored')):
        export_learner(load_model(path), tmp_path/cmd, text_col='review') # as `awd train... --text-col review` saves it
        code, out, err = awd(cmd, tmp_path/cmd, '--csv', src)
        got = pd.read_csv(tmp_path/f'new.{suffix}.csv')
        assert code == 0 and got.columns[-1] != 'note' and got.notna().all().all(), (cmd, err, got)

def test_columns_and_flags_named(tmp_path):
    """`--text-col label --label-col label` trained on the labels as texts until 'the training split has 1 class';
    `Text`/`Label` columns got no "did you mean" from `train_classifier`; --text-col without --csv was ignored; "a
    smaller batch size" named no flag"""
    src = tmp_path/'s.csv'
    pd.DataFrame({'text': ['A joy', 'Dull', 'Good', 'Bad'], 'label': [1, 0, 1, 0]}).to_csv(src, index=False)
    both = 'text_col and label_col must name two columns (the texts, and their labels), got {} for both'
    for flags, col in ((['--text-col', 'label', '--label-col', 'label'], "'label'"), (['--label-col', 'text'], "'text'")):
        code, out, _ = refused(['train-classifier', src, *flags, '--out', tmp_path/'m'],
                               both.format(col).replace('text_col', '--text-col').replace('label_col', '--label-col'))
        assert out == '' and not (tmp_path/'m').exists() # before the start line
    df = pd.read_csv(src)
    with pytest.raises(ValueError, match=re.escape(both.format("'label'"))): train_classifier(df, text_col='label', label_col='label')
    with pytest.raises(ValueError, match=r"no column 'text' \(did you mean 'Text'\?\)"):
        train_classifier(df.rename(columns={'text': 'Text', 'label': 'Label'}), label_col='Label')
    refused(['classify', 'sentiment', 'A joy', '--text-col', 'x'], '--text-col goes with --csv')
    refused(['train-classifier', src, '--preset', 'tiny', '--no-pretrained', '--out', tmp_path/'m'],
            'Give more texts, or a smaller --bs or --seq-len (`awd train`)')

def test_start_lines_count_empty_rows_and_refuse_stages_without_epochs(tmp_path):
    """Rows without a text were left out of training without a word (a user counting rows saw fewer texts); --stages 3
    --epochs 2 trained one frozen stage (helper 39)"""
    src = tmp_path/'e.csv'
    src.write_text('text,label\nA joy,1\n,0\nGood,1\n  ,0\nBad,0\nfine,1\n')
    code, out, err = awd('train-classifier', src, '--preset', 'tiny', '--no-pretrained', '--out', tmp_path/'m')
    assert code == 2 and f'on 4 texts from {src} (2 rows without a text left out)' in out, (out, err) # too little text
    lm_src = tmp_path/'lm.csv' # (the empty text is written as a blank line, which is no row: ' ' is the one left out)
    pd.DataFrame({'text': [f'A text of some words, number {i}.' for i in range(60)] + ['', ' ']}).to_csv(lm_src, index=False)
    code, out, err = awd('train', lm_src, '--preset', 'tiny', '--no-pretrained', '--epochs', '1', '--quiet', '--out', tmp_path/'lm')
    assert code == 0 and f'on 60 texts from {lm_src} (1 row without a text left out)' in out, (out, err)
    code, out, err = awd('train', lm_src, '--preset', 'tiny', '--no-pretrained', '--epochs', '1', '--quiet', '--max-rows', '30',
                         '--out', tmp_path/'lm2') # (the file's blank row, not one beside the 30: helper 78)
    assert code == 0 and f'on 30 texts (--max-rows of 60) from {lm_src} (1 row without a text left out)' in out, (out, err)
    code, out, _ = refused(['train-classifier', src, '--stages', '3', '--epochs', '2', '--out', tmp_path/'m'],
                           '--stages 3 needs --epochs 4 or more (a frozen epoch a stage, then the whole network), got 2')
    assert out == '' and not (tmp_path/'m').exists()

def test_classifier_start_line_says_why_from_scratch(tmp_path):
    "`awd train-classifier` on Chinese texts said 'from scratch' without the reason `awd train` gives (helper 39)"
    src = tmp_path/'zh.csv'
    pd.DataFrame({'text': ['这部电影很好看', '非常无聊的电影'] * 20, 'label': [1, 0] * 20}).to_csv(src, index=False)
    code, out, err = awd('train-classifier', src, '--bs', '1000', '--out', tmp_path/'m') # stops at 'too little text'
    assert code == 2 and 'from scratch (not from the pretrained English model: 100% of the characters' in out, (out, err)

def test_texts_from_standard_input(monkeypatch, tiny_clf, tiny_lm_path):
    "`cat texts.txt | awd classify MODEL -` took '-' as a text to classify (helper 39): '-' reads one text a line"
    import io
    monkeypatch.setattr('sys.stdin', io.StringIO('A gripping film.\n\nDull and long.\n'))
    code, out, err = awd('classify', tiny_clf, '-')
    assert code == 0 and [l.split('\t')[2] for l in out.splitlines()] == ['A gripping film.', 'Dull and long.'], err
    monkeypatch.setattr('sys.stdin', io.StringIO('New study\n'))
    code, out, err = awd('score', tiny_lm_path, '-')
    assert code == 0 and out.splitlines()[1].endswith('\tNew study'), err
    monkeypatch.setattr('sys.stdin', io.StringIO('\ufeffNew study\r\n')) # a file Notepad saved: its byte-order mark stayed
    code, out, err = awd('score', tiny_lm_path, '-') # in the text (helper 104)
    assert code == 0 and out.splitlines()[1].split('\t')[-1] == 'New study', (out, err)
    monkeypatch.setattr('sys.stdin', io.StringIO('\n'))
    refused(['classify', tiny_clf, '-'], 'no texts on standard input to classify (one a line)')

def test_jsonl_copy_keeps_json_types(tmp_path):
    "A JSON-lines copy turned numbers into strings ('id': '0') and a null text into ''"
    src = tmp_path/'in.jsonl'
    src.write_text('{"id": 0, "text": "A joy.", "num": 1.5, "tags": [1, 2]}\n{"id": 1, "text": null, "num": 2}\n')
    code, _, err = awd('classify', 'sentiment', '--csv', src, '--out', tmp_path/'out.jsonl')
    assert code == 0, err
    rows = [json.loads(l) for l in (tmp_path/'out.jsonl').read_text().splitlines()]
    assert [r['id'] for r in rows] == [0, 1] and rows[0]['num'] == 1.5 and rows[0]['tags'] == [1, 2]
    assert rows[1]['text'] is None and rows[1]['pred_label'] is None and rows[0]['pred_label'] == 'fresh'

def test_classifier_refuses_a_text_it_cannot_read(tmp_path):
    """The origin classifier called 'Жуков' Chinese (0.36), and the sentiment model a Chinese review rotten (0.998): each
    read a text of pieces it never saw as `xxunk`, and guessed. A text read mostly as unknown pieces is refused in the
    API, `awd classify` and the app; a file's such rows are left unlabelled, as blank rows are, and counted; an accent
    or an emoji in a text passes, and so does a model from scratch whose vocabulary holds whole words only"""
    from toolkit.app import Handlers
    origin, sentiment = load_model('origin'), load_model('sentiment')
    msg = r"'Жуков': this model reads 100% of it as unknown pieces \('жуков'\): it could only guess"
    with pytest.raises(ValueError, match=msg): origin.predict('Жуков')
    with pytest.raises(ValueError, match="text 1 '这部电影很好看': this model reads 100%"):
        predict_texts(sentiment, ['A joy.', '这部电影很好看'])
    assert predict_texts(origin, ['Müller', "O'Brien"]).label.tolist() == ['German', 'Irish']
    assert predict_texts(sentiment, ['A gripping film 😀😀']).label[0] == 'fresh'
    src = tmp_path/'names.csv'
    src.write_text('name,id\nIvanov,1\n,2\nЖуков,3\n😀😀,4\nNakamura,5\n') # row 1 is blank
    code, out, err = awd('classify', 'origin', '--csv', src, '--text-col', 'name', '--out', tmp_path/'out.csv')
    assert code == 0 and err == 'awd: 2 rows left unlabelled, read mostly as unknown pieces by this model (rows 4, 5)\n', err
    got = pd.read_csv(tmp_path/'out.csv', keep_default_na=False)
    assert got.pred_label.tolist() == ['Russian', '', '', '', 'Japanese'] and got.id.tolist() == [1, 2, 3, 4, 5]
    code, out, err = refused(['classify', 'origin', 'Ivanov', 'Жуков', '', 'Nakamura'], "text 2 of 4: 'Жуков': this model")
    assert 'text 3 of 4 is empty: nothing to classify' in err # the texts it could read are classified, in their order
    assert [l.split('\t')[0::2] for l in out.splitlines()] == [['Russian', 'Ivanov'], ['Japanese', 'Nakamura']]
    # the app: a classifier that cannot read the text says so in its place, the others answer
    h = Handlers({'sentiment': sentiment, 'origin': origin})
    sent, orig = h.classify('10/10!!! Loved it.')
    assert set(sent) == {'fresh', 'rotten'} and 'unknown to this model' in orig
    with pytest.raises(Exception, match='unknown pieces'): Handlers({'origin': origin}).classify('Жуков')
    with pytest.raises(Exception, match='unknown pieces'): h.classify('这部电影很好看') # none can: said once
    # ...and before the request, under the field (the validator), not in a toast with Error badges (helper 41)
    with pytest.raises(ValueError, match="'这部电影很好看': the sentiment classifier reads 100%.*the other classifier here"):
        h.classify_check('这部电影很好看') # (which of the tab's classifiers: not 'this model', helper 55)
    assert h.classify_check('10/10!!! Loved it.') == '10/10!!! Loved it.' # one classifier can: it answers
    tagger = Handlers({'tagger': load_model('tagger')})
    with pytest.raises(ValueError, match="'Я люблю кофе': this model reads 100% of it as unknown pieces"):
        tagger.tag_check('Я люблю кофе', 'tagger')
    # a model from scratch on a few words has whole-word pieces only: its own words are read, a new one is not
    df = pd.DataFrame({'text': ['terrible cat movie', 'great dog film', 'terrible dog movie', 'great cat film']*40,
                       'label': ['neg', 'pos', 'neg', 'pos']*40})
    clf = train_classifier(df, preset='tiny', epochs=1, lm_epochs=1, pretrained=False, show_progress=False)
    assert len(predict_texts(clf, ['terrible cat movie', 'great film'])) == 2

# ---------------------------------------------------------------- a fastai user's calls (helper 23's hunt)

def test_loaded_model_given_other_weights_drops_its_old_start_state():
    "`load_model(v1)` then `learn.load(v2)`: generation started from v1's start-of-text state, silently"
    import torch, warnings
    lm = load_model('headlines')
    before = [h.clone() for h, _ in lm.awd.start_state]
    with torch.no_grad(): lm.model[0].encoder.weight[:8] += 0.01 # as learn.load('v2') would
    with pytest.warns(UserWarning, match="weights changed since it was loaded"): lm.generate(n=1, seed=0)
    assert lm.awd.start_state is None # the zero state, as fastai's predict starts from
    with warnings.catch_warnings(): warnings.simplefilter('error'); lm.generate(n=1, seed=0) # said once
    assert before[0].abs().sum() > 0

def test_loaded_model_refuses_get_preds_on_its_placeholders():
    "`validate()` was refused on a loaded model, but `get_preds()` (a copy of the loader) ran on the placeholder texts"
    for name in ('sentiment', 'tagger', 'headlines'):
        with pytest.raises(Exception, match='loaded without its training texts'): load_model(name).get_preds()
    with pytest.raises(Exception, match=r'hold two placeholder texts, which say nothing of it\): to validate it'):
        load_model('headlines').validate() # (they 'would wreck it', as if it were trained, helper 107)
    with pytest.raises(Exception, match=r'hold two placeholder texts, which would wreck it\): to train it'):
        load_model('headlines').fit(1)
    clf = load_model('sentiment') # a test set of the user's own, labelled, still validates
    df = pd.DataFrame({'text': ['A joy from start to end.', 'Dull and overlong.'], 'label': ['fresh', 'rotten']})
    assert len(clf.validate(dl=clf.dls.test_dl(df, with_labels=True))) == 3

def test_learner_pickles_after_generate(tmp_path):
    "After the first generate, `pickle.dumps(learn)` failed: the start state's loop left a live generator on dls.valid"
    import pickle, copy
    from toolkit.data import load_corpus
    learn = train_lm(load_corpus('headlines').sample(300, random_state=0), preset='tiny', epochs=1, vocab_sz=200,
                     show_progress=False)
    learn.generate(n=2, seed=0)
    assert pickle.dumps(learn) and copy.deepcopy(learn).generate(n=2, seed=0) == learn.generate(n=2, seed=0)

def test_finetuned_model_stays_novel_to_its_first_texts():
    "`finetune_lm` kept only the new texts' fingerprint: novel=True let copies of the original training headlines through"
    from toolkit.classify import finetune_lm
    from toolkit.data import load_corpus
    lm = load_model('headlines')
    new = load_corpus('reviews').sample(200, random_state=0)
    ft = finetune_lm(lm, new, epochs=1, show_progress=False)
    fp = ft.awd.fingerprint
    assert fp.n_texts == lm.awd.fingerprint.n_texts + 200
    assert fp.copies('Lifestyle Can Help You Live Longer') and fp.copies(new.text.iloc[0])

def test_universal_tagger_refuses_brown_coarse():
    "`coarse=brown_universal` on a universal tagger tagged every word 'X' with probability 1"
    from toolkit.data import brown_universal
    with pytest.raises(ValueError, match="this tagger's tags are universal tags already"):
        load_model('tagger').predict('The old man the boat.', coarse=brown_universal)

def test_lm_learner_refuses_dls_without_sentencepiece():
    "`lm_learner` trained on fastai's own TextDataLoaders, then predict, generate and export all refused it"
    from fastai.text.all import TextDataLoaders
    from toolkit.data import load_corpus
    from toolkit.lm import lm_learner
    dls = TextDataLoaders.from_df(load_corpus('headlines').sample(60, random_state=0), text_col='text', is_lm=True,
                                  bs=4, seq_len=16, valid_pct=0.2)
    with pytest.raises(ValueError, match="these DataLoaders have no SentencePiece tokenizer: make them with lm_dls"):
        lm_learner(dls, 'tiny')

def test_tiny_temperature_is_greedy_not_garbage():
    "temperature=1e-38 overflowed the scaled logits: 'Newxxfakexxfake...'"
    lm = load_model('headlines')
    assert lm.generate('New', n=2, temperature=1e-38, max_words=8) == lm.generate('New', n=2, greedy=True, max_words=8)
    assert 'xx' not in lm.predict('New', n_words=5, temperature=1e-38)

# ---------------------------------------------------------------- a user's own files (helper 22's hunt)

def test_trailing_separators_and_ragged_rows(tmp_path):
    """A CSV whose rows end in a comma (as some exports write) was read with its texts as the row names: the labels
    became the texts, trained on and copied without a word. A row with more fields than the header is refused"""
    from toolkit.data import read_texts
    (tmp_path/'trail.csv').write_text('text,label\ngreat movie loved it,pos,\nawful film,neg,\n')
    df = read_texts(tmp_path/'trail.csv', label_col='label')
    assert df.text.tolist() == ['great movie loved it', 'awful film'] and df.label.tolist() == ['pos', 'neg']
    code, _, err = awd('classify', 'sentiment', '--csv', tmp_path/'trail.csv', '--out', tmp_path/'trail.pred.csv')
    assert code == 0, err
    assert pd.read_csv(tmp_path/'trail.pred.csv').text.tolist() == ['great movie loved it', 'awful film']
    (tmp_path/'ragged.csv').write_text('text,label\ngreat movie, loved it,pos\nawful film,neg\n')
    with pytest.raises(ValueError, match=r"row 2 has 3 fields, more than the header's 2 \('pos' after the last column\): "
                                         "a text with a comma in it must be in double quotes"):
        read_texts(tmp_path/'ragged.csv', label_col='label')
    refused(['classify', 'sentiment', '--csv', tmp_path/'ragged.csv', '--out', tmp_path/'r.csv'], 'row 2 has 3 fields')
    assert not (tmp_path/'r.csv').exists()

def test_copy_names_keep_the_whole_stem(tmp_path):
    "rev.train.csv and rev.test.csv both wrote rev.pred.csv, the second over the first"
    from toolkit.data import copy_name
    assert [copy_name(n, '.pred.csv') for n in ('rev.train.csv', 'rev.test.csv', 'x.jsonl.gz', 'notes', 'a.b.tsv')] == \
        ['rev.train.pred.csv', 'rev.test.pred.csv', 'x.pred.jsonl', 'notes.pred.csv', 'a.b.pred.tsv'] # (their formats)
    for part in ('train', 'test'): (tmp_path/f'rev.{part}.csv').write_text('text\nA joy.\n')
    for part in ('train', 'test'): assert awd('classify', 'sentiment', '--csv', tmp_path/f'rev.{part}.csv')[0] == 0
    assert (tmp_path/'rev.train.pred.csv').is_file() and (tmp_path/'rev.test.pred.csv').is_file()
    # a .tsv and a .jsonl of one name wrote one rev.pred.csv, the second over the first (helper 67): each its own format
    (tmp_path/'rev.tsv').write_text('text\tid\nA joy.\t1\n'); (tmp_path/'rev.jsonl').write_text('{"text": "A bore.", "id": 2}\n')
    for f in ('rev.tsv', 'rev.jsonl'): assert awd('classify', 'sentiment', '--csv', tmp_path/f)[0] == 0
    assert pd.read_csv(tmp_path/'rev.pred.tsv', sep='\t').text.tolist() == ['A joy.']
    assert pd.read_json(tmp_path/'rev.pred.jsonl', lines=True).text.tolist() == ['A bore.']

def test_a_files_is_valid_column_is_the_split(tmp_path):
    """`awd train` and `train-classifier` split a file at random, ignoring its is_valid column (train-tagger used it); a
    column putting every row in validation was an IndexError deep in fastai"""
    from toolkit.data import load_corpus, split_mask
    df = load_corpus('headlines').sample(300, random_state=0)[['text']].reset_index(drop=True)
    df['is_valid'] = ['True' if i % 5 == 0 else 'False' for i in range(len(df))]
    df.to_csv(tmp_path/'split.csv', index=False)
    code, out, err = awd('train', tmp_path/'split.csv', '--preset', 'tiny', '--epochs', '1', '--out', tmp_path/'m', '--quiet')
    assert code == 0 and "split by the file's is_valid column" in out.splitlines()[0], err
    df.assign(is_valid='True').to_csv(tmp_path/'allvalid.csv', index=False)
    refused(['train', tmp_path/'allvalid.csv', '--preset', 'tiny', '--epochs', '1', '--out', tmp_path/'m2'],
            "column 'is_valid' puts every row in the validation split")
    with pytest.raises(ValueError, match="column 'is_valid' puts no row in the validation split"):
        split_mask(pd.Series(['0', '0']))
    # a value not True or False, or a column with one side empty, is said before the start line, naming the file, in
    # every training command (the tagger's and classifier's came after it, helper 86)
    df.assign(is_valid=['maybe'] + ['False'] * (len(df) - 1)).to_csv(tmp_path/'bad.csv', index=False)
    pd.DataFrame({'words': ['The cat', 'A dog'] * 20, 'tags': ['DET NOUN'] * 40, 'label': ['a', 'b'] * 20,
                  'is_valid': ['0'] * 39 + ['maybe']}).to_csv(tmp_path/'tagged.csv', index=False)
    for argv, f, row in ((['train'], 'bad.csv', 2), (['train-classifier', '--text-col', 'words', '--label-col', 'label'], 'tagged.csv', 41),
                         (['train-tagger'], 'tagged.csv', 41)):
        _, out, _ = refused([argv[0], tmp_path/f, *argv[1:], '--preset', 'tiny', '--out', tmp_path/'m3'],
                            f"{tmp_path/f}: column 'is_valid' must be True or False (or 1 or 0) on every row: row {row} has 'maybe'")
        assert out == '' and not (tmp_path/'m3').exists()
    df.assign(is_valid='0').to_csv(tmp_path/'novalid.csv', index=False) # (a --max-rows sample split it at random)
    _, out, _ = refused(['train', tmp_path/'novalid.csv', '--max-rows', '100', '--out', tmp_path/'m3'],
                        "novalid.csv: column 'is_valid' puts no row in the validation split")
    assert out == ''

def test_integer_categories_and_tagger_budget(tmp_path):
    "generate(category=1) on a model trained with a 0/1 column: 'unknown category 1: expected one of 0, 1'"
    df = pd.DataFrame({'text': ['a good day', 'a bad day', 'so good', 'so bad'] * 30, 'label': [1, 0, 10, 2] * 30})
    lm = train_lm(df, preset='tiny', epochs=1, category_col='label', show_progress=False)
    assert lm.generate(n=2, category=1, seed=0) == lm.generate(n=2, category='1', seed=0)
    with pytest.raises(ValueError, match='unknown category True: expected one of 0, 1, 2, 10$'): lm.generate(category=True)
    with pytest.raises(ValueError, match=r'choose category \(one of 0, 1, 2, 10\)'): lm.generate() # numbers in order
    # the language model voting beside a classifier of those labels: its categories sort as text ('10' before '2'), the
    # classifier's classes as numbers, and the ensemble failed after all the training (helper 88)
    from toolkit.classify import train_classifier, classes_of, predict_texts
    df = pd.DataFrame({'text': [f"{w} day number {i}" for i in range(30) for w in ('good', 'bad', 'so good', 'so bad')],
                       'label': [1, 0, 10, 2] * 30}) # (texts of their own: copies of a text stay on one side of the split)
    lm = train_lm(df, preset='tiny', epochs=1, category_col='label', show_progress=False)
    ens = train_classifier(df, lm=lm, lm_vote=True, epochs=1, lm_epochs=1, show_progress=False)
    assert classes_of(ens) == classes_of(lm) == ['0', '1', '2', '10'] and lm.awd.categories == ['0', '1', '10', '2']
    from toolkit.names import category_posterior
    p, votes = category_posterior(lm, ['so good']), predict_texts(ens[1], ['so good']) # the voter: its columns reordered
    assert [float(votes[f'prob_{c}'].iloc[0]) for c in lm.awd.categories] == pytest.approx(p[0].tolist(), abs=1e-4)
    refused(['train-tagger', 'pos', '--minutes', '0.01', '--epochs', '3', '--out', tmp_path/'t'],
            'give --epochs or --minutes, not both')

def test_tagger_takes_fastais_habits(tmp_path):
    """A fastai user's calls on a tagger: dls.show_batch and show_results were AttributeErrors, get_preds(with_loss=True)
    a TypeError, summary an AssertionError, and dls.test_dl an AttributeError"""
    from fastai.interpret import ClassificationInterpretation
    from toolkit.tagger import train_tagger, synthetic_tagged
    tg = train_tagger(synthetic_tagged(200), preset='tiny', pretrained=False, epochs=1, show_progress=False)
    shown = tg.dls.show_batch(max_n=2, show=False)
    assert len(shown) == 2 and all('/' in w for w in shown.iloc[0, 0].split())
    with tg.no_bar():
        preds, targs, losses = tg.get_preds(with_loss=True)
        assert losses.shape == (len(tg.dls.valid_ds),) and bool((losses > 0).all())
        cm = ClassificationInterpretation.from_learner(tg).confusion_matrix()
        assert cm.shape == (len(tg.tags),)*2 and cm.sum() == int((targs != -100).sum())
        dl = tg.dls.test_dl(['The cat sat', ['Rome', 'is', '42']])
        p, _ = tg.get_preds(dl=dl)
    assert [ws for ws in dl.dataset.words] == [['The', 'cat', 'sat'], ['Rome', 'is', '42']]
    by_predict = [t.tag for t in tg.predict(['Rome', 'is', '42'])]
    first = [i for i, y in enumerate(dl.dataset.y[1].tolist()) if y != -100] # each word's piece
    assert [tg.tags[int(p[1, i].argmax())] for i in first] == by_predict
    for call, msg in ((tg.summary, "fastai's summary cannot follow a tagger's packed sequences"),
                      (tg.show_results, 'a tagger shows its tags with learn.predict')):
        with pytest.raises(ValueError, match=msg): call()
    loaded = load_model(export_learner(tg, tmp_path/'tg')) # its DataLoaders hold placeholders: not shown as its data
    for call in (lambda: loaded.dls.show_batch(), lambda: loaded.dls.valid.show_batch()): # ('a/.', helper 101)
        with pytest.raises(ValueError, match=r'^this tagger was loaded without its training sentences: .*test_dl\(sentences\)'):
            call()
    assert len(loaded.dls.test_dl(['The cat sat']).show_batch(show=False)) == 1 # a batch of one's own shows

def test_classifier_split_checked_before_the_language_model():
    "train_classifier trained the language model first, then found a class only in the validation split"
    df = pd.DataFrame({'text': [f'text number {i}' for i in range(60)], 'label': ['a', 'b'] * 29 + ['rare', 'rare'],
                       'is_valid': [False] * 58 + [True, True]})
    import time
    t0 = time.time()
    with pytest.raises(ValueError, match=r"labels \['rare'\] appear only in the validation split"):
        train_classifier(df, preset='tiny', epochs=1, lm_epochs=50, pretrained=False, show_progress=False)
    assert time.time() - t0 < 10 # no 50 epochs of language model first

def test_a_copy_of_a_copy_replaces_the_earlier_predictions(tmp_path):
    "Classifying a file that holds another model's predictions kept its prob_ columns beside the new ones: two models mixed"
    (tmp_path/'in.csv').write_text('text\nIvanov\nNakamura\n')
    assert awd('classify', 'sentiment', '--csv', tmp_path/'in.csv', '--out', tmp_path/'a.csv')[0] == 0
    assert awd('classify', 'origin', '--csv', tmp_path/'a.csv', '--out', tmp_path/'b.csv')[0] == 0
    cols = pd.read_csv(tmp_path/'b.csv').columns.tolist()
    assert 'prob_fresh' not in cols and 'prob_Russian' in cols and cols.count('pred_label') == 1

def test_write_offers_punctuation_glued_to_the_last_word():
    """The Write tab offered only whole words after a space: after 'The New Old Age Blog' (':' in 5 of 5 samples) every
    choice was under 0.1%, a dead end"""
    from toolkit.app import Handlers
    lm = load_model('headlines')
    (w, p), *_ = lm.next_words('The New Old Age Blog', k=5)
    assert w == ':' and p > 0.5
    assert all(x.word[0].isalnum() for x in lm.next_words('The New Old Age Blog ', k=5)) # after a space: words only
    assert [x.word for x in lm.next_words('Why you should', k=3)] == ['be', 'have', 'get'] # as the README shows
    text, _ = Handlers({'headlines': lm}).pick('The New Old Age Blog', ':', 'headlines')
    assert text == 'The New Old Age Blog:'
    # helper 35: after 'Obama' the top choice was "'" alone, and nothing then went on with it (no 's): a dead end
    assert lm.next_words('Why you shouldn', k=1)[0].word == "'t" and "'s" in [x.word for x in lm.next_words('Obama', k=3)]
    assert lm.next_words('in the U', k=1)[0].word == '.S' # 'U' read as U.S. is: 'U.s' otherwise (helper 38)
    text, _ = Handlers({'headlines': lm}).pick('Obama', "'s", 'headlines')
    assert text == "Obama's"

def test_budget_and_split_refused_before_the_start_line(texts_csv, tmp_path):
    "--minutes 0 and --valid-pct 1 were refused after 'training a tiny AWD-LSTM on 300 texts ...' was printed"
    from conftest import awd_here
    for argv, msg in ((['train', texts_csv, '--minutes', '0'], '--minutes must be a number in (0, 10080]'),
                      (['train', texts_csv, '--valid-pct', '1'], '--valid-pct must be strictly between 0 and 1'),
                      (['train-classifier', texts_csv, '--label-col', 'source', '--valid-pct', '0'],
                       '--valid-pct must be strictly between 0 and 1')):
        out = awd_here(*map(str, argv), '--preset', 'tiny', '--out', str(tmp_path/'m'))
        assert out.returncode == 2 and msg in out.stderr and out.stdout == '', (out.stdout, out.stderr)

# ---------------------------------------------------------------- files as spreadsheets and other programs write them (helper 30's hunt)

def test_labels_as_spreadsheets_write_them():
    "'NA', 'NaN', 'null'... mark a missing label (R writes NA): no class of their own; 0/1 with a blank (floats) stay 0/1"
    from toolkit.classify import _check_labels
    df = pd.DataFrame({'y': ['pos', 'NA', 'neg', 'NaN', ' null ', 'pos']})
    with pytest.raises(ValueError, match=r"3 of 6 rows have no label in column 'y' \(rows 1, 3, 4: empty, or a mark of a "
                                         r"missing value such as 'NA'\)"):
        _check_labels(df, 'y')
    assert _check_labels(df, 'y', 'drop').y.tolist() == ['pos', 'neg', 'pos']
    floats = pd.DataFrame({'y': [1.0, 0.0, None, 1.0]})
    assert _check_labels(floats, 'y', 'drop').y.tolist() == ['1', '0', '1']
    assert _check_labels(pd.DataFrame({'y': [0.5, 1.0]}), 'y').y.tolist() == ['0.5', '1.0'] # not integers: as they are

def test_file_errors_name_the_users_words(tmp_path):
    """`awd train-classifier --label-col y` with one class named 'label' after its start line; a tagger's bad row named
    no file, after its start line; a .txt file with --text-col said 'drop text_col/label_col/group_col'"""
    (tmp_path/'one.csv').write_text('text,y\n' + 'a good film,a\n'*30)
    code, out, err = awd('train-classifier', tmp_path/'one.csv', '--label-col', 'y', '--preset', 'tiny', '--out', tmp_path/'m')
    assert code == 2 and out == '' and "column 'y' has 1 class ('a'): a classifier needs at least 2" in err, (out, err)
    (tmp_path/'tags.csv').write_text('words,tags\nThe jury said,DET NOUN VERB\nIt rained,PRON VERB .\n')
    code, out, err = awd('train-tagger', tmp_path/'tags.csv', '--preset', 'tiny', '--out', tmp_path/'t')
    assert code == 2 and out == '' and f"{tmp_path/'tags.csv'}: row 3: 2 words but 3 tags" in err, (out, err)
    (tmp_path/'t.txt').write_text('a\nb\n')
    refused(['train-classifier', tmp_path/'t.txt', '--text-col', 'text', '--label-col', 'y', '--out', tmp_path/'m'],
            'a .txt file has one text a line and no columns; drop --text-col and --label-col or use a CSV')
    assert not (tmp_path/'m').exists() and not (tmp_path/'t').exists()

def test_copies_of_spreadsheet_files(tmp_path):
    "`awd tag --csv` of JSON lines tags a list of words as its words (it tagged the brackets and quotes); a copy of "
    "Excel's 'CSV UTF-8' keeps the byte-order mark Excel needs to read it as UTF-8"
    src = tmp_path/'w.jsonl'; src.write_text('{"words": ["The", "old", "man", "the", "boat", "."]}\n')
    code, _, err = awd('tag', 'tagger', '--csv', src, '--text-col', 'words', '--out', tmp_path/'w.tags.jsonl')
    assert code == 0, err
    row = json.loads((tmp_path/'w.tags.jsonl').read_text())
    assert row['words'] == ['The', 'old', 'man', 'the', 'boat', '.'] and row['pred_words'] == 'The old man the boat .'
    assert len(row['pred_tags'].split()) == 6
    xl = tmp_path/'xl.csv'; xl.write_bytes('text\r\nCafé “new” branch opens\r\n'.encode('utf-8-sig'))
    code, _, err = awd('classify', 'sentiment', '--csv', xl, '--out', tmp_path/'xl.pred.csv')
    assert code == 0 and (tmp_path/'xl.pred.csv').read_bytes().startswith('\ufefftext,pred_label'.encode('utf-8')), err

def test_one_word_sentences_refused():
    "A CoNLL file (a word and its tag a line) read as a table trained on 8,297 one-word 'sentences' without a word"
    from toolkit.tagger import check_tagged, check_training_sentences, train_tagger
    df = pd.DataFrame({'words': ['The', 'jury', 'said'], 'tags': ['DET', 'NOUN', 'VERB']})
    with pytest.raises(ValueError, match="every sentence is one word: a tagger reads a sentence a row"):
        check_training_sentences(df)
    with pytest.raises(ValueError, match="every sentence is one word"): train_tagger(df, preset='tiny', pretrained=False)
    assert check_tagged(df)[0] == [['The'], ['jury'], ['said']] # words to tag, one each (a saved tagger's own): fine

def test_class_only_in_validation_says_what_to_do():
    "A random split of few texts put a class's only rows in validation: the error says how to split otherwise"
    from toolkit.classify import _check_split
    df = pd.DataFrame({'label': ['a', 'b', 'a', 'b', 'c'], 'is_valid': [False, False, False, False, True]})
    with pytest.raises(ValueError, match=r"labels \['c'\] appear only in the validation split; .*another seed or a smaller "
                                         r"valid_pct or an is_valid column"):
        _check_split(df, bs=2)

def test_fastai_habits_on_loaded_models():
    "A fastai user's idioms on the shipped models (helper 34): each works or says what to do instead"
    from toolkit.all import load_model, predict_texts, classifier_dls, get_tokenizer, lm_dls, load_corpus
    from toolkit.classify import _check_labels
    s, o, t = load_model('sentiment'), load_model('origin'), load_model('tagger')
    with pytest.raises(ValueError, match=r"predict classifies one text, got a list of 2: for several, predict_texts"):
        s.predict(['Dull.', 'A gripping film'])
    assert s.predict_texts(['A gripping film']).label.tolist() == predict_texts(s, ['A gripping film']).label.tolist()
    assert [w.word for w in predict_texts(t, ['The old man the boat.'])[0]] == ['The', 'old', 'man', 'the', 'boat', '.']
    with pytest.raises(AttributeError, match=r"an Ensemble has no 'dls': .* ens\[0\]\.dls"): o.dls
    df = pd.DataFrame({'text': [f'good {i}' for i in range(20)] + [f'bad {i}' for i in range(20)], 'label': ['fresh', 'rotten']*20})
    with pytest.raises(ValueError, match=r"lm is a classifier: .*classifier_dls\(df, tokenizer=get_tokenizer\(clf\)"):
        classifier_dls(df, lm=s)
    dls = classifier_dls(df, tokenizer=get_tokenizer(s), vocab=s.dls.vocab[0], classes=list(s.dls.vocab[1]), bs=8)
    assert list(dls.vocab[1]) == ['fresh', 'rotten']
    assert _check_labels(pd.DataFrame({'y': ['1.0', '0.0', 'NA', '1.0']}), 'y', 'drop').y.tolist() == ['1', '0', '1']
    # 1 and 1.0 in one file's column were two classes (helper 78)
    assert _check_labels(pd.DataFrame({'y': ['1.0', '2.0', '1', '-3']}), 'y').y.tolist() == ['1', '2', '1', '-3']
    assert _check_labels(pd.DataFrame({'y': ['1.5', '1', 'a1.0']}), 'y').y.tolist() == ['1.5', '1', 'a1.0']
    h = load_model('headlines')
    assert len(repr(h.awd)) < 1000 # its start state and sampler masks are tensors: not shown
    h.dls = lm_dls(load_corpus('headlines').sample(400, random_state=0), tokenizer=get_tokenizer(h), vocab=h.dls.vocab,
                   bs=16, seq_len=32)
    loss, _, _, bpc, _ = h.validate()
    st = h.dls.awd.valid_stats # bits per character of the texts validated now, not of the placeholder it was loaded with
    assert abs(bpc - loss*st['tokens']/st['chars']/__import__('math').log(2)) < 1e-3

def test_predict_temperature_advice_fits_predict():
    "LMLearner.predict(temperature=0) advised greedy=True, which predict has not: it names generate's"
    from toolkit.all import load_model
    with pytest.raises(ValueError, match=r"temperature must be a number in \(0, 100\] \(for the likeliest pieces: "
                                         r"learn.generate\(text, greedy=True\)\), got 0"):
        load_model('headlines').predict('New study', 5, temperature=0)

def test_lm_predict_checks_as_generate():
    """helper 36: learn.predict ran a Cyrillic prompt and a digit through models that never saw them, the names model
    without an origin, and a million characters (68 s, 3 GB), where generate refuses each"""
    h, n = load_model('headlines'), load_model('names')
    with pytest.raises(ValueError, match='unknown'): h.predict('Новое исследование', n_words=3)
    with pytest.raises(ValueError, match='choose category'): n.predict('K', n_words=3)
    with pytest.raises(ValueError, match='the text is 20,000 characters long; at most 10,000'): h.predict('a'*20_000)
    out = n.predict('K', n_words=8, category='Russian')
    assert out.startswith('K') and not out.endswith('\n')

def test_empty_model_name(tmp_path):
    "helper 36: `awd generate \"\"` said '.: not a complete portable model' (an empty path is the current directory)"
    with pytest.raises(ValueError, match="no model named: give a model directory or file, or a shipped model's name"):
        load_model('')
    r = awd_here('generate', '', '-n', '1')
    assert r.returncode == 2 and 'no model named' in r.stderr and 'Traceback' not in r.stderr

@pytest.mark.parametrize('argv, msg', [
    (['--max-words', '0'], '--max-words must be an integer from 1 to 5000, got 0'),
    (['--min-words', '-1'], '--min-words must be an integer from 0 to 5000, got -1'),
    (['--max-tokens', '1'], 'raise --max-tokens'), (['--bad-word', ''], '--bad-word must not be an empty or blank string'),
    (['--stop', 'x'*300], '--stop: each at most 200 characters'), (['--bad-word', 'x'*300], '--bad-word: each at most 200')])
def test_generate_messages_name_flags(argv, msg):
    "helpers 36 and 38: these said max_words, min_words, raise max_tokens, bad_words and 'stop:' (the API's names)"
    refused(['generate', 'headlines', '-n', '2', *argv], msg)


def test_classifier_counts_refused_before_the_start_line():
    "--lm-epochs -1 and --members 0 were refused after 'training a classifier...' had been printed (helper 39)"
    for flag, v, msg in (('--lm-epochs', '-1', '--lm-epochs must be an integer from 0 to 10,000, got -1'),
                         ('--members', '0', '--members must be a whole number from 1 to 20, got 0')):
        code, out, err = awd('train-classifier', 'reviews', flag, v, '--preset', 'tiny', '--out', '/tmp/never-written')
        assert code == 2 and out == '' and msg in err, (out, err)
    from toolkit.cli import _classes_said
    assert _classes_said(pd.Series([f'c{i}' for i in range(12_752)])) == '12,752 classes' # as '12,752 texts' is


def test_classifier_predict_of_a_number():
    "learn.predict(5) on a classifier raised fastai's AssertionError listing the types it takes (helper 39)"
    from toolkit.all import load_model
    s = load_model('sentiment')
    for x, kind in ((5, 'int'), (3.5, 'float'), (b'abc', 'bytes')):
        with pytest.raises(ValueError, match=f"^the text must be a string, got {kind}$"): s.predict(x)
    assert s.predict(pd.Series({'text': 'A gripping film'}))[0] in ('fresh', 'rotten') # a DataFrame row, as fastai takes
    # a row is checked as its text is (helper 70: it was guessed, or a TypeError), and read from the model's own column
    for row, msg in ((pd.Series({'text': ''}), '^the text is empty: enter a text to classify$'), (pd.Series({'text': 5}), 'got int'),
                     (pd.Series({'text': '这是一部非常好的电影'}), 'unknown'),
                     (pd.Series({'title': 'x', 'id': 3}), "^predict reads a row's 'text' column, and this row has 'title', 'id'")):
        with pytest.raises(ValueError, match=msg): s.predict(row)
    from toolkit.classify import predict_texts # a Series's texts are named by its index, as its rows are
    with pytest.raises(ValueError, match='^text 20 must be a string'): predict_texts(s, pd.Series(['A joy.', None], index=[10, 20]))
    s.awd.card['text_col'] = 'review' # as a model trained on a column 'review' records it
    assert s.predict(pd.Series({'review': 'A gripping film', 'id': 3}))[2].tolist() == s.predict('A gripping film')[2].tolist()

def test_duplicate_columns():
    """A DataFrame with two columns named 'text' (pd.concat of two frames) failed deep inside with pandas' 'Cannot construct
    a Series from a DataFrame' (helper 43): every trainer names the column, before any work"""
    from toolkit.tagger import check_tagged
    from toolkit.lm import category_frame
    df = pd.DataFrame({'text': ['a b', 'c d', 'e f'], 'label': ['x', 'y', 'x']})
    two = pd.concat([df[['text']], df], axis=1)
    msg = r"2 columns are named 'text': a DataFrame's columns need names of their own \(keep one: df.loc"
    with pytest.raises(ValueError, match=msg): train_lm(two, preset='tiny', pretrained=False)
    with pytest.raises(ValueError, match=msg): train_classifier(two, 'text', 'label', preset='tiny', pretrained=False)
    with pytest.raises(ValueError, match=msg): category_frame(two, 'text', 'label')
    tagged = pd.DataFrame({'words': ['It rained'], 'tags': ['PRON VERB']})
    with pytest.raises(ValueError, match="2 columns are named 'tags'"): check_tagged(pd.concat([tagged, tagged[['tags']]], axis=1))

def test_unknown_model_names_the_shipped_models_of_its_kind():
    "`awd classify m_nope` listed the shipped language models and the tagger too: each command names the models it takes"
    refused(['classify', 'm_nope', 'x'], 'm_nope: no such model file or directory; the shipped classifiers are origin, outlet, sentiment')
    refused(['tag', 'm_nope', 'x'], 'the shipped taggers are tagger')
    refused(['generate', 'm_nope'], 'the shipped language models are english, headlines, names')
    refused(['score', 'm_nope', 'x'], 'the shipped language models are english, headlines, names')

def test_copy_in_a_format_not_written(texts_csv, tmp_path):
    "`--out scored.xlsx` wrote CSV text under that name (a spreadsheet then refused to open it): refused before any work"
    for out, suf in (('scored.xlsx', '.xlsx'), ('scored.json.gz', '.json'), ('tagged.txt', '.txt')):
        cmd = ['tag', 'tagger'] if out.startswith('tagged') else ['classify', 'sentiment']
        refused([*cmd, '--csv', texts_csv, '--text-col', 'text', '--out', tmp_path/out],
                f'{out}: a copy is written as .csv, .tsv or .jsonl (each may end in .gz), not {suf}')
        assert not (tmp_path/out).exists()
    from toolkit.data import write_table
    with pytest.raises(ValueError, match='not .xlsx'): write_table(pd.DataFrame({'a': [1]}), tmp_path/'t.xlsx')

def test_vocab_size_of_a_character_model_refused(tmp_path):
    "--vocab-sz with a character tokenizer (asked for, or the corpus's) was ignored without a word (helper 66)"
    said = "sets a subword vocabulary's size; this model's tokenizer is 'char', which keeps every character"
    names = said.replace("'char',", "'char' (a names corpus's),") # (not asked for: said why)
    refused(['train', 'names', '--vocab-sz', '500', '--preset', 'tiny', '--out', tmp_path/'m'], f'--vocab-sz 500 {names}')
    f = tmp_path/'t.csv'; pd.DataFrame({'text': ['good', 'bad'] * 20, 'label': ['p', 'n'] * 20}).to_csv(f, index=False)
    refused(['train-classifier', f, '--tokenizer', 'char', '--vocab-sz', '300', '--no-pretrained', '--out', tmp_path/'c'],
            f'--vocab-sz 300 {said}')
    f = tmp_path/'genre.csv'; pd.DataFrame({'text': ['a good day', 'a bad day'] * 20, 'genre': ['x', 'y'] * 20}).to_csv(f, index=False)
    refused(['train', f, '--category-col', 'genre', '--vocab-sz', '200', '--out', tmp_path/'g'], # not asked for: said why
            "tokenizer is 'char' (the default for a file with --category-col), which keeps every character of the texts: "
            "leave --vocab-sz out, or give --tokenizer subword")
    assert not (tmp_path/'m').exists() and not (tmp_path/'c').exists() and not (tmp_path/'g').exists()

def test_classifier_recipe_counts_of_none_and_both_directions():
    """train_classifier(epochs=None) trained its language model, then failed in fit_ulmfit with a TypeError; None is the
    recipe's, as check_train_args says. bidirectional=True with backwards=True ignored backwards in silence (helper 70)"""
    from toolkit.classify import train_classifier
    from toolkit.recipes import CLASSIFIER_RECIPE
    df = pd.DataFrame({'text': ['a good day', 'a bad day', 'so good', 'so bad'] * 15, 'label': ['p', 'n'] * 30})
    with pytest.raises(ValueError, match='^bidirectional=True trains a forward and a backward classifier: leave backwards out'):
        train_classifier(df, preset='tiny', bidirectional=True, backwards=True)
    learn = train_classifier(df, preset='tiny', pretrain=False, epochs=None, stages=None, members=None, show_progress=False)
    assert len(learn.recorder.values) == CLASSIFIER_RECIPE['epochs'] # one row of metrics an epoch

def test_the_names_recipe_is_for_names_models():
    "A classifier on a subword model with categories (headlines by outlet) got the names recipe: class weight 1, no fine-tuning (helper 82)"
    from toolkit.train import classifier_recipe
    from toolkit.recipes import CLASSIFIER_RECIPE, ORIGIN_RECIPE
    lm = load_model('headlines')
    assert classifier_recipe(load_model('names')) == ORIGIN_RECIPE and classifier_recipe(lm)['epochs'] == CLASSIFIER_RECIPE['epochs']
    lm.awd.categories = ['nyt', 'bbc'] # a subword model trained with categories
    assert classifier_recipe(lm) == {**CLASSIFIER_RECIPE, 'lr': None}

def test_own_file_mistakes_in_the_command_lines_words(texts_csv, tmp_path):
    """Helper 78: a folder with --paragraphs was '[Errno 21] Is a directory'; --category-col naming the text column was
    told about --label-col, a flag `awd train` has not; --max-rows 1 said 'too little text for a batch size of 2'; 'drop
    text_col' and 'a larger valid_pct,' kept the Python names"""
    from toolkit.cli import cli_words
    (tmp_path/'d').mkdir(); (tmp_path/'d'/'a.txt').write_text('a\nb\n')
    for argv, msg in ((['train', tmp_path/'d', '--paragraphs'], f"--paragraphs reads a .txt file (a text a paragraph); {tmp_path/'d'} is a folder"),
                      (['train', texts_csv, '--text-col', 'text', '--category-col', 'text'],
                       '--text-col and --category-col must name two columns (the texts, and their categories)'),
                      (['train', texts_csv, '--max-rows', '1'], '--max-rows 1 leaves 1 text, and training needs at least 2')):
        refused([*argv, '--preset', 'tiny', '--out', tmp_path/'m'], msg)
        assert not (tmp_path/'m').exists()
    assert cli_words('a .txt file has paragraphs and no columns; drop text_col') == \
        'a .txt file has paragraphs and no columns; drop --text-col'
    assert cli_words('a larger valid_pct, another seed') == 'a larger --valid-pct, another seed'
    assert cli_words('learn.text_col is') == 'learn.text_col is' # an attribute, not a flag

def test_category_col_of_a_file_without_categories(tmp_path):
    """--category-col on a file of tickets: NA and null were categories of their own, and the blank ones were told as
    'names have no origin' (helper 78): a text without a category, or one category, is said in the file's words"""
    f = tmp_path/'tickets.csv'
    f.write_text('body,team\n' + ''.join(f'ticket {i} text,{["ops", "sales", "NA", "", "null"][i % 5]}\n' for i in range(50)))
    for tok in ('char', 'subword'):
        refused(['train', f, '--text-col', 'body', '--category-col', 'team', '--tokenizer', tok, '--preset', 'tiny',
                 '--out', tmp_path/'m'], f"{f}: 30 texts have no category in column 'team' (row 4, ...: blank, NA or null)")
    f.write_text('body,team\n' + ''.join(f'ticket {i} text,ops\n' for i in range(50)))
    refused(['train', f, '--text-col', 'body', '--category-col', 'team', '--preset', 'tiny', '--out', tmp_path/'m'],
            "column 'team' has one category ('ops'): nothing to condition on; leave --category-col out")
    assert not (tmp_path/'m').exists()

def test_a_vocab_needs_its_tokenizer(shipped_clf_tagger):
    """`classifier_dls(df, vocab=clf.dls.vocab[0])` (as a loaded model's note says, less its tokenizer) trained a new
    tokenizer whose pieces the saved vocabulary read as unknown, a third of them, and training went on with no word;
    `tagger_dls` dropped the vocab with 'pretrained' (helper 81)"""
    from toolkit.export import load_model
    from toolkit.lm import lm_dls, get_tokenizer
    from toolkit.classify import classifier_dls
    from toolkit.tagger import tagger_dls
    clf, tagger = shipped_clf_tagger
    df, vocab = films(), list(clf.dls.vocab[0])
    said = "vocab is a trained model's vocabulary: pass the tokenizer it was made with too (tokenizer=get_tokenizer(learn)); "
    with pytest.raises(ValueError, match=re.escape(said + "tokenizer='subword' trains a new one")): classifier_dls(df, vocab=vocab)
    with pytest.raises(ValueError, match=re.escape(said + "tokenizer='char' trains a new one")): lm_dls(df, vocab=vocab, tokenizer='char')
    with pytest.raises(ValueError, match=re.escape("tokenizer='pretrained' brings the pretrained model's vocabulary: pass no vocab")):
        tagger_dls(pd.DataFrame({'words': [['a', 'b']] * 20, 'tags': [['X', 'Y']] * 20}), vocab=list(tagger.dls.vocab[0]))
    dls = classifier_dls(df, vocab=vocab, tokenizer=get_tokenizer(clf), bs=8) # with its tokenizer: no unknown pieces
    assert (dls.one_batch()[0] == 0).sum() == 0 and list(dls.vocab[0]) == vocab

def test_a_language_models_functions_name_the_kind_they_got(tmp_path, shipped_clf_tagger):
    """A classifier or tagger given to generate_many, score_texts, next_words or score_csv got "TypeError: unhashable type:
    'CategoryMap'" from deep inside, tag_csv of a classifier an AttributeError (helper 81)"""
    from toolkit.generate import generate_many, score_texts, next_words, score_csv
    from toolkit.tagger import tag_csv
    clf, tagger = shipped_clf_tagger
    pd.DataFrame({'text': ['A film']}).to_csv(tmp_path/'in.csv', index=False)
    for f, said in ((lambda: generate_many(clf, [dict(n=1)]), 'this is a classifier, not a language model: generate needs one'),
                    (lambda: score_texts(clf, ['A film']), 'this is a classifier, not a language model: score needs one'),
                    (lambda: next_words(clf, 'A film'), 'this is a classifier, not a language model: next_words needs one'),
                    (lambda: score_csv(clf, tmp_path/'in.csv', tmp_path/'out.csv'), 'this is a classifier, not a language model'),
                    (lambda: score_texts(tagger, ['A film']), 'this is a tagger, not a language model: score needs one'),
                    (lambda: tag_csv(clf, tmp_path/'in.csv', tmp_path/'out.csv'), 'this is a classifier, not a tagger: tag_csv needs one')):
        with pytest.raises(ValueError, match=re.escape(said)): f()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['in.csv']

def test_lm_of_another_kind_is_named(shipped_clf_tagger):
    """A tagger given as a classifier's lm was called a classifier (with advice for training a classifier further); a
    classifier given as a tagger's lm was told to be made by toolkit, which it was (helper 81)"""
    from toolkit.classify import classifier_dls
    from toolkit.tagger import tagger_dls
    clf, tagger = shipped_clf_tagger
    df = films()
    for f, said in ((lambda: train_classifier(df, lm=tagger, preset='tiny'), 'lm must be a language model, got a tagger'),
                    (lambda: classifier_dls(df, lm=tagger), 'lm must be a language model, got a tagger'),
                    (lambda: tagger_dls(pd.DataFrame({'words': [['a', 'b']] * 20, 'tags': [['X', 'Y']] * 20}), lm=clf),
                     'lm must be a language model, got a classifier')):
        with pytest.raises(ValueError, match=f'^{said}$'): f()

def test_what_was_wrong_is_named():
    """A list to train_classifier or train_tagger got "'list' object has no attribute 'columns'"; a label column with no
    label at all "too few labelled texts for a classifier with batch size 16"; a None among tags the tags list cut at 60
    characters; bad_words=[5] 'got list' (helper 81)"""
    import numpy as np
    from toolkit.tagger import train_tagger, tagger_dls
    df = films()
    with pytest.raises(TypeError, match=r"^df must be a DataFrame with the columns 'text', 'label', got list$"):
        train_classifier(df.text.tolist(), 'text', 'label')
    with pytest.raises(TypeError, match=r"^df must be a DataFrame with the columns 'words', 'tags', got list$"):
        train_tagger([[['a'], ['X']]])
    with pytest.raises(ValueError, match=r"^column 'label' has no labels: its 80 rows are empty"):
        train_classifier(df.assign(label=np.nan), preset='tiny')
    tags = ['DET', 'NOUN', 'NOUN', 'DET', 'NOUN', 'NOUN', 'CONJ', None]
    with pytest.raises(ValueError, match=r"^row 0: the tags must be a list of tags without spaces \(or one string of them "
                       r"separated by spaces\); item 7 is None$"):
        tagger_dls(pd.DataFrame({'words': [['The', 'old', 'man', 'the', 'boat', 'today', 'and', 'more']] * 20, 'tags': [tags] * 20}))
    with pytest.raises(ValueError, match=r"^bad_words must be a string or a list of strings; item 1 is 5$"):
        load_model('headlines').generate(bad_words=['ok', 5])

def test_epochs_and_minutes_in_python():
    "train_lm(minutes=0.05, epochs=3) trained 5.8 epochs, names_lm and train_tagger the same: the budget decided in silence, where the CLI refuses the pair (helper 81)"
    from toolkit.names import names_lm
    from toolkit.tagger import train_tagger
    from toolkit.data import load_corpus
    said = lambda e, m: f'^epochs={e} and minutes={m}: give one of the two \\(a time budget trains as many epochs as fit in it\\)$'
    df = films()[['text']]
    with pytest.raises(ValueError, match=said(3, 0.05)): train_lm(df, minutes=0.05, epochs=3, preset='tiny')
    names = pd.DataFrame({'name': ['Karov', 'Lopez', 'Smith', 'Petrov'] * 60, 'origin': list('RSER') * 60})
    with pytest.raises(ValueError, match=said(7, 0.03)): names_lm(names, minutes=0.03, epochs=7, preset='tiny')
    with pytest.raises(ValueError, match=said(5, 0.05)): train_tagger(load_corpus('pos').head(50), minutes=0.05, epochs=5, preset='tiny')

def test_model_paths_as_users_type_them(tiny_lm, tmp_path):
    """helper 89: a .PKL in capitals was loaded as a pickle but written as a directory and refused by `awd convert`; an
    ensemble's .pkl was refused after the start line; './headlines' was told the shipped models include headlines"""
    from toolkit.export import export_learner, load_model
    export_learner(tiny_lm, tmp_path/'M.PKL')
    assert (tmp_path/'M.PKL').is_file() and load_model(tmp_path/'M.PKL', trust_pickle=True).generate(n=1, seed=0)
    assert awd('convert', tmp_path/'M.PKL', tmp_path/'m', '--trust-pickle')[0] == 0 and (tmp_path/'m'/'config.json').is_file()
    _, out, _ = refused(['train-classifier', 'names', '--members', '2', '--preset', 'tiny', '--out', tmp_path/'e.pkl'],
                        'e.pkl: an ensemble saves as a portable directory (one model per member); give a path without .pkl')
    assert out == '' and not (tmp_path/'e.pkl').exists()
    import os
    here = os.getcwd(); os.chdir(tmp_path)
    try:
        for argv, msg in ((['generate', './headlines'], 'the shipped language model headlines is named by its name alone: headlines'),
                          (['tag', 'tagger/', 'Hi'], 'the shipped tagger tagger is named by its name alone: tagger'),
                          (['generate', 'mymodels/headlines'], 'no such model file or directory; the shipped language models are ')):
            refused(argv, msg) # (a model of one's own under a shipped name was told of the shipped one, helper 92)
        with pytest.raises(FileNotFoundError, match="the shipped model headlines is named by its name alone: 'headlines'"):
            load_model(Path('headlines'))
    finally: os.chdir(here)
    refused(['train', tmp_path/('a' * 300 + '.csv')], 'File name too long') # (a traceback from the card's command, helper 92)

def test_a_folder_of_classes_said_as_a_folder(tmp_path):
    """helper 88: a folder's empty .txt file was noted twice; a folder of one .txt file was said to have "column 'label'
    with 1 class"; --lm-epochs 0 was refused after the start line"""
    from toolkit.data import load_corpus
    texts = load_corpus('headlines').text[:200].tolist()
    (tmp_path/'f').mkdir(); (tmp_path/'f'/'a.txt').write_text('\n'.join(texts[:100])); (tmp_path/'f'/'b.txt').write_text('')
    code, out, err = awd('train-classifier', tmp_path/'f', '--preset', 'tiny', '--out', tmp_path/'m')
    assert code == 2 and out == '' and err.endswith(f"awd: error: {tmp_path/'f'} holds one class (a.txt): a folder is read a "
                                                    "class a .txt file, and a classifier needs at least 2\n"), err
    (tmp_path/'f'/'c.txt').write_text('\n'.join(texts[100:]))
    code, out, err = awd('train-classifier', tmp_path/'f', '--preset', 'tiny', '--lm-epochs', '0', '--out', tmp_path/'m')
    assert code == 2 and out == '' and err.count('left out b.txt (empty)') == 1, err
    assert err.endswith('awd: error: the language-model stage needs --lm-epochs >= 1 (or pass --no-pretrain)\n'), err

def test_try_it_lines_pass_values_that_start_with_a_dash(tiny_lm, tiny_lm_path, tiny_clf, monkeypatch, capsys, tmp_path):
    """`awd train --category-col` on labels such as '-neg' printed 'try it: awd generate MODEL --category -neg -n 5', which
    argparse refuses ('expected one argument', helper 99); a text that starts with '-' goes after '--'"""
    import shlex
    import toolkit.cli as cli
    monkeypatch.setattr(tiny_lm.awd, 'categories', ['-neg', 'plain'])
    monkeypatch.setattr(tiny_lm.awd, 'card', {**tiny_lm.awd.card, 'task': 'generate', 'train_minutes': 0.1})
    cli._saved(tiny_lm, tiny_lm_path)
    assert capsys.readouterr().out.splitlines()[-1] == f"try it: awd generate {tiny_lm_path} --category=-neg -n 5"
    import shutil
    shutil.copytree(tiny_lm_path, tmp_path/'-m'); monkeypatch.chdir(tmp_path) # --out=-m: './-m', or '-m' reads as an option
    monkeypatch.setattr(tiny_lm.awd, 'categories', None)
    cli._saved(tiny_lm, '-m')
    use = capsys.readouterr().out.splitlines()[-1]
    assert use == "try it: awd generate ./-m -n 5" and awd(*shlex.split(use[len('try it: awd '):]))[0] == 0, use
    clf = load_model(tiny_clf)
    monkeypatch.setattr(clf.awd, 'card', {**clf.awd.card, 'train_minutes': 0.1})
    monkeypatch.setattr(cli, '_classify_example', lambda learn: '-great')
    cli._saved(clf, tiny_clf)
    use = capsys.readouterr().out.splitlines()[-1]
    assert use == f"try it: awd classify {tiny_clf} -- -great", use
    code, out, err = awd(*shlex.split(use[len('try it: awd '):]))
    assert code == 0 and out.rstrip().endswith('-great'), (out, err)
