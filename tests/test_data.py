"Bundled corpora, reading users' files (and every way they can be wrong), `load_texts` and `split_df`."
import gzip
import numpy as np
import pandas as pd
import pytest
from toolkit.data import CORPORA, load_corpus, read_texts, load_texts, split_df

# ---------------------------------------------------------------- bundled corpora

@pytest.mark.parametrize('name', list(CORPORA))
def test_load_corpus(name):
    "Each bundled corpus loads with its text and label columns, as strings, with no empty text"
    c, df = CORPORA[name], load_corpus(name)
    assert len(df) > 1000
    assert {c['text_col'], c['label_col']} <= set(df.columns)
    assert all(df[col].map(type).eq(str).all() for col in df.columns)
    assert (df[c['text_col']].str.strip().str.len() > 0).all()
    assert df[c['label_col']].nunique() >= 2

def test_load_corpus_unknown():
    "An unknown corpus name is a ValueError that names it and lists the corpora"
    with pytest.raises(ValueError, match="Unknown corpus 'tweets'") as e: load_corpus('tweets')
    assert all(name in str(e.value) for name in CORPORA)

# ---------------------------------------------------------------- reading files

def test_read_csv(tmp_path):
    "A CSV: texts stripped, empty texts dropped (with their labels), index reset"
    f = tmp_path/'t.csv'
    f.write_text('id,text,lab\n1,  hello world ,x\n2,,y\n3,"a, quoted ""text""",z\n4,   ,w\n')
    df = read_texts(f, label_col='lab')
    assert df.to_dict('list') == {'text': ['hello world', 'a, quoted "text"'], 'label': ['x', 'z']}
    assert list(df.index) == [0, 1]

def test_read_csv_text_col(tmp_path):
    "`text_col` picks a column that is not called 'text'; with no `label_col` there is no label column"
    f = tmp_path/'t.csv'
    f.write_text('id,title\n1,Breast cancer risk test devised\n2,"Tubs OK for Labor, But Not Birth"\n')
    df = read_texts(str(f), text_col='title')
    assert list(df.columns) == ['text']
    assert df.text.tolist() == ['Breast cancer risk test devised', 'Tubs OK for Labor, But Not Birth']

def test_read_guesses_single_column_and_text(tmp_path):
    "With no `text_col`, the only column or the one named 'text' holds the texts"
    (tmp_path/'one.csv').write_text('headline\nfirst\nsecond\n')
    (tmp_path/'many.csv').write_text('id,text,other\n1,first,x\n')
    assert read_texts(tmp_path/'one.csv').text.tolist() == ['first', 'second']
    assert read_texts(tmp_path/'many.csv').text.tolist() == ['first']

def test_read_tsv(tmp_path):
    "A TSV: tabs separate, commas stay inside the text"
    f = tmp_path/'t.tsv'; f.write_text('text\tlabel\nhello, world\tpos\nbye now\tneg\n')
    expected = {'text': ['hello, world', 'bye now'], 'label': ['pos', 'neg']}
    assert read_texts(f, label_col='label').to_dict('list') == expected

def test_read_tsv_keeps_quotes(tmp_path):
    "TSV texts come back verbatim, double quotes included (TSV has no quoting)"
    texts = ['"I don\'t like Obama\'s plan," says one man at Miami clinic.', '"Unclosed quote here', 'second text',
             'third "text"']
    f = tmp_path/'q.tsv'; f.write_text('text\n' + '\n'.join(texts) + '\n')
    assert read_texts(f).text.tolist() == texts

def test_read_txt(tmp_path):
    "A TXT file is one text a line; blank lines are dropped, CRLF line ends handled"
    f = tmp_path/'t.txt'; f.write_bytes(b'line one\r\n\r\n  line two  \r\nline three')
    assert read_texts(f).to_dict('list') == {'text': ['line one', 'line two', 'line three']}

def test_read_jsonl(tmp_path):
    "JSON lines: blank lines skipped, a missing or null field reads as '' (and an empty text is dropped)"
    f = tmp_path/'t.jsonl'
    f.write_text('{"text": "a b", "y": "pos"}\n\n{"text": "c", "y": null}\n{"text": "d"}\n{"y": "neg"}\n')
    assert read_texts(f, label_col='y').to_dict('list') == {'text': ['a b', 'c', 'd'], 'label': ['pos', '', '']}

def test_read_jsonl_integer_labels_with_a_gap(tmp_path):
    "Integer JSONL labels read as written even when a row has no label"
    f = tmp_path/'t.jsonl'; f.write_text('{"text": "a", "y": 1}\n{"text": "b", "y": 2}\n{"text": "c"}\n')
    assert read_texts(f, label_col='y').label.tolist() == ['1', '2', '']

def test_read_jsonl_list_labels(tmp_path):
    "A JSON line's list of labels became one class ('pos fun', helper 39): several labels a text are refused"
    f = tmp_path/'t.jsonl'
    f.write_text('{"text": "a joy", "y": ["pos"]}\n{"text": "a romp", "y": ["pos", "fun"]}\n{"text": "dull", "y": "neg"}\n')
    with pytest.raises(ValueError, match=r"""t.jsonl: row 2: column 'y' holds 2 labels \(\["pos", "fun"\]\): a classifier takes one label a text"""):
        read_texts(f, label_col='y')
    f.write_text('{"text": "a joy", "y": ["pos"]}\n{"text": "dull", "y": "neg"}\n')
    assert read_texts(f, label_col='y').label.tolist() == ['pos', 'neg'] # a list of one is its label

