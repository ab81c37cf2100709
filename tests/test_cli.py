"The `awd` command end to end, as a user runs it."
import json, subprocess

def run(*args, check=False):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600, check=check)

def test_train_then_info(awd, tmp_path):
    out = tmp_path/'m'
    r = run(awd, 'train', 'headlines', '--preset', 'tiny', '--max-rows', '1500', '--vocab-sz', '300', '--quiet', '--out', str(out))
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert 'bpc' in last and f'saved {out}' in last
    card = json.loads(run(awd, 'info', str(out), check=True).stdout)
    assert card['corpus'] == 'headlines' and card['preset'] == 'tiny' and card['tokenizer']['model_type'] == 'unigram'
    assert {'valid_loss', 'bpc', 'accuracy'} <= set(card['metrics']) and card['versions']['fastai'] == '2.8.12'
    assert [p.name for p in tmp_path.iterdir()] == ['m']

def test_train_missing_file(awd, tmp_path):
    r = run(awd, 'train', str(tmp_path/'nope.csv'))
    assert r.returncode == 2 and 'nope.csv: no such file' in r.stderr and 'Traceback' not in r.stderr

def test_train_missing_column(awd, tmp_path):
    f = tmp_path/'t.csv'; f.write_text('id,title\n1,a b c\n2,d e f\n')
    r = run(awd, 'train', str(f), '--text-col', 'body', '--out', str(tmp_path/'m.pkl'))
    assert r.returncode == 2 and "no text column 'body'; the columns are 'id', 'title'" in r.stderr
    assert not (tmp_path/'m.pkl').exists()

def test_info_corrupt_model(awd, tmp_path):
    f = tmp_path/'bad.pkl'; f.write_bytes(b'not a model at all')
    r = run(awd, 'info', str(f))
    assert r.returncode == 2 and 'bad.pkl is a pickle' in r.stderr and '--trust-pickle' in r.stderr
    r = run(awd, 'info', str(f), '--trust-pickle')
    assert r.returncode == 2 and 'bad.pkl: not a loadable awd-toolkit model' in r.stderr

def test_generate_limits(awd, tiny_lm_path):
    "The CLI bounds the number of samples, new tokens and the prompt, with messages that give the limit"
    for args, msg in [(['-n', '5000'], 'n must be an integer from 1 to 1000'),
                      (['--max-tokens', '100000'], 'max_tokens must be an integer from 1 to 5000'),
                      (['--prompt', 'x'*20_000], 'the prompt is 20,000 characters long; at most 10,000')]:
        r = run(awd, 'generate', str(tiny_lm_path), *args)
        assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr, r.stderr

def test_train_minutes(awd, tmp_path):
    "--minutes fits training to a time budget: it ends near the budget, with a fractional number of epochs on the card"
    r = run(awd, 'train', 'headlines', '--preset', 'tiny', '--max-rows', '4000', '--vocab-sz', '300', '--minutes', '0.3',
            '--drop-mult', '0.2', '--quiet', '--out', str(tmp_path/'m'))
    assert r.returncode == 0, r.stderr
    card = json.loads((tmp_path/'m'/'card.json').read_text())
    assert card['epochs'] > 0 and card['train_minutes'] < 1.0 and 'bpc' in card['metrics']
    r = run(awd, 'train', 'headlines', '--minutes', '1', '--epochs', '2', '--out', str(tmp_path/'x'))
    assert r.returncode == 2 and 'give --epochs or --minutes, not both' in r.stderr

def test_train_bad_drop_mult(awd, tmp_path):
    r = run(awd, 'train', 'headlines', '--drop-mult', '-1', '--out', str(tmp_path/'m'))
    assert r.returncode == 2 and 'drop_mult must be a number in (0, 10] (0.01 for almost no dropout), got -1.0' in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'m').exists()
