"The `awd` command end to end, as a user runs it."
import contextlib, inspect, io, json, re, subprocess
import pytest
from conftest import awd_here, awd_fresh


@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_train_then_info(awd, tmp_path):
    out = tmp_path/'m'
    r = awd_fresh('train', 'headlines', '--preset', 'tiny', '--max-rows', '1500', '--vocab-sz', '300', '--quiet',
                  '--out', out)
    assert r.returncode == 0, r.stderr
    last, use = r.stdout.strip().splitlines()[-2:]
    assert 'bpc' in last and f'saved {out}' in last and use == f'try it: awd generate {out} -n 5', r.stdout
    card = json.loads(awd_here('info', out).stdout)
    assert card['corpus'] == 'headlines' and card['preset'] == 'tiny' and card['tokenizer']['model_type'] == 'unigram'
    assert {'valid_loss', 'bpc', 'accuracy'} <= set(card['metrics']) and card['versions']['fastai'] == '2.8.12'
    assert [p.name for p in tmp_path.iterdir()] == ['m']

def test_train_missing_file(tmp_path):
    r = awd_here('train', tmp_path/'nope.csv')
    assert r.returncode == 2 and 'nope.csv: no such file' in r.stderr and 'Traceback' not in r.stderr

def test_a_text_file_of_one_line(tmp_path):
    """A .txt of one long line (a book without line breaks) printed 'training ... on 1 texts', then 'need at least 2
    non-empty texts in column 'text'' (helper 40): now before the start line, saying how a .txt file is read"""
    (tmp_path/'book.txt').write_text('It was a dark and stormy night. ' * 200)
    r = awd_here('train', tmp_path/'book.txt', '--out', tmp_path/'m')
    assert r.returncode == 2 and r.stdout == '' and not (tmp_path/'m').exists()
    assert r.stderr == (f"awd: error: {tmp_path/'book.txt'} holds 1 text, and training needs at least 2 (to learn from, "
                        "and to validate); a .txt file is read as one text a line: put each paragraph or sentence on a "
                        "line of its own\n"), r.stderr
    r = awd_here('train', tmp_path/'book.txt', '--paragraphs', '--out', tmp_path/'m') # one paragraph: a blank line between
    assert r.returncode == 2 and r.stderr.endswith('; --paragraphs reads one text a paragraph: put a blank line between '
                                                   'them\n'), r.stderr

def test_generate_says_where_texts_stopped(tiny_lm_path):
    """Texts cut at --max-tokens (200 characters of a character model: mid-word) and texts the model ended right after
    the prompt ('KING.' alone on a line of a play) came back without a word why (helper 40)"""
    r = awd_here('generate', tiny_lm_path, '--prompt', 'New study', '-n', '2', '--max-tokens', '2', '--seed', '0')
    # ('New' alone, a finished word, may now end at once: its first new piece is not glued on)
    assert r.returncode == 0 and r.stderr == ("awd: 2 of 2 texts reached --max-tokens 2 before the model ended them "
                                              "(raise --max-tokens for longer ones)\n"), r.stderr
    assert awd_here('generate', tiny_lm_path, '--prompt', 'New', '--max-tokens', '2', '--no-stop').stderr == ''
    from argparse import Namespace
    from toolkit.cli import _said_ends
    from toolkit.generate import Sample
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        _said_ends([Sample('KING.', -1., 0, ended=True)]*2, Namespace(no_stop=False, max_tokens=200, prompt='KING.'))
    assert err.getvalue() == ("awd: the model ended every text right after the prompt, as its training texts often end "
                              "there (--min-words makes it go on)\n")
    # a names model ended 'Smith' at once: --min-words would make it a two-word name (helper 79)
    r = awd_here('generate', 'names', '--category', 'English', '--prompt', 'Smith', '-n', '3', '--seed', '1')
    assert r.returncode == 0 and r.stdout.split() == ['Smith']*3, r.stdout
    assert r.stderr == "awd: the model ended every text right after the prompt: 'Smith' is a whole text to it (fewer letters leave it room)\n", r.stderr

def test_train_missing_column(tmp_path):
    f = tmp_path/'t.csv'; f.write_text('id,title\n1,a b c\n2,d e f\n')
    r = awd_here('train', f, '--text-col', 'body', '--out', tmp_path/'m.pkl')
    assert r.returncode == 2 and "no text column 'body'; the columns are 'id', 'title'" in r.stderr
    assert not (tmp_path/'m.pkl').exists()

def test_info_corrupt_model(tmp_path):
    f = tmp_path/'bad.pkl'; f.write_bytes(b'not a model at all')
    r = awd_here('info', f)
    assert r.returncode == 2 and 'bad.pkl is a pickle' in r.stderr and '--trust-pickle' in r.stderr
    r = awd_here('info', f, '--trust-pickle')
    assert r.returncode == 2 and 'bad.pkl: not a loadable awd-toolkit model' in r.stderr

