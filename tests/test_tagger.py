"""The part-of-speech tagger: it learns, its tags line up with the words of the text, it exports and loads, and bad
input gets a clear error from the API, the command line and the app alike."""
import json, re, subprocess, sys
import pandas as pd
import pytest
from toolkit.tagger import (train_tagger, tagger_dls, synthetic_tagged, split_words, predict_words, tag_csv,
                            check_tagged, word_pieces, IGNORE)
from toolkit.export import export_learner, load_model
from toolkit.data import load_corpus, brown_universal
from toolkit.lm import has_pretrained
from toolkit.recipes import TAGGER_RECIPE
from conftest import awd_here, awd_fresh

@pytest.fixture(scope='module')
def tagger():
    """A tiny tagger from scratch that has learnt the synthetic rule (NUM: a number, CAP: a capital, LOW: the rest). Read at
    each word's last piece, the capital's mark is pieces back: 10 epochs (100% from the 4th; 6 reached 85%)"""
    return train_tagger(synthetic_tagged(800), pretrained=False, preset='tiny', epochs=10, lr=2e-2, vocab_sz=60, bs=16,
                        show_progress=False)

def test_learns_a_rule(tagger):
    "Validation accuracy reaches 100% on the rule, and new sentences of known words are tagged by it"
    assert tagger.recorder.values[-1][2] == 1.0
    words = 'London Anna 1961 the cat sat home 42 Rome'.split()
    assert predict_words(tagger, [words]) == [['CAP', 'CAP', 'NUM', 'LOW', 'LOW', 'LOW', 'LOW', 'NUM', 'CAP']]

@pytest.mark.parametrize('text', [
    "Don't  underestimate Mrs. O'Hara's un-be-liev-able “Zanzibarian” stamina!",
    'He paid $4,000 (about 25%) -- in the U.S., in 1961.',
    'ALL CAPS and MiXeD case, tabs\tand\nnew lines...',
    'Émigrés’ cafés: naïve? Ja!'])
def test_tags_line_up_with_the_text(tagger, text):
    "Each tag belongs to a word of the original text: its span in the text is the word, punctuation apart"
    res = tagger.predict(text)
    assert [text[t.start:t.end] for t in res] == [t.word for t in res] == [w.text for w in split_words(text)]
    assert all(t.tag in ('CAP', 'LOW', 'NUM') and 0 < t.prob <= 1 for t in res)
    assert ''.join(text[t.start:t.end] for t in res) == ''.join(text.split()) # every character of every word

@pytest.mark.parametrize('at', ['last', 'first'])
def test_one_target_per_word(at):
    "Exactly one target a word, at its last (or first) piece, whatever the number of pieces"
    df = pd.DataFrame({'words': ['Supercalifragilistic words', 'A B C'], 'tags': ['X Y', 'Y Y X']})
    dls = tagger_dls(df.assign(is_valid=[False, True]), tokenizer='subword', vocab_sz=40, bs=2, label_at=at)
    assert dls.label_at == at
    for ds, words in ((dls.train_ds, ['Supercalifragilistic', 'words']), (dls.valid_ds, ['A', 'B', 'C'])):
        x, y = ds[0]
        pieces, idx = word_pieces(dls.tok, words, at)
        assert (y != IGNORE).nonzero().flatten().tolist() == idx and len(x) == len(pieces) > len(idx)
    _, firsts = word_pieces(dls.tok, ['Supercalifragilistic'])
    _, lasts = word_pieces(dls.tok, ['Supercalifragilistic'], 'last')
    assert lasts[0] > firsts[0] # a word of several pieces: the two are different pieces

def test_export_and_load_in_a_fresh_process(tagger, tmp_path):
    "A saved tagger, loaded in another process, gives the same tags; a damaged one is a clear error"
    texts = ['Anna ran 7 cat home Rome.', "Paris, London and 1961: the dog's home!"]
    export_learner(tagger, tmp_path/'t', corpus='synthetic')
    want = [[(t.word, t.tag) for t in r] for r in tagger.predict_texts(texts)]
    code = ("import json, sys; from toolkit.export import load_model; t = load_model(sys.argv[1]); "
            "print(json.dumps([[(w.word, w.tag) for w in r] for r in t.predict_texts(json.loads(sys.argv[2]))]))")
    r = subprocess.run([sys.executable, '-c', code, str(tmp_path/'t'), json.dumps(texts)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout) == [[list(p) for p in s] for s in want]
    loaded = load_model(tmp_path/'t')
    card = loaded.awd.card
    assert card['task'] == 'tag' and card['tags'] == ['CAP', 'LOW', 'NUM'] and card['kind'] == 'TaggerLearner'
    assert json.loads((tmp_path/'t'/'config.json').read_text())['arch']['label_at'] == loaded.dls.label_at == 'last'
    (tmp_path/'t'/'weights.pt').write_bytes(b'not torch')
    with pytest.raises(ValueError, match='weights.pt is damaged'): load_model(tmp_path/'t')
    with pytest.raises(ValueError, match='a tagger saves as a portable directory'): export_learner(tagger, tmp_path/'t.pkl')

def test_older_taggers_read_first_pieces(tmp_path):
    "A tagger saved before `label_at` (its config.json has none) trained on first pieces: it loads reading them"
    first = train_tagger(synthetic_tagged(400), pretrained=False, preset='tiny', epochs=6, lr=2e-2, vocab_sz=60, bs=16,
                         label_at='first', show_progress=False)
    export_learner(first, tmp_path/'t')
    cfg = json.loads((tmp_path/'t'/'config.json').read_text())
    assert cfg['arch'].pop('label_at') == 'first'
    (tmp_path/'t'/'config.json').write_text(json.dumps(cfg)) # as a tagger saved before label_at
    old = load_model(tmp_path/'t')
    text = 'Anna ran 7 cat home Rome'
    assert old.dls.label_at == 'first'
    a, b = old.predict(text), first.predict(text)
    assert [r.tag for r in a] == [r.tag for r in b] and [r.prob for r in a] == pytest.approx([r.prob for r in b], abs=1e-2)

BAD = [({'words': ['The jury said', 'It rained'], 'tags': ['DET NOUN VERB', 'PRON']}, 'row 1: 2 words but 1 tag'),
       ({'words': ['The jury', '   '], 'tags': ['DET NOUN', '']}, 'row 1: the sentence is empty'),
       ({'words': ['It rained'], 'tags': [3.5]}, 'row 0: the tags must be a list of tags'),
       ({'words': ['It rained'], 'tags': ["['PRON', 'VERB'"]}, 'look like a list but do not parse')]

@pytest.mark.parametrize('data, msg', BAD)
def test_bad_sentences_api(data, msg):
    with pytest.raises(ValueError, match=msg): check_tagged(pd.DataFrame(data))
    with pytest.raises(ValueError, match=msg): train_tagger(pd.DataFrame(data), pretrained=False, preset='tiny')

CLI_BAD = [({'words': ['The jury said', 'It rained'], 'tags': ['DET NOUN VERB', 'PRON']}, 'bad.csv: row 3: 2 words but 1 tag'),
           ({'words': ['The jury', '   '], 'tags': ['DET NOUN', '']}, 'bad.csv: row 3: the sentence is empty'),
           ({'words': ['It rained'], 'tags': [3.5]}, 'bad.csv: row 2: 2 words but 1 tag')] + BAD[3:]

@pytest.mark.parametrize('data, msg', CLI_BAD)
def test_bad_sentences_cli(tmp_path, data, msg):
    """The command line says the same (in a file every value is text: 3.5 is one tag), in one line, and writes nothing;
    rows are the file's, as a spreadsheet numbers them (the header is row 1)"""
    pd.DataFrame(data).to_csv(tmp_path/'bad.csv', index=False)
    r = awd_here('train-tagger', tmp_path/'bad.csv', '--no-pretrained', '--preset', 'tiny', '--out', tmp_path/'t')
    assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'t').exists()