def test_read_paragraphs(tmp_path):
    """A book in a .txt file was one text a line, its paragraphs and the speakers' names on lines of their own lost
    (helper 40): `paragraphs=True` reads one text a paragraph, blank lines between them, its line breaks kept"""
    f = tmp_path/'book.txt'
    f.write_text('HELENA.\r\nMy lord,  I am here.\r\n  \r\n\r\nKING.\nWhat news?\n\nExit.')
    assert read_texts(f, paragraphs=True).text.tolist() == ['HELENA.\nMy lord,  I am here.', 'KING.\nWhat news?', 'Exit.']
    assert len(read_texts(f)) == 5 and load_texts(f, paragraphs=True).text[1] == 'KING.\nWhat news?'
    (tmp_path/'t.csv').write_text('text\na\n')
    for src, msg in ((tmp_path/'t.csv', r'paragraphs=True reads a .txt file \(a text a paragraph\); .*t.csv is a CSV file'),
                     ('headlines', "paragraphs=True reads a .txt file; 'headlines' is a bundled corpus"),
                     (tmp_path/'nope.txt', 'nope.txt: no such file')):
        with pytest.raises((ValueError, FileNotFoundError), match=msg): load_texts(src, paragraphs=True)
    with pytest.raises(ValueError, match='a .txt file has paragraphs and no columns; drop text_col'):
        read_texts(f, text_col='text', paragraphs=True)

@pytest.mark.parametrize('name', ['t.csv.gz', 't.tsv.gz', 't.txt.gz', 't.jsonl.gz'])
def test_read_gzip(tmp_path, name):
    "Every format can be gzipped; the format comes from the suffix before `.gz`"
    body = {'csv': 'text\nfoo\nbar\n', 'tsv': 'text\nfoo\nbar\n', 'txt': 'foo\nbar\n',
            'jsonl': '{"text": "foo"}\n{"text": "bar"}\n'}[name.split('.')[1]]
    f = tmp_path/name; f.write_bytes(gzip.compress(body.encode()))
    assert read_texts(f).text.tolist() == ['foo', 'bar']

def test_read_suffix_case_ndjson_and_bom(tmp_path):
    "Upper-case suffixes and `.ndjson` are accepted, and a UTF-8 byte-order mark is not part of the header"
    (tmp_path/'UP.CSV').write_text('text\nx\n')
    (tmp_path/'a.ndjson').write_text('{"text": "y"}\n')
    (tmp_path/'bom.csv').write_bytes('\ufefftext\nhé\n'.encode('utf-8'))
    assert read_texts(tmp_path/'UP.CSV').text.tolist() == ['x']
    assert read_texts(tmp_path/'a.ndjson').text.tolist() == ['y']
    assert read_texts(tmp_path/'bom.csv').text.tolist() == ['hé']

def test_read_expands_user(tmp_path, monkeypatch):
    "A path starting with `~` is expanded"
    monkeypatch.setenv('HOME', str(tmp_path))
    (tmp_path/'t.txt').write_text('hi\n')
    assert read_texts('~/t.txt').text.tolist() == ['hi']

# ---------------------------------------------------------------- bad input: every error names the file and the problem

def _err(exc, f, **kw):
    "The message of the `exc` that `read_texts(f, **kw)` raises, checked to name the file"
    with pytest.raises(exc) as e: read_texts(f, **kw)
    msg = str(e.value)
    assert f.name in msg, msg
    return msg

def test_missing_file(tmp_path):
    "A missing file is a FileNotFoundError naming it"
    assert 'no such file' in _err(FileNotFoundError, tmp_path/'nope.csv')

def test_directory_with_a_text_suffix(tmp_path):
    "A directory (even one named like a CSV) is a ValueError saying it is a directory"
    d = tmp_path/'data.csv'; d.mkdir()
    assert 'is a directory' in _err(ValueError, d)

def test_plain_directory(tmp_path):
    "A plain directory (the usual mistake: passing a folder) is reported as a directory"
    d = tmp_path/'my_texts'; d.mkdir()
    assert 'is a directory' in _err(ValueError, d)

@pytest.mark.parametrize('name,shown', [('t.xlsx', "'.xlsx'"), ('notes', "'(no suffix)'"), ('t.gz', "'.gz'")])
def test_unsupported_suffix(tmp_path, name, shown):
    "An unknown suffix is a ValueError that shows the suffix and lists the supported ones"
    f = tmp_path/name; f.write_bytes(b'PK\x03\x04')
    msg = _err(ValueError, f)
    assert f'unsupported file type {shown}' in msg and all(s in msg for s in ('.csv', '.tsv', '.txt', '.jsonl'))

@pytest.mark.parametrize('name,raw,line', [
    ('t.txt', b'fine\nalso fine\n\xff\xfe broken\n', 3),
    ('t.csv', b'text\nok\nok\nok\nbad \xc3 half a character\n', 5),
    ('t.txt', b'\xe9t\xe9\n', 1), # Latin-1
])
def test_undecodable_bytes(tmp_path, name, raw, line):
    "Bytes that are not UTF-8 are a ValueError naming the line of the first bad byte"
    f = tmp_path/name; f.write_bytes(raw)
    msg = _err(ValueError, f)
    assert f'line {line} is not valid UTF-8' in msg and 'save the file as UTF-8' in msg

def test_undecodable_bytes_gzipped(tmp_path):
    "The line number of a bad byte counts lines of the decompressed text"
    f = tmp_path/'t.csv.gz'; f.write_bytes(gzip.compress(b'text\nok\n\xff\n'))
    assert 'line 3 is not valid UTF-8' in _err(ValueError, f)

def test_not_gzip(tmp_path):
    "A `.gz` file that is not gzip is a ValueError saying so"
    f = tmp_path/'t.csv.gz'; f.write_bytes(b'text\nfoo\n')
    assert 'not a valid gzip file' in _err(ValueError, f)

@pytest.mark.parametrize('raw', [b'', b'  \n\n \t\r\n'], ids=['empty', 'whitespace'])
@pytest.mark.parametrize('name', ['t.csv', 't.txt', 't.jsonl'])
def test_empty_file(tmp_path, name, raw):
    "An empty or whitespace-only file is a ValueError saying it is empty"
    f = tmp_path/name; f.write_bytes(raw)
    assert 'is empty' in _err(ValueError, f)

