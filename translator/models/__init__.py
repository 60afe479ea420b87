"""Models behind ``translator models``: the local store and hub access (``store``), the catalogue of
models known to work (``catalogue``), the random-weight test model (``tiny``) and the CTranslate2
vocabulary shortlist (``vmap``)."""
