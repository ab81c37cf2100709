"The case/line rules, `detokenize`, the subword and character tokenizers' round trip, and their pickles."
import pickle, random, shutil, unicodedata
import pytest
from sentencepiece import SentencePieceProcessor
from toolkit.data import load_corpus
from toolkit.tokenize import (RULES, TOKENIZERS, SPTokenizer, make_tokenizer, detokenize, round_trip_share,
                              replace_case, replace_lines, add_bos)

@pytest.fixture(scope='module')
def heads():
    "3,000 headlines, and 300 others the tokenizer never saw"
    df = load_corpus('headlines').sample(3300, random_state=1)
    return df.text.tolist()[:3000], df.text.tolist()[3000:]

@pytest.fixture(scope='module')
def sub_tok(heads):
    "A small subword tokenizer trained on the 3,000 headlines"
    tok = make_tokenizer('subword', vocab_sz=300)
    tok.setup(heads[0], RULES)
    return tok

@pytest.fixture(scope='module')
def names(): return load_corpus('names').name.tolist()

@pytest.fixture(scope='module')
def char_tok(names):
    tok = make_tokenizer('char')
    tok.setup(names, RULES)
    return tok

def fold(t): return '\n'.join(' '.join(l.split()) for l in t.strip().split('\n'))

# ---------------------------------------------------------------- rules

@pytest.mark.parametrize('text,expected', [
    ('Tubs OK for Labor, But iPhone (Reuters) A',
     'xxmaj tubs xxup ok for xxmaj labor, xxmaj but iPhone (Reuters) xxmaj a'),
    ('McDonald eBay COVID-19 U.S.', 'McDonald eBay xxup covid-19 xxup u.s.'),
    ('İstanbul', 'İstanbul'), # lowercasing would change the length: left alone
    ('123 --', '123 --'),
])
def test_replace_case(text, expected):
    "Only Capitalised and ALL-CAPS words are lowercased and marked, and only when that can be undone"
    assert replace_case(text) == expected

def test_replace_lines_and_bos():
    "Runs of spaces/tabs fold, line breaks become xxnl, the ends are stripped; add_bos puts xxbos first"
    assert replace_lines('  To be,\n  or \t not\n\nto be \n') == 'To be, xxnl or not xxnl xxnl to be'
    assert add_bos('hi') == 'xxbos hi'
    assert [r.__name__ for r in RULES] == ['drop_invisible', 'escape_special', 'replace_lines', 'replace_case', 'add_bos']

# ---------------------------------------------------------------- detokenize

@pytest.mark.parametrize('toks,expected', [
    (['▁xxbos', '▁xxmaj', '▁tub', 's', '▁xxup', '▁ok', '▁for', '▁i', 'Phone'], 'Tubs OK for iPhone'),
    (['▁xxbos', '▁xxup', '▁nasa', '▁says'], 'NASA says'),
    (['▁xxmaj', '▁', 'é', 'co', 'le', '▁xxup', '▁', 'é', 'co', 'le'], 'École ÉCOLE'),
    (['▁xxbos', '▁to', '▁be', '▁xxnl', '▁or', '▁xxnl', '▁xxnl', '▁xxmaj', '▁not'],
     'to be\nor\n\nNot'),
    (['▁xxbos', '▁hi', '▁xxunk', '▁there', '▁xxpad', '▁xxpad'], 'hi there'),
    (['▁xxbos', '▁xxfake', '▁hi', '▁xxeos'], 'hi'),
    (['▁xxmaj', '▁xxunk', '▁bob'], 'Bob'),                      # a mark skips dropped tokens
    (['▁xxmaj', '▁xxnl', '▁bob'], 'bob'), # a mark before another marker is dropped; ends are stripped
    (['▁xxbos', '▁hi', '▁xxmaj'], 'hi'),                        # marks at the end
    (['▁xxbos', '▁hi', '▁xxup', '▁xxbos'], 'hi'),
    (['▁xxbos', '▁xxmaj'], ''),
    (['▁xxbos', '▁xxmaj', 'b', 'th', '▁xxup', '▁ok'], 'Bth OK'), # a marker glued to a following non-▁ piece
    (['▁xxbos', 'hi', '▁there'], 'hi there'),
    (['▁a', '▁xxnl', 'b'], 'a\nb'),
    (['▁xxbos', '▁', 'a', '▁', 'b'], 'a b'),
    (['xxbos', 'xxmaj', 'hello', 'xxup', 'nasa'], 'Hello NASA'), # fastai word tokens
    ('xxbos xxmaj s xxrep 3 o good xxwrep 3 very nice', 'Sooo good very very very nice'),
    ('xxbos xxrep 3 !', '!!!'),                                 # nothing to glue the repetition to
    ('a xxnl xxrep 3 b', 'a\nbbb'),                             # nor after a line break
    ('xxbos xxmaj hi xxunk there xxpad', 'Hi there'),
    ('xxfld 1 hello', 'hello'),
    ([], ''), ('', ''), (['▁'], ''),
])
def test_detokenize(toks, expected):
    "Pieces (or fastai tokens, or a string of them) come back as clean text"
    assert detokenize(toks) == expected