@pytest.mark.parametrize('name,body', [('h.csv', 'text\n'), ('o.jsonl', '{}\n{}\n')])
def test_no_rows(tmp_path, name, body):
    "A file with a header (or empty objects) but no data is a ValueError saying it has no rows"
    f = tmp_path/name; f.write_text(body)
    assert 'has no rows' in _err(ValueError, f)

def test_missing_text_column(tmp_path):
    "A `text_col` that is not there is a ValueError naming it and listing the columns"
    f = tmp_path/'t.csv'; f.write_text('id,title\n1,a b c\n')
    assert "no text column 'body'; the columns are 'id', 'title'" in _err(ValueError, f, text_col='body')

@pytest.mark.parametrize('name,body', [('t.csv', 'title,body\na,b\n'), ('t.jsonl', '{"title": "a", "body": "b"}\n')])
def test_ambiguous_columns(tmp_path, name, body):
    "Several columns, none named 'text', and no `text_col`: a ValueError asking for text_col and listing the columns"
    f = tmp_path/name; f.write_text(body)
    msg = _err(ValueError, f)
    assert 'which column holds the texts? Pass text_col=...' in msg and "the columns are 'title', 'body'" in msg

def test_missing_label_column(tmp_path):
    "A `label_col` that is not there is a ValueError naming it and listing the columns"
    f = tmp_path/'t.csv'; f.write_text('text,lab\na,x\n')
    assert "no label column 'label'; the columns are 'text', 'lab'" in _err(ValueError, f, label_col='label')

def test_all_texts_empty(tmp_path):
    "A text column with nothing but blanks is a ValueError naming the column"
    f = tmp_path/'t.csv'; f.write_text('id,body\n1,\n2,"   "\n')
    assert "every text in column 'body' is empty" in _err(ValueError, f, text_col='body')

def test_invalid_json_line(tmp_path):
    "A line of a JSONL file that is not JSON is a ValueError naming the line (blank lines counted)"
    f = tmp_path/'t.jsonl'; f.write_text('{"text": "a"}\n\n{"text": oops}\n')
    assert 'line 3 is not valid JSON' in _err(ValueError, f)

@pytest.mark.parametrize('line', ['[1, 2]', '"just a string"', 'null', '3'])
def test_jsonl_line_not_an_object(tmp_path, line):
    "A JSONL line that is valid JSON but not an object is a ValueError naming the line"
    f = tmp_path/'t.jsonl'; f.write_text('{"text": "a"}\n' + line + '\n')
    assert 'line 2 is not a JSON object' in _err(ValueError, f)

def test_malformed_csv(tmp_path):
    "A CSV that pandas cannot parse is a ValueError naming the format"
    f = tmp_path/'t.csv'; f.write_text('text,b\n"a,b\nc,d,e,f\n')
    assert 'not a valid CSV file' in _err(ValueError, f)

@pytest.mark.parametrize('kw', [dict(text_col='text'), dict(label_col='label')])
def test_txt_with_columns(tmp_path, kw):
    "A .txt file has no columns: passing text_col or label_col is a ValueError saying so"
    f = tmp_path/'t.txt'; f.write_text('a\nb\n')
    assert 'a .txt file has one text a line and no columns' in _err(ValueError, f, **kw)

# ---------------------------------------------------------------- load_texts: a corpus or a file

def test_load_texts_corpus():
    "A corpus name gives its text column as `text` (and a label column as `label` when asked)"
    df = load_texts('names')
    assert list(df.columns) == ['text'] and df.text.tolist() == load_corpus('names').name.tolist()
    df = load_texts('reviews', label_col='label')
    assert list(df.columns) == ['text', 'label'] and set(df.label) == {'fresh', 'rotten'}

def test_load_texts_corpus_bad_column():
    "A column the corpus does not have is a ValueError naming the corpus, the column and the columns"
    with pytest.raises(ValueError, match="corpus 'names' has no column 'title'; the columns are 'name', 'origin'"):
        load_texts('names', text_col='title')
    with pytest.raises(ValueError, match="corpus 'headlines' has no column 'label'"):
        load_texts('headlines', label_col='label')

def test_load_texts_file(tmp_path):
    "A path (str or Path) is read with `read_texts`"
    f = tmp_path/'t.csv'; f.write_text('title,y\n a ,1\nb,2\n')
    for src in (f, str(f)):
        expected = {'text': ['a', 'b'], 'label': ['1', '2']}
        assert load_texts(src, text_col='title', label_col='y').to_dict('list') == expected

def test_load_texts_file_shadows_corpus(tmp_path, monkeypatch):
    "A file in the working directory named like a corpus is taken as that file (here: one with no suffix)"
    monkeypatch.chdir(tmp_path)
    (tmp_path/'names').write_text('Nakamura\n')
    with pytest.raises(ValueError, match="names: unsupported file type"): load_texts('names')

def test_load_texts_unknown():
    "Neither a corpus nor a file: a FileNotFoundError that names it and lists the corpora"
    with pytest.raises(FileNotFoundError) as e: load_texts('headline')
    msg = str(e.value)
    assert 'headline: no such file or bundled corpus' in msg and all(name in msg for name in CORPORA)

# ---------------------------------------------------------------- split_df

@pytest.fixture(scope='module')
def reviews(): return load_corpus('reviews')

def test_split_grouped(reviews):
    "A grouped split puts every group on one side, with about `valid_pct` of the groups in valid"
    df = split_df(reviews, valid_pct=0.2, group_col='movie', seed=3)
    assert df.groupby('movie').is_valid.nunique().max() == 1
    per_movie = df.groupby('movie').is_valid.first()
    assert per_movie.sum() == round(len(per_movie)*0.2)