def test_tag_weight_out_of_range(tmp_path):
    "A tag weight outside 0-1 is refused before any work, by the API and by the command line, which writes nothing"
    with pytest.raises(ValueError, match='tag_weight must be a number from 0 to 1'):
        train_tagger(synthetic_tagged(50), pretrained=False, preset='tiny', tag_weight=1.5)
    synthetic_tagged(50).to_csv(tmp_path/'tagged.csv', index=False)
    r = awd_here('train-tagger', tmp_path/'tagged.csv', '--no-pretrained', '--preset', 'tiny', '--tag-weight', '-1',
                 '--out', tmp_path/'t')
    assert r.returncode == 2 and '--tag-weight must be a number from 0 to 1, got -1.0' in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'t').exists()

@pytest.mark.slow
def test_cli_train_tag_and_csv(awd, tmp_path):
    "`awd train-tagger` on a file, then `awd tag` on texts and on a CSV file"
    df = synthetic_tagged(600)
    df.to_csv(tmp_path/'tagged.csv', index=False)
    r = awd_fresh('train-tagger', tmp_path/'tagged.csv', '--no-pretrained', '--preset', 'tiny', '--epochs', '10',
                  '--lr', '0.02', '--vocab-sz', '60', '--bs', '16', '--quiet', '--out', tmp_path/'t')
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'accuracy' in r.stdout and 'saved' in r.stdout
    card = json.loads((tmp_path/'t'/'card.json').read_text())
    assert card['tag_weight'] == TAGGER_RECIPE['tag_weight'] # (helper 68)
    # the command as typed, the file by its name: the options it said nothing of (helper 86), not --out or --quiet
    assert card['command'] == ('awd train-tagger tagged.csv --no-pretrained --preset tiny --epochs 10 --lr 0.02 --bs 16 '
                               '--vocab-sz 60'), card
    r = awd_fresh('tag', tmp_path/'t', 'Anna ran 7 cat home Rome')
    assert r.stdout.strip() == 'Anna/CAP ran/LOW 7/NUM cat/LOW home/LOW Rome/CAP'
    pd.DataFrame({'text': ['Anna sat', '', 'Rome 42']}).to_csv(tmp_path/'in.csv', index=False)
    r = awd_fresh('tag', tmp_path/'t', '--csv', tmp_path/'in.csv')
    out = pd.read_csv(tmp_path/'in.tags.csv', keep_default_na=False)
    assert r.returncode == 0 and list(out.pred_tags) == ['CAP LOW', '', 'CAP NUM']
    r = awd_here('tag', tmp_path/'t')
    assert r.returncode == 2 and 'give texts to tag' in r.stderr

def test_app_tag_handler(app_models):
    "The Tag tab's handler: spans that rebuild the text, a table of words and tags; bad input is a clear error"
    from toolkit.app import Handlers
    h = Handlers(app_models)
    text = 'The old man  the boat.'
    spans, table = h.tag(text)
    assert ''.join(s for s, _ in spans) == text
    assert [s for s, t in spans if t is not None] == list(table.word) == ['The', 'old', 'man', 'the', 'boat', '.']
    assert set(table.tag) <= set(load_model_tags(app_models['tagger']))
    for bad, msg in (('   ', 'enter a sentence to tag'), ('x'*10_000, 'the text is 10,000 characters long')):
        with pytest.raises(Exception, match=msg): h.tag(bad)
    with pytest.raises(Exception, match="unknown tagger 'nope'"): h.tag('Hi', 'nope')
    h.close()

def load_model_tags(learn): return learn.tags

def test_universal_mapping_on_the_corpus():
    "The pos corpus: universal tags for every word, every Brown tag mapped, the test part from held-out files"
    df = load_corpus('pos')
    assert (df.words.str.split().str.len() == df.upos.str.split().str.len()).all()
    assert set(t for s in df.upos for t in s.split()) == {'ADJ', 'ADP', 'ADV', 'CONJ', 'DET', 'NOUN', 'NUM', 'PRON',
                                                          'PRT', 'VERB', '.', 'X'}
    assert brown_universal('NNS$-TL') == 'NOUN' and brown_universal('BEDZ*') == 'VERB'
    assert not set(df[df.part == 'test'].file) & set(df[df.part == 'train'].file)

@pytest.mark.skipif(not has_pretrained(), reason='the pretrained English model is not in the package')
def test_pretrained_start_beats_scratch():
    "The same recipe on 400 sentences reaches a lower validation loss from the pretrained English model than from scratch"
    df = load_corpus('pos')
    df = pd.concat([df[df.part == 'train'].head(400), df[df.part == 'valid'].head(100)])
    df['is_valid'] = df.part == 'valid'
    losses = {}
    for pre in (True, False):
        learn = train_tagger(df, 'words', 'upos', pretrained=pre, epochs=1, seed=0, show_progress=False)
        losses[pre] = learn.recorder.values[-1][1]
    assert losses[True] < losses[False], losses

