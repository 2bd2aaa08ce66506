"""The real backends and their fakes satisfy the Protocols the rest of the code is typed against."""
import inspect

from assistant import protocols
from assistant.generate.scripted import ScriptedGenerator, quote_first_passage
from assistant.index import open_index
from assistant.pipeline import Assistant
from assistant.retrieve import Retriever
from assistant.settings import Settings


def test_real_objects_satisfy_the_protocols(tmp_index, hashing_embedder):
    index = open_index(tmp_index)
    retriever = Retriever(index, hashing_embedder, Settings(embedder="hashing"))
    assert isinstance(hashing_embedder, protocols.Embedder)
    assert isinstance(ScriptedGenerator(quote_first_passage), protocols.Generator)
    assert isinstance(index, protocols.Index)
    assert isinstance(retriever, protocols.Retriever)
    assert not isinstance(object(), protocols.Retriever)


def test_the_assistant_answers_as_the_answerer_protocol_says():
    wanted = inspect.signature(protocols.Answerer.ask).parameters
    offered = inspect.signature(Assistant.ask).parameters
    assert list(wanted) == list(offered)[:len(wanted)]
    assert isinstance(inspect.getattr_static(Assistant, "retriever"), property)