def test_split_random_share():
    "A random split puts round(n*valid_pct) rows in valid"
    df = split_df(pd.DataFrame({'x': range(1000)}), valid_pct=0.25)
    assert df.is_valid.dtype == bool and df.is_valid.sum() == 250

def test_split_seed():
    "The same seed gives the same split, another seed another one"
    df = pd.DataFrame({'x': range(200)})
    a, b, c = (split_df(df, seed=s).is_valid.tolist() for s in (1, 1, 2))
    assert a == b and a != c

def test_split_leaves_input_and_global_rng():
    "split_df returns a copy (index kept) and does not use or move numpy's global random state"
    df = pd.DataFrame({'x': range(10)}, index=range(100, 110))
    np.random.seed(0); expected = np.random.rand()
    np.random.seed(0); res = split_df(df, seed=5); got = np.random.rand()
    assert got == expected
    assert 'is_valid' not in df.columns and list(res.index) == list(df.index)
    np.random.seed(123)
    assert split_df(df, seed=5).is_valid.tolist() == res.is_valid.tolist()

@pytest.mark.parametrize('n', [2, 3, 7, 20])
@pytest.mark.parametrize('pct', [0.01, 0.5, 0.99])
def test_split_both_sides_non_empty(n, pct):
    "However small the data or extreme valid_pct, both train and valid get at least one row"
    v = split_df(pd.DataFrame({'x': range(n)}), valid_pct=pct).is_valid
    assert 1 <= v.sum() <= n-1

@pytest.mark.parametrize('pct', [0, 1, -0.1, 1.5, float('nan')])
def test_split_bad_valid_pct(pct):
    "valid_pct outside (0, 1) is a ValueError naming valid_pct"
    with pytest.raises(ValueError, match='valid_pct must be strictly between 0 and 1'):
        split_df(pd.DataFrame({'x': range(10)}), valid_pct=pct)

def test_split_too_few_rows():
    "One row cannot be split: a ValueError saying so"
    with pytest.raises(ValueError, match='need at least 2 rows'): split_df(pd.DataFrame({'x': [1]}))

def test_split_single_group():
    "A grouped split with only one group cannot have both sides: a ValueError, not an empty validation set"
    with pytest.raises(ValueError):
        split_df(pd.DataFrame({'g': ['a']*5, 'x': range(5)}), group_col='g')

def test_split_column_read_from_a_file(tmp_path):
    "An is_valid column read from a file is text: 'False' and '0' were True under astype(bool), every row validation"
    from toolkit.data import split_mask, read_table
    from toolkit.lm import lm_dls
    from toolkit.classify import classifier_dls
    from toolkit.tagger import tagger_dls, synthetic_tagged
    assert split_mask(pd.Series(['False', 'TRUE', ' 1', '0', 'no'])).tolist() == [False, True, True, False, False]
    assert split_mask(pd.Series([0, 1, 1.0])).tolist() == [False, True, True]
    for bad, shown in ((['True', 'maybe'], "'maybe'"), ([True, None], 'nothing'), ([0, 2], '2')):
        with pytest.raises(ValueError, match=f"column 'is_valid' must be True or False \\(or 1 or 0\\) on every row: row 1 has {shown}"):
            split_mask(pd.Series(bad))
    valid = ['True' if i % 5 == 0 else 'False' for i in range(40)] # 8 of 40
    words = synthetic_tagged(40).assign(is_valid=valid)
    words.to_csv(tmp_path/'tagged.csv', index=False)
    df, _ = read_table(tmp_path/'tagged.csv')
    dls = tagger_dls(df, tokenizer='char', bs=4)
    assert (len(dls.train_ds), len(dls.valid_ds)) == (32, 8)
    texts = pd.DataFrame({'text': df.words.str.replace(r"[\[\]',]", '', regex=True), 'label': ['a', 'b'] * 20,
                          'is_valid': [v.replace('True', '1').replace('False', '0') for v in valid]})
    dls = lm_dls(texts, tokenizer='char', bs=4, seq_len=8, fingerprint=False)
    assert (len(dls.train_ds), len(dls.valid_ds)) == (32, 8)
    dls = classifier_dls(texts, tokenizer='char', bs=4)
    assert (len(dls.train_ds), len(dls.valid_ds)) == (32, 8)

# ---------------------------------------------------------------- files as spreadsheets and other programs write them (helper 30's hunt)

def test_extra_fields_on_a_later_row(tmp_path):
    "A comma in an unquoted text past the first row was pandas' own two-line message: ours, naming the row, on any row"
    f = tmp_path/'t.csv'; f.write_text('text,label\nhi,pos\nhello, world,pos\n')
    msg = _err(ValueError, f, label_col='label')
    assert "row 3 has 3 fields, more than the header's 2 ('pos' after the last column): a text with a comma" in msg
    assert '\n' not in msg

def test_unclosed_quote(tmp_path):
    "A quote that never closes says so, on one line"
    f = tmp_path/'t.csv'; f.write_text('text,label\n"hi,pos\nbye,neg\n')
    msg = _err(ValueError, f)
    assert 'not a valid CSV file' in msg and 'a double quote opens a text that never closes' in msg and '\n' not in msg