def test_lists_written_without_quotes():
    "[cat, Rome, home] in a CSV (a list written without quotes) trained on tags '[CAP,' and 'LOW]' without a word"
    words, tags = check_tagged(pd.DataFrame({'words': ['[cat, Rome, home]', '(the, dog)', '[ The jury ]'],
                                             'tags': ['[LOW, CAP, LOW]', '(LOW,LOW)', '. X Y .']}))
    assert words == [['cat', 'Rome', 'home'], ['the', 'dog'], ['[', 'The', 'jury', ']']] # words between brackets stay words
    assert tags[:2] == [['LOW', 'CAP', 'LOW'], ['LOW', 'LOW']]

def test_words_sentencepiece_drops():
    "A zero-width space or a BOM is a word SentencePiece reads as nothing: the tagger crashed (IndexError) or shifted every later tag"
    from toolkit.tagger import word_pieces
    from toolkit.lm import load_pretrained
    tok = load_pretrained(weights=False)['tokenizer']
    pieces, idx = word_pieces(tok, ['hello', '\u200b', 'world', '\ufeff'])
    assert len(idx) == 4 and len(set(idx)) == 4 and max(idx) < len(pieces) and pieces[idx[1]] == pieces[idx[3]] == 'xxunk'
    res = load_model('tagger').predict('Hello\u200b world again')
    assert [t.word for t in res] == ['Hello\u200b', 'world', 'again'] and res[1].tag == 'NOUN' # part of its word (helper 37)

def test_backward_lm_refused():
    "A backward language model's encoder read texts from their end: a tagger trained from it without a word"
    from toolkit.lm import train_lm
    from toolkit.tagger import tagger_learner
    df = synthetic_tagged(40)
    texts = pd.DataFrame({'text': [' '.join(w) if isinstance(w, list) else w for w in df.words]})
    lm = train_lm(texts, preset='tiny', epochs=1, backwards=True, pretrained=False, tokenizer='char', show_progress=False)
    with pytest.raises(ValueError, match='reads texts from their end .* start it from a forward model'):
        tagger_learner(tagger_dls(df, lm=lm), lm=lm)

def test_quotes_as_the_tagger_was_trained(tmp_path, monkeypatch):
    "A tagger trained on plain quotes (\") was given Brown's `` and '' by predict: 245 of 400 quotes tagged wrong"
    import toolkit.tagger
    rows = [{'words': ['"', 'cat', '"', 'ran'], 'tags': ['Q', 'LOW', 'Q', 'LOW']}, {'words': ['Rome', 'sat'], 'tags': ['CAP', 'LOW']}]
    t = train_tagger(pd.DataFrame(rows * 20), pretrained=False, preset='tiny', epochs=1, show_progress=False, vocab_sz=40)
    assert t.dls.quotes == 'plain'
    export_learner(t, tmp_path/'t')
    seen = []
    real = toolkit.tagger._tag_batches
    monkeypatch.setattr(toolkit.tagger, '_tag_batches', lambda learn, sents, *a: seen.append(sents) or real(learn, sents, *a))
    assert [w.word for w in load_model(tmp_path/'t').predict('“cat” ran "fast"')] == ['“', 'cat', '”', 'ran', '"', 'fast', '"']
    assert seen[-1] == [['“', 'cat', '”', 'ran', '"', 'fast', '"']]
    load_model('tagger').predict('“cat” ran "fast"') # the shipped tagger, trained on Brown: its `` and ''
    assert seen[-1] == [['``', 'cat', "''", 'ran', '``', 'fast', "''"]]

def test_text_the_tagger_cannot_read(tmp_path):
    "'東京の新しい研究' came back as one word tagged '.' (punctuation); the classifiers and language models refuse it"
    from conftest import awd_here
    tagger = load_model('tagger')
    with pytest.raises(ValueError, match="'東京の新しい研究': this model reads 100% of it as unknown pieces"):
        tagger.predict('東京の新しい研究')
    with pytest.raises(ValueError, match='text 1: '): tagger.predict_texts(['A cat sat.', ['東京', '研究']])
    assert [t.word for t in tagger.predict('The 東京 boat')] == ['The', '東京', 'boat'] # a word it cannot read, among others
    (tmp_path/'t.csv').write_text('text\nA cat sat.\n東京の新しい研究\nThe dog ran.\n')
    out = awd_here('tag', 'tagger', '--csv', str(tmp_path/'t.csv'), '--out', str(tmp_path/'o.csv'))
    assert out.returncode == 0 and 'awd: 1 row left untagged, read mostly as unknown pieces by this model (row 3)' in out.stderr
    import pandas as pd
    df = pd.read_csv(tmp_path/'o.csv')
    assert df.pred_tags.isna().tolist() == [False, True, False] and df.pred_tags[2] == 'DET NOUN VERB .'
    out = awd_here('tag', 'tagger', 'A cat sat.', '東京の新しい研究', 'The dog ran.') # the others are tagged
    assert out.returncode == 2 and out.stdout.splitlines() == ['A/DET cat/NOUN sat/VERB ./.', 'The/DET dog/NOUN ran/VERB ./.']
    assert out.stderr == "awd: error: text 2 of 3: '東京の新しい研究': this model reads 100% of it as unknown pieces " \
        "('東京の新しい研究'): it could only guess\n", out.stderr
    out = awd_here('tag', 'tagger', '東京の新しい研究', '東京の新しい研究') # every text failing alike: still numbered
    assert out.returncode == 2 and out.stderr.startswith("awd: error: text 1 of 2: '東京の新しい研究': ") # (the API's
    assert 'text 2 of 2' in out.stderr, out.stderr # message was passed on as an option's, helper 104)
    out = awd_here('tag', 'tagger', 'a\x01b', 'c\x01d') # ('text 0: it holds a control character')
    assert out.returncode == 2 and out.stderr.startswith('awd: error: text 1 of 2: it holds a control character'), out.stderr