def test_generate_limits(tiny_lm_path):
    "The CLI bounds the number of samples, new tokens and the prompt, with messages that give the limit"
    for args, msg in [(['-n', '5000'], '-n must be an integer from 1 to 1000'),
                      (['--max-tokens', '100000'], '--max-tokens must be an integer from 1 to 5000'),
                      (['--prompt', 'x'*20_000], 'the prompt is 20,000 characters long; at most 10,000')]:
        r = awd_here('generate', tiny_lm_path, *args)
        assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr, r.stderr

@pytest.mark.slow # a fresh process
def test_training_into_a_log_file(tmp_path):
    """`awd train ... > train.log` (nohup, a CI log) wrote every update of every progress bar into the file, a carriage
    return apart (fastprogress 1.1.6 asks `stdout.isatty` without calling it): a log gets the per-epoch table's rows"""
    r = awd_fresh('train', 'headlines', '--preset', 'tiny', '--max-rows', '300', '--epochs', '2', '--out', tmp_path/'m')
    assert r.returncode == 0, r.stderr
    assert '\r' not in r.stdout and '█' not in r.stdout and '\r' not in r.stderr, r.stdout[:500]
    lines = r.stdout.splitlines()
    assert [l.split()[0] for l in lines[1:4]] == ['epoch', '0', '1'] and len(lines) == 6, lines

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_train_minutes(awd, tmp_path):
    "--minutes fits training to a time budget: it ends near the budget, with a fractional number of epochs on the card"
    r = awd_fresh('train', 'headlines', '--preset', 'tiny', '--max-rows', '4000', '--vocab-sz', '300', '--minutes', '0.3',
                  '--drop-mult', '0.2', '--quiet', '--out', tmp_path/'m')
    assert r.returncode == 0, r.stderr
    card = json.loads((tmp_path/'m'/'card.json').read_text())
    assert card['epochs'] > 0 and card['train_minutes'] < 1.0 and 'bpc' in card['metrics']
    r = awd_here('train', 'headlines', '--minutes', '1', '--epochs', '2', '--out', tmp_path/'x')
    assert r.returncode == 2 and 'give --epochs or --minutes, not both' in r.stderr

def test_saved_line_says_where_a_time_budget_ended(tmp_path, capsys):
    """A time budget that ran out inside an epoch keeps those weights when they beat the last whole epoch's: the last line
    gave figures in no row of the table, with no word of where they came from (helper 108)"""
    from types import SimpleNamespace as NS
    from toolkit.cli import _saved
    (tmp_path/'m').mkdir(); (tmp_path/'m'/'weights.pt').write_bytes(b'0' * 1000)
    for card, said in [(dict(epochs=1.67), "| the weights as the time ran out, 67% into epoch 2 (no row of the table) |"),
                       (dict(epochs=1.67, kept_epoch=1), "| epoch 1's weights (the best; the table's row 0) |"),
                       (dict(epochs=3), "bpc 1.5 | 0.5 min |")]:
        _saved(NS(awd=NS(card={'metrics': {'bpc': 1.5}, 'train_minutes': 0.5, **card})), tmp_path/'m')
        assert said in capsys.readouterr().out

def test_train_bad_drop_mult(tmp_path):
    r = awd_here('train', 'headlines', '--drop-mult', '-1', '--out', tmp_path/'m')
    assert r.returncode == 2 and 'Traceback' not in r.stderr
    assert '--drop-mult must be a number in (0, 10] (0.01 for almost no dropout), got -1.0' in r.stderr
    assert not (tmp_path/'m').exists()

def help_of(command:str)->str:
    "What `awd COMMAND --help` prints, its whitespace made single spaces (argparse wraps to the terminal's width)"
    from toolkit.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit): main([command, '--help'])
    return ' '.join(out.getvalue().split())

def test_defaults_from_recipes(monkeypatch):
    "The CLI's defaults, and those its help names, are read from toolkit/recipes.py: change a recipe, the CLI follows"
    from toolkit.recipes import CLASSIFIER_RECIPE, ORIGIN_RECIPE, NAMES_RECIPE, NAMES_LR, APP_MODELS
    from toolkit.cli import get_parser
    from toolkit.lm import train_lm
    from toolkit.train import classifier_recipe
    parse = lambda *argv: get_parser().parse_args(list(argv))
    h = help_of('train-classifier')
    assert f"(default: {CLASSIFIER_RECIPE['epochs']}; {ORIGIN_RECIPE['epochs']} on a names model)" in h
    assert f"(default: {CLASSIFIER_RECIPE['lm_epochs']}; {ORIGIN_RECIPE['lm_epochs']} on a names model)" in h
    assert f"(default: {CLASSIFIER_RECIPE['scratch_lr']:g} from scratch, else {CLASSIFIER_RECIPE['lr']:g})" in h
    assert "cross-entropy (default: 0; 1 on a names model)" in h # origins weighted as if balanced (bench/class_weight.py)
    assert parse('train-classifier', 'reviews').members == CLASSIFIER_RECIPE['members']
    names = ', '.join(f"{r['epochs']} for {k}" for k,r in NAMES_RECIPE.items())
    assert f"names: {names}, or as many as a smaller file needs)" in help_of('train')
    from toolkit.recipes import FIT_STEPS, SCRATCH_STEPS
    assert f"about {FIT_STEPS} steps from the pretrained model" in help_of('train') and f"{SCRATCH_STEPS} steps from scratch" in help_of('train')
    assert f"names: {NAMES_LR:g})" in help_of('train') and f"train fresh defaults ({', '.join(APP_MODELS)})" in help_of('serve')
    a = parse('train', 'headlines') # the defaults the CLI shares with the API are the API's
    assert (a.preset, a.seed, a.valid_pct) == tuple(inspect.signature(train_lm).parameters[k].default
                                                    for k in ('preset', 'seed', 'valid_pct'))
    monkeypatch.setitem(CLASSIFIER_RECIPE, 'epochs', 7)
    monkeypatch.setitem(ORIGIN_RECIPE, 'epochs', 11)
    monkeypatch.setitem(CLASSIFIER_RECIPE, 'members', 3)
    monkeypatch.setitem(NAMES_RECIPE['small'], 'epochs', 8)
    assert 'classifier epochs, gradual unfreezing (default: 7; 11 on a names model)' in help_of('train-classifier')
    assert parse('train-classifier', 'reviews').members == 3
    assert '8 for small' in help_of('train')
    assert classifier_recipe()['epochs'] == 7 # what `awd train-classifier` trains with when --epochs is not given

