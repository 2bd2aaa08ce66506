"""Private, fully local legal research assistant.

Data flow: corpus -> Documents -> Passages (chunking) -> index (FAISS + SQLite)
-> hybrid retrieval -> prompt -> local LM -> verified, cited Answer.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"


def __getattr__(name):  # lazy: importing the package must stay cheap
    if name == "Assistant":
        from assistant.pipeline import Assistant

        return Assistant
    raise AttributeError(name)