def test_conll_files(tmp_path):
    "CoNLL files as users have them (helper 31 found them refused): CoNLL-2003's document lines, gzip, and a .txt of sentences"
    import gzip
    from toolkit.tagger import read_conll
    ner = '-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n'
    (tmp_path/'ner.conll.gz').write_bytes(gzip.compress(ner.encode()))
    df = read_conll(tmp_path/'ner.conll.gz')
    assert df.columns.tolist() == ['words', 'tags', 'col3', 'col4']
    assert check_tagged(df, tags_col='col4') == ([['EU', 'rejects'], ['Peter', 'Blackburn']], [['B-ORG', 'O'], ['B-PER', 'I-PER']])
    (tmp_path/'head.conll').write_text('word\tpos\nThe\tDT\ndog\tNN\n\nIt\tPRP\n') # a header line (helper 37)
    assert read_conll(tmp_path/'head.conll').words.tolist() == ['The dog', 'It']
    (tmp_path/'ud.txt').write_text('# sent_id = 1\n# text = I do.\n1\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n'
                                   '2\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n')
    assert read_conll(tmp_path/'ud.txt').tags.tolist() == ['PRON AUX PUNCT'] # CoNLL-U by its lines, not only its name (helper 38)
    (tmp_path/'sents.txt').write_text('The jury said it.\nIt rained.\n')
    r = awd_here('train-tagger', tmp_path/'sents.txt', '--no-pretrained', '--preset', 'tiny', '--out', tmp_path/'t')
    assert r.returncode == 2 and 'Traceback' not in r.stderr, r.stderr
    assert "sents.txt, line 2: 2 fields where the first line of a word has 4" in r.stderr and 'a table of sentences is a .csv' in r.stderr
    r = awd_here('train-tagger', tmp_path/'ner.conll.gz', '--tags-col', 'ner', '--no-pretrained', '--preset', 'tiny',
                 '--out', tmp_path/'t')
    assert r.returncode == 2 and "no column 'ner'; the columns are 'words', 'tags', 'col3', 'col4'" in r.stderr
    assert not (tmp_path/'t').exists()

def test_words_of_pasted_text():
    """helper 37: invisible characters pasted from web pages became words and split words (infor / soft hyphen /
    mation), a non-breaking hyphen split co-operate, a sentence's last 'No.' swallowed its full stop, 'home.Then' was one word"""
    cases = {'infor\xadmation is key': (['infor\xadmation', 'is', 'key'], 'information'),
             '\ufeffHe said \u200bno\u200e.': (['He', 'said', 'no\u200e', '.'], 'He'),
             'co\u2011operate now': (['co\u2011operate', 'now'], 'co-operate'),
             'Did you go? No.': (['Did', 'you', 'go', '?', 'No', '.'], 'Did'),
             'See No. 5 today': (['See', 'No.', '5', 'today'], 'See'),
             'I went home.Then I slept.': (['I', 'went', 'home', '.', 'Then', 'I', 'slept', '.'], 'I'),
             'U.S. and example.com': (['U.S.', 'and', 'example.com'], 'U.S.'),
             'www.Google.com \u200d ok': (['www.Google.com', 'ok'], 'ok'), # helper 38: a lone zero-width joiner
             # helper 110: a curly apostrophe after a plural, a keycap, an Indic word's vowel signs, a digit's mark
             "the boys’ toys": (['the', 'boys’', 'toys'], "boys'"), '1\ufe0f\u20e3 first': (['1\ufe0f\u20e3', 'first'], 'first'),
             'नमस्ते hello': (['नमस्ते', 'hello'], 'hello'), '5\u0301 cats': (['5\u0301', 'cats'], 'cats')}
    for text, (words, form) in cases.items():
        ws = split_words(text)
        assert [w.text for w in ws] == words and all(text[w.start:w.end] == w.text for w in ws), (text, ws)
        assert form in [w.form for w in ws]
    assert split_words('\u200b') == []

def test_tagged_data_users_bring(tmp_path):
    "helper 37: spaced brackets lost their brackets, one column as words and tags, one tag, a listed word with a space"
    from toolkit.tagger import check_training_sentences
    assert check_tagged(pd.DataFrame({'words': ['( a , b )'], 'tags': ['( X , X )']}))[0] == [['(', 'a', ',', 'b', ')']]
    slash = pd.DataFrame({'text': ['The/DT dog/NN barks/VBZ', 'It/PPS rains/VBZ']})
    with pytest.raises(ValueError, match=r"no column 'words'.*column 'text' holds word/TAG tokens .*split them"):
        check_tagged(slash)
    with pytest.raises(ValueError, match="the words and the tags are the same column, 'text'"):
        check_tagged(slash, 'text', 'text')
    with pytest.raises(ValueError, match="every word has the tag 'X' .*two tags or more"):
        check_training_sentences(pd.DataFrame({'words': ['a b', 'c d'], 'tags': ['X X', 'X X']}))
    pd.DataFrame({'words': ['a b']*3, 'tags': ['X X']*3}).to_csv(tmp_path/'one.csv', index=False)
    r = awd_here('train-tagger', tmp_path/'one.csv', '--no-pretrained', '--preset', 'tiny', '--out', tmp_path/'t')
    assert r.returncode == 2 and 'a tagger needs two tags or more' in r.stderr and 'training a tagger' not in r.stdout
    pd.DataFrame({'words': ['a b'], 'tags': ['X Y']}).to_csv(tmp_path/'single.csv', index=False)
    r = awd_here('train-tagger', tmp_path/'single.csv', '--no-pretrained', '--preset', 'tiny', '--out', tmp_path/'t')
    assert r.returncode == 2 and 'single.csv holds one sentence' in r.stderr and 'training a tagger' not in r.stdout
    assert "reads a .txt file as CoNLL's" not in r.stderr
    (tmp_path/'sents.txt').write_text('The dog runs.\nA cat sleeps.\n') # a sentence a line, as many words each: one
    r = awd_here('train-tagger', tmp_path/'sents.txt', '--no-pretrained', '--preset', 'tiny', '--out', tmp_path/'t')
    assert r.returncode == 2 and "sents.txt holds one sentence" in r.stderr, r.stderr # CoNLL sentence (no hint, helper 77)
    assert "it reads a .txt file as CoNLL's (a word and its tag a line" in r.stderr and not (tmp_path/'t').exists()