def test_serve_retrain_or_no_train():
    "--retrain trains fresh defaults, --no-train never trains: asking for both is an error that names them"
    r = awd_here('serve', '--retrain', '--no-train')
    assert r.returncode == 2 and 'argument --no-train: not allowed with argument --retrain' in r.stderr, r.stderr

def test_texts_after_an_option(monkeypatch):
    "`awd classify origin --probs Nakamura`: argparse left the text over ('unrecognized arguments: Nakamura')"
    r = awd_here('classify', 'origin', '--probs', 'Nakamura', 'Ivanov')
    assert r.returncode == 0, r.stderr
    assert [json.loads(l)['text'] for l in r.stdout.splitlines()] == ['Nakamura', 'Ivanov']
    r = awd_here('classify', 'origin', 'Nakamura', '--bogus')
    assert r.returncode == 2 and 'unrecognized arguments: --bogus' in r.stderr
    # '-' (the texts from stdin) and texts that start with '-' after an option were refused as options (helper 77)
    r = awd_here('tag', 'tagger', '--probs', '-5 degrees outside', '-3')
    assert r.returncode == 0 and [json.loads(l)['text'] for l in r.stdout.splitlines()] == ['-5 degrees outside', '-3'], r.stderr
    monkeypatch.setattr('sys.stdin', io.StringIO('The dog\n'))
    r = awd_here('tag', 'tagger', '--probs', '-')
    assert r.returncode == 0 and json.loads(r.stdout)['words'] == ['The', 'dog'], r.stderr

def test_output_into_head(awd):
    "`awd generate ... | head -1` printed 'awd: error: [Errno 32] Broken pipe' once head had its line"
    r = subprocess.run(f"'{awd}' generate names --category Russian -n 300 --seed 3 | head -1", shell=True,
                       capture_output=True, text=True, timeout=300)
    assert len(r.stdout.splitlines()) == 1 and r.stderr == '', r.stderr

def test_output_that_is_not_utf8(monkeypatch):
    "stdout in ASCII (PYTHONIOENCODING=ascii, an old console): a name it cannot show failed the command half way (helper 79)"
    import sys
    from toolkit.cli import main
    buf = io.BytesIO()
    monkeypatch.setattr(sys, 'stdout', io.TextIOWrapper(buf, encoding='ascii'))
    main(['classify', 'origin', 'Müller', 'Nakamura'])
    sys.stdout.flush()
    lines = buf.getvalue().decode('ascii').splitlines()
    assert len(lines) == 2 and lines[0].endswith('\tM\\xfcller') and lines[1].endswith('\tNakamura'), lines

@pytest.mark.parametrize('argv, msg', [
    (['generate', 'headlines', '--top-p', '0'], '--top-p must be a number in (0, 1], got 0.0'),
    (['generate', 'headlines', '--top-k', '0'], '--top-k must be an integer >= 1, got 0'),
    (['generate', 'headlines', '-n', '0'], '-n must be an integer from 1 to 1000, got 0'),
    (['generate', 'headlines', '--max-tokens', '0'], '--max-tokens must be an integer from 1 to 5000, got 0'),
    (['generate', 'headlines', '--prompt', 'New study ', '--max-words', '2'], 'ends with a space, which starts word 3: raise --max-words'),
    (['generate', 'headlines', '--no-stop', '--min-words', '3'], '--min-words cannot go with --no-stop: with it every text runs to --max-tokens'),
    (['convert', 'headlines', 'copy', '--trust-pickle'], "headlines is not a .pkl file: convert reads fastai's pickles"),
])
def test_generate_and_convert_errors_in_flags(argv, msg):
    "The API's names (top_p, n, max_tokens) in errors of the command line; convert rewrote a portable model as fp32"
    r = awd_here(*argv)
    assert r.returncode == 2 and msg in r.stderr, r.stderr

