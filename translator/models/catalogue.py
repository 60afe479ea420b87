"""Models known to work with the pipeline (see models/README.md)."""

CATALOGUE = [
    {"id": "Helsinki-NLP/opus-mt-zh-en", "family": "marian",
     "notes": "default; 300 MB; FLORES-200 devtest BLEU 22.5 / chrF 52.2 (published)"},
    {"id": "facebook/nllb-200-distilled-600M", "family": "nllb",
     "notes": "needs --src-lang zho_Hans --tgt-lang eng_Latn (defaulted); 2.5 GB; non-commercial licence"},
    {"id": "facebook/m2m100_418M", "family": "m2m100", "notes": "needs --src-lang zh --tgt-lang en (defaulted); 1.9 GB"},
    {"id": "facebook/mbart-large-50-many-to-many-mmt", "family": "mbart50",
     "notes": "needs --src-lang zh_CN --tgt-lang en_XX (defaulted); 2.4 GB"},
]
