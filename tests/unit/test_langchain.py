"""The LangChain adapters return the same passages as the retriever and verified answers."""
from assistant.generate.scripted import ScriptedGenerator
from assistant.integrations.langchain import LegalRetriever, make_chain
from assistant.pipeline import Assistant
from assistant.retrieve import Retriever
from assistant.settings import Settings


def make_assistant(tmp_index, hashing_embedder, reply):
    from assistant.index import open_index

    settings = Settings(home=tmp_index.parent, index=tmp_index.name, embedder="hashing", min_dense_score=-1.0,
                        audit_log=False)
    retriever = Retriever(open_index(tmp_index), hashing_embedder, settings)
    return Assistant(settings, retriever=retriever, generator=ScriptedGenerator(reply))


def test_retriever_adapter_matches_core_retriever(tmp_index, hashing_embedder):
    assistant = make_assistant(tmp_index, hashing_embedder, "x")
    docs = LegalRetriever(retriever=assistant.retriever, k=3).invoke("personal liberty")
    hits = assistant.retriever.search("personal liberty", k=3)
    assert [d.metadata["id"] for d in docs] == [h.passage.id for h in hits]
    assert docs[0].page_content == hits[0].passage.text and docs[0].metadata["cite"] == hits[0].passage.cite


def test_chain_answers_with_citations_to_retrieved_passages(tmp_index, hashing_embedder):
    def reply(messages):
        first = messages[-1]["content"].split("\n[1]", 1)[1].split("\n", 2)[1]
        return f"{first} [1]. Also see [9]."

    assistant = make_assistant(tmp_index, hashing_embedder, reply)
    result = make_chain(assistant).invoke({"question": "personal liberty"})
    retrieved = {p["id"] for p in result["passages"]}
    assert not result["refused"] and result["citations"]
    assert {c["passage_id"] for c in result["citations"]} <= retrieved
    assert all(c["n"] != 9 for c in result["citations"])
