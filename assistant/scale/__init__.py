"""Scale-out helpers (optional extra `scale`: ray[data], xllamacpp).

- `assistant.scale.ray_build.build_with_ray(sources, settings, name, address=None, num_workers=2)`:
  read -> chunk -> embed across Ray Data actors, write shards, merge into one index.
- `assistant.scale.server.LlamaServer.start(model)`: a local OpenAI-compatible llama.cpp server.

Nothing here is imported by the rest of the package unless asked for; see docs/SCALING.md.
"""
