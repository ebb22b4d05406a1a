"""The law engine, apart from any rule content.

- :mod:`amparo.engine.expr`: rule conditions as expressions over named facts (evaluable row by
  row here, and designed to compile to columnar expressions for batch re-screening).
- :mod:`amparo.engine.law`: instruments with their lifecycle, rules in default/exception form
  with dated versions, and the one "law as of date" lookup (:class:`LawBook`).
- :mod:`amparo.engine.trace`: the explanation trace recorded while a rule is evaluated.
"""
