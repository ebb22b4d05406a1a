"""``amparo demo``: the main job end to end on a realistic cohort, one module per step
(:mod:`amparo.demo.pipeline` runs them in order; ``docs/DEMO.md`` describes them)."""