def test_detokenize_accepts_iterators():
    "A generator of pieces works like a list"
    assert detokenize(t for t in ['▁xxbos', '▁xxmaj', '▁hi']) == 'Hi'

@pytest.mark.parametrize('toks,expected', [
    (['▁xxbos', '▁hi', 'xxpad', 'xxpad'], 'hi'),
    (['▁xxbos', '▁na', 'xxunk', 've'], 'nave'),
])
def test_detokenize_drops_bare_special_tokens(toks, expected):
    "xxunk/xxpad are dropped even when they come without '▁' after a word"
    out = detokenize(toks)
    assert 'xx' not in out and out.replace(' ', '') == expected

@pytest.mark.parametrize('toks', [['▁hi', '▁xxrep'], ['▁hi', '▁xxwrep'], 'hi xxrep 3'])
def test_detokenize_dangling_repetition_mark(toks):
    "A repetition mark cut off at the end of the pieces does not appear in the text"
    assert detokenize(toks) == 'hi'

# ---------------------------------------------------------------- round trip

def test_round_trip_unseen_headlines(sub_tok, heads):
    "detokenize(encode(t)) gives back 300 unseen headlines exactly (white space folded; NFKC-stable texts)"
    texts = [t for t in heads[1] if unicodedata.normalize('NFKC', t) == t]
    assert len(texts) > 250
    bad = [(t, detokenize(sub_tok.encode(t))) for t in texts if detokenize(sub_tok.encode(t)) != fold(t)]
    assert not bad

CASED = ['Hello World', 'HELLO WORLD', 'hello world', 'McDonald iPhone eBay', 'NASA and the FDA', 'A I', 'I am OK',
         'ÉCOLE École école', 'ABC123 A1 Covid-19 COVID-19', "Don't DON'T don't", 'CamelCase camelCase', 'U.S. FDA',
         'ß STRASSE', 'İstanbul', '"Quoted" (Parens) [BRACKETS]', 'line one\nLine Two\n\nTHREE', 'a  b\tc ',
         'Ω ωmega', '你好 World', 'x', 'X', 'Xy', 'xY', 'XY z']

def test_round_trip_cased(sub_tok, heads):
    "Every kind of casing, line breaks and 300 random case-shuffled word mixes come back exactly"
    rng = random.Random(0)
    words = ' '.join(heads[0][:500]).split()
    mixes = [rng.choice([' ', '\n']).join(rng.choice([w, w.lower(), w.upper(), w.capitalize(), w.swapcase()])
                                          for w in rng.sample(words, 5)) for _ in range(300)]
    for t in CASED + mixes: assert detokenize(sub_tok.encode(t)) == fold(t), sub_tok.encode(t)

def test_encode_marks(sub_tok):
    "encode applies the rules: xxbos first, case and line marks as whole pieces"
    p = sub_tok.encode('Hello WORLD\nagain')
    assert p[0] == '▁xxbos' and p[1] == '▁xxmaj' and '▁xxup' in p and '▁xxnl' in p
    assert not any(c.isupper() for c in ''.join(p[2:]).replace('xx', ''))

def test_round_trip_share(sub_tok, heads):
    "At least 99% of the 3,000 training headlines round-trip exactly"
    assert round_trip_share(sub_tok, heads[0]) >= 0.99

def test_round_trip_share_counts_failures(sub_tok):
    "round_trip_share counts texts that do not come back (NFKC changes 'ﬁ' to 'fi')"
    assert round_trip_share(sub_tok, ['fine', 'ﬁne']) == 0.5

def test_one_text_a_call_gives_the_pieces_of_a_batch(sub_tok, char_tok, heads, names):
    """A few texts are encoded one by one (SentencePiece starts a thread pool for each list it is given: 0.3-2 ms for
    one text), many in one call: the same pieces either way, an empty text and odd characters included"""
    for tok, texts in ((sub_tok, heads[1][:40]), (char_tok, names[:40])):
        texts = texts + ['', ' ', 'Ünïcödé façade', '\u200bWhy', 'xxcat_russian Ivanov']
        batch = list(tok(texts)) # one SentencePiece call
        assert len(texts) > 16 and batch == [p for t in texts for p in tok([t])]