def test_tagger_lists_get_preds_and_threads(tagger, tmp_path):
    """helper 37: get_preds failed with more than one batch ('list' has no 'softmax'); a listed word with a space was
    tagged as one, its CSV copy's words and tags then disagreeing; a JSON line's bad list named the wrong row and no
    file; one tagger used from several threads crossed their encoder states"""
    import threading
    with pytest.raises(ValueError, match="^the text: the word 'New York' holds a space"): tagger.predict(['New York', 'is'])
    assert [w.word for w in tagger.predict([' padded ', 'Rome'])] == ['padded', 'Rome']
    (tmp_path/'w.jsonl').write_text('{"words": ["Anna", "sat"]}\n{"words": ""}\n{"words": ["Rome", ""]}\n')
    with pytest.raises(ValueError, match=r"w.jsonl: row 3 is a list of words with an empty word"):
        tag_csv(tagger, tmp_path/'w.jsonl', tmp_path/'w.tags.csv')
    assert not (tmp_path/'w.tags.csv').exists()
    with pytest.raises(ValueError, match=r"not a DataFrame: pass a column, df\[col\]\.tolist\(\)"): # its column names were tagged
        tagger.dls.test_dl(pd.DataFrame({'text': ['Anna sat']}))
    texts = ['Anna ran 7 cat home Rome', 'Rome 42', 'the cat sat on a mat in Rome today', 'Anna']
    p, y = tagger.get_preds(dl=tagger.dls.test_dl(texts, bs=2))
    assert p.shape[:2] == y.shape and p.shape[0] == len(texts)
    got = [[tagger.tags[j] for j in p[k][y[k] != IGNORE].argmax(-1).tolist()] for k in range(len(texts))]
    assert got == [[w.tag for w in s] for s in tagger.predict_texts(texts)]
    alone, res = [[w.tag for w in s] for s in tagger.predict_texts(texts*10)], {}
    def run(i): res[i] = [[w.tag for w in s] for s in tagger.predict_texts(texts*10, bs=2 + i)]
    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    assert all(v == alone for v in res.values()) and len(res) == 4

def test_loaded_tagger_refusal_says_how():
    """`fit` on a loaded tagger said to give it `lm_dls` or `classifier_dls` (the classifier's failed: '392 different
    labels in 400 rows', helper 42): a tagger's refusal names `tagger_dls` with its own reading, and that works"""
    from toolkit.lm import get_tokenizer
    learn = load_model('tagger')
    # the columns it was trained on, its card's (it said 'tags', which in the pos corpus are Brown's: helper 91)
    with pytest.raises(ValueError, match=r"tagger_dls\(df, 'words', 'upos', tokenizer=get_tokenizer\(learn\), vocab=learn"
                                         r"\.dls\.vocab\[0\], tags=learn\.tags, label_at=learn\.dls\.label_at, quotes="):
        learn.fit(1)
    df = load_corpus('pos').sample(48, random_state=0) # the advice, as written, on the corpus it was trained on
    learn.dls = tagger_dls(df, 'words', 'upos', tokenizer=get_tokenizer(learn), vocab=learn.dls.vocab[0], tags=learn.tags,
                           label_at=learn.dls.label_at, quotes=learn.dls.quotes)
    with learn.no_bar(): learn.fit(1, 1e-6)
    assert learn.validate()[1] > 0.9 # the shipped tagger's accuracy, kept

def test_conllu_by_its_lines_with_a_word_of_several_first(tmp_path):
    """A CoNLL-U file named .conll whose first word line is a word of several ('1-2 del', as Spanish, French, Italian
    and German treebanks begin) was read as a word and its tags a line: the ids became the words and the forms the
    tags, and a tagger trained on it without a word (helper 42). Its UPOS are `tags`, and `upos` too"""
    from toolkit.tagger import read_conll
    row = lambda *f: '\t'.join(f + ('_',) * (10 - len(f)))
    ud = '\n'.join(['# text = Del mar.', row('1-2', 'Del'), row('1', 'De', 'de', 'ADP', 'SP'), row('2', 'el', 'el', 'DET', 'DA'),
                    row('3', 'mar', 'mar', 'NOUN', 'NC'), row('3.1', 'x', 'x', 'X', 'X'), row('4', '.', '.', 'PUNCT', 'FP'), ''])
    for name in ('es.conll', 'es.txt', 'es.conllu'):
        (tmp_path/name).write_text(ud)
        df = read_conll(tmp_path/name)
        assert df.words.tolist() == ['De el mar .'] and df.tags.tolist() == ['ADP DET NOUN PUNCT'], (name, df)
        assert df.upos.tolist() == df.tags.tolist() and df.xpos.tolist() == ['SP DA NC FP']

def test_tag_csv_reads_listed_words(tmp_path):
    """`awd tag --csv` tagged a column of word lists written as text (as `train-tagger` reads them) as a text: the
    brackets, quotes and commas got tags of their own (helper 42). Such a cell is its words, as listed"""
    learn = load_model('tagger')
    src = tmp_path/'lists.csv'
    pd.DataFrame({'words': ["['He', 'ordered', 'tea', '.']", 'He ordered tea.', "['Mr.', \"O'Neil\"]"]}).to_csv(src, index=False)
    tag_csv(learn, src, tmp_path/'out.csv', text_col='words')
    out = pd.read_csv(tmp_path/'out.csv')
    assert out.pred_words.tolist() == ['He ordered tea .', 'He ordered tea .', "Mr. O'Neil"], out
    assert out.pred_tags[0] == out.pred_tags[1] == 'PRON VERB NOUN .', out
    pd.DataFrame({'words': ["['He', 'ran]"]}).to_csv(src, index=False)
    with pytest.raises(ValueError, match=r"lists.csv: row 2: the words \"\['He', 'ran\]\" look like a list but do not parse"):
        tag_csv(learn, src, tmp_path/'bad.csv', text_col='words')
    assert not (tmp_path/'bad.csv').exists()
    # texts that only start and end as a list does: the whole file was refused for one (helper 77)
    texts = ["('Tis the season)", "['Note'] see the appendix ('A')", '("Hello")', "('a', 'b')"]
    pd.DataFrame({'text': texts}).to_csv(src, index=False)
    out = pd.read_csv(tag_csv(learn, src, tmp_path/'texts.csv'))
    assert out.pred_words.tolist()[:3] == [' '.join(w.word for w in learn.predict(t)) for t in texts[:3]], out
    assert out.pred_words[3] == 'a b' # a tuple of words written as text: its words

def test_word_slash_tag_sentences(tmp_path):
    """A .txt of NLTK's and the Brown corpus's own format (a sentence a line, 'The/DT dog/NN') said 'holds one sentence'
    or 'line 2: 3 fields where the first line of a word has 4' (helper 42): it is read, and trained on"""
    from toolkit.tagger import read_conll
    f = tmp_path/'brown.txt'
    f.write_text('The/DT dog/NN barked/VBD ./.\nA/DT cat/NN sat/VBD ./.\n\nIt/PRP ran/VBD ./.\nDogs/NNS run/VBP ./.\n')
    assert read_conll(f).values.tolist()[:2] == [['The dog barked .', 'DT NN VBD .'], ['A cat sat .', 'DT NN VBD .']]
    r = awd_here('train-tagger', f, '--no-pretrained', '--preset', 'tiny', '--epochs', '1', '--quiet', '--out', tmp_path/'t')
    assert r.returncode == 0 and (tmp_path/'t').exists(), r.stderr
    f.write_text('The/DT dog/NN\nIt ran/VBD\n')
    r = awd_here('train-tagger', f, '--no-pretrained', '--preset', 'tiny', '--out', tmp_path/'u')
    assert r.returncode == 2 and "brown.txt, line 2: 'It' has no tag after a slash" in r.stderr and not (tmp_path/'u').exists()

