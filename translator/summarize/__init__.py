"""Stage 5: English summaries, each sentence traced to its source segment.

``extractive`` picks source sentences (section-aware TF-IDF centrality with MMR) and reuses their
translations; ``abstractive`` runs a summarisation model over the English. Both are handed a
``translate(texts)`` callable, so neither knows the pipeline.
"""
