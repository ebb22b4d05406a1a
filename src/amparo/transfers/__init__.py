"""Transfers within the partner's capacity: the planner, capacity data and cohort statistics.

* :mod:`~amparo.transfers.model`, :mod:`~amparo.transfers.loading` — the contract's CASES, CAPACITY
  and PLAN.json (``../shared/spec/contracts.md``, "Transfer planning").
* :mod:`~amparo.transfers.instance`, :mod:`~amparo.transfers.solve`, :mod:`~amparo.transfers.planner`
  — families, capacity rows, the LP relaxation, rounding and repair, the MIP (HiGHS, the
  ``transfers`` extra), the first-come baseline.
* :mod:`~amparo.transfers.potentials` — capacity prices for cases arriving between plans.
* :mod:`~amparo.transfers.synthetic` — the synthetic Guatemala 2019–2020 cohort and benchmark cohorts.
* :mod:`~amparo.transfers.cohorts` — filing-to-outcome by transfer-month cohort.

The planner is free of the store and of files.
"""