def test_a_first_word_that_starts_with_a_hash(tmp_path):
    """A line that starts with '#' is a comment when its fields are not a word's: a first word '#MeToo' and its tag were
    dropped as a comment (a later one was read as a word, helper 77)"""
    from toolkit.tagger import read_conll
    f = tmp_path/'tweets.conll'
    f.write_text('#MeToo\tB-HASH\nis\tO\n\n# a comment\n#\nThe\tO\n#dogs\tB-HASH\n')
    assert read_conll(f).values.tolist() == [['#MeToo is', 'B-HASH O'], ['The #dogs', 'O B-HASH']]

def test_numbered_tags_in_value_order():
    "Numbered tags (a dataset's ner_tags, 0-8 and more) were ordered as text, '10' before '2' (helper 42): by value, as classes are"
    df = pd.DataFrame({'words': ['a b c', 'd e', 'f g h', 'i j'] * 5, 'tags': ['0 10 2', '1 11', '2 0 10', '1 3'] * 5})
    assert list(tagger_dls(df, tokenizer='subword', vocab_sz=40, bs=4).vocab[1]) == ['0', '1', '2', '3', '10', '11']

def test_time_budget_ending_inside_an_epoch(tmp_path):
    """`awd train-tagger --minutes` on a big file saved 'metrics': {} and 'epochs': 2 (the recipe's) when the budget
    ended inside the first epoch, which never validated: the card has the validation and the epochs trained"""
    import json
    from toolkit.train import train_tagger_and_export
    train_tagger_and_export(synthetic_tagged(3000), tmp_path/'t', preset='tiny', pretrained=False, minutes=0.005,
                            show_progress=False)
    card = json.loads((tmp_path/'t'/'card.json').read_text())
    assert 0 < card['epochs'] < 1 and {'valid_loss', 'accuracy'} <= set(card['metrics']), card

def test_conll_shaped_tsv_and_a_header_naming_the_columns(tmp_path):
    """A CoNLL file named .tsv (NER downloads often are) was read as a table, its first word and tag taken for column
    names ("no column 'words'; the columns are 'And', 'O'"); a header line's names were thrown away (`--tags-col ner`
    refused) (helper 54): the .tsv is read as CoNLL, the header's names name the columns"""
    sents = ['EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\ncall\tO\n', 'Peter\tB-PER\nBlackburn\tI-PER\n']*20
    (tmp_path/'ner.tsv').write_text('\n'.join(sents))
    r = awd_here('train-tagger', tmp_path/'ner.tsv', '--no-pretrained', '--preset', 'tiny', '--epochs', '1', '--quiet',
                 '--out', tmp_path/'t')
    assert r.returncode == 0, r.stderr
    assert 'training a tagger' in r.stdout and '40 sentences' in r.stdout.splitlines()[0], r.stdout
    (tmp_path/'h.conll').write_text('Word POS NER\n' + '\n'.join(s.replace('\t', ' NNP ') for s in sents))
    r = awd_here('train-tagger', tmp_path/'h.conll', '--tags-col', 'ner', '--no-pretrained', '--preset', 'tiny',
                 '--epochs', '1', '--quiet', '--out', tmp_path/'t2')
    assert r.returncode == 0, r.stderr
    assert sorted(load_model(tmp_path/'t2').tags) == ['B-MISC', 'B-ORG', 'B-PER', 'I-PER', 'O']

def test_try_it_line_of_a_tagger_of_another_language(tmp_path):
    """A tagger of Russian was told to try it on 'The old man the boat.', which it refused (helper 54): the try-it line
    is one of its own sentences, and runs"""
    import shlex
    sents = [('Старик сидит в лодке .', 'NOUN VERB ADP NOUN .'), ('Мама мыла раму .', 'NOUN VERB NOUN .')]*30
    pd.DataFrame(sents, columns=['words', 'tags']).to_csv(tmp_path/'ru.csv', index=False)
    r = awd_here('train-tagger', tmp_path/'ru.csv', '--no-pretrained', '--preset', 'tiny', '--epochs', '1', '--quiet',
                 '--out', tmp_path/'t')
    assert r.returncode == 0, r.stderr
    use = r.stdout.splitlines()[-1]
    assert use.startswith(f"try it: awd tag {tmp_path/'t'} ") and 'boat' not in use, use
    r = awd_here(*shlex.split(use[len('try it: awd '):]))
    assert r.returncode == 0 and '/' in r.stdout, r.stderr

def test_copies_of_a_sentence_on_one_side():
    """An entity corpus repeats lines (bylines, datelines): the tagger's split put copies on both sides and scored it on
    sentences it trained on (helper 54); they now stay on one side, as `awd train` keeps a text's copies"""
    df = synthetic_tagged(300)
    df = pd.concat([df, df.head(100), df.head(100)], ignore_index=True) # 100 sentences three times
    dls = tagger_dls(df, tokenizer='subword', vocab_sz=60, bs=16)
    train, valid = ({' '.join(w) for w in ds.words} for ds in (dls.train_ds, dls.valid_ds))
    assert valid and not train & valid
    assert len(dls.train_ds) + len(dls.valid_ds) == len(df)

def test_swapped_dataloaders_of_other_tags_refused(tagger, tmp_path):
    """fastai trains on new data with `learn.dls = new_dls`: a tagger read its tags from them, so a set with a tag
    renamed (X -> FOREIGN) trained, exported and loaded, then tagged 'men' FOREIGN; other counts gave an IndexError
    (helper 62). Now each use says the DataLoaders are not the model's, and how to make them"""
    from toolkit.lm import get_tokenizer
    df = synthetic_tagged(60)
    renamed = df.assign(tags=df.tags.str.replace('CAP', 'AAA'))
    tags = tagger.tags
    tagger.dls = tagger_dls(renamed, tokenizer=get_tokenizer(tagger), vocab=tagger.dls.vocab[0], bs=16)
    try:
        msg = "learn.dls holds other tags than this model was made with (as many, but 'AAA' where it has 'CAP')"
        for use in (tagger.validate, lambda: tagger.fit(1), lambda: tagger.predict('Anna ran'),
                    lambda: export_learner(tagger, tmp_path/'t')):
            with pytest.raises(ValueError, match=re.escape(msg) + '.*tags=learn.tags'): use()
        assert tagger.tags == tags and not (tmp_path/'t').exists() # the model's own tags, and nothing written
    finally: tagger.dls = tagger_dls(df, tokenizer=get_tokenizer(tagger), vocab=tagger.dls.vocab[0], tags=tags, bs=16)
    assert [t.tag for t in tagger.predict('Anna ran 7')] == ['CAP', 'LOW', 'NUM'] # its own tags again: fine