def test_directory_of_models(tmp_path):
    "awd info DIR on a directory of portable models said it was an incomplete model, missing its four files"
    from toolkit.export import shipped_models
    import shutil
    shutil.copytree(shipped_models()['names'], tmp_path/'names')
    (tmp_path/'old.pkl').write_bytes(b'')
    r = awd_here('info', tmp_path)
    assert r.returncode == 2 and 'is a directory of models, not a model: name one of names, old.pkl' in r.stderr, r.stderr

def test_serve_address_checked_first(monkeypatch):
    "--port -1 or 70000 was a traceback, --port 0 an httpx one, a bad host blamed the port, GRADIO_SERVER_PORT=abc broke even --port"
    for args, msg in ((['--port', '-1'], '--port -1: the port must be a number from 1 to 65535'),
                      (['--port', '0'], '--port 0: the port must be'),
                      (['--host', 'nonexistent.invalid'], '--host nonexistent.invalid: no such address here')):
        r = awd_here('serve', '--no-train', *args)
        assert r.returncode == 2 and msg in r.stderr, r.stderr
    monkeypatch.setenv('GRADIO_SERVER_PORT', 'abc')
    r = awd_here('serve', '--no-train')
    assert r.returncode == 2 and 'GRADIO_SERVER_PORT=abc: the port must be a number from 1 to 65535' in r.stderr, r.stderr
    from toolkit.core import serve_address
    assert serve_address(None, 7911) == ('127.0.0.1', 7911) # a flag wins over the variable

def test_cli_small_things(tmp_path):
    "--version; an --out that ends in '/' wrote a file of that name; a damaged weights file's message ended mid-sentence"
    import shutil
    from conftest import awd_here
    from toolkit import __version__
    out = awd_here('--version')
    assert out.returncode == 0 and out.stdout.strip() == f'awd-toolkit {__version__}'
    (tmp_path/'n.csv').write_text('name\nNakamura\n')
    out = awd_here('classify', 'origin', '--csv', str(tmp_path/'n.csv'), '--out', f'{tmp_path}/new/')
    assert out.returncode == 2 and f'{tmp_path}/new/ is a directory: give the file to write' in out.stderr, out.stderr
    assert not (tmp_path/'new').exists()
    from toolkit.export import shipped_models
    shutil.copytree(shipped_models()['names'], tmp_path/'dmg')
    w = tmp_path/'dmg'/'weights.pt'
    w.write_bytes(w.read_bytes()[:1000])
    out = awd_here('generate', str(tmp_path/'dmg'))
    assert out.returncode == 2 and out.stderr.rstrip().endswith('failed finding central directory.)'), out.stderr

def test_a_folder_named_like_a_shipped_model(tmp_path, monkeypatch):
    "A folder of notes called 'headlines' in the working directory hid the shipped model ('not a complete portable model')"
    from conftest import awd_here
    monkeypatch.chdir(tmp_path)
    (tmp_path/'headlines').mkdir(); (tmp_path/'headlines'/'notes.txt').write_text('x')
    out = awd_here('generate', 'headlines', '-n', '2', '--seed', '1')
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 2, out.stderr
    (tmp_path/'names').mkdir(); (tmp_path/'names'/'weights.pt').write_bytes(b'x') # a model's file: a damaged model
    out = awd_here('generate', 'names', '--category', 'Irish')
    assert out.returncode == 2 and 'names: not a complete portable model, missing config.json' in out.stderr
    out = awd_here('classify')
    assert 'required: model (then texts, or --csv FILE) (see `awd classify --help`)' in out.stderr
    assert '(see `awd convert --help`)' in awd_here('convert', 'p.pkl', '--out', 'x', '--nope').stderr

# ---------------------------------------------------------------- a user's own small data (helper 31's hunt)

@pytest.fixture
def products(tmp_path):
    "300 short product names, as a user brings them: one a line"
    import random
    rng = random.Random(0)
    a, b, c = (['Smart', 'Mini', 'Bright', 'Zen', 'Urban', 'Fresh'], ['Kettle', 'Lamp', 'Watch', 'Pillow', 'Desk', 'Toaster'],
               ['Pro', 'Duo', 'X', 'Plus', 'S', 'Max'])
    f = tmp_path/'products.txt'
    f.write_text('\n'.join(f'{rng.choice(a)} {rng.choice(b)} {rng.choice(c)}' for _ in range(300)) + '\n')
    return f

@pytest.mark.slow
def test_small_data_gets_a_fitting_batch_and_epochs(products, tmp_path):
    """`awd train products.txt` (300 names, 2,000 tokens) was refused: the preset's batch of 64 x 64 tokens did not fill
    once. 1,000 headlines trained 5 steps in one epoch and wrote generic English. Without --bs and --epochs, small data
    gets a smaller batch (8 batches an epoch) and about 60 steps; the last line says how to use the model"""
    r = awd_here('train', products, '--out', tmp_path/'p') # the small preset, from the pretrained model: about 15 s
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    import re
    from toolkit.lm import fit_epochs
    sized = next(l for l in lines if re.match(r'\d+ epochs? of \d+ batch', l))
    epochs, batches, bs = map(int, re.match(r'(\d+) epochs? of (\d+) batch(?:es)? of (\d+) x 64 tokens', sized).groups())
    assert bs == 8 and "(the preset's batches of 64 would make fewer than 8 an epoch)" in sized and epochs == fit_epochs(batches) > 1, sized
    assert lines[-1] == f"try it: awd generate {tmp_path/'p'} -n 5"
    assert json.loads((tmp_path/'p'/'card.json').read_text())['epochs'] == epochs
    r = awd_here('train', products, '--bs', '64', '--out', tmp_path/'q')
    assert r.returncode == 2 and 'too little text for a language model with batch size 64' in r.stderr # asked for: kept