@pytest.mark.parametrize('name,raw,said', [
    ('t.csv', b'name\torigin\nSmith\tEnglish\nSmith, Jr.\tEnglish\n', 'separated by tabs, not commas as a .csv file is: name it .tsv'),
    ('t.csv', b'text|label\nGuten Tag, Welt|pos\nNein|neg\n', 'separated by bars (|), not commas as a .csv file is: save '
              'it with commas between fields (in Excel: CSV UTF-8), or make its first line sep=| as Excel does'),
    ('t.tsv', b'text,label\nhi,pos\n', 'separated by commas, not tabs as a .tsv file is: name it .csv'),
    ('t.csv', 'text\nCafé “new”\n'.encode('cp1252'), "line 2 is not valid UTF-8 (byte 0xe9 at offset 8); it looks like "
     "Windows-1252 or Latin-1, as Excel saves a plain 'CSV' on Windows; save the file as UTF-8 (in Excel: 'CSV UTF-8')"),
    ('t.txt', 'Café “new”\n'.encode('cp1252'), "line 1 is not valid UTF-8 (byte 0xe9 at offset 3); it looks like "
     "Windows-1252 or Latin-1, as Windows editors save 'ANSI' text; save the file as UTF-8"), # not Excel's advice
    ('t.csv', 'text\nПривет мир, как дела?\n'.encode('cp1251'), "line 2 is not valid UTF-8 (byte 0xcf at offset 5); it looks "
     "like a code page of another alphabet than Western Europe's (Windows-1251 or KOI8-R for Cyrillic, Windows-1253 for "
     "Greek, Windows-1250 for Central Europe, GBK for Chinese...), as Excel saves a plain 'CSV' on a Windows set to that "
     "language; save the file as UTF-8 (in Excel: 'CSV UTF-8')"), # not Western Europe's Windows-1252 (helper 112)
    ('t.txt', '北京发现咖啡\n'.encode('gbk'), "it looks like a code page of another alphabet than Western Europe's"),
    ('t.csv', b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', 'it holds NUL bytes: it is not a text file'),
    ('t.csv', gzip.compress(b'text\nhi\n'), 't.csv is gzipped: name it t.csv.gz'),
], ids=['tabs', 'bars', 'commas', 'cp1252', 'cp1252-txt', 'cp1251', 'gbk-txt', 'binary', 'gzip'])
def test_what_a_file_looks_like(tmp_path, name, raw, said):
    """A file split by another separator than its suffix says was read as one column (labels glued to texts), and one
    that is not UTF-8 was 'not valid UTF-8': each is refused saying what it looks like and what to do"""
    f = tmp_path/name; f.write_bytes(raw)
    assert said in _err(ValueError, f)

def test_excel_separator_line(tmp_path):
    "Excel's `sep=;` first line names the separator: the file is read with it"
    f = tmp_path/'t.csv'; f.write_text('sep=;\r\ntext;label\r\n"Guten Tag; Welt";pos\r\nNein, danke;neg\r\n')
    df = read_texts(f, label_col='label')
    assert df.text.tolist() == ['Guten Tag; Welt', 'Nein, danke'] and df.label.tolist() == ['pos', 'neg']

def test_utf16_with_bom(tmp_path):
    "Excel's 'Unicode Text' (UTF-16 with its byte-order mark, tabs between fields) is read"
    f = tmp_path/'t.tsv'; f.write_bytes('text\tlabel\r\nCafé “new”\tpos\r\nBad day\tneg\r\n'.encode('utf-16'))
    df = read_texts(f, label_col='label')
    assert df.text.tolist() == ['Café “new”', 'Bad day'] and df.label.tolist() == ['pos', 'neg']

def test_column_names_as_typed_in_spreadsheets(tmp_path):
    "'Text' is found as the text column; a name in another case is suggested; spaces around a header's names are dropped"
    f = tmp_path/'t.csv'; f.write_text('Text,Label\nhello,pos\nbye,neg\n')
    assert read_texts(f).text.tolist() == ['hello', 'bye']
    assert "no text column 'text' (did you mean 'Text'?); the columns are 'Text', 'Label'" in _err(ValueError, f, text_col='text')
    g = tmp_path/'s.csv'; g.write_text('text, label\nhello, pos\nbye, neg\n')
    assert read_texts(g, label_col='label').label.tolist() == ['pos', 'neg']

def test_json_values_as_texts(tmp_path):
    "JSON lines: a list of words is its words, a number its JSON (1.0 as 1); an object is no text and is refused"
    f = tmp_path/'t.jsonl'
    f.write_text('{"text": ["The", "jury"], "label": 1.0}\n{"text": 42, "label": 1}\n{"text": "ok", "label": true}\n')
    df = read_texts(f, label_col='label')
    assert df.text.tolist() == ['The jury', '42', 'ok'] and df.label.tolist() == ['1', '1', 'true']
    g = tmp_path/'o.jsonl'; g.write_text('{"text": "hi"}\n{"text": {"title": "x"}}\n')
    assert 'o.jsonl: row 2: column \'text\' holds an object ({"title": "x"}), not a text' in _err(ValueError, g)

def test_copies_keep_json_and_the_byte_order_mark(tmp_path):
    "A CSV copy of JSON lines holds JSON, not Python's repr; a copy of Excel's 'CSV UTF-8' keeps its byte-order mark"
    from toolkit.data import write_table, read_to_copy
    src = tmp_path/'t.jsonl'; src.write_text('{"text": "hi", "meta": {"a": 1}, "ok": true, "tags": ["x", "y"]}\n')
    c = read_to_copy(src, tmp_path/'c.csv', None, '.c.csv', 'x')
    write_table(c.df, c.out, bom=c.bom)
    assert (tmp_path/'c.csv').read_text() == 'text,meta,ok,tags\nhi,"{""a"": 1}",true,"[""x"", ""y""]"\n'
    xl = tmp_path/'x.csv'; xl.write_bytes('text\nCafé\n'.encode('utf-8-sig'))
    c = read_to_copy(xl, tmp_path/'x2.csv', None, '.c.csv', 'x')
    assert c.bom and not read_to_copy(tmp_path/'c.csv', tmp_path/'c2.csv', None, '.c.csv', 'x').bom
    write_table(c.df, c.out, bom=c.bom)
    assert (tmp_path/'x2.csv').read_bytes() == 'text\nCafé\n'.encode('utf-8-sig')

def test_split_keeps_copies_of_a_text_together():
    "A file of texts repeated five times put every validation text in training too: validation rewarded copying"
    df = pd.DataFrame({'text': [f'name {i}' for i in range(60)]*5})
    s = split_df(df, valid_pct=0.1, seed=42)
    assert not set(s.text[s.is_valid]) & set(s.text[~s.is_valid]) and s.is_valid.sum() == 30 # 6 of 60 texts, 5 copies each
    one = pd.DataFrame({'text': [f't{i}' for i in range(50)]}) # no copies: the split by row as before
    np.testing.assert_array_equal(split_df(one, seed=3).is_valid, split_df(one.rename(columns={'text': 'x'}), seed=3).is_valid)
    with pytest.raises(ValueError, match='need at least 2 different texts to split into train and valid, got 1'):
        split_df(pd.DataFrame({'text': ['same']*5}))

@pytest.mark.parametrize('name,raw,said', [
    ('t.csv', 'text,label\nhello,pos\n'.encode('utf-16-le'), 'holds NUL bytes between its characters: it is UTF-16 without its byte-order mark'),
    ('t.txt', 'text\tlabel\r\nhéllo\tpos\r\n'.encode('utf-16'), "looks like Excel's 'Unicode Text' (UTF-16, a tab between fields): name it .tsv"),
    ('t.csv', b'text|label\nhi|pos\n', 'separated by bars (|), not commas as a .csv file is'),
], ids=['utf16-no-bom', 'unicode-text-as-txt', 'bars'])
def test_more_files_said_for_what_they_are(tmp_path, name, raw, said):
    "UTF-16 without a BOM decoded as UTF-8 with NULs; Excel's Unicode Text named .txt trained on its header and tabs"
    f = tmp_path/name; f.write_bytes(raw)
    assert said in _err(ValueError, f)

@pytest.mark.parametrize('first', ['SEP=;', '"sep=;"', 'sep=;;'])
def test_excel_separator_line_as_written(tmp_path, first):
    "Excel's separator line in capitals, quoted, or with the separator after it"
    f = tmp_path/'t.csv'; f.write_text(f'{first}\ntext;label\na, b;pos\n')
    assert read_texts(f, label_col='label').to_dict('list') == {'text': ['a, b'], 'label': ['pos']}

def test_tsv_separator_line_keeps_quotes(tmp_path):
    "A .tsv keeps quotes as typed, with or without a `sep=\\t` line"
    for body in ('sep=\t\ntext\tlabel\n"quoted" text\tpos\n', 'text\tlabel\n"quoted" text\tpos\n'):
        f = tmp_path/'t.tsv'; f.write_text(body)
        assert read_texts(f).text.tolist() == ['"quoted" text']

def test_a_text_copied_many_times_does_not_take_the_validation_split():
    "One text 200 times among 100: keeping copies together put 209 of 300 rows in validation; the share is of rows"
    df = pd.DataFrame({'text': [f'headline {i}' for i in range(100)] + ['Click here to subscribe']*200})
    for seed in range(30):
        s = split_df(df.sample(frac=1, random_state=seed), valid_pct=0.1, seed=seed)
        assert 20 <= s.is_valid.sum() <= 30 and not set(s.text[s.is_valid]) & set(s.text[~s.is_valid]), (seed, s.is_valid.sum())


def test_excel_text_exports_quote_their_fields(tmp_path):
    """Excel's Text and Unicode Text exports put a cell with a quote or a line break in quotes, quotes doubled: read with
    quotes as text, 'He said "wow"' trained as '"He said ""wow"" and left"' and a two-line cell became two rows, one
    unlabelled (helper 39). Quotes in a TSV that does not quote its fields stay text, as this library writes them"""
    from toolkit.data import read_table
    rows = 'text\tlabel\n"He said ""wow"" and left"\tpos\n"two\nlines"\tneg\nplain text\tpos\n'
    (tmp_path/'excel.tsv').write_bytes(('\ufeff' + rows.replace('\n', '\r\n')).encode('utf-16-le'))
    df = read_table(tmp_path/'excel.tsv')[0]
    assert df.text.tolist() == ['He said "wow" and left', 'two\r\nlines', 'plain text'] and df.label.tolist() == ['pos', 'neg', 'pos']
    (tmp_path/'plain.tsv').write_text('text\tlabel\n"Wow" he said\tpos\n"Great"\tneg\nsay ""hi""\tpos\n')
    assert read_table(tmp_path/'plain.tsv')[0].text.tolist() == ['"Wow" he said', '"Great"', 'say ""hi""']

def test_errors_name_the_files_rows(tmp_path):
    """An error named a CSV's rows counted from 0 after the header ('rows 2, 3' for a file's lines 4 and 5, helper 39):
    a file's rows are numbered as a spreadsheet or an editor numbers them (the header is row 1; a blank line and a text
    over two lines are rows too), in `read_table`, `read_texts(..., file_rows=True)` and the command line's messages;
    `read_texts` and `load_texts` still index their texts 0, 1, ... by default, as pandas does"""
    from toolkit.data import read_table
    from conftest import awd_here
    f = tmp_path/'t.csv'
    f.write_text('text,label\nhello,pos\n\n"over\ntwo lines",neg\nno label,\nbye,pos\nagain,neg\nthen,\n')
    assert read_table(f)[0].index.tolist() == [2, 4, 5, 6, 7, 8]
    assert read_texts(f, label_col='label').index.tolist() == list(range(6))
    assert load_texts(f, label_col='label', file_rows=True).index.tolist() == [2, 4, 5, 6, 7, 8]
    (tmp_path/'t.jsonl').write_text('{"text": "a"}\n\n{"text": "b"}\n')
    assert read_texts(tmp_path/'t.jsonl', file_rows=True).index.tolist() == [1, 3]
    (tmp_path/'b.txt').write_text('first\n\nsecond\n')
    assert read_texts(tmp_path/'b.txt', file_rows=True).index.tolist() == [1, 3]
    assert read_texts(tmp_path/'b.txt', paragraphs=True, file_rows=True).index.tolist() == [1, 3]
    (tmp_path/'o.jsonl').write_text('{"text": "a"}\n\n{"text": {"title": "b"}}\n')
    r = awd_here('train', tmp_path/'o.jsonl', '--preset', 'tiny', '--no-pretrained', '--out', tmp_path/'m')
    assert r.returncode == 2 and "o.jsonl: row 3: column 'text' holds an object" in r.stderr, r.stderr
    assert not (tmp_path/'m').exists()

def test_a_folder_of_text_files_one_a_label(tmp_path, monkeypatch):
    """The PyTorch names tutorial's layout (data/names/Arabic.txt, ...: a name a line) was refused, 'is a directory'
    (helper 45): a folder of .txt files is read as texts and their file's name as `label`, rows named by file and line;
    a folder called `names` is the user's, not the bundled corpus; a folder without .txt files says what it takes"""
    from toolkit.data import read_table, corpus_name
    d = tmp_path/'names'; d.mkdir()
    (d/'Russian.txt').write_text('Ivanov\nPetrov\n'); (d/'Japanese.TXT').write_text('Sato\n\nTanaka\n')
    (d/'.hidden.txt').write_text('x\n'); (d/'notes.md').write_text('not names\n')
    df, fmt = read_table(d)
    assert fmt == 'folder' and df.values.tolist() == [['Sato', 'Japanese'], ['', 'Japanese'], ['Tanaka', 'Japanese'],
                                                     ['Ivanov', 'Russian'], ['Petrov', 'Russian']], df
    assert read_texts(d, label_col='label').values.tolist() == [['Sato', 'Japanese'], ['Tanaka', 'Japanese'],
                                                                ['Ivanov', 'Russian'], ['Petrov', 'Russian']]
    assert load_texts(d, label_col='label', file_rows=True).index.tolist() == ['Japanese.TXT:1', 'Japanese.TXT:3',
                                                                              'Russian.txt:1', 'Russian.txt:2']
    monkeypatch.chdir(tmp_path)
    assert corpus_name('names') is None and len(load_texts('names')) == 4
    (tmp_path/'empty').mkdir()
    assert _err(ValueError, tmp_path/'empty').endswith("empty is a directory without .txt files: expected a CSV, TSV, TXT "
                                                        "or JSONL file, or a folder of .txt files, one a class (a text a "
                                                        "line; the file's name is its label)")

@pytest.mark.parametrize('name', ['t.csv.gz', 't.tsv.gz', 't.jsonl.gz'])
def test_gzipped_copy_names_itself(tmp_path, name):
    """A gzipped copy carried its temporary file's name in its header (`gunzip -N` made '.t.csv.gz.<pid>.tmp' of it,
    helper 46): the name inside is the copy's own, as gzip writes it; the text is as an uncompressed copy's"""
    from toolkit.data import write_table
    df = pd.DataFrame({'text': ['a "quoted", text', 'é'], 'n': [1, 2]})
    out = write_table(df, tmp_path/name, bom=True)
    raw = out.read_bytes()
    assert raw[3] & 8 and raw[10:].split(b'\0')[0] == name[:-3].encode() # FNAME flag, then the name
    plain = write_table(df, tmp_path/name[:-3], bom=True)
    assert gzip.decompress(raw) == plain.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, name[:-3]]) # no temporary file left

def test_labels_in_one_form_of_accents(tmp_path):
    """'société' with its accent as a character of its own (NFD, as Macs write file names and some exports write text)
    was a second class beside 'société'; a folder's 'Français.txt' a label that 'Français' typed did not match
    (helper 48): labels are read in one form (NFC)"""
    import unicodedata
    nfd = lambda s: unicodedata.normalize('NFD', s)
    (tmp_path/'t.csv').write_text(f"text,label\na,société\nb,{nfd('société')}\nc,{nfd('économie')}\n", encoding='utf-8')
    assert read_texts(tmp_path/'t.csv', label_col='label').label.tolist() == ['société', 'société', 'économie']
    d = tmp_path/'names'; d.mkdir()
    (d/f"{nfd('Français')}.txt").write_text('Dupont\nMartin\n'); (d/'Deutsch.txt').write_text('Müller\n')
    assert read_texts(d, label_col='label').label.tolist() == ['Deutsch', 'Français', 'Français']

def test_a_long_text_is_no_open_quote(tmp_path):
    """A 10,000-character review of one paragraph among short ones was 'a quote left open?' (helper 53): only a giant
    text that holds the rows after it (line breaks) is"""
    import warnings
    long = ' '.join(['A long and thoughtful review.'] * 400)
    pd.DataFrame({'text': ['Short one.'] * 50 + [long]}).to_csv(tmp_path/'t.csv', index=False)
    with warnings.catch_warnings(): warnings.simplefilter('error'); read_texts(tmp_path/'t.csv')
    (tmp_path/'q.csv').write_text('text\n' + 'Short one.\n' * 50 + '"An open quote\n' + 'Short one.\n' * 2000 + 'end"\n' +
                                  'Short one.\n' * 10) # (the next quote closes it, 2,000 rows on)
    with pytest.warns(UserWarning, match='a quote left open'): read_texts(tmp_path/'q.csv')
    # a small file: the quote swallows 190 of 300 rows, 7,500 characters (nothing was said, helper 78)
    rows = [('"' if i in (10, 200) else '') + f'Product review number {i} was fine,' + ('ops' if i % 2 else 'sales')
            for i in range(300)]
    (tmp_path/'s.csv').write_text('text,label\n' + '\n'.join(rows) + '\n')
    with pytest.warns(UserWarning, match=r'row 10 \(7,544 characters\), where the median text has 34: a quote left open'):
        assert len(read_texts(tmp_path/'s.csv')) == 110

