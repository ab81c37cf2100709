"""Classifiers, ULMFiT style (issue 5): DataLoaders, the learner, gradual unfreezing, predictions, export, CLI, bad
input."""
import json, subprocess, sys
import numpy as np
import pandas as pd
import pytest
import torch
from toolkit.data import load_corpus
from toolkit.lm import train_lm
from toolkit.classify import (classifier_dls, classifier_learner, fit_ulmfit, train_classifier, finetune_lm,
                              predict_texts, predict_csv)
from toolkit.export import export_learner, load_model
from conftest import awd_here, awd_fresh

TEXTS = ['A triumph of acting and direction.', 'Dull, overlong and badly written.', 'Fine.', '']

@pytest.fixture(scope='module')
def reviews(): return load_corpus('reviews').sample(1200, random_state=3)

@pytest.fixture(scope='module')
def clf(reviews):
    return train_classifier(reviews, preset='tiny', vocab_sz=300, epochs=3, lm_epochs=1, group_col='movie',
                            show_progress=False)

def test_ulmfit_recipe(clf, reviews):
    "train_classifier trains a language model on the texts, moves its encoder in, and ends with every layer trained"
    assert clf.awd.lm is not None and clf.dls.vocab[0] == clf.awd.lm.dls.vocab
    assert all(p.requires_grad for p in clf.model.parameters())
    assert set(clf.recorder.metric_names) >= {'accuracy', 'f1_score'}
    assert len(clf.dls.train_ds) + len(clf.dls.valid_ds) == len(reviews)

def test_split_by_movie(reviews):
    "group_col keeps every movie on one side of the split"
    dls = classifier_dls(reviews, group_col='movie', vocab_sz=300, bs=16)
    movie = reviews.movie.to_numpy() # the DataLoaders' items keep the rows' positions as their index
    train, valid = set(movie[dls.train_ds.items.index]), set(movie[dls.valid_ds.items.index])
    assert train and valid and not train & valid

def test_gradual_unfreezing_stages(reviews):
    "fit_ulmfit: head first (encoder frozen), then more groups, ending with all trainable"
    lm = train_lm(reviews, preset='tiny', vocab_sz=300, show_progress=False)
    learn = classifier_learner(classifier_dls(reviews, lm=lm, bs=32), lm=lm)
    emb = learn.model[0].module.encoder.weight
    assert not emb.requires_grad
    before = emb.detach().clone()
    fit_ulmfit(learn, epochs=1, show_progress=False) # one epoch: the whole network at once
    assert emb.requires_grad and not torch.equal(before, emb.detach())
    for kw, said in [({'epochs': None}, 'epochs must be an integer from 1 to'), ({'stages': 1.5}, 'stages must be 0, 1, 2 or 3, got 1.5'),
                     ({'lr': None}, r'lr must be a number in \(0, 10\] \(such as 1e-3\), got None'), ({'epochs': 0}, 'got 0')]:
        with pytest.raises(ValueError, match=said): fit_ulmfit(learn, **kw) # (None: a TypeError inside fastai, helper 70)
    with pytest.raises(ValueError, match=r'lr must be a number in \(0, 10\]'): fit_ulmfit(learn, lr=50.) # train_classifier's range
    fit_ulmfit(learn, epochs=2, lr=np.float32(1e-3), show_progress=False) # (a TypeError inside fastcore, helper 74)

def test_stages_refused_before_any_training(reviews, monkeypatch):
    "train_classifier(stages=5) was refused by fit_ulmfit, after its language model had trained (helper 74)"
    import toolkit.classify as tc
    monkeypatch.setattr(tc, '_task_lm', lambda *a, **k: pytest.fail('trained before the check'))
    for bad in (5, 2.0):
        with pytest.raises(ValueError, match=f'stages must be 0, 1, 2 or 3, got {bad}'):
            train_classifier(reviews, preset='tiny', stages=bad, show_progress=False)

def test_from_scratch_path(reviews):
    "pretrain=False: no language model, a fresh tokenizer, trained whole"
    learn = train_classifier(reviews, preset='tiny', vocab_sz=300, epochs=1, pretrain=False, show_progress=False)
    assert learn.awd.lm is None and all(p.requires_grad for p in learn.model.parameters())

def test_finetune_lm_keeps_vocab(reviews):
    headlines = load_corpus('headlines').sample(1500, random_state=0)
    lm = train_lm(headlines, preset='tiny', vocab_sz=300, show_progress=False)
    ft = finetune_lm(lm, reviews, epochs=1, show_progress=False)
    assert ft.dls.vocab == lm.dls.vocab and ft is not lm
    assert not torch.equal(ft.model[0].encoder.weight, lm.model[0].encoder.weight)

def test_probabilities(clf):
    "predict: fastai's (label, index, probabilities); predict_texts: the same in one batch, rows summing to 1"
    label, idx, probs = clf.predict(TEXTS[0])
    assert label in ('fresh', 'rotten') and abs(float(probs.sum()) - 1) < 1e-5
    res = predict_texts(clf, TEXTS[:3])
    assert list(res.columns) == ['label', 'prob', 'prob_fresh', 'prob_rotten'] and len(res) == 3
    assert ((res.prob_fresh + res.prob_rotten - 1).abs() < 1e-5).all()
    assert res.label[0] == label and abs(res.prob[0] - float(probs.max())) < 1e-4
    assert len(predict_texts(clf, [])) == 0
    with pytest.raises(ValueError, match='text 3 is empty: enter a text to classify'): # as the app and awd say
        predict_texts(clf, TEXTS)

def test_batch_order_is_kept(clf):
    "Long and short texts mixed: fastai sorts by length for the batches; the results come back in input order"
    texts = [('word ' * (i % 7 * 20 + 1)).strip() + f' {i}' for i in range(50)]
    res = predict_texts(clf, texts, bs=8)
    one = [float(clf.predict(t)[2][0]) for t in texts[:6]]
    assert [round(x, 4) for x in res.prob_fresh[:6]] == [round(x, 4) for x in one]

@pytest.mark.parametrize('change, msg', [
    (lambda d: d.assign(label='fresh'), "has 1 class \\('fresh'\\): a classifier needs at least 2"),
    (lambda d: d.assign(label=d.label.where(d.index % 5 != 0, '')), "rows have no label in column 'label'"),
    (lambda d: d.assign(label=d.label.where(d.index % 5 != 0, None)), "rows have no label in column 'label'"),
    (lambda d: d.drop(columns='label'), "no label column 'label'"),
    (lambda d: d.rename(columns={'text': 'review'}), "no text column 'text'"),
])
def test_bad_labels(reviews, change, msg):
    with pytest.raises(ValueError, match=msg): classifier_dls(change(reviews), vocab_sz=300)

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_missing_labels_feed_the_lm_only(reviews):
    "The documented choice: train_classifier's language model reads unlabelled rows; its classifier skips them"
    holes = reviews.assign(label=reviews.label.where(reviews.index % 3 != 0, ''))
    learn = train_classifier(holes, preset='tiny', vocab_sz=300, epochs=1, lm_epochs=1, show_progress=False)
    n_lm = len(learn.awd.lm.dls.train_ds) + len(learn.awd.lm.dls.valid_ds)
    n_clf = len(learn.dls.train_ds) + len(learn.dls.valid_ds)
    assert n_lm == len(holes) and n_clf == (holes.label != '').sum()

def test_label_only_in_valid(reviews):
    df = reviews.assign(is_valid=False)
    df.loc[df.index[:5], ['label', 'is_valid']] = ['meh', True]
    with pytest.raises(ValueError, match=r"labels \['meh'\] appear only in the validation split"):
        classifier_dls(df, vocab_sz=300)

def test_numeric_labels_in_value_order(reviews):
    """Star ratings 1 to 10 were classes 1, 10, 2, ... (labels are strings, sorted as text): the probability columns,
    the start line and `awd classify --probs` listed them so. Numbers now sort by value (as fastai sorts ints)"""
    df = reviews.head(200).assign(stars=[str(i % 12 - 1) for i in range(200)])
    assert list(classifier_dls(df, label_col='stars', tokenizer='char', bs=8).vocab[1]) == [str(i) for i in range(-1, 11)]
    mixed = df.assign(stars=[['b', 'a', 'C', '10'][i % 4] for i in range(200)]) # not all numbers: as text
    assert list(classifier_dls(mixed, label_col='stars', tokenizer='char', bs=8).vocab[1]) == ['10', 'C', 'a', 'b']
    from toolkit.cli import _classes_said # `awd train-classifier`'s start line
    assert _classes_said(pd.Series(['2', '10', '9', '2'])) == '3 classes: 2, 9, 10'

def test_not_a_classifier(clf):
    with pytest.raises(ValueError, match='not a classifier'): predict_texts(clf.awd.lm, ['x'])
    with pytest.raises(ValueError, match='text 1 must be a string, got int'): predict_texts(clf, ['x', 1])

def test_predict_csv(clf, tmp_path):
    "A copy of the CSV with predictions, written whole; an empty text gets none; errors name the file or column"
    pd.DataFrame({'id': range(4), 'review': TEXTS}).to_csv(tmp_path/'in.csv', index=False)
    out = pd.read_csv(predict_csv(clf, tmp_path/'in.csv', tmp_path/'out.csv', text_col='review'))
    assert list(out.columns) == ['id', 'review', 'pred_label', 'pred_prob', 'prob_fresh', 'prob_rotten']
    assert out.pred_label.isna().tolist() == [False, False, False, True]
    with pytest.raises(ValueError, match="no text column 'text'"):
        predict_csv(clf, tmp_path/'in.csv', tmp_path/'x.csv', text_col='text')
    with pytest.raises(FileNotFoundError, match='no such file'): predict_csv(clf, tmp_path/'none.csv', tmp_path/'x.csv')
    (tmp_path/'bad.csv').write_bytes(b'text\n\xff\xfe bad\n')
    with pytest.raises(ValueError, match='line 2 is not valid UTF-8'):
        predict_csv(clf, tmp_path/'bad.csv', tmp_path/'x.csv')
    assert not (tmp_path/'x.csv').exists() and not list(tmp_path.glob('.*.tmp'))

PROBE = '''
import json, sys
from toolkit.export import load_model
from toolkit.classify import predict_texts
clf = load_model(sys.argv[1])
print(json.dumps(predict_texts(clf, json.loads(sys.argv[2])).drop(columns='label').round(6).values.tolist()))
'''

def test_a_copy_of_another_models_copy_says_what_goes(tmp_path):
    "A second classifier on the first one's copy replaced its columns without a word (helper 88); the same model's: quiet"
    import warnings
    pd.DataFrame({'text': ['A gripping film', 'Flu season is here']}).to_csv(tmp_path/'in.csv', index=False)
    sentiment, outlet = load_model('sentiment'), load_model('outlet')
    predict_csv(sentiment, tmp_path/'in.csv', tmp_path/'a.csv')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        predict_csv(sentiment, tmp_path/'a.csv', tmp_path/'again.csv') # its own predictions again: nothing lost
    with pytest.warns(UserWarning, match=r"a.csv: the predictions of another model \(pred_label, pred_prob, prob_fresh, "
                                         r"prob_rotten\) are replaced by this one's"):
        predict_csv(outlet, tmp_path/'a.csv', tmp_path/'b.csv')
    assert 'prob_fresh' not in pd.read_csv(tmp_path/'b.csv').columns

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_fastai_export_leaves_the_language_model_behind(clf, tmp_path):
    """fastai's own `learn.export` of a trained classifier pickled its language model, and with it the model's
    DataLoaders and training texts (helper 70: 2.5x the file of `export_learner`'s pickle)"""
    from fastai.learner import load_learner
    clf.export(tmp_path/'f.pkl')
    export_learner(clf, tmp_path/'t.pkl')
    assert clf.awd.lm is not None # kept in memory
    assert load_learner(tmp_path/'f.pkl').awd.lm is None
    assert (tmp_path/'f.pkl').stat().st_size < 1.1 * (tmp_path/'t.pkl').stat().st_size

def test_show_results_and_interpretation(clf, capsys):
    "fastai's learn.show_results() was a TypeError on every classifier ('Function' object is not subscriptable, helper 70)"
    import matplotlib; matplotlib.use('Agg')
    from fastai.interpret import ClassificationInterpretation
    with clf.no_bar(): clf.show_results(max_n=2)
    assert 'HTML' in capsys.readouterr().out # its table (fastai's display_df), before plot_top_losses prints one too
    interp = ClassificationInterpretation.from_learner(clf)
    interp.plot_top_losses(2)
    cm = interp.confusion_matrix()
    wrong = int(cm.sum() - cm.trace()) # most_confused counts every mistake (min_val=0 listed every pair: it could not fail)
    assert sum(n for *_, n in interp.most_confused()) == wrong

def test_a_loss_the_portable_format_does_not_keep(clf, tmp_path):
    "A custom loss was lost at save, in silence: the loaded model validated with cross-entropy (helper 70)"
    import warnings
    from fastai.losses import LabelSmoothingCrossEntropyFlat
    own = clf.loss_func
    try:
        clf.loss_func = LabelSmoothingCrossEntropyFlat()
        with pytest.warns(UserWarning, match='^the portable format keeps the model, not its loss: '
                                             'LabelSmoothingCrossEntropyFlat is not saved'):
            export_learner(clf, tmp_path/'m')
    finally: clf.loss_func = own
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter('always')
        export_learner(clf, tmp_path/'m2') # its own loss: nothing to say
    assert not [w for w in said if 'not its loss' in str(w.message)]

def test_predict_of_fastais_own_rows(clf):
    "A row of fastai's own items (its pieces) is classified as it was; a row missing its text says so (helper 73)"
    row = clf.dls.valid_ds.items.iloc[0]
    assert clf.predict(row)[0] in ('fresh', 'rotten')
    with pytest.raises(ValueError, match='a text is missing'): clf.predict(pd.Series({'text': float('nan'), 'label': 'x'}))

