"""A Space-style entry point: `python apps/app.py` here, or this file as a Hugging Face Space's `app.py` (with
`awd-toolkit` in its requirements). It starts the app the way `awd serve` does (`toolkit.app.start_app`): the models
in $AWD_MODELS_DIR (default `models`), training the missing defaults once with the `small` preset, plus any other
classifier found there; it listens on $GRADIO_SERVER_NAME:$GRADIO_SERVER_PORT (default 127.0.0.1:7860). A bad
setting (a models directory that is not there, a port in use or not a number) is one line, as `awd serve` says it."""
import os, sys
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
from toolkit.core import serve_address

def _or_exit(f, *args):
    "`f(*args)`, or its error in one line, as `awd serve` says it (no traceback)"
    try: return f(*args)
    except (ValueError, OSError) as e: sys.exit(f"apps/app.py: error: {e}")

host, port = _or_exit(serve_address, None, None) # before Gradio is imported: it reads $GRADIO_SERVER_PORT then
os.environ['GRADIO_SERVER_PORT'] = str(port)
from toolkit.app import start_app, launch, check_port
if __name__ == '__main__': _or_exit(check_port, host, port) # before the models load, as `awd serve` does

demo = _or_exit(start_app)

if __name__ == '__main__': launch(demo, host, port)