@pytest.mark.slow
def test_an_interrupted_runs_checkpoint_is_not_written_over(products, tmp_path):
    "The same command again without --resume silently replaced an interrupted run's checkpoint (3 epochs lost)"
    from toolkit.train import checkpoint_path, check_checkpoint
    ck = checkpoint_path(tmp_path/'p'); ck.mkdir()
    (ck/'checkpoint.json').write_text(json.dumps(dict(epoch=3)))
    r = awd_here('train', products, '--preset', 'tiny', '--epochs', '5', '--out', tmp_path/'p')
    assert r.returncode == 2 and r.stdout == '' and (f"{ck} holds epoch 3 of an interrupted run of this model: resume it "
                                                     "(--resume), or delete it to start afresh") in r.stderr, r
    check_checkpoint(tmp_path/'p', resume=True) # resuming is what it is for
    assert (ck/'checkpoint.json').is_file()

def test_classifier_labels_guessed_and_named(tmp_path):
    "A column named 'label' is the labels, as 'text' is the texts; the start line names few classes, and case twins"
    from toolkit.cli import _classes_said
    import pandas as pd
    (tmp_path/'t.csv').write_text('text,sentiment\ngood,pos\nbad,neg\n')
    r = awd_here('train-classifier', tmp_path/'t.csv', '--out', tmp_path/'c')
    assert r.returncode == 2 and "which column holds the labels? pass --label-col; the columns are 'text', 'sentiment'" in r.stderr
    assert _classes_said(pd.Series(['yes', 'No', 'no', 'yes'])) == "3 classes: No, no, yes; note 'No' and 'no' differ only in case"
    assert _classes_said(pd.Series([str(i) for i in range(9)])) == '9 classes'

def test_try_it_names_a_category_and_label_is_found(tmp_path):
    "The try-it line of a names model gave a command that fails (it needs a category); 'Label' was not found"
    from toolkit.cli import _label_col_of
    (tmp_path/'t.csv').write_text('text,Label\ngood,pos\n')
    assert _label_col_of(str(tmp_path/'t.csv')) == 'Label'
    r = awd_here('train', 'names', '--preset', 'tiny', '--max-rows', '300', '--epochs', '1', '--quiet', '--out', tmp_path/'n')
    assert r.returncode == 0, r.stderr
    use = r.stdout.strip().splitlines()[-1]
    assert use.startswith(f"try it: awd generate {tmp_path/'n'} --category ") and use.endswith(' -n 5'), use
    assert awd_here(*use[len('try it: awd '):].split()).returncode == 0

def test_a_classifier_is_tried_on_one_of_its_own_texts(tmp_path):
    "A names classifier was told to try 'a text to classify', which it reads as an odd name (helper 65)"
    import shlex
    r = awd_here('train-classifier', 'names', '--preset', 'tiny', '--max-rows', '300', '--epochs', '1', '--quiet',
                 '--out', tmp_path/'c')
    assert r.returncode == 0, r.stderr
    use = r.stdout.strip().splitlines()[-1]
    assert use.startswith(f"try it: awd classify {tmp_path/'c'} ") and 'a text to classify' not in use, use
    name = shlex.split(use)[-1]
    from toolkit.data import load_corpus
    assert name in set(load_corpus('names').name), name
    r = awd_here(*shlex.split(use[len('try it: awd '):]))
    assert r.returncode == 0 and r.stdout.rstrip().endswith(name), r.stderr
    card = json.loads((tmp_path/'c'/'card.json').read_text()) # how its texts were chosen and split (helper 68)
    assert (card['max_rows'], card['valid_pct'], card['seed'], card['group_col']) == (300, 0.1, 42, None), card
    # a classifier as --lm: told how to train it further in Python, which works as written (helper 68)
    r = awd_here('train-classifier', 'names', '--lm', tmp_path/'c', '--out', tmp_path/'c2')
    assert r.returncode == 2 and 'To train a classifier further on new texts, do it in Python: ' in r.stderr, r.stderr
    from toolkit.all import load_model, classifier_dls, get_tokenizer, export_learner
    df = load_corpus('names').sample(200, random_state=1).rename(columns={'name': 'text', 'origin': 'label'})
    code = r.stderr.strip().split('do it in Python: ')[1].replace('; ', '\n')
    exec(code.replace('MODEL', repr(str(tmp_path/'c'))).replace('OUT', repr(str(tmp_path/'c2'))))
    assert json.loads((tmp_path/'c2'/'card.json').read_text())['continued_from'][0]['n_texts'] == 300