def test_round_trip_fresh_process(clf, tmp_path):
    "Exported, loaded in a fresh process: identical probabilities; the card has the classes and the LM's metrics"
    path = export_learner(clf, tmp_path/'sentiment', corpus='reviews')
    r = subprocess.run([sys.executable, '-c', PROBE, str(path), json.dumps(TEXTS[:3])], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    here = predict_texts(clf, TEXTS[:3]).drop(columns='label').round(6).values.tolist()
    assert json.loads(r.stdout.strip().splitlines()[-1]) == here
    card = load_model(path).awd.card
    assert card['classes'] == ['fresh', 'rotten'] and card['task'] == 'classify' and card['tokenizer']['vocab_sz'] > 2

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_cli_classifier(awd, app_models_dir, tmp_path):
    """awd classify --csv writes a copy beside the input; no texts, or a label column the data lacks, is an error (the
    README's lines train, classify texts and a CSV: `test_use_it_commands`)"""
    run = awd_fresh
    pd.DataFrame({'text': TEXTS[:3]}).to_csv(tmp_path/'in.csv', index=False)
    r = run('classify', app_models_dir/'sentiment', '--csv', tmp_path/'in.csv')
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(tmp_path/'in.pred.csv')) == 3
    r = awd_here('classify', app_models_dir/'sentiment')
    assert r.returncode == 2 and 'give texts to classify, or --csv FILE' in r.stderr
    r = awd_here('train-classifier', 'reviews', '--label-col', 'stars', '--preset', 'tiny', '--max-rows', '500')
    assert r.returncode == 2 and "no column 'stars'" in r.stderr

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_ensemble_cli_fresh_process(awd, reviews, tmp_path):
    """awd train-classifier --bidirectional: a forward + backward ensemble, saved as one directory; awd classify in a
    fresh process gives the probabilities the trained ensemble gives; the app serves it like any classifier"""
    run = awd_fresh
    reviews.sample(500, random_state=0).to_csv(tmp_path/'reviews.csv', index=False)
    r = run('train-classifier', tmp_path/'reviews.csv', '--label-col', 'label', '--group-col', 'movie',
            '--bidirectional', '--preset', 'tiny', '--vocab-sz', '300', '--epochs', '1', '--lm-epochs', '1', '--quiet',
            '--out', tmp_path/'models'/'ens')
    assert r.returncode == 0, r.stderr
    assert 'forward and backward' in r.stdout and 'accuracy' in r.stdout
    ens = load_model(tmp_path/'models'/'ens')
    assert ens.directions == ['forward', 'backward'] and ens.awd.card['kind'] == 'Ensemble'
    r = run('classify', tmp_path/'models'/'ens', *TEXTS[:3], '--probs')
    assert r.returncode == 0, r.stderr
    got = [json.loads(l)['probs']['fresh'] for l in r.stdout.splitlines()]
    want = predict_texts(ens, TEXTS[:3]).prob_fresh.tolist()
    assert got == pytest.approx(want, abs=1e-4)
    r = awd_here('train-classifier', tmp_path/'reviews.csv', '--label-col', 'label', '--lm', tmp_path/'models'/'ens',
            '--out', tmp_path/'x')
    assert r.returncode == 2 and 'not a language model' in r.stderr and not (tmp_path/'x').exists()
    from toolkit.app import app_models
    served = app_models(tmp_path/'models', train_missing=False, shipped=False)
    assert list(served) == ['ens'] and predict_texts(served['ens'], ['Fine.']).label[0] in ('fresh', 'rotten')

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_members_cli_fresh_process(awd, reviews, tmp_path):
    """awd train-classifier --members 2: two classifiers on one language model, saved as one ensemble; awd classify in a
    fresh process gives the probabilities the loaded ensemble gives, which are the mean of its members'"""
    run = awd_fresh
    reviews.sample(500, random_state=0).to_csv(tmp_path/'reviews.csv', index=False)
    r = run('train-classifier', tmp_path/'reviews.csv', '--label-col', 'label', '--group-col', 'movie',
            '--members', '2', '--preset', 'tiny', '--vocab-sz', '300', '--epochs', '1', '--lm-epochs', '1', '--quiet',
            '--out', tmp_path/'ens')
    assert r.returncode == 0, r.stderr
    assert '2 classifiers averaged' in r.stdout and 'accuracy' in r.stdout
    ens = load_model(tmp_path/'ens')
    assert ens.directions == ['forward', 'forward'] and ens.awd.card['kind'] == 'Ensemble'
    mean = (predict_texts(ens[0], TEXTS[:3]).prob_fresh + predict_texts(ens[1], TEXTS[:3]).prob_fresh)/2
    assert predict_texts(ens, TEXTS[:3]).prob_fresh.tolist() == pytest.approx(mean.tolist(), abs=1e-6)
    r = run('classify', tmp_path/'ens', *TEXTS[:3], '--probs')
    assert r.returncode == 0, r.stderr
    assert [json.loads(l)['probs']['fresh'] for l in r.stdout.splitlines()] == pytest.approx(mean.tolist(), abs=1e-4)
    r = awd_here('train-classifier', tmp_path/'reviews.csv', '--label-col', 'label', '--members', '0', '--out', tmp_path/'x')
    assert r.returncode == 2 and '--members must be a whole number from 1 to 20, got 0' in r.stderr
    assert not (tmp_path/'x').exists()

@pytest.mark.slow # a fresh process or long training: `make test`, not `make test-fast`
def test_members_bidirectional(reviews):
    "bidirectional=True with members=2: two forward and two backward classifiers, each pair on its own language model"
    ens = train_classifier(reviews.sample(800, random_state=1), preset='tiny', vocab_sz=200, epochs=1, lm_epochs=1,
                           group_col='movie', bidirectional=True, members=2, show_progress=False)
    assert ens.directions == ['forward', 'forward', 'backward', 'backward']
    assert [m.awd.backwards for m in ens.awd.lm] == [False, True]
    assert ens[0].awd.lm is ens[1].awd.lm is ens.awd.lm[0] and ens[2].awd.lm is ens[3].awd.lm is ens.awd.lm[1]
    assert set(ens.metrics) == {'accuracy', 'f1_score'}