def test_char_tokenizer_round_trip(char_tok, names):
    "A character tokenizer gives one piece per character and round-trips every name"
    assert round_trip_share(char_tok, names) == 1.0
    for name in ["O'Neil", 'Zhang Wei', 'McDonald', 'DE LA CRUZ', 'Nakamura']:
        p = char_tok.encode(name)
        assert detokenize(p) == name
        assert all(len(x.lstrip('▁')) <= 1 for x in p if x.lstrip('▁') not in ('xxbos', 'xxmaj', 'xxup'))

def test_make_tokenizer_kinds():
    "'subword' is a unigram model with the asked size; 'char' a char model that covers every character"
    s, c = make_tokenizer('subword', vocab_sz=123), make_tokenizer('char', vocab_sz=50)
    assert isinstance(s, SPTokenizer) and (s.model_type, s.vocab_sz) == ('unigram', 123)
    assert (c.model_type, c.char_coverage) == ('char', 1.0)
    assert make_tokenizer('char', char_coverage=0.5).char_coverage == 0.5 # an explicit kwarg wins

def test_make_tokenizer_unknown():
    "An unknown tokenizer kind is a ValueError naming it and listing the kinds"
    with pytest.raises(ValueError, match="Unknown tokenizer 'bpe': expected one of subword, char"):
        make_tokenizer('bpe')
    assert set(TOKENIZERS) == {'subword', 'char'}

def test_setup_trains_once(sub_tok, heads):
    "setup on a trained tokenizer keeps the trained model"
    before = sub_tok.encode(heads[1][0])
    assert sub_tok.setup(['zzz qqq'] * 50, RULES) == {}
    assert sub_tok.encode(heads[1][0]) == before

def test_setup_leaves_no_files(tmp_path, monkeypatch):
    "Training writes nothing to the working directory and removes its temporary directory"
    monkeypatch.chdir(tmp_path)
    tok = make_tokenizer('subword', vocab_sz=100)
    tok.setup(['the cat sat on the mat', 'a dog ate the hat'] * 50, RULES)
    assert list(tmp_path.iterdir()) == []
    assert not tok.cache_dir.exists()

# ---------------------------------------------------------------- pickling

def test_pickle_holds_model_bytes(sub_tok, heads):
    "A pickled tokenizer holds the SentencePiece model as bytes and encodes identically when loaded"
    state = sub_tok.__getstate__()
    assert isinstance(state['tok'], bytes) and state['tok'] == sub_tok.tok.serialized_model_proto()
    data = pickle.dumps(sub_tok)
    assert state['tok'] in data
    tok2 = pickle.loads(data)
    assert type(tok2) is SPTokenizer and isinstance(tok2.tok, SentencePieceProcessor)
    assert isinstance(sub_tok.tok, SentencePieceProcessor) # pickling did not change the original
    for t in heads[1][:100] + CASED: assert tok2.encode(t) == sub_tok.encode(t)

def test_pickle_without_cache_dir(tmp_path, heads):
    "A tokenizer trained in a cache_dir of the user's keeps it, and loads and encodes after it is deleted"
    cache = tmp_path/'spm'
    tok = make_tokenizer('subword', vocab_sz=200, cache_dir=str(cache))
    tok.setup(heads[0][:500], RULES)
    assert cache.exists()
    data = pickle.dumps(tok)
    expected = [tok.encode(t) for t in heads[1][:50]]
    shutil.rmtree(cache)
    tok2 = pickle.loads(data)
    assert [tok2.encode(t) for t in heads[1][:50]] == expected
    assert pickle.loads(pickle.dumps(tok2)).encode(heads[1][0]) == expected[0] # and pickles again

def test_pickle_untrained():
    "An untrained tokenizer pickles and loads as untrained"
    tok = pickle.loads(pickle.dumps(make_tokenizer('char')))
    assert tok.tok is None and tok.model_type == 'char'

def test_show_batch_reads_as_text():
    """A language model's `dls.show_batch()` printed SentencePiece pieces ('▁xxbos ▁xxmaj ▁wh o ▁ k ne w ?', helper 43):
    decoded batches read as clean text, each text's start kept as fastai shows it; the transform keeps its name"""
    from toolkit.lm import lm_dls, get_tokenizer
    from toolkit.data import load_corpus
    dls = lm_dls(load_corpus('headlines').sample(300, random_state=0), bs=4, seq_len=32, vocab_sz=200)
    (x, y), = dls.show_batch(max_n=1, show=False)[2][:1]
    assert '▁' not in x and 'xxbos' in x and 'xxmaj' not in x, x
    assert get_tokenizer(dls) is not None and type(dls.train_ds.tokenizer).__qualname__ == 'TextTokenizer'

