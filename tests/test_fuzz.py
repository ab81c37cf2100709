"""Property-based fuzzing (hypothesis) of the user-facing inputs: files for `read_texts`, piece sequences for
`detokenize`, and the parameters of `generate`. Each may fail only with its documented exceptions."""
from pathlib import Path
import tempfile
from hypothesis import example, given, settings, strategies as st, HealthCheck
from toolkit.data import read_texts
from toolkit.tokenize import detokenize, SPECIAL_TOKS

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, # the same examples every run: CI stays reproducible
                suppress_health_check=[HealthCheck.function_scoped_fixture])

def _check_read(data:bytes, name:str, **kw):
    d = Path(tempfile.mkdtemp())
    f = d/name; f.write_bytes(data)
    try: df = read_texts(f, **kw)
    except ValueError as e: # the documented failure: a message that names the file
        assert str(f) in str(e) or 'column' in str(e), str(e)
        return
    assert len(df) > 0 and 'text' in df.columns and (df.text.str.len() > 0).all()

@FUZZ
@given(data=st.binary(max_size=400), ext=st.sampled_from(['.csv', '.tsv', '.txt', '.jsonl']))
def test_read_texts_random_bytes(data, ext):
    "Random bytes in a file of any supported type: a DataFrame of non-empty texts, or a ValueError naming the file"
    _check_read(data, 'f' + ext)

cell = st.text(alphabet=st.sampled_from(list('ab ,"\'\n\r\t;|\\é€\x00')), max_size=12)
@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=4), max_size=8), sep=st.sampled_from([',', '\t', ';']),
       text_col=st.sampled_from([None, 'text', 'b', 'missing']), ext=st.sampled_from(['.csv', '.tsv']))
def test_read_texts_odd_csvs(rows, sep, text_col, ext):
    "Ragged rows, quotes, odd separators, NULs and missing columns: texts or a ValueError"
    body = '\n'.join(sep.join(r) for r in rows)
    _check_read(('text' + sep + 'b\n' + body).encode('utf-8'), 'f' + ext, text_col=text_col)

piece = st.one_of(st.sampled_from(SPECIAL_TOKS + ['xxcat_russian', '3', '▁3', 'xxrep', 'xxwrep']),
                  st.sampled_from(SPECIAL_TOKS).map(lambda t: '▁' + t),
                  st.text(alphabet=st.sampled_from(list('▁abcXYZ 1é\n')), max_size=5))
@FUZZ
@given(pieces=st.lists(piece, max_size=30), as_string=st.booleans())
def test_detokenize_random_pieces(pieces, as_string):
    "Any sequence of pieces (special tokens anywhere, cut-off repetition marks) detokenizes to clean text"
    out = detokenize(' '.join(pieces) if as_string else pieces)
    assert isinstance(out, str) and out == out.strip()
    assert not any(t in out.split() for t in ('xxbos', 'xxeos', 'xxpad', 'xxunk'))

num = st.one_of(st.none(), st.integers(-3, 12), st.floats(allow_nan=True, allow_infinity=True, width=32),
                st.sampled_from([0, 0.0, 1, 1.0, 0.5, 1e9, -1e-9, True, '0.8', 10**12]))
def ok_or(valid): return st.one_of(valid, num) # half in range, half anything
@settings(max_examples=150, deadline=None, derandomize=True)
@given(n=ok_or(st.integers(1, 4)), temperature=ok_or(st.floats(0.05, 3)), top_k=ok_or(st.integers(1, 50)),
       top_p=ok_or(st.floats(0.05, 1)), min_p=ok_or(st.floats(0, 0.5)), min_words=ok_or(st.integers(0, 5)),
       max_words=ok_or(st.integers(1, 10)), max_tokens=ok_or(st.integers(1, 30)),
       repetition_penalty=ok_or(st.floats(0.5, 3)), greedy=st.booleans(), prompt=st.text(max_size=20))
@example(n=3, temperature=0.8, top_k=None, top_p=0.9, min_p=None, min_words=2, max_words=8, max_tokens=20,
         repetition_penalty=1.2, greedy=False, prompt='New 🦠 study\n').via('a valid call')
@example(n=2, temperature=0.0, top_k=None, top_p=None, min_p=None, min_words=0, max_words=None, max_tokens=5,
         repetition_penalty=1.0, greedy=True, prompt='').via('greedy ignores temperature')
@example(n=None, temperature=1.0, top_k=None, top_p=1.0, min_p=None, min_words=0, max_words=None, max_tokens=None,
         repetition_penalty=None, greedy=False, prompt='{').via('a prompt the model cannot read: said as the prompt')
def test_generate_random_parameters(tiny_lm, n, temperature, top_k, top_p, min_p, min_words, max_words, max_tokens,
                                    repetition_penalty, greedy, prompt):
    "generate takes any parameters: n texts, or a ValueError naming the parameter that is out of range"
    kw = dict(n=n, temperature=temperature, top_k=top_k, top_p=top_p, min_p=min_p, min_words=min_words,
              max_words=max_words, max_tokens=max_tokens, repetition_penalty=repetition_penalty, greedy=greedy)
    kw = {k: v for k,v in kw.items() if v is not None or k in ('top_k', 'top_p', 'min_p', 'max_words')}
    try: res = tiny_lm.generate(prompt, seed=0, **kw)
    except ValueError as e:
        assert any(k in str(e) for k in kw) or 'prompt' in str(e), str(e)
        return
    assert isinstance(res, list) and len(res) == kw.get('n', 1) and all(isinstance(s, str) for s in res)