def test_prediction_does_not_depend_on_the_batch():
    "A short text beside one more than a chunk (72 pieces) longer was read at a padding position by fastai's pooling: "
    "'short' was fresh 0.605 alone and rotten 0.941 beside a long review"
    from toolkit.all import load_model, predict_texts
    s = load_model('sentiment')
    alone = predict_texts(s, ['short', 'A joy.'])
    beside = predict_texts(s, ['short', 'A joy.', 'Bad, bad, bad movie. ' * 30])
    assert (alone.label == beside.label[:2]).all()
    assert abs(alone.iloc[:, 2:].values - beside.iloc[:2, 2:].values).max() < 1e-4

def test_every_text_of_a_mixed_batch_is_read():
    """fastai's encoder reads, at each chunk, the first rows with a piece there; a mid-length text ending a chunk before
    a short one began left the short one unread: 0.999 fresh alone, 0.813 rotten (any short text: the output for
    padding) beside two longer ones, in predict_texts, get_preds, `awd classify --csv` and the app's batched Classify"""
    from toolkit.all import load_model, predict_texts
    s = load_model('sentiment')
    short, mid, long = ('A feel-good picture in the best sense of the term.', 'The plot drags and the jokes fall flat. ' * 5,
                        'The plot drags and the jokes fall flat. ' * 20)
    alone = predict_texts(s, [short])
    for batch in ([short, mid, long], [long, short, mid], [mid, short]):
        got = predict_texts(s, batch)
        assert abs(got.iloc[batch.index(short), 2:].to_numpy(float) - alone.iloc[0, 2:].to_numpy(float)).max() < 1e-5, batch
    preds = s.get_preds(dl=s.dls.test_dl([short, mid, long], bs=3), reorder=True)[0]
    assert abs(preds[0].numpy() - alone.iloc[0, 2:].to_numpy(float)).max() < 1e-5 # fastai's own idiom too


def test_a_users_table_habits(tmp_path):
    """A user's own labelled table (helper 39): missing texts in a DataFrame crashed the split ('list' argument must have
    no negative elements); predict_texts dropped a Series' index, so `df['pred'] = ...` filled NaN; rows without a group
    were all one group (63% of rows in validation); an id column as labels listed 12,752 labels in one error"""
    import numpy as np
    from toolkit.data import split_df
    df = load_corpus('reviews').sample(300, random_state=0)[['text', 'label']].reset_index(drop=True)
    holes = df.copy(); holes.loc[::9, 'text'] = np.nan
    learn = train_classifier(holes, 'text', 'label', preset='tiny', pretrain=False, epochs=1, show_progress=False)
    test = df.sample(6, random_state=1)
    test['pred'] = predict_texts(learn, test.text).label
    assert test.pred.notna().all() and list(predict_texts(learn, test.text).index) == list(test.index)
    assert list(predict_texts(learn, list(test.text)).index) == list(range(6)) # a list: numbered from 0, as before
    g = df.assign(user=[f'u{i % 20}' if i % 5 < 2 else np.nan for i in range(len(df))])
    for seed in range(6): assert split_df(g, 0.1, seed, group_col='user').is_valid.mean() < 0.2
    with pytest.raises(ValueError, match=r"^300 different labels in 300 rows \('r\d+', .*, \.\.\.\): is that the column of labels"):
        train_classifier(df.assign(id=[f'r{i}' for i in range(len(df))]), 'text', 'id', preset='tiny', pretrain=False)
    r = awd_here('train-classifier', tmp_path/'nosuch.csv', '--out', tmp_path/'m') # not 'which column holds the labels?'
    assert r.returncode == 2 and 'nosuch.csv: no such file or bundled corpus' in r.stderr, r.stderr

def test_csv_column_in_another_case(tmp_path):
    "`awd classify origin --csv` on a file headed 'Name,Origin' asked which column holds the texts (the model's is 'name', helper 45)"
    from toolkit.classify import predict_csv
    (tmp_path/'caps.csv').write_text('Name,Origin\nNakamura,Japanese\nIvanov,Russian\n')
    out = pd.read_csv(predict_csv(load_model('origin'), tmp_path/'caps.csv', tmp_path/'out.csv'))
    assert out.pred_label.tolist() == ['Japanese', 'Russian'], out