def test_trains_whatever_the_locale(tmp_path):
    """Under a locale that is not UTF-8 (LC_ALL=C with Python's UTF-8 mode off; Windows' cp1252 alike) the tokenizer's
    training texts were written in its encoding: "'ascii' codec can't encode character '\\u2014'" (helper 57)"""
    import os, subprocess, sys
    code = ("from toolkit.tokenize import make_tokenizer, RULES\n"
            "tok = make_tokenizer('subword', vocab_sz=60)\n"
            "tok.setup(['New study \\u2014 cats rule \\u65e5\\u672c', 'Markets fall again \\u2014 yes']*30, RULES)\n"
            "g = make_tokenizer('subword')\n" # fastai's guess of the vocabulary size reads them back
            "g.setup([f'word{i} \\u2014 text{i}' for i in range(300)], RULES)\n"
            "print(len(tok.tok.EncodeAsPieces('study \\u2014 cats')) > 0, g.tok is not None)")
    env = {**os.environ, 'LC_ALL': 'C', 'LANG': 'C', 'PYTHONUTF8': '0', 'PYTHONCOERCECLOCALE': '0', 'PYTHONIOENCODING': 'utf-8'}
    r = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0 and r.stdout.split() == ['True', 'True'], r.stderr[-2000:]

def test_no_matplotlib_noise_without_a_writable_home(tmp_path):
    """A HOME that cannot be written (a container's, a service user's) made matplotlib, which fastai imports, print two
    lines on every command (helper 57): its cache goes to a temporary folder, quietly"""
    import os, subprocess, sys
    (tmp_path/'home').write_text('a file, not a folder')
    env = {k: v for k, v in os.environ.items() if k != 'MPLCONFIGDIR'}
    code = "import toolkit.core, fastai.text.all, matplotlib; print(matplotlib.get_configdir())"
    (tmp_path/'tmp').mkdir()
    for _ in range(2): # one folder a user, used again: each command left a new one in /tmp (helper 79)
        r = subprocess.run([sys.executable, '-c', code], env={**env, 'HOME': str(tmp_path/'home'), 'TMPDIR': str(tmp_path/'tmp')},
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0 and 'awd-matplotlib-' in r.stdout and 'matplotlib' not in r.stderr.lower(), r.stderr
    assert [p.name for p in (tmp_path/'tmp').iterdir()] == [f'awd-matplotlib-{os.getuid()}'], r.stdout

def test_a_character_tokenizer_keeps_every_character():
    """A character tokenizer kept 1,000 pieces: a Chinese text of 2,500 characters read a third of them as unknown,
    in silence (helper 66); its type is read from its bytes (`from_proto` read a names model as 'unigram', helper 66)"""
    from toolkit.tokenize import MAX_CHARS, proto_model_type
    r = random.Random(0)
    chars = [chr(0x4e00 + i) for i in range(2500)]
    texts = [''.join(r.choice(chars) for _ in range(r.randint(10, 40))) for _ in range(600)]
    tok = make_tokenizer('char')
    tok.setup(texts, RULES)
    sp = tok.tok
    assert set(''.join(texts)) <= {sp.IdToPiece(i) for i in range(sp.get_piece_size())} and MAX_CHARS >= 2500
    assert all(sp.PieceToId(c) != sp.unk_id() for c in set(''.join(texts))) # (its pieces spell unknown characters as
    # themselves, not 'xxunk': the unknown id is the test)
    assert proto_model_type(sp.serialized_model_proto()) == 'char'
    assert SPTokenizer.from_proto(sp.serialized_model_proto()).model_type == 'char'

def test_long_texts_train_a_tokenizer():
    """A file of texts of 3,000 words each stopped `awd train` with SentencePiece's 'INTERNAL: ... [!sentences_.empty()]':
    its trainer drops a line of more than 4,192 bytes in silence (helper 106). They are cut into lines between words"""
    import random
    from toolkit.tokenize import make_tokenizer, sp_lines, SP_LINE_BYTES
    rng = random.Random(0)
    words = 'the cat ran over green hills where Émile found twelve apples'.split()
    texts = [' '.join(rng.choice(words) for _ in range(3000)) for _ in range(6)]
    for kind in ('subword', 'char'):
        tok = make_tokenizer(kind, vocab_sz=60 if kind == 'subword' else None)
        tok.setup(texts)
        assert tok.tok.get_piece_size() > 20 and tok.encode('Émile ran') # every word and letter learnt
        assert not tok._lacks('É') and not tok._lacks('w')
    cut = list(sp_lines(texts[0]))
    assert ' '.join(cut) == texts[0] and all(len(l.encode()) <= SP_LINE_BYTES for l in cut) and len(cut) > 4
    han = '汉字' * 3000 # no spaces: cut between characters, each a whole one
    cut = list(sp_lines(han))
    assert ''.join(cut) == han and all(len(l.encode()) <= SP_LINE_BYTES for l in cut)
    assert list(sp_lines('a short text')) == ['a short text']
