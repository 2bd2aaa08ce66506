"""Adapters from the core to frameworks (LangChain). The core never imports these."""
