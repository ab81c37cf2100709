"""A Space-style entry point: `python apps/app.py` here, or this file as a Hugging Face Space's `app.py` (with
`awd-toolkit` in its requirements). It starts the app the way `awd serve` does (`toolkit.app.start_app`): the models
in $AWD_MODELS_DIR (default `models`), training the missing defaults once with the `small` preset, plus any other
classifier found there; it listens on $GRADIO_SERVER_NAME:$GRADIO_SERVER_PORT (default 127.0.0.1:7860)."""
import os
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
from toolkit.app import start_app, launch

demo = start_app()

if __name__ == '__main__': launch(demo)