def test_predict_keeps_the_toolkits_progress_and_metrics(clf, reviews, tmp_path):
    """After a `predict` (fastai's `no_bar` and `get_preds`), a log file filled with fastai's bars again (its `no_bar`
    put back a new fastai ProgressCallback), and a model saved then had the metrics of whatever was predicted last, or
    none (helper 51): the toolkit's callback stays, and the card has the metrics of the last fit or validate"""
    import toolkit.lm
    from toolkit.export import export_learner, last_metrics, load_model
    kept = last_metrics(clf)
    assert kept and type(clf.progress) is toolkit.lm.ProgressCallback
    clf.predict('A joy from start to finish.')
    assert type(clf.progress) is toolkit.lm.ProgressCallback
    other = reviews.sample(200, random_state=9)
    clf.get_preds(dl=clf.dls.test_dl(other, with_labels=True)) # other texts: their figures are not the model's
    clf.lr_find(num_it=5, show_plot=False)
    assert last_metrics(clf) == kept
    assert load_model(export_learner(clf, tmp_path/'m')).awd.card['metrics'] == kept
    with clf.no_bar(): pass
    assert type(clf.progress) is toolkit.lm.ProgressCallback

def test_imbalance_is_said():
    """380 'fresh' and 20 'rotten' reviews: the 40 held out had no 'rotten' one and the card said 'accuracy 1, f1_score
    1'; or the classifier put every text in 'fresh' and said 'accuracy 0.94' (helper 53): both are said"""
    import warnings
    from toolkit.classify import warn_one_class
    rev = load_corpus('reviews')
    df = pd.concat([rev[rev.label == 'fresh'].head(380), rev[rev.label == 'rotten'].head(20)]).reset_index(drop=True)
    df['is_valid'] = [i % 10 == 0 and l == 'fresh' for i, l in enumerate(df.label)] # no 'rotten' text held out
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter('always')
        learn = train_classifier(df, preset='tiny', vocab_sz=300, epochs=1, lm_epochs=0, pretrain=False,
                                 show_progress=False)
    msgs = [str(w.message) for w in said]
    assert any(m.startswith("the validation split has no texts of 'rotten': the metrics do not measure it") for m in msgs), msgs
    learn.valid_predicted, learn.valid_labelled = torch.tensor([38, 0]), torch.tensor([30, 8]) # as counted for a
    with pytest.warns(UserWarning, match=r"the classifier puts every validation text \(38\) in 'fresh': it has learnt "
                                         "the commonest class alone"): # classifier of the commoner class alone
        warn_one_class(learn)
    learn.valid_predicted = torch.tensor([30, 8])
    with warnings.catch_warnings(): warnings.simplefilter('error'); warn_one_class(learn) # two classes: nothing said

def test_validation_counts_each_class(clf):
    "PredictedClasses counts the validation texts by class, as put and as labelled"
    clf.validate()
    assert int(clf.valid_predicted.sum()) == int(clf.valid_labelled.sum()) == len(clf.dls.valid_ds)

def test_a_label_column_of_blanks():
    "An all-blank label column said \"has 0 classes (): a classifier needs at least 2\" (helper 53)"
    from toolkit.classify import _check_labels
    df = pd.DataFrame({'text': ['a', 'b', 'c'], 'label': ['', 'NA', None]})
    with pytest.raises(ValueError, match="column 'label' has no labels: its 3 rows are empty, or marks of a missing value"):
        _check_labels(df, 'label', unlabelled='drop')

def test_class_weight_cli(reviews, tmp_path):
    """awd train-classifier had no way to weight rare classes: the one-class warning told a user with 95% 'fresh'
    reviews to resample by hand (helper 50: the origin classifier named 16 of 75 Vietnamese names). --class-weight
    weighs each class by its count to the power -w; the start line says so, the card records it, a bad value is refused"""
    imb = pd.concat([reviews[reviews.label == 'fresh'].head(270), reviews[reviews.label == 'rotten'].head(30)])
    imb.to_csv(tmp_path/'imb.csv', index=False)
    r = awd_here('train-classifier', tmp_path/'imb.csv', '--class-weight', '1', '--preset', 'tiny', '--vocab-sz', '200',
                 '--epochs', '1', '--lm-epochs', '1', '--no-pretrained', '--quiet', '--out', tmp_path/'m')
    assert r.returncode == 0, r.stderr
    assert 'each class weighted by its count to the power -1' in r.stdout.splitlines()[0]
    assert load_model(tmp_path/'m').awd.card['class_weight'] == 1
    r = awd_here('train-classifier', tmp_path/'imb.csv', '--class-weight', '2', '--out', tmp_path/'x')
    assert r.returncode == 2 and '--class-weight must be a number from 0 to 1, got 2' in r.stderr
    assert not (tmp_path/'x').exists()

def _three_outlets():
    "300 headlines of three outlets, as a fastai user's own small labelled set (helper 60's)"
    df = load_corpus('headlines')
    return pd.concat([df[df.source == s].sample(100, random_state=0) for s in ['bbchealth', 'nprhealth', 'goodhealth']]
                     ).reset_index(drop=True)[['text', 'source']]

