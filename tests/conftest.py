import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# Property tests run the same examples on every machine: a red CI run is always reproducible.
settings.register_profile("course", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("course")
