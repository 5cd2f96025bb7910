"""JupyterLab extension for reproducible fine-tuning-stability studies (DENI and its baselines).

The Python package only carries the prebuilt JupyterLab extension; the engine and the DENI
kernel are TypeScript (Node).
"""
try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only when running from a checkout that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_deni' outside a proper installation.")
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-deni"}]