def test_tagger_from_a_language_model_by_name_and_its_size(tiny_lm_path, tmp_path):
    """helper 62: `lm='path'` (as --lm takes it) was "'str' object has no attribute 'train_ds'"; a tiny lm's tagger
    needed preset='tiny' said again ("size mismatch for encoder.weight"); a tagger had no load_encoder (fastai's flow)"""
    from toolkit.tagger import tagger_learner
    df = synthetic_tagged(40)
    dls = tagger_dls(df, lm=str(tiny_lm_path), bs=16)
    learn = tagger_learner(dls, lm=tiny_lm_path)
    assert learn.awd.preset == 'tiny'
    lm = load_model(tiny_lm_path)
    lm.path = tmp_path
    lm.save_encoder('enc')
    fresh = tagger_learner(dls, preset='tiny')
    fresh.path = tmp_path
    fresh.load_encoder('enc')
    assert all((a == b).all() for a, b in zip(fresh.model.encoder.state_dict().values(), lm.model[0].state_dict().values()))

def test_numpy_words_and_the_tags_given(tagger):
    """helper 62: a numpy array of words (as tagger_dls takes them) was refused by predict ("got ndarray"); data with a
    tag outside tags= said "are not among the tagger's" when no tagger was made yet; a tagger as lm of finetune_lm
    (now by name too) was "unhashable type: 'list'\""""
    import numpy as np
    from toolkit.classify import finetune_lm
    assert [t.tag for t in tagger.predict(np.array(['Anna', 'ran', '7']))] == ['CAP', 'LOW', 'NUM']
    with pytest.raises(ValueError, match=re.escape("the data's tags ['NUM'] are not among the 2 tags given (tags=)")):
        tagger_dls(synthetic_tagged(60), tokenizer='subword', vocab_sz=60, tags=['CAP', 'LOW'])
    with pytest.raises(ValueError, match='lm must be a language model, got a tagger'):
        finetune_lm(tagger, pd.DataFrame({'text': ['a b c']*50}))

def test_bundled_corpus_arguments_refused_before_the_start_line(tmp_path):
    "`train-tagger pos --tags-col nope` and `--valid-pct 1.5` were refused after the 'training a tagger' line (helper 77)"
    for argv, msg in ((['--tags-col', 'nope'], "pos: no column 'nope'"),
                      (['--tags-col', 'genre'], 'pos: row 0: 25 words but 2 tags'), (['--valid-pct', '1.5'], '--valid-pct must be')):
        r = awd_here('train-tagger', 'pos', *argv, '--preset', 'tiny', '--max-rows', '50', '--out', tmp_path/'t')
        assert r.returncode == 2 and msg in r.stderr and 'training a tagger' not in r.stdout, (argv, r.stdout, r.stderr)

def test_texts_of_the_wrong_kind_are_refused(tagger):
    "predict_texts({'x': 'The dog'}) tagged the dict's key 'x' as a text (helper 77); a set has no order to keep"
    for bad in ({'x': 'The dog'}, {'The dog'}):
        with pytest.raises(ValueError, match=f"texts must be a list of texts .*not a {type(bad).__name__}"):
            tagger.predict_texts(bad)

def test_one_tag_warning_names_the_commonest_only_when_it_is():
    """The warning for a tagger that gives every word one tag said it "learnt the commonest tag" of a tag that was not
    (6 of 41 words; a rarer tag, weighted up, can be the one) and advised weighting rarer tags more (helper 86)"""
    import warnings
    from types import SimpleNamespace
    import torch
    from toolkit.tagger import warn_one_tag
    learn = lambda predicted, labelled: SimpleNamespace(valid_predicted=torch.tensor(predicted), dls=SimpleNamespace(
        vocab=[None, ['DET', 'NOUN', 'VERB']]), valid_labelled=torch.tensor(labelled))
    with pytest.warns(UserWarning, match=r"every validation word \(41\) 'NOUN': it has learnt one tag alone, not the "
                      r"commonest \('DET'\) \(its accuracy, 0.146, is that tag's share of the words\); train more epochs"):
        warn_one_tag(learn([0, 41, 0], [21, 6, 14]))
    with pytest.warns(UserWarning, match=r"'VERB': it has learnt the commonest tag alone .* weight the rarer tags"):
        warn_one_tag(learn([0, 0, 41], [21, 6, 14][::-1]))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        warn_one_tag(learn([20, 21, 0], [21, 6, 14])) # two tags given: no warning
    # three tags as common: none is 'the commonest', and no weighting helps; weighting given in full is not advised
    with pytest.warns(UserWarning, match=r"'NOUN': it has learnt one tag alone \(its accuracy, 0.333, .*; train more"):
        warn_one_tag(learn([0, 45, 0], [15, 15, 15])) # (helper 104)
    with pytest.warns(UserWarning, match=r"'VERB': it has learnt the commonest tag alone \(.*\); train more epochs"):
        warn_one_tag(learn([0, 0, 41], [21, 6, 14][::-1]), tag_weight=1)
    with pytest.warns(UserWarning, match=r"weight the rarer tags more \(tag_weight=1\)"):
        warn_one_tag(learn([0, 0, 41], [21, 6, 14][::-1]), tag_weight=0.5)

