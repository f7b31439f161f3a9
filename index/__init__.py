"""Index: `Chunk`s in, `Hit`s out (embeddings in Chroma, BM25, fused hybrid search)."""