def test_blank_lines_between_runs_of_lines_are_said(tmp_path):
    """A book or poems with blank lines between paragraphs, read one text a line, said only '(299 rows without a text
    left out)', not that --paragraphs reads each paragraph as one text (helper 67); Excel's Unicode Text saved as .txt
    with --text-col was told it has no columns, and only without it to name it .tsv (helper 67)"""
    from toolkit.cli import _texts_said
    f = tmp_path/'poems.txt'; f.write_text('Roses are red,\nviolets blue.\n\nShall I compare\nthee to a day?\n\nNo.\nYes.\n')
    df = read_texts(f)
    assert len(df) == 6 and df.attrs['paragraphs'] == 3
    assert _texts_said(df, 'poems.txt') == ("6 texts from poems.txt (2 rows without a text left out; blank lines part 3 "
                                            "paragraphs: --paragraphs reads each as one text)")
    f.write_text('one text\n\nanother\n\nand a third\n') # one line each: a blank line between texts is no paragraph
    assert 'paragraphs' not in read_texts(f).attrs
    f = tmp_path/'t.txt'; f.write_bytes('text\tlabel\r\nhéllo\tpos\r\n'.encode('utf-16'))
    with pytest.raises(ValueError, match="looks like Excel's 'Unicode Text'"): read_texts(f, text_col='text')