def test_what_a_fastai_user_brings_to_train_classifier():
    """List labels (fastai's multi-label habit) were trained as classes "['a', 'b']"; pre-split words were read as the
    text "['nhs', 'surge', ...]"; a classifier as lm failed inside the fine-tuning with "unhashable type: 'list'" (helper 60)"""
    d, kw = _three_outlets(), dict(preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    with pytest.raises(ValueError, match=r"one label a text: row 0 has a list, \['a', 'b'\] \(several labels"):
        train_classifier(d.assign(source=[['a', 'b']] * len(d)), 'text', 'source', **kw)
    with pytest.raises(ValueError, match=r"column 'text' holds lists of words \(row 0\): .*str.join"):
        train_classifier(d.assign(text=d.text.str.split()), 'text', 'source', **kw)
    with pytest.raises(ValueError, match='^lm is a classifier: it needs a language model'):
        train_classifier(d, 'text', 'source', lm=load_model('sentiment'), **kw)

def test_an_ensemble_of_one_class_says_so():
    """Two members that put every validation text in one class said nothing, where one classifier warns; the warning
    advised class_weight=1 to a classifier trained with it (helper 60)"""
    import warnings
    d, kw = _three_outlets(), dict(preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        ens = train_classifier(d, 'text', 'source', members=2, **kw)
    said = [str(x.message) for x in w if 'puts every validation text' in str(x.message)]
    assert ens.valid_predicted.tolist() == [30, 0, 0] and ens.valid_labelled.sum() == 30, ens.valid_predicted
    assert said == ["the classifier puts every validation text (30) in 'bbchealth': it has learnt one class alone; "
                    "train more epochs, or on more texts"], said # (three classes of 100: no weighting helps, helper 67)
    rare = pd.concat([d, pd.DataFrame({'text': d.text[:5], 'source': 'rare'})])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        train_classifier(rare, 'text', 'source', class_weight=1, **kw)
    said = [str(x.message) for x in w if 'puts every validation text' in str(x.message)]
    assert said and 'class_weight' not in said[0], said

def test_predict_csv_knows_the_column_a_python_trained_model_read(tmp_path):
    "A classifier trained in Python on 'headline' asked predict_csv 'which column holds the texts?' (helper 60)"
    from toolkit.classify import predict_csv
    d = _three_outlets().rename(columns={'text': 'headline', 'source': 'outlet'})
    learn = train_classifier(d, 'headline', 'outlet', preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    d.head(5).to_csv(tmp_path/'t.csv', index=False)
    predict_csv(learn, tmp_path/'t.csv', tmp_path/'o.csv')
    export_learner(learn, tmp_path/'m')
    predict_csv(load_model(tmp_path/'m'), tmp_path/'t.csv', tmp_path/'o2.csv') # kept on its card
    assert pd.read_csv(tmp_path/'o.csv').pred_label.tolist() == pd.read_csv(tmp_path/'o2.csv').pred_label.tolist()

def test_test_dl_takes_the_users_own_table(tmp_path):
    """`learn.dls.test_dl(df)` of the table the classifier was trained from, the fastai way, said `KeyError: 'text'` (its
    DataLoaders read the columns they renamed it to); loaded from the portable format too, and a table without the
    column is told which it needs"""
    d = _three_outlets().rename(columns={'text': 'headline', 'source': 'outlet'})
    learn = train_classifier(d.iloc[:250], 'headline', 'outlet', preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    test = d.iloc[250:]
    probs, y = learn.get_preds(dl=learn.dls.test_dl(test, with_labels=True))
    assert probs.shape == (len(test), 3) and y.tolist() == [list(learn.dls.vocab[1]).index(v) for v in test.outlet]
    assert torch.allclose(probs, learn.get_preds(dl=learn.dls.test_dl(test.headline.tolist()))[0])
    export_learner(learn, tmp_path/'m')
    loaded = load_model(tmp_path/'m')
    assert (loaded.awd.card['text_col'], loaded.awd.card['label_col']) == ('headline', 'outlet')
    assert torch.allclose(probs, loaded.get_preds(dl=loaded.dls.test_dl(test))[0], atol=1e-5)
    with pytest.raises(ValueError, match=r"the table has no column 'headline' \(the column of texts the model was trained "
                                         r"from; nor 'text'\): its columns are 'title', 'outlet'"):
        learn.get_preds(dl=learn.dls.test_dl(test.rename(columns={'headline': 'title'})))
    beside = test.assign(text='zzz') # a column named 'text' beside the model's own: the own one is read (helper 74)
    assert torch.allclose(probs, learn.get_preds(dl=learn.dls.test_dl(beside))[0])
    with pytest.raises(ValueError, match=r'a label is missing \(nan\): drop the rows without one'):
        learn.get_preds(dl=learn.dls.test_dl(test.assign(outlet=lambda t: t.outlet.where(t.index != t.index[3])),
                                            with_labels=True)) # (fastai's "Label 'nan' was not included")
    numbered = pd.DataFrame({0: d.headline, 1: d.outlet}) # a file read with header=None (assign's TypeError, helper 74)
    learn = train_classifier(numbered.iloc[:250], 0, 1, preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    probs = learn.get_preds(dl=learn.dls.test_dl(numbered.iloc[250:]))[0]
    export_learner(learn, tmp_path/'n')
    loaded = load_model(tmp_path/'n')
    assert torch.allclose(probs, loaded.get_preds(dl=loaded.dls.test_dl(numbered.iloc[250:]))[0], atol=1e-5)
    # made from classifier_dls (train_classifier's card names its text_col anyway): column 0 was dropped as falsy
    own = classifier_learner(classifier_dls(numbered, 0, 1, vocab_sz=200, bs=16), preset='tiny')
    export_learner(own, tmp_path/'o')
    assert {k: load_model(tmp_path/'o').awd.card.get(k) for k in ('text_col', 'label_col')} == {'text_col': 0, 'label_col': 1}
    swapped = d.rename(columns={'headline': 'label', 'outlet': 'text'}) # texts in 'label', labels in 'text'
    learn = train_classifier(swapped.iloc[:250], 'label', 'text', preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    test = swapped.iloc[250:]
    probs, y = learn.get_preds(dl=learn.dls.test_dl(test, with_labels=True))
    assert y.tolist() == [list(learn.dls.vocab[1]).index(v) for v in test.text] # (it read the labels as texts)
    assert torch.allclose(probs, learn.get_preds(dl=learn.dls.test_dl(test.label.tolist()))[0])

def test_an_ensemble_predicts_as_a_classifier_does():
    "Ensemble.predict(text, with_input=True) was a TypeError, and a list said 'must be a string' without the way (helper 60)"
    ens = load_model('origin') # forward + backward (and the names models' votes)
    text, label, i, probs = ens.predict('Nakamura', with_input=True)
    assert (text, label) == ('Nakamura', ens.classes[int(i)]) and torch.equal(probs, ens.predict('Nakamura')[2])
    with pytest.raises(ValueError, match=r'for several, predict_texts\(learn, texts\)'): ens.predict(['Ivanov', 'Li'])

def test_a_test_set_of_numeric_labels():
    """A classifier of labels 0, 1, 2 evaluated the fastai way on a test set (`test_dl(df, with_labels=True)`):
    "Label '1' was not included in the training dataset" (its classes are the strings '0', '1', '2', helper 60)"""
    d = _three_outlets()
    d = d.assign(label=d.source.map({'bbchealth': 0, 'goodhealth': 1, 'nprhealth': 2}))[['text', 'label']]
    learn = train_classifier(d.iloc[:250], preset='tiny', lm_epochs=1, epochs=1, show_progress=False)
    test = d.iloc[250:].assign(label=lambda t: t.label.astype(float)) # a file with a blank: read as 1.0
    probs, y = learn.get_preds(dl=learn.dls.test_dl(test, with_labels=True))
    assert y.tolist() == [list(learn.dls.vocab[1]).index(str(int(v))) for v in test.label], y
    assert 0 <= learn.validate(dl=learn.dls.test_dl(test, with_labels=True))[1] <= 1

def test_test_dl_of_missing_texts_says_so():
    """helper 60: `dls.test_dl(df)` of a column with a NaN (or a list with None) failed inside fastai with "'float'
    object is not iterable": now it names the missing text and what to do"""
    import numpy as np
    from toolkit.export import load_model
    clf = load_model('sentiment')
    df = pd.DataFrame({'text': ['a great film', np.nan, 'awful'], 'label': ['fresh', 'rotten', 'rotten']})
    msg = r'a text is missing \((nan|None)\): drop the rows without one \(df.dropna\(subset=\[text_col\]\)\)'
    for items in (df, ['fine', None]):
        with pytest.raises(ValueError, match=msg): clf.dls.test_dl(items)
    assert clf.get_preds(dl=clf.dls.test_dl(df.dropna()))[0].shape == (2, 2)

def test_one_class_warning_blames_imbalance_only_when_there_is_one():
    """A classifier of 10 classes of 40 rows that put every text in one was told it learnt 'the commonest class' and to
    weight the rarer classes, though none was rarer (helper 67)"""
    from types import SimpleNamespace as NS
    from toolkit.classify import warn_one_class
    mk = lambda p, t: NS(valid_predicted=torch.tensor(p), valid_labelled=torch.tensor(t), dls=NS(vocab=[None, list('abc')]))
    with pytest.warns(UserWarning, match=r"\(12\) in 'b': it has learnt one class alone; train more epochs, or on more texts$"):
        warn_one_class(mk([0, 12, 0], [4, 4, 4]))
    with pytest.warns(UserWarning, match="in 'a': it has learnt the commonest class alone; weight the rarer classes"):
        warn_one_class(mk([12, 0, 0], [10, 1, 1]))

def test_finetune_lm_repeats_from_its_seed():
    "`awd train DATA --lm MODEL --epochs 1` twice with one seed gave valid_loss 4.343 and 4.354 (helper 69)"
    lm = train_lm(load_corpus('headlines').iloc[:300], preset='tiny', epochs=1, show_progress=False)
    more = load_corpus('headlines').iloc[300:600]
    runs = [finetune_lm(lm, more, epochs=1, seed=3, show_progress=False).validate()[0] for _ in range(2)]
    assert runs[0] == runs[1], runs