def test_columns_the_other_way_round(tmp_path):
    """A CoNLL file of a tag and then its word a line ('DET the') trained a tagger of the tags as its words, with a warning
    about something else (helper 104): the columns' numbers of values say they are the other way round"""
    from conftest import awd_here
    import random
    random.seed(5)
    nouns, verbs = ['dog', 'cat', 'man', 'boat', 'river', 'idea', 'car', 'tree'], ['sees', 'likes', 'runs', 'eats', 'takes']
    n, v, a = (lambda: ('NOUN', random.choice(nouns))), (lambda: ('VERB', random.choice(verbs))), (lambda: ('ADJ', random.choice(
        ['old', 'big', 'red', 'new', 'small', 'tall'])))
    forms = [lambda: [('DET', 'the'), a(), n(), v(), ('PUNCT', '.')], lambda: [('DET', 'a'), n(), v(), ('PUNCT', '.')],
             lambda: [('PRON', random.choice(['he', 'she'])), v(), ('DET', 'the'), n(), ('PUNCT', '.')],
             lambda: [('INTJ', random.choice(['yes', 'wow'])), ('PUNCT', '!')]]
    sents = [forms[i % 4]() for i in range(48)]
    (tmp_path/'rev.txt').write_text(''.join(''.join(f'{t}\t{w}\n' for t, w in s) + '\n' for s in sents))
    r = awd_here('train-tagger', tmp_path/'rev.txt', '--no-pretrained', '--preset', 'tiny', '--epochs', '1', '--quiet',
                 '--out', tmp_path/'t')
    assert "are the columns the other way round? (a tagger has a few dozen tags and many more words: --words-col tags, " \
           "--tags-col words)" in r.stderr, r.stderr
    df = pd.DataFrame({'words': [' '.join(w for _, w in s) for s in sents], 'tags': [' '.join(t for t, _ in s) for s in sents]})
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error') # the right way round: no such warning
        tagger_dls(df, tokenizer='subword', vocab_sz=60)

def test_tagged_file_errors_say_what_to_do(tmp_path):
    """A CoNLL-U word with a space ('Hà Nội') was named without what to do; a word/TAG .txt file's missing tag got advice
    for a .txt of sentences, which it is not (helper 86)"""
    from conftest import awd_here
    from toolkit.tagger import read_conll
    (tmp_path/'vi.conllu').write_text('1\tHà Nội\tHà Nội\tPROPN\tNp\t_\t0\troot\t_\t_\n2\tđẹp\tđẹp\tADJ\tA\t_\t1\tamod\t_\t_\n\n')
    with pytest.raises(ValueError, match=r"line 1: the word 'Hà Nội' holds a space, which a tagger's words cannot .*: "
                       r"replace it by '_' \(Hà_Nội\)"):
        read_conll(tmp_path/'vi.conllu')
    (tmp_path/'b.txt').write_text('the/DT dog/NN\nI/PRP ran home/NN\n')
    r = awd_here('train-tagger', tmp_path/'b.txt', '--preset', 'tiny', '--out', tmp_path/'m')
    assert r.returncode == 2 and "'ran' has no tag after a slash" in r.stderr and 'a table of sentences' not in r.stderr, r.stderr
    # columns parted by tabs, a word with a space: '3 fields where the first line of a word has 2', of the next line when
    (tmp_path/'ny.txt').write_text('I\tPRON\nlove\tVERB\nNew York\tPROPN\n.\tPUNCT\n\n') # the first held it (helper 104)
    (tmp_path/'ny2.txt').write_text('New York\tPROPN\nis\tVERB\nbig\tADJ\n\n')
    for f, at in (('ny.txt', 3), ('ny2.txt', 1)):
        with pytest.raises(ValueError, match=rf"{f}, line {at}: the word 'New York' holds a space, .*: replace it by '_' \(New_York\)"):
            read_conll(tmp_path/f)
    # a CoNLL-U file whose UPOS is '_' throughout (its tags in XPOS) said only 'a tagger needs two tags' (helper 86)
    s = '1\tThe\tthe\t_\tDT\t_\t2\tdet\t_\t_\n2\tcat\tcat\t_\tNN\t_\t0\troot\t_\t_\n\n'
    (tmp_path/'x.conllu').write_text(s * 20)
    r = awd_here('train-tagger', tmp_path/'x.conllu', '--preset', 'tiny', '--out', tmp_path/'m')
    assert r.returncode == 2 and r.stderr.rstrip().endswith("column 'xpos' has a tag for each word: --tags-col xpos"), r.stderr
    with pytest.raises(ValueError, match="CoNLL's mark of a column left empty; column 'xpos' has a tag for each word: tags_col='xpos'"):
        tagger_dls(read_conll(tmp_path/'x.conllu'), tokenizer='subword', vocab_sz=40)
    df = pd.DataFrame({'sentence': ['The cat ran', 'A dog sat'] * 5, 'words': ['The cat ran', 'A dog sat'] * 5,
                       'tags': ['_ _ _'] * 10, 'pos': ['DET NOUN VERB'] * 10}) # (the sentence was offered as tags, helper 92)
    with pytest.raises(ValueError, match="column 'pos' has a tag for each word: tags_col='pos'"):
        tagger_dls(df, tokenizer='subword', vocab_sz=40)
    with pytest.raises(ValueError, match="^every word has the tag '_' \\(column 'tags'\\): a tagger needs two tags or more$"):
        tagger_dls(pd.DataFrame({'words': ['a b', 'c d'], 'tags': ['_ _', '_ _']}), tokenizer='subword', vocab_sz=40)

def test_a_conll_file_of_one_word_sentences_says_why(tmp_path):
    "A .conll file with a blank line after every word was told to name itself .conll and use columns (helper 86)"
    from conftest import awd_here
    d = tmp_path
    (d/'one.conll').write_text('Hello\tUH\n\nGo\tVB\n\nStop\tVB\n\n')
    r = awd_here('train-tagger', d/'one.conll', '--preset', 'tiny', '--out', d/'m')
    assert r.returncode == 2 and 'every sentence is one word: a blank line ends a sentence in a CoNLL file' in r.stderr, r.stderr
    assert 'column' not in r.stderr and not (d/'m').exists() and r.stdout == ''

def test_tagger_dls_seed_fixes_the_batch_order():
    """`tagger_dls(seed=42)` said it seeds the batch order, but fastai's loader seeded it from Python's global `random`:
    the same seed gave other batches after other work (helper 98)"""
    import random, torch
    df = synthetic_tagged()
    def order(global_seed, seed=42):
        random.seed(global_seed); torch.manual_seed(global_seed)
        dls = tagger_dls(df, tokenizer='subword', vocab_sz=60, bs=16, seed=seed)
        return [b[0].shape[1] for b in dls.train] + [b[0].shape[1] for b in dls.train] # two epochs
    first = order(0)
    assert order(1) == order(2) == first and first[:len(first)//2] != first[len(first)//2:] # each epoch its own order
    assert order(0, seed=7) != first
