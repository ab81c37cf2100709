"""A Space-style entry point: `python apps/app.py` here, or this file as a Hugging Face Space's `app.py` (with
`awd-toolkit` in its requirements). It builds the same app as `awd serve`: the models in $AWD_MODELS_DIR (default
`models`), training the missing defaults once with the `small` preset, plus any other classifier found there."""
import os
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
from toolkit.app import app_models, build_app

demo = build_app(app_models(os.environ.get('AWD_MODELS_DIR', 'models')))

if __name__ == '__main__':
    demo.launch(server_name=os.environ.get('GRADIO_SERVER_NAME', '127.0.0.1'),
                server_port=int(os.environ.get('GRADIO_SERVER_PORT', 7860)))
