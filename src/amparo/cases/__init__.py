"""Cases: intake of a document, its case, decisions and workflow steps, whatever the law pack.

* :mod:`amparo.cases.intake`: store a document, open its case, record its first decision;
* :mod:`amparo.cases.reads`: one record through the access policy (an encounter, a case, a
  decision, a case's decisions, findings, notes, transitions, deadlines);
* :mod:`amparo.cases.lists`: pages of encounters, cases and deadlines (refused records absent);
* :mod:`amparo.cases.decisions`: screening under the case's pack, the one decision-row builder,
  legal clocks, findings that re-screen, new as-of decisions;
* :mod:`amparo.cases.steps`: the one transition/deadline builder, guarded transitions,
  supervisor concurrence, notes;
* :mod:`amparo.cases.stored`: a case loaded through the access check with its pack and
  workflow; the one stale-version check and the versioned update;
* :mod:`amparo.cases.views` and :mod:`amparo.cases.models`: the typed results the services
  return (the HTTP API answers with them);
* :mod:`amparo.cases.auditing`: the audit entries of reads, writes and refused reads.

The law packs come from the caller (a :class:`~amparo.engine.registry.PackRegistry` made at the
edge); nothing here names a pack or its summary keys.
"""