@pytest.mark.parametrize('raw,said', [
    ('Café “new”\n'.encode('cp1252'), 'no labels here'), # not UTF-8: the reason, not a decoding error
    ('a text\n'.encode('utf-16'), 'no labels here'),
    ('text\tlabel\r\nhéllo\tpos\r\n'.encode('utf-16'), "looks like Excel's 'Unicode Text'"), # the better reason
], ids=['cp1252', 'utf16', 'unicode-text'])
def test_refused_txt_not_read_first(tmp_path, raw, said):
    "A .txt that a reader refuses (`no_txt`) is refused for that reason, not read whole and refused for its bytes (helper 69)"
    from toolkit.data import read_table
    f = tmp_path/'t.txt'; f.write_bytes(raw)
    with pytest.raises(ValueError) as e: read_table(f, no_txt='no labels here')
    assert said in str(e.value) and 'UTF-8' not in str(e.value)

@pytest.mark.parametrize('raw', [b'hi\nthere\n', b'\x1f\x8b\x08\x00garbage'], ids=['not-gzipped', 'damaged'])
def test_damaged_txt_gz_named(tmp_path, raw):
    "A .txt.gz that is not gzip (or is cut short) is named as such: it was gzip's own error, or a traceback (helper 73)"
    from toolkit.data import read_table
    f = tmp_path/'t.txt.gz'; f.write_bytes(raw)
    with pytest.raises(ValueError, match=r't.txt.gz: not a valid gzip file'): read_table(f)

def test_a_column_name_twice_in_a_file(tmp_path):
    """A file with two columns named 'label': pandas read the second as 'label.1' and the first was used without a word
    (helper 78), where a DataFrame with two is refused: the column a command reads is refused by name, the others kept"""
    f = tmp_path/'dup.csv'
    f.write_text('text,label,label\n' + ''.join(f'some text {i},a{i % 2},b{i % 3}\n' for i in range(20)))
    with pytest.raises(ValueError, match=r"dup.csv: 2 columns are named 'label': name each column once"):
        read_texts(f, label_col='label')
    assert read_texts(f).text.tolist()[:2] == ['some text 0', 'some text 1'] # the texts alone: read
    f.write_text('text,text\nsome,thing\nother,one\n')
    with pytest.raises(ValueError, match=r"2 columns are named 'text'"): read_texts(f)
    f.write_text('text, label,label.1\nsome,a,b\nother,c,d\n') # real names, one with a space: as they were
    assert read_texts(f, label_col='label.1').label.tolist() == ['b', 'd']

def test_a_folder_with_an_empty_file_and_others(tmp_path):
    """A folder of one .txt file a class: an empty file refused the whole folder, and a folder or other files inside were
    passed over without a word (helper 78): the empty file is left out and both are said"""
    d = tmp_path/'nm'; (d/'sub').mkdir(parents=True)
    (d/'Russian.txt').write_text('Abrov\nKalin\n'); (d/'English.txt').write_text('Smith\nJones\n')
    (d/'Empty.txt').write_text(''); (d/'sub'/'German.txt').write_text('Schmidt\n'); (d/'notes.md').write_text('x')
    with pytest.warns(UserWarning, match=r"nm: left out Empty.txt \(empty\); read its .txt files alone, not notes.md, sub/"):
        df = read_texts(d, label_col='label')
    assert sorted(set(df.label)) == ['English', 'Russian'] and len(df) == 4
    for f in d.glob('*.txt'): f.write_text('')
    with pytest.raises(ValueError, match="has no rows: its .txt files are empty"): read_texts(d, label_col='label')

def test_a_sample_of_rows_keeps_the_files_split(tmp_path):
    """`--max-rows 20` of a file whose is_valid column holds out 2 rows in 200 sampled none of them (4 times in 5), and the
    split was then made at random, unsaid (helper 92): each side's share is kept, one row at least"""
    from toolkit.data import sample_rows
    from conftest import awd_here
    df = load_corpus('headlines').head(200)[['text']].assign(is_valid=['True' if i in (7, 150) else 'False' for i in range(200)])
    for seed in range(10):
        s = sample_rows(df, 20, seed)
        assert len(s) == 20 and (s.is_valid == 'True').sum() == 1 and s.index.is_unique
    assert sample_rows(df, 20, 3).index.tolist() == sample_rows(df, 20, 3).index.tolist() # seeded
    assert len(sample_rows(df, 500, 0)) == 200 and len(sample_rows(df.drop(columns='is_valid'), 20, 0)) == 20
    df.to_csv(tmp_path/'split.csv', index=False)
    r = awd_here('train', tmp_path/'split.csv', '--max-rows', '20', '--preset', 'tiny', '--epochs', '1', '--no-pretrained',
                 '--out', tmp_path/'m')
    assert r.returncode == 0 and "split by the file's is_valid column" in r.stdout, (r.stdout, r.stderr)
