"Everything a notebook needs: `from toolkit.all import *` (fastai's text API plus the toolkit's)."
from fastai.text.all import *
from .core import *
from .recipes import *
from .data import *
from .tokenize import *
from .lm import *
from .classify import *
from .tagger import *
from .export import *
from .train import *
from .generate import *
from .names import *
from .batch import *