def test_a_time_budget_is_told_to_delete_a_checkpoint(tmp_path):
    "A --minutes run over an interrupted --epochs run's checkpoint was told to --resume, which a time budget cannot"
    from toolkit.train import checkpoint_path
    ck = checkpoint_path(tmp_path/'m'); ck.mkdir(); (ck/'checkpoint.json').write_text('{"epoch": 2}')
    r = awd_here('train', 'headlines', '--preset', 'tiny', '--minutes', '1', '--out', tmp_path/'m')
    assert r.returncode == 2 and 'holds epoch 2 of an interrupted run of this model: a run with a time budget cannot ' \
                                  'resume it: delete it to start afresh' in r.stderr, r.stderr

@pytest.mark.slow # a fresh process
def test_a_giant_cell_is_said(tmp_path):
    """One 500,000-character cell (helper 46; here 20,000: a quote left open swallows the rows after it) took over a language model's training
    without a word: a warning names its row, in awd's words (not Python's 'UserWarning' with a source line)"""
    import pandas as pd
    from toolkit.data import load_corpus
    t = load_corpus('headlines').text.sample(300, random_state=0).tolist()
    t[5] = '\n'.join(['x ' * 99 + 'x'] * 100) # the rows after an open quote, in its cell (a long text of one line is
    # no open quote)
    pd.DataFrame({'title': t}).to_csv(tmp_path/'long.csv', index=False)
    r = awd_fresh('train', 'long.csv', '--text-col', 'title', '--preset', 'tiny', '--epochs', '1', '--out',
                  tmp_path/'m', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("awd: warning: long.csv: row 7 (19,999 characters), where the median text has ") and \
        'UserWarning' not in r.stderr, r.stderr

class _Terminal(io.StringIO):
    "Standard output that is a terminal (as a user's shell has it), for a command run in this process"
    def isatty(self): return True

@pytest.mark.parametrize('cmd,model,rows', [('classify', 'sentiment', 300), ('tag', 'tagger', 200)])
def test_csv_commands_show_progress_in_a_terminal(tmp_path, cmd, model, rows):
    """`awd classify --csv` ran 84 s over 50,000 rows without a line, `awd tag --csv` likewise (helper 46): a terminal
    shows a bar over the batches; a log file or a pipe gets only the last line"""
    import pandas as pd
    from toolkit.cli import main
    src = tmp_path/'texts.csv'
    pd.DataFrame({'text': ['A fine film, and well made.'] * rows}).to_csv(src, index=False)
    said = {}
    for name, stdout in [('terminal', _Terminal()), ('log', io.StringIO())]:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            main([cmd, model, '--csv', str(src), '--out', str(tmp_path/f'{name}.csv')])
        said[name] = stdout.getvalue()
    assert '100.00% [' in said['terminal'] and said['terminal'].rstrip().endswith(f"wrote {tmp_path/'terminal.csv'}")
    assert said['log'] == f"wrote {tmp_path/'log.csv'}\n", said['log']
    assert pd.read_csv(tmp_path/'terminal.csv').equals(pd.read_csv(tmp_path/'log.csv'))

def test_json_output_keeps_accents(tiny_lm_path, tmp_path):
    "`awd classify --probs` and `awd info` wrote 'soci\\u00e9t\\u00e9' where `tag --probs` and `score` wrote 'société' (helper 48)"
    from toolkit.export import export_learner
    r = awd_here('classify', 'sentiment', 'Un film génial', '--probs')
    assert r.returncode == 0 and json.loads(r.stdout)['text'] == 'Un film génial' and 'génial' in r.stdout, r.stdout
    from toolkit.export import load_model
    m = export_learner(load_model(tiny_lm_path), tmp_path/'m', corpus='données.csv') # (a copy: the session's model keeps its card)
    r = awd_here('info', m)
    assert json.loads(r.stdout)['corpus'] == 'données.csv' and '"données.csv"' in r.stdout, r.stdout

def test_train_a_model_further(tiny_lm_path, tmp_path):
    """A finished model could not be trained further on new texts: `--resume` said 'train without --resume', which
    started afresh (helper 49). `awd train DATA --lm MODEL` goes on from MODEL's weights, tokenizer and vocabulary,
    and its card says what it was trained on before"""
    import pandas as pd, torch
    from toolkit.data import load_corpus
    from toolkit.export import load_model
    pd.DataFrame({'title': load_corpus('headlines').text[5000:5400]}).to_csv(tmp_path/'more.csv', index=False)
    out = tmp_path/'m2'
    r = awd_here('train', tmp_path/'more.csv', '--lm', tiny_lm_path, '--epochs', '1', '--lr', '1e-9', '--out', out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"training {tiny_lm_path} further on 400 texts from {tmp_path/'more.csv'} (a tiny "
                               "AWD-LSTM, its subword tokenizer) on cpu"), r.stdout
    before, after = load_model(tiny_lm_path), load_model(out)
    assert after.dls.vocab == before.dls.vocab # (a learning rate of 1e-9: the weights it started from, as they were)
    assert all(torch.allclose(a, b, atol=1e-4) for a, b in zip(before.model.state_dict().values(),
                                                                after.model.state_dict().values()))
    card = json.loads(awd_here('info', out).stdout)
    assert card['corpus'] == 'more.csv' and card['n_texts'] == 400 and card['lm'] == str(tiny_lm_path)
    r = awd_here('train', tmp_path/'more.csv', '--lm', tiny_lm_path, '--minutes', '0.05', '--out', tmp_path/'m3')
    assert r.returncode == 0 and re.search(r'\nbatches of \d+ x \d+ tokens, \d+ an epoch', r.stdout), r.stdout # how it
    # was sized, as a first run says (nothing was said: helper 108)
    assert card['continued_from'][0]['corpus'] == before.awd.card['corpus']
    assert card['command'] == f"awd train more.csv --epochs 1 --lr 1e-09 --lm {tiny_lm_path}", card
    r = awd_here('train', tmp_path/'more.csv', '--lm', tiny_lm_path, '--tokenizer', 'char', '--resume', '--out', out)
    assert r.returncode == 2 and 'drop --tokenizer, --resume' in r.stderr, r.stderr
    r = awd_here('train', tmp_path/'more.csv', '--lm', 'names', '--out', tmp_path/'n2')
    assert r.returncode == 2 and 'names is conditioned on categories (Arabic, Chinese, Czech, ...): training it further ' \
                                 'is not supported' in r.stderr, r.stderr
    r = awd_here('train', tmp_path/'more.csv', '--resume', '--out', tmp_path/'m3')
    assert r.returncode == 2 and 'to train a finished model further on new texts: --lm MODEL' in r.stderr, r.stderr

def test_train_classifier_says_the_users_columns(tmp_path):
    """`--group-col grp` with one group said "need at least 2 groups in column 'group'"; a guessed text column was
    `text_col: null` in the card; a label with a comma read as two classes on the start line (helper 53)"""
    import pandas as pd
    from toolkit.data import load_corpus
    df = pd.DataFrame({'text': load_corpus('reviews').text[:200].tolist(), 'label': ['good, really', 'bad'] * 100,
                       'grp': 'A'})
    df.to_csv(tmp_path/'t.csv', index=False)
    r = awd_here('train-classifier', tmp_path/'t.csv', '--group-col', 'grp', '--preset', 'tiny', '--out', tmp_path/'m')
    assert r.returncode == 2 and "need at least 2 groups in column 'grp' to split by group, got 1" in r.stderr, r.stderr
    r = awd_here('train-classifier', tmp_path/'t.csv', '--preset', 'tiny', '--lm-epochs', '1', '--epochs', '1', '--quiet',
                 '--out', tmp_path/'m')
    assert r.returncode == 0 and "(2 classes: 'bad', 'good, really')" in r.stdout, r.stdout + r.stderr
    assert json.loads(awd_here('info', tmp_path/'m').stdout)['text_col'] == 'text'

def test_greedy_says_its_texts_are_one():
    "`awd generate headlines -n 5 --greedy` printed five identical lines with no word of why (helper 61)"
    r = awd_here('generate', 'headlines', '-n', '3', '--greedy', '--max-tokens', '20')
    assert r.returncode == 0 and len(set(r.stdout.splitlines())) == 1, r.stdout
    assert 'awd: --greedy writes the same text every time: the 3 above are one' in r.stderr, r.stderr
    r = awd_here('generate', 'headlines', '-n', '1', '--greedy', '--max-tokens', '20')
    assert 'same text every time' not in r.stderr
    # a --top-p so small it keeps one piece is greedy too, with no word of it (helper 79)
    r = awd_here('generate', 'headlines', '-n', '3', '--top-p', '1e-9', '--max-tokens', '20')
    assert r.returncode == 0 and len(set(r.stdout.splitlines())) == 1, r.stdout
    assert 'awd: --top-p 1e-09 writes the same text every time: the 3 above are one' in r.stderr, r.stderr

def test_train_errors_name_what_the_user_typed(tmp_path):
    """`awd train --category-col nope` said "no label column"; --lm-epochs with --no-pretrain was ignored; --lm-vote
    was called lm_vote=True; a blank header was listed as 'Unnamed: 0', a name not in the file (helper 82)"""
    import pandas as pd
    from toolkit.data import load_corpus
    d = load_corpus('headlines').sample(60, random_state=0)[['text', 'source']]
    d.to_csv(tmp_path/'h.csv', index=False)
    d.assign(label=['yes', 'no'] * 30)[['text', 'label']].to_csv(tmp_path/'c.csv', index=False)
    (tmp_path/'b.csv').write_text(',source\nHello world,a\nAnother one,b\n')
    for argv, said in ((['train', tmp_path/'h.csv', '--category-col', 'nope'], "h.csv: no category column 'nope'; the columns are 'text', 'source'"),
                       (['train-classifier', tmp_path/'c.csv', '--no-pretrain', '--lm-epochs', '2'],
                        "--lm-epochs 2 with --no-pretrain: no language model is trained; leave one of the two out"),
                       (['train-classifier', tmp_path/'c.csv', '--lm', 'names', '--lm-vote', '--bs', '8'],
                        "--lm-vote needs the labels to be the --lm model's categories (labels it has no category for: no, yes;"),
                       (['train', tmp_path/'b.csv'], "b.csv: which column holds the texts? Pass --text-col; the columns are "
                        "'Unnamed: 0' (a blank header), 'source'")):
        r = awd_here(*argv, *([] if '--lm' in argv else ['--preset', 'tiny']), '--out', tmp_path/'m') # (--lm: its size)
        assert r.returncode == 2 and said in r.stderr and r.stderr.startswith('awd: error: '), (argv, r.stderr)
        assert not (tmp_path/'m').exists()

def _headlines_csv(f):
    "300 headlines in a CSV's text column: a small file of a user's own"
    import pandas as pd
    from toolkit.data import load_corpus
    pd.DataFrame({'text': load_corpus('headlines').text[:300]}).to_csv(f, index=False)

def test_a_time_budget_says_its_batches(tmp_path):
    "A --minutes run went straight to the table, where the README says a line before the progress says what was chosen (helper 82)"
    import re
    _headlines_csv(tmp_path/'t.csv')
    r = awd_here('train', tmp_path/'t.csv', '--preset', 'tiny', '--minutes', '0.02', '--out', tmp_path/'m')
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and re.fullmatch(r'batches of \d+ x 32 tokens, \d+ an epoch', lines[1]), r.stdout
    assert lines[2].startswith('epoch ')

def test_a_vocab_sz_the_texts_cannot_fill_is_said(tmp_path):
    "--vocab-sz 100000 on 300 headlines gave 1,248 pieces with no word (SentencePiece's limit is soft; helper 82)"
    import re
    _headlines_csv(tmp_path/'t.csv')
    r = awd_here('train', tmp_path/'t.csv', '--preset', 'tiny', '--epochs', '1', '--quiet', '--vocab-sz', '100000', '--out', tmp_path/'m')
    got = int(json.loads((tmp_path/'m'/'card.json').read_text())['tokenizer']['vocab_sz'])
    assert r.returncode == 0 and got < 100_000 and (f"awd: --vocab-sz 100,000: these texts make {got:,} pieces at most, "
                                                    "the vocabulary's size") in r.stderr, r.stderr

def test_a_folder_named_as_a_corpus_is_carded_as_the_users(tmp_path):
    """A user's folder called `names` (PyTorch's data/names, as the README trains `my_names`) was recorded on the card as
    the corpus 'names', its command `awd train names ...`: run anywhere else it trains the bundled corpus, and the app
    took the model for one of it (helper 106). The card says 'names/', which reads as the folder wherever it is run"""
    d = tmp_path/'names'
    d.mkdir()
    (d/'Czech.txt').write_text('\n'.join(['Novak', 'Dvorak', 'Svoboda', 'Kral', 'Horak', 'Cerny'] * 12) + '\n')
    (d/'Irish.txt').write_text('\n'.join(['Murphy', 'Kelly', 'Walsh', 'Byrne', 'Ryan', 'Doyle'] * 12) + '\n')
    r = awd_fresh('train', 'names', '--category-col', 'label', '--tokenizer', 'char', '--preset', 'tiny', '--epochs', '1',
                  '--out', 'mine', cwd=tmp_path)
    assert r.returncode == 0 and 'on 144 texts from names' in r.stdout, r.stdout + r.stderr
    card = json.loads((tmp_path/'mine'/'card.json').read_text())
    assert card['corpus'] == 'names/' and card['command'].startswith('awd train names/ '), card
    assert sorted(card['categories']) == ['Czech', 'Irish'] # (the folder's: not the bundled corpus's 18 origins)
    from toolkit.cli import _corpus_name
    assert _corpus_name('names') == 'names' and _corpus_name(str(tmp_path/'mine')) == 'mine' # elsewhere: the corpus

def test_a_second_training_run_into_the_same_out_is_refused(tmp_path, capsys):
    "Two `awd train` runs into one --out wrote one checkpoint by turns and the last to finish won; the second was told "
    "the first's checkpoint was of an interrupted run (helper 113). The second is refused at once, naming the first"
    import argparse, os
    from toolkit.cli import main, _one_run_at
    out = tmp_path/'m'
    with _one_run_at(argparse.Namespace(command='train', out=str(out))): # the first run, still writing
        for argv in (['train', 'headlines', '--max-rows', '200', '--preset', 'tiny', '--epochs', '1', '--out', str(out)],
                     ['train-classifier', 'reviews', '--max-rows', '200', '--preset', 'tiny', '--out', str(tmp_path/'.'/'m')]):
            with pytest.raises(SystemExit) as e: main(argv)
            assert e.value.code == 2
            err = capsys.readouterr().err
            assert f'another training run is writing there now (process {os.getpid()}); wait for it to end, or give this ' \
                   'one another --out' in err, err
        assert not out.exists() # nothing started
        with _one_run_at(argparse.Namespace(command='train', out=str(tmp_path/'other'))): pass # another --out: free
    main(['train', 'headlines', '--max-rows', '200', '--preset', 'tiny', '--epochs', '1', '--out', str(out)]) # the first ended
    assert (out/'config.json').exists()
