"""Stage 3: translation rounds (protect -> split -> engine -> restore -> check -> retry) and the
persistent segment cache."""
